"""Segmentation: a decoded page becomes an ordered list of blocks with features."""

from __future__ import annotations

from pipeline.model import Block, Page
from pipeline.segment.html import segment_html
from pipeline.segment.text import segment_text

__all__ = ["segment", "segment_html", "segment_text"]


def segment(page: Page) -> tuple[list[Block], str | None]:
    """The blocks of ``page`` and its title when the markup says it (HTML ``<title>``)."""
    if page.kind == "html":
        return segment_html(page.text)
    return segment_text(page.text), None
