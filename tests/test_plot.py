"""Plots of a finished run: the figures show the run's own numbers."""

from __future__ import annotations

import base64
import re

import pandas as pd
from conftest import FinishedRun
from matplotlib.figure import Figure

from pipeline import plot_run
from pipeline.model import Category


def bar_values(figure: Figure, horizontal: bool) -> dict[str, float]:
    axes = figure.axes[0]
    labels = axes.get_yticklabels() if horizontal else axes.get_xticklabels()
    sizes = [p.get_width() if horizontal else p.get_height() for p in axes.patches]
    return dict(zip([label.get_text() for label in labels], sizes, strict=True))


def test_removed_bars_are_the_runs_characters_per_category(mixed_run: FinishedRun) -> None:
    documents = mixed_run.documents()
    removed = pd.DataFrame(list(documents.removed)).sum()
    expected = {c.value: float(removed[c.value]) for c in Category if removed[c.value]}
    assert bar_values(plot_run(mixed_run.out).removed, horizontal=True) == expected


def test_kept_fraction_counts_every_document_with_text(mixed_run: FinishedRun) -> None:
    documents = mixed_run.documents()
    with_text = documents[documents.chars_in > 0]
    figure = plot_run(mixed_run.out).kept_fraction
    counts = [p.get_height() for p in figure.axes[0].patches]
    assert sum(counts) == len(with_text)
    without = len(documents) - len(with_text)
    assert without > 0 and f"{without:,} without text" in figure.axes[0].get_title()


def test_language_bars_count_cleaned_documents(mixed_run: FinishedRun) -> None:
    documents = mixed_run.documents()
    expected = documents[documents.status == "ok"].language.value_counts()
    bars = bar_values(plot_run(mixed_run.out).languages, horizontal=False)
    assert bars == {language: float(n) for language, n in expected.items()}


def test_plots_render_in_jupyter_as_inline_images(raw_run: FinishedRun) -> None:
    rendered = plot_run(raw_run.out)._repr_html_()
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"/>', rendered)
    assert len(images) == 3
    assert all(base64.b64decode(image).startswith(b"\x89PNG") for image in images)
    assert "http" not in rendered
