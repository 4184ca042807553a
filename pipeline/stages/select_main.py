"""Stage ``select_main``: keep to the page's main content region.

The region is, in order of trust:

1. the prose core (the deepest element holding most of the page's running
   text) when it holds at least :data:`CORE_REGION_MIN_SHARE` of the page's
   characters and is not ``<body>`` itself: an article's body;
2. the elements the page marks as its main content (``<main>``,
   ``role=main``, ``itemprop=articleBody``);
3. a single ``<article>`` around the prose core.

Blocks outside the region are removed, as ``nav`` before it and ``footer``
after it (the headline that repeats the page's title as a duplicate of the
``title`` column), unless they read as prose: an introduction above the region or a
shop's description below its product grid is content more often than not,
and the later stages judge it in context.
"""

from __future__ import annotations

from pipeline.model import Block, Category, Doc, Element
from pipeline.segment.text import repeat_key
from pipeline.stages.layout import TITLE_COPY_RULE, is_prose, prose_core

#: A region holding less than this share of the page's characters is not
#: trusted to be the main content (a ``<main>`` around a hero banner only).
MIN_REGION_SHARE = 0.2
#: The prose core is the region when it holds at least this share of the
#: page's characters; a smaller core (the intro of a listing, one long review
#: under a product) leaves the rest of the content outside it.
CORE_REGION_MIN_SHARE = 0.5
#: A headline outside the region that repeats the page's title is not text:
#: it is the ``title`` column.
HEADLINE_TAGS = frozenset({"h1", "h2"})
#: A prose core this high up is the whole page: it says nothing about a region.
WHOLE_PAGE = frozenset({"html", "body"})


class SelectMain:
    """Remove the non-prose blocks outside the page's main content region."""

    name = "select_main"
    guarded = True

    def __call__(self, doc: Doc) -> Doc:
        region = main_region(doc.blocks)
        if not region:
            return doc
        seen: dict[int, bool] = {}
        inside = [b.element is not None and _inside(b.element, region, seen) for b in doc.blocks]
        if not any(inside):
            return doc
        first = inside.index(True)
        title = repeat_key(doc.title) if doc.title else None
        for i, block in enumerate(doc.blocks):
            if not block.kept or block.element is None or inside[i] or is_prose(block):
                continue
            if title and block.element.tag in HEADLINE_TAGS and repeat_key(block.text) == title:
                block.remove(Category.DUPLICATE, TITLE_COPY_RULE, "the page's headline, in the title column")
                continue
            category = Category.NAV if i < first else Category.FOOTER
            where = "before" if i < first else "after"
            block.remove(category, f"{category.value}.outside-main", f"{where} the main content region")
        return doc


def main_region(blocks: list[Block]) -> set[int]:
    """Ids of the elements that make up the page's main content region; empty when unsure."""
    top = next((b.element.ancestors()[-1] for b in blocks if b.element is not None), None)
    if top is None or not top.chars:
        return set()
    core = prose_core(blocks)
    if core and core[0].tag not in WHOLE_PAGE and core[0].chars >= CORE_REGION_MIN_SHARE * top.chars:
        return {id(core[0])}
    landmarks = {id(e): e for b in blocks if b.element for e in b.element.ancestors() if e.landmark}
    outermost = [e for e in landmarks.values() if not any(id(a) in landmarks for a in e.ancestors()[1:])]
    if sum(e.chars for e in outermost) >= MIN_REGION_SHARE * top.chars:
        return {id(e) for e in outermost}
    articles = [e for e in core if e.tag == "article"]
    if articles and articles[0].chars >= MIN_REGION_SHARE * top.chars:
        return {id(articles[0])}
    return set()


def _inside(element: Element, region: set[int], seen: dict[int, bool]) -> bool:
    """Whether ``element`` lies in the region (answers remembered per element in ``seen``)."""
    chain: list[Element] = []
    node: Element | None = element
    answer = False
    while node is not None:
        if id(node) in seen:
            answer = seen[id(node)]
            break
        chain.append(node)
        if id(node) in region:
            answer = True
            break
        node = node.parent
    for visited in chain:
        seen[id(visited)] = answer
    return answer
