"""Segment an HTML page into blocks in reading order.

lxml parses the page (robust to broken markup, nesting allowed to libxml2's
largest depth). A page nested deeper than that becomes an error instead of
silently losing what follows the cut. One iterative walk over the tree, so
deep nesting cannot exhaust the stack, does all the work the stages need:

* every element that is not inline text markup (paragraphs, headings, list
  items, table cells, ``pre``, blockquotes, ``div``, custom elements, ...)
  starts a new block, and inline text belongs to the innermost open one;
* every such element becomes an :class:`~pipeline.model.Element` (tag,
  class/id tokens, ARIA role, landmark flags, characters and link
  characters under it) that element rules and layout heuristics look at;
* every block gets the line features of text dumps plus its link density,
  so the same stages and text rules run on both kinds of page.

Selector rules are evaluated once per page, before the walk, as compiled
XPath; the walk records which elements each one selected.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from lxml import etree

from pipeline.errors import InputError
from pipeline.metadata import PageMeta, page_metadata
from pipeline.model import Block, Element
from pipeline.segment.text import add_page_features, line_features

#: Elements whose content is never visible text.
INVISIBLE_TAGS = frozenset(
    {"script", "style", "template", "svg", "math", "head", "iframe", "object", "canvas"}
)
#: Text-level markup: its text belongs to the block around it. Every other
#: element (known block elements and unknown custom ones) starts a block.
INLINE_TAGS = frozenset(
    {
        "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del", "dfn",
        "em", "font", "i", "img", "input", "ins", "kbd", "label", "mark", "nobr", "picture", "q",
        "rp", "rt", "ruby", "s", "samp", "small", "source", "span", "strike", "strong", "sub", "sup",
        "time", "tt", "u", "var", "wbr",
    }
)  # fmt: skip
#: Elements that put the blocks inside them in the page's main content.
MAIN_TAGS = frozenset({"main", "article"})
MAIN_ROLE = "main"
#: ``itemprop`` value of an article's body (schema.org).
ARTICLE_BODY = "articlebody"
CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
TOKEN = re.compile(r"[a-z0-9]+")
#: A tag name that can stand as an XPath step as it is.
SIMPLE_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
#: A short block is link-like (a menu item) when at least this share of its text is in links.
LINK_LIKE_MIN_DENSITY = 0.5
#: libxml2 stops building the tree past this depth even with ``huge_tree``.
MAX_DEPTH = 2048
#: Distinct class/id strings whose tokens are remembered (they repeat across a site).
TOKEN_MEMO_SIZE = 50_000
_token_memo: dict[str, str] = {}


def class_id_tokens(raw: str) -> str:
    """``class`` and ``id`` values as words: ``relatedPosts nav_main`` -> ``related posts nav main``."""
    tokens = _token_memo.get(raw)
    if tokens is None:
        words = raw if raw.islower() else CAMEL_BOUNDARY.sub(" ", raw).lower()
        tokens = " ".join(TOKEN.findall(words))
        if len(_token_memo) >= TOKEN_MEMO_SIZE:
            _token_memo.clear()
        _token_memo[raw] = tokens
    return tokens


def make_element(node: etree._Element, parent: Element | None, selected: tuple[str, ...] = ()) -> Element:
    """The :class:`Element` of lxml ``node`` placed under ``parent``.

    A ``<main>``, a ``role=main`` element or an ``itemprop=articleBody`` is a landmark.
    """
    tag = node.tag
    classes, ident, role, itemprop = node.get("class"), node.get("id"), node.get("role"), node.get("itemprop")
    role = role.strip().lower() if role else ""
    return Element(
        tag,
        class_id_tokens(f"{classes or ''} {ident or ''}") if classes or ident else "",
        role,
        parent,
        parent.depth + 1 if parent is not None else 0,
        (parent is not None and parent.in_main) or tag in MAIN_TAGS or role == MAIN_ROLE,
        tag == "main" or role == MAIN_ROLE or (itemprop is not None and ARTICLE_BODY in itemprop.lower()),
        selected=selected,
    )


class _Walk:
    """Gathers text into the innermost open element while the tree is walked."""

    __slots__ = (
        "blocks",
        "child_counts",
        "container_paths",
        "in_link",
        "link_parts",
        "open",
        "parts",
        "paths",
        "selected",
    )

    def __init__(self, selected: Mapping[etree._Element, tuple[str, ...]]) -> None:
        self.selected = selected
        self.blocks: list[Block] = []
        # For every open element, inline ones included: its XPath (below the empty
        # path of the document), and how many children of each tag it has had so
        # far; for every open container, its XPath.
        self.paths: list[str] = [""]
        self.child_counts: list[dict[str, int]] = [{}]
        self.container_paths: list[str] = []
        self.open: list[Element] = []
        self.parts: list[str] = []
        self.link_parts: list[str] = []
        self.in_link = 0

    def start(self, node: etree._Element) -> None:
        """Open ``node``: its XPath, its :class:`Element` when it is a container, its text."""
        tag = node.tag
        # The XPath step counts the same-tag siblings before it, kept as the walk
        # goes (``getpath`` counts them anew for every element).
        counts = self.child_counts[-1]
        n = counts[tag] = counts.get(tag, 0) + 1
        parent_path = self.paths[-1]
        path = f"{parent_path}/{_step(tag)}[{n}]" if parent_path else f"/{tag}"
        self.paths.append(path)
        self.child_counts.append({})
        if tag not in INLINE_TAGS or not parent_path:
            self.enter(node, path)
        elif tag == "a":
            self.in_link += 1
        text = " " if tag == "br" else node.text
        if text:
            self.add(text)

    def end(self, node: etree._Element) -> None:
        """Close ``node`` (when it was opened) and take the text after it."""
        tag = node.tag
        if tag not in INVISIBLE_TAGS:  # a skipped subtree was never opened
            self.paths.pop()
            self.child_counts.pop()
            if tag not in INLINE_TAGS or len(self.paths) == 1:
                self.leave()
            elif tag == "a":
                self.in_link -= 1
        if node.tail:
            self.add(node.tail)

    def enter(self, node: etree._Element, path: str) -> None:
        if self.parts:
            self.flush()
        parent = self.open[-1] if self.open else None
        element = make_element(node, parent, self.selected.get(node, ()) if self.selected else ())
        if element.landmark:
            element.holds_main = True
            for outer in self.open:
                outer.holds_main = True
        self.container_paths.append(path)
        self.open.append(element)

    def leave(self) -> None:
        if self.parts:
            self.flush()
        self.container_paths.pop()
        element = self.open.pop()
        if element.parent is not None:
            element.parent.chars += element.chars
            element.parent.link_chars += element.link_chars

    def add(self, text: str) -> None:
        # Whitespace before a block's first text is layout, not content.
        if self.parts or not text.isspace():
            self.parts.append(text)
            if self.in_link:
                self.link_parts.append(text)

    def flush(self) -> None:
        if not self.parts:
            return
        raw = "".join(self.parts)
        self.parts.clear()
        if raw.isspace() or not self.open:
            self.link_parts.clear()
            return
        text = " ".join(raw.split())
        link_chars = _visible_chars("".join(self.link_parts)) if self.link_parts else 0
        self.link_parts.clear()
        element = self.open[-1]
        features = line_features(text, text, blank_before=True)
        visible = len(text) - text.count(" ")
        features.link_density = min(1.0, link_chars / visible) if visible else 0.0
        # In HTML a menu item is a link: short text that links nowhere (a table cell, a label) is not one.
        features.link_like = features.link_like and features.link_density >= LINK_LIKE_MIN_DENSITY
        element.chars += visible
        element.link_chars += min(link_chars, visible)
        xpath = self.container_paths[-1]
        self.blocks.append(Block(len(self.blocks), text, xpath=xpath, features=features, element=element))


def xpath_of(node: etree._Element) -> str:
    """The XPath a block of ``node`` gets: every step below the root indexed (``/html/body[1]/p[2]``)."""
    steps: list[str] = []
    while node.getparent() is not None:
        tag = node.tag
        n = 1 + sum(1 for _ in node.itersiblings(tag, preceding=True))
        steps.append(f"{_step(tag)}[{n}]")
        node = node.getparent()
    steps.append(node.tag)
    return "/" + "/".join(reversed(steps))


@functools.lru_cache(maxsize=4096)  # tag names repeat; hostile pages may invent many
def _step(tag: str) -> str:
    """``tag`` as an XPath name test; a name XPath cannot spell is compared as a string."""
    if SIMPLE_NAME.match(tag):
        return tag
    quote = '"' if "'" in tag else "'"
    return f"*[name()={quote}{tag}{quote}]"


def _visible_chars(text: str) -> int:
    """Characters other than whitespace."""
    return len("".join(text.split()))


def parse_html(markup: str) -> etree._Element:
    """The document root of ``markup``; :class:`InputError` when it cannot be read whole.

    libxml2 is handed UTF-8, its own encoding, rather than a Python string it
    would convert; comments, processing instructions and the id index,
    which nothing reads, are not built.
    """
    parser = etree.HTMLParser(
        encoding="utf-8", huge_tree=True, remove_comments=True, remove_pis=True, collect_ids=False
    )
    try:
        root = etree.fromstring(markup.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"HTML could not be parsed: {exc}") from exc
    if root is None:
        raise InputError("HTML could not be parsed: Document is empty")
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        raise InputError(f"HTML nested deeper than {MAX_DEPTH} elements: the parser cannot read past that")
    return root


def segment_tree(root: etree._Element, selectors: Mapping[str, etree.XPath] | None = None) -> list[Block]:
    """Blocks of visible text of a parsed page in reading order, with their elements.

    ``selectors`` maps rule ids to compiled XPath; each element they select
    carries those ids in :attr:`Element.selected`.
    """
    walk = _Walk(_select(root, selectors or {}))
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, node in walker:
        if event == "end":
            walk.end(node)
        elif node.tag in INVISIBLE_TAGS:
            walker.skip_subtree()
        else:
            walk.start(node)
    add_page_features(walk.blocks)
    return walk.blocks


def _select(
    root: etree._Element, selectors: Mapping[str, etree.XPath]
) -> dict[etree._Element, tuple[str, ...]]:
    selected: dict[etree._Element, tuple[str, ...]] = {}
    for rule_id, xpath in selectors.items():
        for node in xpath(root):
            if isinstance(node, etree._Element):
                selected[node] = (*selected.get(node, ()), rule_id)
    return selected


def segment_html(
    markup: str, selectors: Mapping[str, etree.XPath] | None = None
) -> tuple[list[Block], PageMeta]:
    """Blocks of visible text in reading order, and the page's metadata (title, URL, author, date)."""
    root = parse_html(markup)
    blocks = segment_tree(root, selectors)
    return blocks, page_metadata(root)
