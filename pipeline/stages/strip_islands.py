"""Stage ``strip_islands``: small islands of text stranded after the main text.

After the context pass, the kept blocks form islands separated by removed
ones. The heaviest island (most words) is the main text. An island after it
that is cut off by a run of boilerplate and holds a small fraction of its
words is a site blurb, a disclaimer or a teaser of the footer, not the tail
of the article. Islands before the main text stay: titles and intros sit
there.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.model import Block, Category, Doc
from pipeline.spans import true_runs
from pipeline.stages.classify_blocks import INLINE_CATEGORIES
from pipeline.stages.layout import kept_words

#: Removed blocks between two islands for them to count as cut off from
#: each other (widgets inside content, such as buttons, do not count).
MIN_GAP = 5
#: An island after the main text holding less than this share of its words
#: is stranded.
MAX_SHARE = 0.1
RULE_ID = "footer.stranded-island"


@dataclass(slots=True)
class Island:
    """A run of kept blocks: where it starts and ends (exclusive) and its words."""

    start: int
    end: int
    words: int


class StripIslands:
    """Remove small islands of text cut off after the main text."""

    name = "strip_islands"
    guarded = True

    def __call__(self, doc: Doc) -> Doc:
        islands = find_islands(doc.blocks)
        if not islands:
            return doc
        main = max(islands, key=lambda island: island.words)
        last_end = main.end
        for island in islands[islands.index(main) + 1 :]:
            gap = _gap(doc.blocks, last_end, island.start)
            if gap >= MIN_GAP and island.words < MAX_SHARE * main.words:
                detail = f"{island.words} words after {gap} removed blocks; the main text has {main.words}"
                for block in doc.blocks[island.start : island.end]:
                    block.remove(Category.FOOTER, RULE_ID, detail)
            else:
                last_end = island.end
        return doc


def find_islands(blocks: list[Block]) -> list[Island]:
    """Runs of kept blocks; removed widgets inside content do not split a run."""
    islands = []
    for run_start, end in true_runs([b.kept or _is_inline(b) for b in blocks]):
        kept = [i for i in range(run_start, end) if blocks[i].kept]
        if kept:  # an island starts with a kept block
            islands.append(Island(kept[0], end, sum(kept_words(blocks[i]) for i in kept)))
    return islands


def _gap(blocks: list[Block], start: int, end: int) -> int:
    return sum(1 for b in blocks[start:end] if not b.kept and not _is_inline(b))


def _is_inline(block: Block) -> bool:
    return not block.kept and block.category in INLINE_CATEGORIES
