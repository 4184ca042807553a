"""Segmenting HTML: blocks of visible text in reading order, each with its xpath."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from pipeline.errors import InputError
from pipeline.segment.html import segment_html

PAGE = """<!DOCTYPE html>
<html><head>
  <title>  Night   trains return
  to the Alps </title>
  <style>p { color: red; } .hidden-style-text {}</style>
  <script>var secret = "script text must not appear";</script>
</head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
  <h1>Night trains return</h1>
  <p>For the first time in <b>ten</b> years, a <a href="/t">sleeper train</a> leaves Zurich.</p>
  <script>document.write("also hidden")</script>
  <noscript>Please enable JavaScript</noscript>
  <div>Loose text in a div<p>A paragraph inside it</p>and text after it</div>
  <p>Before a comment<!-- an HTML comment --> and after it.</p>
  <p>Line one<br>line two</p>
  <table><tr><td>Cell one</td><td>Cell two</td></tr></table>
  <footer><p>&copy; 2025 The Courier &amp; Co.</p></footer>
</body></html>
"""


@pytest.fixture(scope="module")
def segmented() -> tuple[list[str], list[str], str | None]:
    blocks, title = segment_html(PAGE)
    return [b.text for b in blocks], [b.xpath or "" for b in blocks], title


def test_blocks_come_in_reading_order(segmented: tuple[list[str], list[str], str | None]) -> None:
    texts, _, _ = segmented
    assert texts == [
        "Home",
        "News",
        "Night trains return",
        "For the first time in ten years, a sleeper train leaves Zurich.",
        "Loose text in a div",
        "A paragraph inside it",
        "and text after it",
        "Before a comment and after it.",
        "Line one line two",
        "Cell one",
        "Cell two",
        "© 2025 The Courier & Co.",
    ]


def test_script_style_and_noscript_are_skipped(segmented: tuple[list[str], list[str], str | None]) -> None:
    texts, _, _ = segmented
    joined = " ".join(texts)
    for hidden in ("secret", "script text", "also hidden", "color: red", "enable JavaScript"):
        assert hidden not in joined


def test_comment_text_is_dropped_but_its_tail_kept(
    segmented: tuple[list[str], list[str], str | None],
) -> None:
    texts, _, _ = segmented
    assert "Before a comment and after it." in texts
    assert not any("an HTML comment" in t for t in texts)


def test_tail_text_after_a_skipped_element_is_kept() -> None:
    blocks, _ = segment_html("<p>Before <script>var x = 1;</script>after the script.</p>")
    assert [b.text for b in blocks] == ["Before after the script."]


def test_every_block_has_an_xpath_to_its_element(segmented: tuple[list[str], list[str], str | None]) -> None:
    texts, xpaths, _ = segmented
    root = lxml.html.document_fromstring(PAGE)
    for text, xpath in zip(texts, xpaths, strict=True):
        assert xpath.startswith("/html/body")
        found = root.xpath(xpath)
        assert len(found) == 1, xpath
        assert text.split()[0] in found[0].text_content()


def test_blocks_carry_line_features() -> None:
    blocks, _ = segment_html("<ul><li>Home</li><li>News</li></ul><p>It rained all day in the valley.</p>")
    assert all(b.features is not None for b in blocks)
    menu, _, sentence = (b.features for b in blocks)
    assert menu is not None and sentence is not None
    assert menu.link_like and menu.short_run == 2
    assert sentence.ends_sentence and sentence.words == 7
    assert all(b.line_start is None for b in blocks)


def test_title_is_returned_with_whitespace_collapsed(
    segmented: tuple[list[str], list[str], str | None],
) -> None:
    _, _, title = segmented
    assert title == "Night trains return to the Alps"


@pytest.mark.parametrize("markup", ["<p>No head</p>", "<html><head><title>  </title></head><p>x</p></html>"])
def test_missing_or_blank_title_is_none(markup: str) -> None:
    assert segment_html(markup)[1] is None


def test_entities_are_decoded(segmented: tuple[list[str], list[str], str | None]) -> None:
    texts, _, _ = segmented
    assert texts[-1] == "© 2025 The Courier & Co."


def test_broken_markup_still_segments() -> None:
    blocks, _ = segment_html("<div><p>Unclosed paragraph<p>Another one<li>A stray item</div></span>")
    assert [b.text for b in blocks] == ["Unclosed paragraph", "Another one", "A stray item"]


def test_a_page_with_no_visible_text_has_no_blocks() -> None:
    assert segment_html("<html><head><title>Only a title</title></head><body> </body></html>") == (
        [],
        "Only a title",
    )


DEPTH = 5000


def deep_page(depth: int) -> str:
    return (
        "<html><body><p>Before the nesting.</p>"
        + "<div>" * depth
        + "<p>Deep inside.</p>"
        + "</div>" * depth
        + "<p>After the nesting.</p></body></html>"
    )


def test_moderate_nesting_keeps_all_text() -> None:
    blocks, _ = segment_html(deep_page(200))
    assert [b.text for b in blocks] == ["Before the nesting.", "Deep inside.", "After the nesting."]


def test_nesting_deeper_than_the_parser_reads_is_an_input_error() -> None:
    with pytest.raises(InputError, match="nested deeper than"):
        segment_html(deep_page(DEPTH))


def test_nesting_below_the_parser_limit_keeps_the_text_inside_and_after_it() -> None:
    blocks, _ = segment_html(deep_page(1000))
    assert [b.text for b in blocks] == ["Before the nesting.", "Deep inside.", "After the nesting."]


def test_fixture_page_segments(pages_dir: Path) -> None:
    blocks, title = segment_html((pages_dir / "article.html").read_text(encoding="utf-8"))
    texts = [b.text for b in blocks]
    assert title == "Night trains return to the Alps | The Valley Courier"
    assert texts[0] == "Skip to main content"
    assert "Night trains return to the Alps after a decade away" in texts
    assert not any("dataLayer" in t or "display: flex" in t for t in texts)
