"""Stage ``strip_author_box``: the author box after an article.

An author box is a bio paragraph that opens with a person's name and a
verb of biography ("Jane Doe is a writer...", "Eric Ruiz, a licensed CPA,
specializes in..."), in the page's tail (after most of the main text),
under a short line that names the same person; the box runs from that name
line to the bio (role, avatar, social links in between). A bio an
``author_bio`` rule already removed anchors its box just the same. Without
the name line, a paragraph about a person is content, and so is one inside
the element that holds an HTML page's prose (an item of a listicle: "Khan
Academy is ...").
"""

from __future__ import annotations

import re

from pipeline.model import Block, Category, Doc, Element
from pipeline.stages.layout import prose_core, share_before

#: A bio paragraph has at least this many words.
BIO_MIN_WORDS = 12
#: Share of the page's kept words that must lie before the box: a bio in the
#: body of an article (a profile, an interview) is content.
TAIL_MIN_SHARE = 0.7
#: How many blocks above the bio are searched for the name line.
NAME_LOOKBACK = 5
NAME_LINE_MAX_WORDS = 8
#: Name parts shorter than this ("Mr", "de") do not identify a person.
MIN_NAME_CHARS = 3
WORD = re.compile(r"\w+")
NAME_TOKEN = r"(?:[A-ZÀ-Ý][\w'’.-]+|\([A-ZÀ-Ý][\w'’.-]+\))"
NOT_A_NAME = r"(?!(?:The|A|An|This|That|These|Our|My|Your|Their|Its|His|Her|We|It)\b)"
BIO_START = re.compile(
    rf"^{NOT_A_NAME}(?P<name>{NAME_TOKEN}(?:\s+{NAME_TOKEN}){{1,3}})"
    r"(?:\s+(?:is|was|has|had|leads|joined|serves|works|writes|covers|specializes|specialises|graduated|"
    r"holds|brings|helps|founded|co-founded|studied|earned|teaches|lives|loves|grew up|began|started|"
    r"became|enjoys|spent|currently)\b|,\s+(?:a|an|the|who|CEO|CTO|founder|co-founder)\b)"
)
RULE_ID = "author_bio.name-and-bio"


class StripAuthorBox:
    """Remove a bio paragraph about a named person, and its name lines, in the page's tail."""

    name = "strip_author_box"
    guarded = True

    def __call__(self, doc: Doc) -> Doc:
        blocks = doc.blocks
        core = prose_core(blocks)
        for i, share in enumerate(share_before(blocks)):
            if _could_be_bio(blocks[i]) and share >= TAIL_MIN_SHARE and not _in_core(blocks[i], core):
                found = BIO_START.match(blocks[i].text)
                if found:
                    _remove_box(blocks, i, found["name"])
        return doc


def _in_core(block: Block, core: list[Element]) -> bool:
    """Whether an HTML block lies inside the element that holds the page's prose."""
    return bool(core) and block.element is not None and core[0] in block.element.ancestors()


def _could_be_bio(block: Block) -> bool:
    if block.features is None or block.features.words < BIO_MIN_WORDS:
        return False
    return block.kept or block.category is Category.AUTHOR_BIO


def _remove_box(blocks: list[Block], bio: int, name: str) -> None:
    """Remove the bio and the short lines above it back to the farthest one naming the person."""
    names = {t.strip("()").casefold() for t in name.split() if len(t.strip("()")) >= MIN_NAME_CHARS}
    start = None
    for j in range(bio - 1, max(-1, bio - 1 - NAME_LOOKBACK), -1):
        features = blocks[j].features
        if features is None or features.words > NAME_LINE_MAX_WORDS:
            break
        if names & {t.casefold() for t in WORD.findall(blocks[j].text)}:
            start = j
    if start is None:
        return
    for block in blocks[start : bio + 1]:
        block.remove(Category.AUTHOR_BIO, RULE_ID, f"bio of {name!r} under its name line")
