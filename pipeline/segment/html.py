"""Segment an HTML page into blocks in reading order.

lxml parses the page (robust to broken markup, nesting allowed to libxml2's
largest depth). A page nested deeper than that becomes an error instead of
silently losing what follows the cut. Every block-level element
(paragraphs, headings, list items, table cells, ``pre``, blockquotes, ...)
starts a new block; inline text belongs to the innermost open block. One
iterative walk over the tree, so deep nesting cannot exhaust the stack. The
same line features as text dumps are computed from each block's text, so the
same stages and rules run on both kinds of page.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from pipeline.errors import InputError
from pipeline.model import Block
from pipeline.segment.text import add_page_features, line_features

#: Elements whose content is never visible text.
INVISIBLE_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "math", "head", "iframe", "object", "canvas"}
)
#: Elements that start a new block of text.
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
        "summary", "table", "td", "th", "tr", "ul", "option", "legend", "center",
    }
)  # fmt: skip
SPACE = re.compile(r"\s+")
#: libxml2 stops building the tree past this depth even with ``huge_tree``.
MAX_DEPTH = 2048


class _BlockCollector:
    """Gathers text into the innermost open block element while the tree is walked."""

    def __init__(self, tree: etree._ElementTree) -> None:
        self.tree = tree
        self.blocks: list[Block] = []
        self.open: list[etree._Element] = []
        self.parts: list[str] = []

    def enter(self, element: etree._Element) -> None:
        self.flush()
        self.open.append(element)

    def leave(self) -> None:
        self.flush()
        self.open.pop()

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text)

    def flush(self) -> None:
        text = SPACE.sub(" ", "".join(self.parts)).strip()
        self.parts.clear()
        if text and self.open:
            features = line_features(text, text, blank_before=True)
            xpath = self.tree.getpath(self.open[-1])
            self.blocks.append(Block(len(self.blocks), text, xpath=xpath, features=features))


def segment_html(markup: str) -> tuple[list[Block], str | None]:
    """Blocks of visible text in reading order, and the page's ``<title>``."""
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.document_fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"HTML could not be parsed: {exc}") from exc
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        raise InputError(f"HTML nested deeper than {MAX_DEPTH} elements: the parser cannot read past that")
    collector = _BlockCollector(root.getroottree())
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        if event in ("comment", "pi"):
            collector.add(element.tail)
        elif event == "start":
            if element.tag in INVISIBLE_TAGS:
                walker.skip_subtree()
                continue
            if element.tag in BLOCK_TAGS or element is root:
                collector.enter(element)
            collector.add(" " if element.tag == "br" else element.text)
        else:
            if element.tag in BLOCK_TAGS or element is root:
                collector.leave()
            collector.add(element.tail)
    add_page_features(collector.blocks)
    return collector.blocks, _title(root)


def _title(root: etree._Element) -> str | None:
    found = root.find(".//title")
    if found is None:
        return None
    title = SPACE.sub(" ", found.text_content()).strip()
    return title or None
