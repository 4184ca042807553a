"""Stage ``strip_rules``: remove blocks that a declarative rule in ``rules/`` matches."""

from __future__ import annotations

from urllib.parse import urlsplit

from pipeline.model import Doc
from pipeline.rules import RuleSet, normalise

#: Characters of the matched text quoted in a removal's detail.
DETAIL_QUOTE_CHARS = 40


class StripRules:
    """Mark every kept block that a rule matches with the rule's category and id."""

    name = "strip_rules"
    guarded = False  # a rule names what it removes; a page may be all boilerplate

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        host = urlsplit(doc.url).hostname if doc.url else None
        for block in doc.blocks:
            if not block.kept or block.features is None:
                continue
            text = normalise(block.text)
            rule = self.rules.first_match(text, block.features.words, host)
            if rule is not None:
                found = rule.pattern.search(text) if rule.pattern is not None else None
                quoted = found.group()[:DETAIL_QUOTE_CHARS] if found else ""
                block.remove(rule.category, rule.id, f"text matched {quoted!r}")
        return doc
