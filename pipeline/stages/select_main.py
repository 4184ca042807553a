"""Stage ``select_main``: keep to the page's main content region when it marks one.

A page that marks its main content (``<main>``, ``role=main``,
``itemprop=articleBody``), or whose prose sits in a single ``<article>``,
says where its content is. Blocks outside that region are removed, as
``nav`` before it and ``footer`` after it, unless they read as prose: an
introduction above the region or a shop's description below its product grid
is content more often than not, and the later stages judge it in context.
"""

from __future__ import annotations

from pipeline.model import Block, Category, Doc, Element
from pipeline.stages.layout import is_prose, prose_core

#: A region holding less than this share of the page's characters is not
#: trusted to be the main content (a ``<main>`` around a hero banner only).
MIN_REGION_SHARE = 0.2


class SelectMain:
    """Remove the blocks outside the page's marked main content."""

    name = "select_main"
    guarded = True

    def __call__(self, doc: Doc) -> Doc:
        region = main_region(doc.blocks)
        if not region:
            return doc
        inside = [b.element is not None and _inside(b.element, region) for b in doc.blocks]
        if not any(inside):
            return doc
        first = inside.index(True)
        for i, block in enumerate(doc.blocks):
            if block.kept and block.element is not None and not inside[i] and not is_prose(block):
                category = Category.NAV if i < first else Category.FOOTER
                where = "before" if i < first else "after"
                block.remove(category, f"{category.value}.outside-main", f"{where} the main content region")
        return doc


def main_region(blocks: list[Block]) -> set[int]:
    """Ids of the elements that make up the page's marked main content, if it marks one."""
    top = next((b.element.ancestors()[-1] for b in blocks if b.element is not None), None)
    if top is None or not top.chars:
        return set()
    landmarks = {id(e): e for b in blocks if b.element for e in b.element.ancestors() if e.landmark}
    outermost = [e for e in landmarks.values() if not any(id(a) in landmarks for a in e.ancestors()[1:])]
    if sum(e.chars for e in outermost) >= MIN_REGION_SHARE * top.chars:
        return {id(e) for e in outermost}
    articles = [e for e in prose_core(blocks) if e.tag == "article"]
    if articles and articles[0].chars >= MIN_REGION_SHARE * top.chars:
        return {id(articles[0])}
    return set()


def _inside(element: Element, region: set[int]) -> bool:
    return any(id(e) in region for e in element.ancestors())
