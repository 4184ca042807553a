"""Show what cleaning did to a page: a coloured diff in the terminal.

Kept blocks print as they are; removed blocks print struck through in their
category's colour, followed by the category, rule id and detail.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from pipeline.model import Category, Doc

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


def render_diff(doc: Doc, *, removed_only: bool = False) -> Text:
    """The page as rich Text: removals struck through and labelled with their reason."""
    out = Text()
    header = f"{doc.source_path}  status={doc.status.value}  language={doc.language}"
    out.append(header + f"  kept {doc.chars_out:,} of {doc.chars_in:,} chars\n", style="bold")
    if doc.error:
        out.append(f"error: {doc.error}\n", style="bold red")
    for block in doc.blocks:
        if block.kept:
            if not removed_only:
                out.append(f"  {block.text}\n")
            continue
        colour = CATEGORY_COLOURS.get(block.category, "white") if block.category else "white"
        out.append("- ", style=colour)
        out.append(block.text, style=f"strike dim {colour}")
        out.append(f"\n    [{block.category} {block.rule_id}] {block.detail}\n", style=colour)
    return out


def print_diff(doc: Doc, console: Console | None = None, *, removed_only: bool = False) -> None:
    """Print :func:`render_diff` of ``doc``."""
    (console or Console()).print(render_diff(doc, removed_only=removed_only), soft_wrap=True)
