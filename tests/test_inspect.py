"""The terminal diff: removals struck through with their category, rule id and detail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import pytest
from rich.color import Color
from rich.console import Console
from rich.text import Text

from pipeline.inspect import CATEGORY_COLOURS, frame_table, print_diff, render_block_diff, render_diff, show
from pipeline.model import Block, Category, Doc
from pipeline.view import CATEGORY_HEX


def sample_doc() -> Doc:
    d = Doc("d", "page.txt", 0, "0" * 64, "text", language="en")
    d.blocks = [Block(0, "Skip to main content"), Block(1, "The article's only paragraph.")]
    d.blocks[0].remove(Category.NAV, "nav.skip-link", "text matched 'Skip to main content'")
    d.blocks[0].stage = "strip_rules"
    return d


def test_diff_shows_kept_text_and_explained_removals() -> None:
    text = render_diff(sample_doc())
    plain = text.plain
    assert "page.txt" in plain and "status=ok" in plain and "language=en" in plain
    assert "The article's only paragraph." in plain
    assert "Skip to main content" in plain
    assert "[nav nav.skip-link] text matched 'Skip to main content'" in plain
    struck = [span for span in text.spans if "strike" in str(span.style)]
    assert [plain[s.start : s.end] for s in struck] == ["Skip to main content"]


def test_removed_only_leaves_out_kept_text() -> None:
    plain = render_diff(sample_doc(), removed_only=True).plain
    assert "The article's only paragraph." not in plain
    assert "nav.skip-link" in plain


def test_error_documents_show_their_error() -> None:
    d = sample_doc().fail("corrupt or truncated gzip")
    assert "error: corrupt or truncated gzip" in render_diff(d).plain


def test_every_category_has_a_colour() -> None:
    assert set(CATEGORY_COLOURS) == set(Category)
    assert set(CATEGORY_HEX) == set(Category)
    for colour in CATEGORY_COLOURS.values():
        Color.parse(colour)  # a colour rich knows


def test_a_sidebar_removal_shows_in_its_colour() -> None:
    d = sample_doc()
    d.blocks[1].remove(Category.SIDEBAR, "sidebar.aside-element", "<aside> outside the main content")
    text = render_diff(d)
    assert "[sidebar sidebar.aside-element] <aside> outside the main content" in text.plain
    styles = {str(span.style) for span in text.spans}
    assert f"strike dim {CATEGORY_COLOURS[Category.SIDEBAR]}" in styles


def test_print_diff_writes_to_the_console() -> None:
    console = Console(record=True, width=200)
    print_diff(sample_doc(), console)
    assert "nav.skip-link" in console.export_text()


@pytest.mark.parametrize(("lines", "paged"), [(3, False), (40, True)])
def test_a_page_longer_than_the_terminal_goes_through_the_pager(
    monkeypatch: pytest.MonkeyPatch, lines: int, paged: bool
) -> None:
    console = Console(force_terminal=True, height=10, record=True, width=80)
    used: list[bool] = []

    @contextmanager
    def pager(**_: object) -> Iterator[None]:
        used.append(True)
        yield

    monkeypatch.setattr(console, "pager", pager)
    show(Text("\n".join(f"line {i}" for i in range(lines))), console)
    assert bool(used) is paged
    assert f"line {lines - 1}" in console.export_text()


def test_tables_and_block_diffs_print_page_text_literally() -> None:
    markup = "[bold red]not markup[/bold red]"
    frame = pd.DataFrame({"doc_id": ["d1"], "source_path": [markup]})
    console = Console(width=200, record=True)
    console.print(frame_table("changed", frame, limit=5))
    assert markup in console.export_text()
    row = {"text": markup, "change": "now removed", "block_a": 0, "block_b": 0}
    row |= {"kept_a": True, "category_a": None, "rule_id_a": None, "detail_a": None}
    row |= {"kept_b": False, "category_b": "nav", "rule_id_b": "nav.x", "detail_b": "why"}
    rendered = render_block_diff([row]).plain
    assert rendered == f"! {markup}\n    now removed: a kept -> b nav · nav.x · why\n"
    assert render_block_diff([row | {"change": "same", "kept_b": True}], changes_only=True).plain == ""
