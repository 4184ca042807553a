"""Page layout measures that several stages share."""

from __future__ import annotations

from pipeline.model import Block, Element


def kept_words(block: Block) -> int:
    """Words of a block that is still kept, else 0."""
    return block.features.words if block.kept and block.features else 0


def share_before(blocks: list[Block]) -> list[float]:
    """For every block, the share of the page's kept words that lie before it."""
    total = sum(kept_words(b) for b in blocks)
    shares: list[float] = []
    seen = 0
    for block in blocks:
        shares.append(seen / total if total else 0.0)
        seen += kept_words(block)
    return shares


#: The rule id of a block that repeats the page's title (the ``title`` column holds it).
TITLE_COPY_RULE = "duplicate.title-copy"

#: A prose block: at least this many words, ending like a sentence, few of
#: them in links. Paragraphs of an article or a post, rarely menu or widget text.
PROSE_MIN_WORDS = 12
PROSE_MAX_LINK_DENSITY = 0.3
#: The prose core is the deepest element holding more than this share of the page's prose.
CORE_PROSE_SHARE = 0.8


def is_prose(block: Block) -> bool:
    """Whether a block reads like a paragraph of running text."""
    f = block.features
    return (
        f is not None
        and f.words >= PROSE_MIN_WORDS
        and f.ends_sentence
        and f.link_density <= PROSE_MAX_LINK_DENSITY
    )


def prose_core(blocks: list[Block]) -> list[Element]:
    """The deepest element holding most of the page's prose, and every element around it.

    Empty when the page has no prose blocks (a shop page, a gallery). It
    depends on the segmentation only, so several stages share one answer per page.
    """
    if _last_core and _last_core[0][0] is blocks:
        return _last_core[0][1]
    core = _find_prose_core(blocks)
    _last_core[:] = [(blocks, core)]
    return core


#: The last page's blocks and prose core (holding the list keeps its identity unique).
_last_core: list[tuple[list[Block], list[Element]]] = []


def _find_prose_core(blocks: list[Block]) -> list[Element]:
    prose: dict[int, int] = {}  # characters of prose under each element, by id
    by_depth: dict[int, list[Element]] = {}
    for block in blocks:
        element = block.element
        if element is None or not is_prose(block):
            continue
        if id(element) not in prose:
            prose[id(element)] = 0
            by_depth.setdefault(element.depth, []).append(element)
        prose[id(element)] += block.features.chars if block.features else 0
    if not by_depth:
        return []
    total = sum(prose.values())
    # Add each element's prose to its parent's, deepest first: every element is visited once.
    for depth in range(max(by_depth), 0, -1):
        for element in by_depth.get(depth, []):
            parent = element.parent
            if parent is None:
                continue
            if id(parent) not in prose:
                prose[id(parent)] = 0
                by_depth.setdefault(depth - 1, []).append(parent)
            prose[id(parent)] += prose[id(element)]
    for depth in range(max(by_depth), -1, -1):
        for element in by_depth.get(depth, []):
            if prose[id(element)] > CORE_PROSE_SHARE * total:
                return element.ancestors()
    return []
