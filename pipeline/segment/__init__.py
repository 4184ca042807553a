"""Segmentation: a decoded page becomes an ordered list of blocks with features."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipeline.metadata import PageMeta
from pipeline.model import Block, Page
from pipeline.segment.html import segment_html
from pipeline.segment.text import segment_text

__all__ = ["segment", "segment_html", "segment_text"]


def segment(page: Page, selectors: Mapping[str, Any] | None = None) -> tuple[list[Block], PageMeta]:
    """The blocks of ``page`` and what its markup says about it (HTML only: title, URL, author, date).

    ``selectors`` (compiled XPath by rule id) are run on HTML pages.
    """
    if page.kind == "html":
        return segment_html(page.text, selectors)
    return segment_text(page.text), PageMeta()
