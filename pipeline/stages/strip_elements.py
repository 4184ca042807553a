"""Stage ``strip_elements``: remove the containers that element rules name.

Every HTML block sits in a chain of elements. The innermost element of the
chain that an element rule names (a ``<nav>``, an ``<aside>`` outside the
article, a ``div`` whose class says ``related-posts``) removes the block,
with the rule's category and id and what named the element as detail. So a
newsletter form inside a sidebar is ``newsletter``, the rest of the sidebar
``sidebar``.

Two guards keep a misleading class name from taking the page: an element
that holds the page's main landmark (``<main>``, ``role=main``, an
``itemprop=articleBody``) is never removed as a whole, nor is one that holds
more than :data:`MAX_ELEMENT_SHARE` of the page's text (``<body
class="has-sidebar">``, a wrapper ``div id="sidebar-layout"``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pipeline.model import Doc, Element
from pipeline.rules import Rule, RuleSet
from pipeline.stages.layout import prose_core

#: An element holding more than this share of the page's characters is not
#: removed by an element rule: boilerplate that large is rarer than a
#: wrapper whose class name misleads.
MAX_ELEMENT_SHARE = 0.5

#: Elements whose class names describe the page, not a part of it (WordPress
#: puts ``category-cookies`` on the ``<article>`` of a post filed under cookies
#: and ``has-sidebar`` on ``<body>``): rules name the elements inside them.
NEVER_NAMED = frozenset({"html", "body", "main", "article"})

Verdict = tuple[Rule, str] | None


class StripElements:
    """Mark every block inside an element that an element rule names."""

    name = "strip_elements"
    guarded = True

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        first = next((b.element for b in doc.blocks if b.element is not None), None)
        if first is None:
            return doc
        page_chars = first.ancestors()[-1].chars
        host = urlsplit(doc.url).hostname if doc.url else None
        verdicts: dict[int, Verdict] = {id(e): None for e in prose_core(doc.blocks)}
        for block in doc.blocks:
            if block.kept and block.element is not None:
                verdict = self._verdict(block.element, page_chars, host, verdicts)
                if verdict is not None:
                    rule, detail = verdict
                    block.remove(rule.category, rule.id, detail)
        return doc

    def _verdict(
        self, element: Element, page_chars: int, host: str | None, seen: dict[int, Verdict]
    ) -> Verdict:
        """The innermost rule naming ``element`` or an element around it (remembered per element)."""
        chain: list[Element] = []
        node: Element | None = element
        verdict: Verdict = None
        while node is not None:
            if id(node) in seen:
                verdict = seen[id(node)]
                break
            chain.append(node)
            if node.holds_main or node.chars > MAX_ELEMENT_SHARE * page_chars:
                break
            if node.tag not in NEVER_NAMED:
                verdict = self.rules.element_match(node, host)
                if verdict is not None:
                    break
            node = node.parent
        for visited in chain:
            seen[id(visited)] = verdict
        return verdict
