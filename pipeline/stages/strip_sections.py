"""Stage ``strip_sections``: cut the page at a section heading that follows the main text.

A rule with ``section = true`` ("Related posts", "About the author",
"Comments") marks a heading. When most of the page's main text lies before
it, the heading opens the page's tail: every block after it goes, with the
heading's category, until another section heading takes over. A heading
above most of the main text (a sidebar list, a "Latest" listing that is the
page itself) removes only its own line, and so does a bulleted one: that is
an item of a menu, not the heading of a section.
"""

from __future__ import annotations

from pipeline.model import Block, Doc
from pipeline.rules import RuleSet
from pipeline.stages.layout import share_before
from pipeline.stages.strip_rules import StripRules

#: Share of the page's kept words that must lie before a section heading for
#: it to open the tail. Half: on the development benchmark lower values cut
#: listings after their first items, higher ones keep comment threads.
TAIL_MIN_SHARE = 0.5


class StripSections:
    """Remove the tail of the page from the first section heading after the main text."""

    name = "strip_sections"
    guarded = True

    def __init__(self, rules: RuleSet) -> None:
        self.section_rules = {rule.id: rule for rule in rules.rules if rule.section}

    def __call__(self, doc: Doc) -> Doc:
        heading: Block | None = None
        for block, share in zip(doc.blocks, share_before(doc.blocks), strict=True):
            if self._is_heading(block):
                if heading is not None or share >= TAIL_MIN_SHARE:
                    heading = block
            elif heading is not None:
                rule = self.section_rules[heading.rule_id or ""]
                block.remove(rule.category, rule.id, f"in the section headed {heading.text[:40]!r}")
        return doc

    def _is_heading(self, block: Block) -> bool:
        bulleted = block.features is not None and bool(block.features.bullet)
        return block.rule_id in self.section_rules and block.stage == StripRules.name and not bulleted
