"""Layout measures shared by stages: kept words, the share of them before each block, prose and its core."""

from __future__ import annotations

import pytest

from pipeline.model import Block, Category
from pipeline.segment.html import segment_html
from pipeline.segment.text import segment_text
from pipeline.stages import layout
from pipeline.stages.layout import is_prose, kept_words, prose_core, share_before


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


# Prose blocks and the prose core of an HTML page

#: Twelve words ending like a sentence: the shortest prose a block can be.
TWELVE = "The ferry will leave the north pier at six every winter evening."


def html_blocks(markup: str) -> list[Block]:
    return segment_html(markup)[0]


def test_prose_is_long_enough_ends_a_sentence_and_is_mostly_not_links() -> None:
    assert len(TWELVE.split()) == layout.PROSE_MIN_WORDS
    eleven = TWELVE.replace("every ", "")
    blocks = html_blocks(
        f"<p>{TWELVE}</p><p>{eleven}</p><p>{TWELVE[:-1]}</p><li><a href='/'>{TWELVE}</a></li>"
    )
    assert [is_prose(b) for b in blocks] == [True, False, False, False]
    assert is_prose(blocks_of(TWELVE)[0])  # a line of a text dump reads as prose too
    assert not is_prose(Block(0, TWELVE))  # no features, nothing to judge


@pytest.mark.parametrize(("density", "prose"), [(0.0, True), (0.3, True), (0.31, False), (1.0, False)])
def test_prose_allows_a_few_links(density: float, prose: bool) -> None:
    block = blocks_of(TWELVE)[0]
    assert block.features is not None
    block.features.link_density = density
    assert is_prose(block) is prose


def test_a_sentence_with_one_link_is_prose() -> None:
    block = html_blocks(f"<p>{TWELVE[:-1]}, says <a href='/op'>the operator</a>.</p>")[0]
    assert block.features is not None and 0 < block.features.link_density <= layout.PROSE_MAX_LINK_DENSITY
    assert is_prose(block)


PARAGRAPH = (
    "Commuters who work late shifts at the fish market say the change leaves them with a long walk "
    "around the bay, and their petition has gathered four hundred names."
)


def core_tags(blocks: list[Block]) -> list[str]:
    return [e.describe() for e in prose_core(blocks)]


def sectioned_page(in_entry: int, in_aside: int) -> str:
    """Paragraphs of equal length: ``in_entry`` in the article's body, ``in_aside`` beside it."""
    return (
        "<html><body><header><p>Harbour Gazette</p></header>"
        "<div class='page'><article><h1>Ferry cuts</h1><div class='entry-content'>"
        + f"<p>{PARAGRAPH}</p>" * in_entry
        + "</div></article><aside>"
        + f"<p>{PARAGRAPH}</p>" * in_aside
        + "</aside></div></body></html>"
    )


def test_the_prose_core_is_the_deepest_element_holding_more_than_four_fifths_of_the_prose() -> None:
    # Five paragraphs of six: 83% of the prose.
    assert layout.CORE_PROSE_SHARE < 5 / 6
    blocks = html_blocks(sectioned_page(5, 1))
    assert core_tags(blocks) == ["div.entry.content", "article", "div.page", "body", "html"]


def test_exactly_four_fifths_is_not_enough() -> None:
    # Four paragraphs of five: the body holds exactly 80%, so the core is the element around it.
    assert layout.CORE_PROSE_SHARE == 4 / 5
    assert core_tags(html_blocks(sectioned_page(4, 1)))[0] == "div.page"
    # Three of four (75%) was the core under the old share of a half; no longer.
    assert core_tags(html_blocks(sectioned_page(3, 1)))[0] == "div.page"


def test_a_sectioned_article_has_the_whole_article_as_its_core() -> None:
    # Three paragraphs in one section, two in the next: neither section holds 80% of the prose.
    blocks = html_blocks(
        "<body><article class='story'>"
        f"<section class='one'><h2>The timetable</h2>{f'<p>{PARAGRAPH}</p>' * 3}</section>"
        f"<section class='two'><h2>The petition</h2>{f'<p>{PARAGRAPH}</p>' * 2}</section>"
        "</article></body>"
    )
    assert core_tags(blocks)[0] == "article.story"
    # With all but one paragraph in the first section, that section is the core.
    blocks = html_blocks(
        "<body><article class='story'>"
        f"<section class='one'>{f'<p>{PARAGRAPH}</p>' * 5}</section>"
        f"<section class='two'><p>{PARAGRAPH}</p></section>"
        "</article></body>"
    )
    assert core_tags(blocks)[0] == "section.one"


def test_prose_split_evenly_makes_the_parent_the_core() -> None:
    # Neither column holds more than 80% of the prose; the row around them does.
    blocks = html_blocks(
        f"<body><div class='row'><div class='col'><p>{PARAGRAPH}</p></div>"
        f"<div class='col'><p>{PARAGRAPH}</p></div></div></body>"
    )
    assert core_tags(blocks)[0] == "div.row"


def test_non_prose_does_not_pull_the_core() -> None:
    # The menu has far more characters than the one paragraph, but no prose.
    menu = "".join(f"<li><a href='/{i}'>Section number {i}</a></li>" for i in range(40))
    blocks = html_blocks(
        f"<body><ul class='menu'>{menu}</ul><div class='story'><p>{PARAGRAPH}</p></div></body>"
    )
    assert core_tags(blocks)[:2] == ["p", "div.story"]


def test_a_page_without_prose_has_no_core() -> None:
    assert prose_core(html_blocks("<ul><li>Shoes</li><li>Boots</li><li>Sandals</li></ul>")) == []
    assert prose_core([]) == []
    # Text dumps have no elements, so no core either.
    assert prose_core(blocks_of(PARAGRAPH, PARAGRAPH)) == []
