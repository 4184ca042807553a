"""Stage ``strip_sections``: a section heading takes the blocks under it along.

A rule with ``section = true`` ("Related posts", "About the author",
"Comments") marks a heading; the blocks that follow belong to that section
until the next section heading, or until the main text resumes (two prose
paragraphs in a row), so a sidebar list before an article does not swallow
the article.
"""

from __future__ import annotations

from pipeline.model import Block, Doc
from pipeline.rules import RuleSet

#: A prose paragraph has at least this many words and ends like a sentence.
PROSE_MIN_WORDS = 20


class StripSections:
    """Extend every section heading's removal over the blocks of its section."""

    name = "strip_sections"
    guarded = True

    def __init__(self, rules: RuleSet) -> None:
        self.section_rules = {rule.id: rule for rule in rules.rules if rule.section}

    def __call__(self, doc: Doc) -> Doc:
        heading: Block | None = None
        blocks = doc.blocks
        for i, block in enumerate(blocks):
            if block.rule_id in self.section_rules and block.stage == "strip_rules":
                heading = block
                continue
            if heading is None or not block.kept:
                continue
            if _is_prose(block) and i + 1 < len(blocks) and _is_prose(blocks[i + 1]):
                heading = None
                continue
            rule = self.section_rules[heading.rule_id or ""]
            block.remove(
                rule.category, rule.id, f"in section headed {heading.text[:40]!r} (block {heading.index})"
            )
        return doc


def _is_prose(block: Block) -> bool:
    features = block.features
    return features is not None and features.words >= PROSE_MIN_WORDS and features.ends_sentence
