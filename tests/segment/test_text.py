"""Segmenting text dumps: one block per non-blank line, with the features a line still has."""

from __future__ import annotations

import pytest

from pipeline.metadata import PageMeta
from pipeline.model import Block, LineFeatures, Page
from pipeline.segment import segment
from pipeline.segment.text import line_features, repeat_key, segment_text

PROSE = (
    "Across the plains of central Spain, farmers who have grown the same wheat for generations are "
    "planting new varieties bred to survive long dry spells and record heat."
)


def features(line: str) -> LineFeatures:
    return line_features(line, line.strip(), blank_before=False)


def by_text(blocks: list[Block]) -> dict[str, LineFeatures]:
    out = {}
    for block in blocks:
        assert block.features is not None
        out[block.text] = block.features
    return out


def test_one_block_per_non_blank_line_with_line_numbers() -> None:
    blocks = segment_text("Home\n\n\n  Headline here  \nFirst line.\n\t\nLast line.\n")
    assert [b.text for b in blocks] == ["Home", "Headline here", "First line.", "Last line."]
    assert [b.index for b in blocks] == [0, 1, 2, 3]
    assert [(b.line_start, b.line_end) for b in blocks] == [(1, 1), (4, 4), (5, 5), (7, 7)]
    assert all(b.kept and b.xpath is None for b in blocks)


def test_crlf_and_empty_input() -> None:
    assert [b.text for b in segment_text("One\r\nTwo\r\n")] == ["One", "Two"]
    assert segment_text("") == []
    assert segment_text("\n \n\t\n") == []


def test_blank_before_marks_the_start_of_a_paragraph() -> None:
    blocks = segment_text("First\nSecond\n\nThird\n")
    assert [b.features.blank_before for b in blocks if b.features] == [True, False, True]


@pytest.mark.parametrize(
    ("line", "bullet"),
    [
        ("• First item", "•"),
        ("* Star item", "*"),
        ("+ Plus item", "+"),
        ("□ Checkbox item", "□"),
        ("◦ Hollow item", "◦"),
        ("- Dash item", "-"),
        ("1. Numbered item", "1."),
        ("12) Numbered item", "12)"),
    ],
)
def test_bullet_markers(line: str, bullet: str) -> None:
    assert features("    " + line).bullet == bullet


@pytest.mark.parametrize(
    "line",
    ["*emphasis* is not a bullet", '"Quoted" words', "$5 off today", "2025 was a year", "Plain words"],
)
def test_no_bullet(line: str) -> None:
    assert features(line).bullet == ""


def test_words_chars_and_indentation() -> None:
    f = features("      Three small words")
    assert (f.words, f.chars, f.indent) == (3, len("Three small words"), 6)
    assert features("\tTabbed").indent == 8  # tabs expand as a terminal shows them


@pytest.mark.parametrize(
    ("line", "ends"),
    [
        ("It rained all day.", True),
        ("Did it rain?", True),
        ("It rained!", True),
        ('He said "it rained."', True),
        ("Ingredients:", True),
        ("Wait for it…", True),
        ("Home", False),
        ("Related Posts", False),
        ("Version 2.0 release notes", False),
    ],
)
def test_sentence_end(line: str, ends: bool) -> None:
    assert features(line).ends_sentence is ends


def test_short_lines_without_a_sentence_end_read_like_links() -> None:
    assert features("Contact us").link_like
    assert not features("It rained.").link_like
    assert not features(PROSE).link_like


@pytest.mark.parametrize("line", ["[image]", "[logo] [search]", "[ ]", "[Photo: harbour at dawn]"])
def test_markup_only_lines(line: str) -> None:
    assert features(line).markup_only


@pytest.mark.parametrize("line", ["[1] A footnote with text", "Photo [image]", "Plain text"])
def test_lines_with_text_are_not_markup_only(line: str) -> None:
    assert not features(line).markup_only


def test_capitalised_share() -> None:
    assert features("Home Page Title").capitalised == 1.0
    assert features("all in lowercase").capitalised == 0.0
    assert features("123 456").capitalised == 0.0


def test_short_run_is_the_length_of_the_run_of_link_like_lines() -> None:
    text = "\n".join(["Home", "News", "Sport", "Business", PROSE, "Privacy", "Terms", PROSE, "Contact"])
    blocks = segment_text(text)
    runs = [b.features.short_run for b in blocks if b.features]
    assert runs == [4, 4, 4, 4, 0, 2, 2, 0, 1]


def test_repeats_count_copies_ignoring_case_and_punctuation() -> None:
    blocks = segment_text("Share\nA line of text.\nSHARE!\nshare\nAnother line.\n")
    f = by_text(blocks)
    assert f["Share"].repeats == f["SHARE!"].repeats == f["share"].repeats == 3
    assert f["A line of text."].repeats == 1
    assert repeat_key("Share!") == repeat_key("  share ") == "share"


def test_segment_dispatches_on_page_kind() -> None:
    blocks, meta = segment(Page("Home\nSome words here.\n", "text", "utf-8"))
    assert [b.text for b in blocks] == ["Home", "Some words here."]
    assert all(b.element is None and b.line_start is not None for b in blocks)
    assert meta == PageMeta()  # a text dump says nothing about itself
    html = (
        '<title>T</title><link rel="canonical" href="https://news.example/t">'
        '<meta name="author" content="Ana Ruiz"><p>Some words here.</p>'
    )
    html_blocks, html_meta = segment(Page(html, "html", "utf-8"))
    assert [b.text for b in html_blocks] == ["Some words here."]
    assert html_blocks[0].element is not None and html_blocks[0].element.tag == "p"
    assert html_meta == PageMeta(title="T", url="https://news.example/t", author="Ana Ruiz")
