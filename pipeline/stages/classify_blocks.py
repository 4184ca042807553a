"""Stage ``classify_blocks``: decide the blocks no rule named, from their neighbours.

Two passes, as jusText does for paragraphs (Pomikálek 2011), on lines:

1. Each block is classed on its own: ``bad`` (already removed, an item of a
   long run of short lines), ``good`` (prose: long, ends like a sentence,
   mostly lowercase), ``neargood`` (a sentence or a long line), ``short``,
   or ``inline`` (a placeholder, or a widget a rule removed, that sits inside
   content as often as outside it: transparent to the next pass). On a page
   with little prose, near-good blocks count as good.
2. Short blocks take the class of the nearest good or bad blocks around them
   (a heading or list item between paragraphs is content; a link between
   menu items is not), then near-good blocks do the same. The page edges
   count as bad.

The headline just above the first prose block is kept as the page's title
(and its copies there removed as duplicates). Blocks classed bad are
removed. Their category comes from the boilerplate around them: the nearest
block a rule removed in the same run of bad blocks (a headline under "Latest
headlines" is ``related``), else ``nav`` before the main text, ``footer``
after it and ``low_quality`` in between. Placeholders go as ``empty``.
"""

from __future__ import annotations

from enum import Enum

from pipeline.model import Block, Category, Doc
from pipeline.segment.text import repeat_key
from pipeline.stages.layout import TITLE_COPY_RULE

#: Prose: at least this many words, ending like a sentence (or twice as long).
#: jusText's 200 characters of a paragraph are about 30 words; lines of text
#: dumps split paragraphs less, so fewer words make a good line.
GOOD_MIN_WORDS = 15
#: A line this long, or a sentence of ``SENTENCE_MIN_WORDS``, is near-good.
NEARGOOD_MIN_WORDS = 8
SENTENCE_MIN_WORDS = 4
#: Prose is mostly lowercase: above this share of capitalised words a long
#: line is a list of names or titles, not prose.
GOOD_MAX_CAPITALISED = 0.6
#: Items of a run of this many short lines are menu entries (8% of such lines
#: are main text on the development benchmark).
MENU_RUN = 10
MENU_ITEM_MAX_WORDS = 6
#: The title is searched this many blocks above the first prose block
#: (past bylines, dates and share buttons).
TITLE_LOOKBACK = 5
TITLE_MIN_WORDS, TITLE_MAX_WORDS = 3, 25
#: A page whose prose is less than this share of its kept words has little
#: prose (a shop, a listing, a landing page): its sentences and long lines
#: anchor the context pass instead. A quarter: on the development benchmark
#: lower values lose the lists of such pages, higher ones let menus in.
LITTLE_PROSE_SHARE = 0.25
#: The same for HTML pages, whose blocks are finer (a table cell, a label, a
#: price is a block of its own), so prose is a smaller share of their words.
LITTLE_PROSE_SHARE_HTML = 0.35
PLACEHOLDER_RULE = "empty.placeholder"
#: Removals that sit inside content as often as outside it (a button under
#: each product, a byline under each headline of a listing): transparent to
#: the context pass.
INLINE_CATEGORIES = frozenset({Category.UI, Category.BYLINE})


class Class(Enum):
    """Classes of the two passes, as jusText names them, and ``inline`` for
    removed widgets that sit inside content and say nothing about their
    surroundings."""

    INLINE = "inline"
    BAD = "bad"
    SHORT = "short"
    NEARGOOD = "neargood"
    GOOD = "good"


class ClassifyBlocks:
    """Remove the blocks classed bad after the context pass."""

    name = "classify_blocks"
    guarded = True

    def __call__(self, doc: Doc) -> Doc:
        blocks = doc.blocks
        removed_before = [not b.kept for b in blocks]
        share = LITTLE_PROSE_SHARE_HTML if doc.page_kind == "html" else LITTLE_PROSE_SHARE
        initial = anchor_short_pages([initial_class(b) for b in blocks], blocks, share)
        final = revise(initial)
        good = [i for i, c in enumerate(final) if c is Class.GOOD]
        first_good, last_good = (good[0], good[-1]) if good else (len(blocks), -1)
        first_prose = next((i for i, c in enumerate(initial) if c is Class.GOOD), len(blocks))
        title = find_title(blocks, first_prose)
        if title is not None:
            final[title] = Class.GOOD
            doc.title = doc.title or blocks[title].text
            _remove_title_copies(blocks, title, first_prose)
        sources = _context_sources(blocks, removed_before, final)
        for i, block in enumerate(blocks):
            if block.kept and block.features is not None and block.features.markup_only:
                block.remove(Category.EMPTY, PLACEHOLDER_RULE, "only image or form placeholders")
            elif final[i] is Class.BAD and block.kept:
                category, why = _category_from_context(sources[i], i, (first_good, last_good))
                detail = f"{initial[i].value} line among boilerplate; {why}"
                block.remove(category, f"{category.value}.among-boilerplate", detail)
        return doc


