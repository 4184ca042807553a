"""Show what cleaning did to a page: a coloured diff in the terminal.

Kept blocks print as they are; removed blocks print struck through in their
category's colour, followed by the category, rule id and detail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich.console import Console
from rich.text import Text

from pipeline.model import Category, Doc
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
        if block["kept"]:
            if not removed_only:
                out.append(f"  {block['text']}\n")
            continue
        colour = COLOURS_BY_NAME.get(block["category"], "white")
        out.append("- ", style=colour)
        out.append(block["text"], style=f"strike dim {colour}")
        out.append(f"\n    [{block['category']} {block['rule_id']}] {block['detail']}\n", style=colour)
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
