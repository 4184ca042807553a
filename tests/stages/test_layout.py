"""Layout measures shared by stages: kept words and the share of them before each block."""

from __future__ import annotations

import pytest

from pipeline.model import Block, Category
from pipeline.segment.text import segment_text
from pipeline.stages.layout import kept_words, share_before


def blocks_of(*lines: str) -> list[Block]:
    return segment_text("\n".join(lines))


def test_kept_words_counts_only_kept_blocks() -> None:
    block = blocks_of("three little words")[0]
    assert kept_words(block) == 3
    block.remove(Category.NAV, "nav.site-link", "d")
    assert kept_words(block) == 0
    assert kept_words(Block(0, "no features")) == 0


def test_share_before_is_the_share_of_kept_words_above_each_block() -> None:
    blocks = blocks_of("one two", "three four five six", "seven eight")
    assert share_before(blocks) == pytest.approx([0.0, 2 / 8, 6 / 8])


def test_removed_blocks_do_not_count() -> None:
    blocks = blocks_of("Home About Contact Blog Shop Help", "one two", "three four")
    blocks[0].remove(Category.NAV, "nav.site-link", "d")
    assert share_before(blocks) == pytest.approx([0.0, 0.0, 0.5])


def test_share_before_is_monotonic_and_below_one() -> None:
    blocks = blocks_of(*(f"line number {i} of the page" for i in range(20)))
    shares = share_before(blocks)
    assert shares == sorted(shares)
    assert shares[0] >= 0.0 and shares[-1] < 1.0


def test_empty_and_all_removed_pages_give_zeros() -> None:
    assert share_before([]) == []
    blocks = blocks_of("Home", "About")
    for block in blocks:
        block.remove(Category.NAV, "nav.site-link", "d")
    assert share_before(blocks) == [0.0, 0.0]
