"""Show what cleaning did to a page as self-contained HTML, for notebooks.

The page reads top to bottom as it was segmented: kept blocks as they are,
removed blocks struck through in their category's colour, with the category,
rule id and detail on hover and beside the block. A legend counts blocks and
characters per category; long runs of kept blocks fold away (``<details>``,
no script needed).

The HTML has no scripts, no external resources and no event attributes of
its own, and every piece of page text is escaped: a scraped page that
contains ``<script>`` or ``onerror=`` shows that text and runs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from pipeline.model import Category

#: One colour per category (a colour-blind-safe palette where it matters most).
CATEGORY_HEX: dict[Category, str] = {
    Category.NAV: "#1f77b4",
    Category.FOOTER: "#4a6fa5",
    Category.SIDEBAR: "#2ca02c",
    Category.COOKIE: "#9467bd",
    Category.NEWSLETTER: "#17becf",
    Category.SOCIAL: "#e377c2",
    Category.SEARCH: "#6baed6",
    Category.COMMENTS: "#bcbd22",
    Category.AUTHOR_BIO: "#ff7f0e",
    Category.BYLINE: "#d6a100",
    Category.RELATED: "#0f8b8d",
    Category.TAGS: "#3182bd",
    Category.AD: "#d62728",
    Category.UI: "#7f7f7f",
    Category.TEMPLATE: "#8c564b",
    Category.LOW_QUALITY: "#c0392b",
    Category.DUPLICATE: "#636363",
    Category.EMPTY: "#a0a0a0",
}
HEX_BY_NAME = {category.value: colour for category, colour in CATEGORY_HEX.items()}
UNKNOWN_HEX = "#555555"
#: A run of more kept blocks than this shows its first ones and folds the rest.
KEPT_RUN_SHOWN = 4

STYLE = """
.cc-page{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60em;color:#222}
.cc-head{font-weight:600;margin:0 0 .3em}
.cc-meta{color:#555;margin:0 0 .6em}
.cc-legend{display:flex;flex-wrap:wrap;gap:.3em .9em;margin:0 0 .8em;padding:0;list-style:none}
.cc-legend li{white-space:nowrap}
.cc-swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.3em;vertical-align:-1px}
.cc-block{margin:.25em 0;padding:.1em .5em;border-left:3px solid transparent;white-space:pre-wrap}
.cc-kept{border-left-color:#2e7d32}
.cc-removed{color:#666}
.cc-removed s{text-decoration-thickness:1px}
.cc-why{display:block;font-size:12px;font-weight:600}
.cc-fold summary{color:#2e7d32;cursor:pointer;margin:.25em 0}
.cc-error{color:#b00020;font-weight:600}
"""


def page_html(document: Mapping[str, Any], blocks: Iterable[Mapping[str, Any]]) -> str:
    """The HTML view of one page from its documents row and its block rows (``text``,
    ``kept``, ``category``, ``rule_id``, ``detail``), as a run stores them.

    Example::

        from IPython.display import HTML
        HTML(page_html(document_row(doc), block_rows(doc)))
    """
    rows = list(blocks)
    parts = [f"<style>{STYLE}</style>", '<div class="cc-page">']
    parts.append(f'<p class="cc-head">{escape(document["title"] or document["source_path"])}</p>')
    parts.append(f'<p class="cc-meta">{escape(" · ".join(_meta(document)))}</p>')
    if document["error"]:
        parts.append(f'<p class="cc-error">error: {escape(document["error"])}</p>')
    parts.append(_legend(rows))
    parts.extend(_body(rows))
    parts.append("</div>")
    return "\n".join(parts)


def _meta(document: Mapping[str, Any]) -> list[str]:
    meta = [document["source_path"]] if document["title"] else []
    if document["url"]:
        meta.append(document["url"])
    meta.append(f"status {document['status']}, language {document['language']}")
    meta.append(f"kept {document['chars_out']:,} of {document['chars_in']:,} chars")
    return meta


def _legend(rows: list[Mapping[str, Any]]) -> str:
    kept = [r for r in rows if r["kept"]]
    items = [
        f"<li>{_swatch('#2e7d32')}kept: {len(kept)} blocks, {sum(len(r['text']) for r in kept):,} chars</li>"
    ]
    counts: dict[str, list[int]] = {}
    for row in rows:
        if not row["kept"]:
            count = counts.setdefault(row["category"] or "unknown", [0, 0])
            count[0] += 1
            count[1] += len(row["text"])
    for category, (n, chars) in sorted(counts.items(), key=lambda item: -item[1][1]):
        colour = HEX_BY_NAME.get(category, UNKNOWN_HEX)
        items.append(f"<li>{_swatch(colour)}{escape(category)}: {n} blocks, {chars:,} chars</li>")
    return f'<ul class="cc-legend">{"".join(items)}</ul>'


def _swatch(colour: str) -> str:
    return f'<span class="cc-swatch" style="background:{colour}"></span>'


def _body(rows: list[Mapping[str, Any]]) -> list[str]:
    """Blocks in order; a long run of kept blocks shows its first ones and folds the rest."""
    parts: list[str] = []
    run: list[Mapping[str, Any]] = []
    for row in [*rows, None]:
        if row is not None and row["kept"]:
            run.append(row)
            continue
        parts.extend(_kept_run(run))
        run = []
        if row is not None:
            parts.append(_removed(row))
    return parts


def _kept_run(run: list[Mapping[str, Any]]) -> list[str]:
    shown = [_kept(r) for r in run[:KEPT_RUN_SHOWN]]
    rest = run[KEPT_RUN_SHOWN:]
    if not rest:
        return shown
    chars = sum(len(r["text"]) for r in rest)
    summary = f"{len(rest)} more kept blocks, {chars:,} chars"
    folded = "".join(_kept(r) for r in rest)
    return [*shown, f'<details class="cc-fold"><summary>{summary}</summary>{folded}</details>']


def _kept(row: Mapping[str, Any]) -> str:
    return f'<p class="cc-block cc-kept">{escape(row["text"])}</p>'


def _removed(row: Mapping[str, Any]) -> str:
    category = row["category"] or "unknown"
    colour = HEX_BY_NAME.get(category, UNKNOWN_HEX)
    why = f"{category} · {row['rule_id'] or '?'} · {row['detail'] or ''}"
    return (
        f'<p class="cc-block cc-removed" style="border-left-color:{colour}" title="{escape(why)}">'
        f'<s>{escape(row["text"])}</s><span class="cc-why" style="color:{colour}">{escape(why)}</span></p>'
    )