def initial_class(block: Block) -> Class:
    """The class of a block judged on its own."""
    f = block.features
    if (not block.kept and block.category in INLINE_CATEGORIES) or (f is not None and f.markup_only):
        return Class.INLINE
    if not block.kept or f is None:
        return Class.BAD
    if f.short_run >= MENU_RUN and f.words <= MENU_ITEM_MAX_WORDS:
        return Class.BAD
    prose_length = f.ends_sentence or f.words >= 2 * GOOD_MIN_WORDS
    if f.words >= GOOD_MIN_WORDS and prose_length and f.capitalised <= GOOD_MAX_CAPITALISED:
        return Class.GOOD
    if f.words >= NEARGOOD_MIN_WORDS or (f.ends_sentence and f.words >= SENTENCE_MIN_WORDS):
        return Class.NEARGOOD
    return Class.SHORT


def find_title(blocks: list[Block], first_prose: int) -> int | None:
    """The earliest copy of the headline-like block nearest above the first prose block."""
    window = range(first_prose - 1, max(-1, first_prose - 1 - TITLE_LOOKBACK), -1)
    for i in window:
        if _is_headline(blocks[i]):
            key = repeat_key(blocks[i].text)
            copies = [j for j in window if blocks[j].kept and repeat_key(blocks[j].text) == key]
            return min(copies)
    return None


def _is_headline(block: Block) -> bool:
    f = block.features
    if not block.kept or f is None or f.bullet:
        return False
    if not TITLE_MIN_WORDS <= f.words <= TITLE_MAX_WORDS:
        return False
    return not f.ends_sentence or block.text.endswith(("?", "!"))


def _remove_title_copies(blocks: list[Block], title: int, first_prose: int) -> None:
    key = repeat_key(blocks[title].text)
    for block in blocks[title + 1 : first_prose]:
        if block.kept and repeat_key(block.text) == key:
            block.remove(Category.DUPLICATE, TITLE_COPY_RULE, f"repeats the title, block {title}")


def anchor_short_pages(
    classes: list[Class], blocks: list[Block], little_prose_share: float = LITTLE_PROSE_SHARE
) -> list[Class]:
    """On a page with little prose (a shop, a listing), near-good blocks are its anchors."""
    words = [b.features.words if b.features else 0 for b in blocks]
    prose = sum(w for w, c in zip(words, classes, strict=True) if c is Class.GOOD)
    kept = sum(w for w, b in zip(words, blocks, strict=True) if b.kept)
    if prose >= little_prose_share * kept:
        return classes
    return [Class.GOOD if c is Class.NEARGOOD else c for c in classes]


def revise(initial: list[Class]) -> list[Class]:
    """The context pass: short, then near-good blocks take their neighbours' class."""
    classes = list(initial)
    before, after = _neighbours(classes, {Class.BAD, Class.GOOD})
    before_near, after_near = _neighbours(classes, {Class.BAD, Class.GOOD, Class.NEARGOOD})
    for i, c in enumerate(initial):
        if c is Class.SHORT:
            # Between good and bad: content when a near-good block sits on the bad side.
            near_bad_side = before_near[i] if before[i] is Class.BAD else after_near[i]
            if before[i] is after[i]:
                classes[i] = before[i]
            else:
                classes[i] = Class.GOOD if near_bad_side is Class.NEARGOOD else Class.BAD
    before, after = _neighbours(classes, {Class.BAD, Class.GOOD})
    return [
        (Class.BAD if before[i] is Class.BAD and after[i] is Class.BAD else Class.GOOD)
        if c is Class.NEARGOOD
        else c
        for i, c in enumerate(classes)
    ]


def _neighbours(classes: list[Class], accepted: set[Class]) -> tuple[list[Class], list[Class]]:
    """For every block, the class of the nearest accepted block before it and after it
    (the page edges count as bad): two linear passes, whatever runs of other blocks lie between."""
    before: list[Class] = []
    last = Class.BAD
    for c in classes:
        before.append(last)
        if c in accepted:
            last = c
    after: list[Class] = []
    last = Class.BAD
    for c in reversed(classes):
        after.append(last)
        if c in accepted:
            last = c
    after.reverse()
    return before, after


def _context_sources(
    blocks: list[Block], removed_before: list[bool], final: list[Class]
) -> list[Block | None]:
    """For every block, the nearest block an earlier stage removed in its run of bad blocks
    (looking back first, then ahead); widgets inside the run are looked through."""
    n = len(blocks)
    nearest: list[list[int | None]] = [[None] * n, [None] * n]
    for side, order in enumerate((range(n), range(n - 1, -1, -1))):
        last: int | None = None
        for j in order:
            if final[j] not in (Class.BAD, Class.INLINE):
                last = None
                continue
            nearest[side][j] = last
            if final[j] is Class.BAD and removed_before[j] and blocks[j].category is not None:
                last = j
    return [
        blocks[before] if before is not None else blocks[after] if after is not None else None
        for before, after in zip(*nearest, strict=True)
    ]


def _category_from_context(source: Block | None, i: int, good_span: tuple[int, int]) -> tuple[Category, str]:
    """The category of the boilerplate around block ``i``, or of its place in the page."""
    if source is not None and source.category is not None:
        return source.category, f"like block {source.index} ({source.rule_id})"
    first_good, last_good = good_span
    if i < first_good:
        return Category.NAV, "before the main text"
    if i > last_good:
        return Category.FOOTER, "after the main text"
    return Category.LOW_QUALITY, "inside the main text"
