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

import pandas as pd

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
.cc-change{background:#fff8e1}
.cc-table{border-collapse:collapse;margin:.2em 0 1em;font-size:13px}
.cc-table th,.cc-table td{padding:.15em .6em;text-align:left;border-bottom:1px solid #ddd}
"""
KEPT_HEX = "#2e7d32"
#: Rows of each table a comparison shows; the DataFrames hold them all.
TABLE_ROWS = 15


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
        f"<li>{_swatch(KEPT_HEX)}kept: {len(kept)} blocks, {sum(len(r['text']) for r in kept):,} chars</li>"
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


def block_diff_html(source_path: str, rows: Iterable[Mapping[str, Any]]) -> str:
    """The HTML view of one document's blocks under two runs: rows of
    :func:`pipeline.compare.block_pairs`. Changed blocks are highlighted with their
    verdict before and after; runs of unchanged blocks fold away.

    Example::

        HTML(block_diff_html("page.html", block_pairs(before.blocks, after.blocks).to_dict("records")))
    """
    pairs = list(rows)
    counts: dict[str, int] = {}
    for row in pairs:
        counts[row["change"]] = counts.get(row["change"], 0) + 1
    legend = "".join(f"<li>{escape(change)}: {n} blocks</li>" for change, n in sorted(counts.items()))
    parts = [f"<style>{STYLE}</style>", '<div class="cc-page">']
    parts.append(f'<p class="cc-head">{escape(source_path)}: a → b</p>')
    parts.append(f'<ul class="cc-legend">{legend}</ul>')
    parts.extend(_diff_body(pairs))
    parts.append("</div>")
    return "\n".join(parts)


def _diff_body(pairs: list[Mapping[str, Any]]) -> list[str]:
    """Changed blocks in full; a long run of unchanged blocks shows its ends, folds its middle."""
    parts: list[str] = []
    run: list[Mapping[str, Any]] = []
    for row in [*pairs, None]:
        if row is not None and row["change"] == "same":
            run.append(row)
            continue
        parts.extend(_unchanged_run(run))
        run = []
        if row is not None:
            parts.append(_changed(row))
    return parts


def _unchanged_run(run: list[Mapping[str, Any]]) -> list[str]:
    edge = KEPT_RUN_SHOWN // 2
    if len(run) <= 2 * edge + 1:
        return [_unchanged(r) for r in run]
    folded = "".join(_unchanged(r) for r in run[edge:-edge])
    summary = f"{len(run) - 2 * edge} unchanged blocks"
    middle = f'<details class="cc-fold"><summary>{summary}</summary>{folded}</details>'
    return [*(_unchanged(r) for r in run[:edge]), middle, *(_unchanged(r) for r in run[-edge:])]


def _unchanged(row: Mapping[str, Any]) -> str:
    side = side_of(row, "a")
    return _kept(side) if side["kept"] else _removed(side)


def side_of(row: Mapping[str, Any], side: str) -> dict[str, Any]:
    """The block row of one side of a pair row."""
    fields = ("kept", "category", "rule_id", "detail")
    return {"text": row["text"], **{field: row[f"{field}_{side}"] for field in fields}}


def _changed(row: Mapping[str, Any]) -> str:
    before, after = side_of(row, "a"), side_of(row, "b")
    colour = KEPT_HEX if after["kept"] else HEX_BY_NAME.get(after["category"] or "", UNKNOWN_HEX)
    text = escape(row["text"])
    if after["kept"] is not None and not after["kept"]:
        text = f"<s>{text}</s>"
    why = f"{row['change']}: a {verdict(before)} → b {verdict(after)}"
    return (
        f'<p class="cc-block cc-change" style="border-left-color:{colour}" title="{escape(why)}">'
        f'{text}<span class="cc-why" style="color:{colour}">{escape(why)}</span></p>'
    )


def verdict(side: Mapping[str, Any]) -> str:
    """A block's verdict in words: ``kept``, ``(absent)``, or category · rule · detail."""
    if side["kept"] is None:
        return "(absent)"
    if side["kept"]:
        return "kept"
    return f"{side['category'] or 'unknown'} · {side['rule_id'] or '?'} · {side['detail'] or ''}"


def comparison_html(summary: str, tables: Iterable[tuple[str, pd.DataFrame]]) -> str:
    """The HTML view of a :class:`pipeline.compare.Comparison`: its summary line, then
    its titled tables.

    Example::

        HTML(comparison_html(c.summary(), c.tables()))
    """
    parts = [f"<style>{STYLE}</style>", '<div class="cc-page">', f'<p class="cc-head">{escape(summary)}</p>']
    for title, table in tables:
        parts.append(f'<p class="cc-head">{escape(title[:1].upper() + title[1:])}</p>')
        parts.append(_table(table))
    parts.append("</div>")
    return "\n".join(parts)


def _table(table: pd.DataFrame) -> str:
    """At most ``TABLE_ROWS`` rows of ``table`` as an escaped HTML table."""
    if table.empty:
        return '<p class="cc-meta">none</p>'
    head = "".join(f"<th>{escape(str(column))}</th>" for column in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell_text(value))}</td>" for value in row) + "</tr>"
        for row in table.head(TABLE_ROWS).itertuples(index=False)
    )
    more = len(table) - TABLE_ROWS
    note = f'<p class="cc-meta">… and {more:,} more rows</p>' if more > 0 else ""
    return f'<table class="cc-table"><tr>{head}</tr>{body}</table>{note}'


def cell_text(value: Any) -> str:
    """A table cell as text; missing values (None, NA, NaN) empty."""
    return "" if not isinstance(value, str) and pd.isna(value) else str(value)
