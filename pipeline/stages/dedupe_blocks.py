"""Stage ``dedupe_blocks``: a block repeated within the page is kept once, first time.

Repeated titles, captions printed twice, teaser paragraphs shown again.
Only kept blocks count, so a text that first appears in a menu already
removed is kept where it appears in the content.
"""

from __future__ import annotations

from pipeline.model import Category, Doc

#: Blocks shorter than this many words are not deduplicated: short repeats
#: ("Reply", "Read more", a price) are common in real content and cheap.
MIN_WORDS = 4
RULE_ID = "duplicate.repeated-block"


class DedupeBlocks:
    """Mark later copies of a kept block as ``duplicate``."""

    name = "dedupe_blocks"
    guarded = True

    def __call__(self, doc: Doc) -> Doc:
        first_seen: dict[str, int] = {}
        for block in doc.blocks:
            if not block.kept or block.features is None or block.features.words < MIN_WORDS:
                continue
            key = block.features.repeat_key
            if key in first_seen:
                block.remove(Category.DUPLICATE, RULE_ID, f"repeats block {first_seen[key]}")
            else:
                first_seen[key] = block.index
        return doc
