"""Show what cleaning did to a page: a coloured diff in the terminal.

Kept blocks print as they are; removed blocks print struck through in their
category's colour, followed by the category, rule id and detail. A comparison
of two runs prints as tables, and one document's changes as a block diff.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.model import Category, Doc
from pipeline.view import cell_text, side_of, verdict
from pipeline.write import block_rows, document_row

CATEGORY_COLOURS: dict[Category, str] = {
    Category.NAV: "blue",
    Category.COOKIE: "magenta",
    Category.RELATED: "cyan",
    Category.AUTHOR_BIO: "yellow",
    Category.BYLINE: "yellow",
    Category.SOCIAL: "bright_magenta",
    Category.NEWSLETTER: "bright_cyan",
    Category.TAGS: "bright_blue",
    Category.FOOTER: "blue",
    Category.SEARCH: "bright_blue",
    Category.AD: "red",
    Category.COMMENTS: "bright_yellow",
    Category.UI: "bright_black",
    Category.SIDEBAR: "green",
    Category.DUPLICATE: "white",
    Category.TEMPLATE: "white",
    Category.LOW_QUALITY: "bright_red",
    Category.EMPTY: "bright_black",
}
COLOURS_BY_NAME = {category.value: colour for category, colour in CATEGORY_COLOURS.items()}


def render_diff(doc: Doc, *, removed_only: bool = False) -> Text:
    """The page as rich Text: removals struck through and labelled with their reason."""
    return render_rows(document_row(doc), block_rows(doc), removed_only=removed_only)


def render_rows(
    document: Mapping[str, Any], blocks: Iterable[Mapping[str, Any]], *, removed_only: bool = False
) -> Text:
    """:func:`render_diff` from a documents row and its block rows, as a run stores them."""
    out = Text()
    header = f"{document['source_path']}  status={document['status']}  language={document['language']}"
    out.append(header + f"  kept {document['chars_out']:,} of {document['chars_in']:,} chars\n", style="bold")
    if document["error"]:
        out.append(f"error: {document['error']}\n", style="bold red")
    for block in blocks:
        if not (removed_only and block["kept"]):
            _append_block(out, block)
    return out


def print_diff(doc: Doc, console: Console | None = None, *, removed_only: bool = False) -> None:
    """Print :func:`render_diff` of ``doc``."""
    show(render_diff(doc, removed_only=removed_only), console)


def show(text: Text, console: Console | None = None) -> None:
    """Print ``text``, through the pager when it is longer than the terminal it goes to."""
    console = console or Console()
    if console.is_terminal and text.plain.count("\n") > console.height:
        with console.pager(styles=True):
            console.print(text, soft_wrap=True)
    else:
        console.print(text, soft_wrap=True)


def frame_table(title: str, frame: pd.DataFrame, limit: int) -> Table:
    """The first ``limit`` rows of ``frame`` as a rich table; cell text is never read as markup."""
    shown = frame.head(limit)
    table = Table(title=title, title_justify="left")
    for i, column in enumerate(shown.columns):
        # The first column names the row (a doc_id, a category, a rule) and stays on one
        # line; the others wrap rather than lose their end.
        table.add_column(str(column), overflow="fold", no_wrap=i == 0)
    for row in shown.itertuples(index=False):
        table.add_row(*(Text(cell_text(value)) for value in row))
    if len(frame) > limit:
        table.caption = f"... and {len(frame) - limit:,} more rows"
    return table


def render_block_diff(rows: Iterable[Mapping[str, Any]], *, changes_only: bool = False) -> Text:
    """One document's paired blocks (rows of :func:`pipeline.compare.block_pairs`): changed
    blocks marked ``!`` with their verdict before and after, the rest as :func:`render_rows`."""
    out = Text()
    for row in rows:
        before, after = side_of(row, "a"), side_of(row, "b")
        if row["change"] == "same":
            if not changes_only:
                _append_block(out, before)
            continue
        colour = "green" if after["kept"] else COLOURS_BY_NAME.get(after["category"], "white")
        out.append("! ", style=f"bold {colour}")
        out.append(row["text"], style=colour if after["kept"] else f"strike {colour}")
        out.append(
            f"\n    {row['change']}: a {verdict(before)} -> b {verdict(after)}\n", style=f"bold {colour}"
        )
    return out


def _append_block(out: Text, block: Mapping[str, Any]) -> None:
    if block["kept"]:
        out.append(f"  {block['text']}\n")
        return
    colour = COLOURS_BY_NAME.get(block["category"], "white")
    out.append("- ", style=colour)
    out.append(block["text"], style=f"strike dim {colour}")
    out.append(f"\n    [{block['category']} {block['rule_id']}] {block['detail']}\n", style=colour)
