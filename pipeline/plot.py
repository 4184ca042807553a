"""Plots of a finished run: what was removed, how much of each page was kept, languages.

Reads only the small columns of the documents table (never the text), so a
run of millions of documents plots quickly. The figures are plain
``matplotlib.figure.Figure`` objects, made without pyplot's global state:
save them with ``fig.savefig(...)`` or show them in Jupyter. matplotlib is
imported on the first plot, so batch workers never pay for it.

Example::

    plots = pipeline.plot_run("data/clean")
    plots                    # in Jupyter: the three figures
    plots.removed.savefig("removed.png")
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.model import Category
from pipeline.view import CATEGORY_HEX, KEPT_HEX
from pipeline.write import DOCUMENTS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Languages shown by name; the rest are summed as ``other``.
LANGUAGES_SHOWN = 12
FIGURE_SIZE = (6.4, 3.6)
BAR_COLOUR = "#4a6fa5"


class RunPlots(NamedTuple):
    """The figures of :func:`plot_run`; in Jupyter the three render together.

    Example::

        plots = pipeline.plot_run("data/clean")
        plots.kept_fraction.savefig("kept.png", dpi=150)
    """

    removed: Figure
    kept_fraction: Figure
    languages: Figure

    def _repr_html_(self) -> str:
        """The figures as inline PNG images (no external resources)."""
        return "".join(f'<img src="data:image/png;base64,{_png(figure)}"/>' for figure in self)


def plot_run(out: str | Path) -> RunPlots:
    """Plots of the finished run in ``out``: characters removed per category, the
    kept fraction of each document, and documents per language.

    Example::

        plots = pipeline.plot_run("data/clean")
        plots.removed            # bar chart, one bar per category
    """
    columns = ["status", "language", "chars_in", "chars_out", "removed"]
    table = pq.read_table(Path(out) / DOCUMENTS, columns=columns)
    removed = table.column("removed").combine_chunks()
    removed_chars = {c: int(pc.sum(removed.field(c.value)).as_py() or 0) for c in Category}
    ok = table.filter(pc.equal(table.column("status"), "ok"))
    chars_in = table.column("chars_in").to_pylist()
    chars_out = table.column("chars_out").to_pylist()
    fractions = [kept / total for kept, total in zip(chars_out, chars_in, strict=True) if total]
    return RunPlots(
        removed=removed_figure(removed_chars, table.num_rows),
        kept_fraction=kept_fraction_figure(fractions, table.num_rows),
        languages=languages_figure(_counts(ok.column("language").combine_chunks())),
    )


def removed_figure(removed_chars: dict[Category, int], documents: int) -> Figure:
    """Horizontal bars: characters removed per category, largest on top."""
    shown = sorted((n, c) for c, n in removed_chars.items() if n)
    figure, axes = _new_figure()
    axes.barh([c.value for _, c in shown], [n for n, _ in shown], color=[CATEGORY_HEX[c] for _, c in shown])
    axes.set_xlabel("characters removed")
    axes.set_title(f"Removed per category ({documents:,} documents)")
    if not shown:
        axes.text(0.5, 0.5, "nothing removed", ha="center", va="center", transform=axes.transAxes)
    return figure


def kept_fraction_figure(fractions: list[float], documents: int) -> Figure:
    """Histogram of the fraction of each document's characters that was kept."""
    figure, axes = _new_figure()
    axes.hist(fractions, bins=20, range=(0.0, 1.0), color=KEPT_HEX)
    axes.set_xlabel("fraction of characters kept")
    axes.set_ylabel("documents")
    without_text = documents - len(fractions)
    note = f"; {without_text:,} without text" if without_text else ""
    axes.set_title(f"Kept fraction per document ({len(fractions):,} documents{note})")
    return figure


def languages_figure(counts: dict[str, int]) -> Figure:
    """Bars: documents per detected language (``ok`` documents), the most frequent first."""
    ranked = sorted(((n, language) for language, n in counts.items()), key=lambda x: (-x[0], x[1]))
    shown = ranked[:LANGUAGES_SHOWN]
    other = sum(n for n, _ in ranked[LANGUAGES_SHOWN:])
    labels = [language for _, language in shown] + (["other"] if other else [])
    values = [n for n, _ in shown] + ([other] if other else [])
    figure, axes = _new_figure()
    axes.bar(labels, values, color=BAR_COLOUR)
    axes.set_ylabel("documents")
    axes.set_title(f"Languages ({sum(values):,} documents cleaned)")
    return figure


def _new_figure() -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure  # noqa: PLC0415 - batch workers never plot

    figure = Figure(figsize=FIGURE_SIZE, layout="constrained")
    return figure, figure.add_subplot()


def _counts(values: pa.Array) -> dict[str, int]:
    counted = values.value_counts()
    return dict(zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True))


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")
