"""The data model: Record -> Page -> Doc of Blocks.

A :class:`Record` is raw bytes and where they came from. Decoding gives a
:class:`Page` (text plus its kind). Segmenting a page gives a :class:`Doc`, an
ordered list of :class:`Block`. Stages never delete blocks: they mark them
removed with a category, a rule id, the stage and a detail, so every removal
can be shown, counted and explained. The clean text is the kept blocks joined
by a blank line.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal


class Category(StrEnum):
    """Why a block was removed: the first word of every removal.

    Example::

        r = pipeline.clean_file("data/raw/000_4836993da0e4a9b5.txt")
        r.removed[pipeline.Category.COOKIE]      # characters removed as cookie banners
    """

    NAV = "nav"
    COOKIE = "cookie"
    RELATED = "related"
    AUTHOR_BIO = "author_bio"
    BYLINE = "byline"
    SOCIAL = "social"
    NEWSLETTER = "newsletter"
    TAGS = "tags"
    FOOTER = "footer"
    SEARCH = "search"
    AD = "ad"
    COMMENTS = "comments"
    UI = "ui"
    SIDEBAR = "sidebar"
    DUPLICATE = "duplicate"
    TEMPLATE = "template"
    LOW_QUALITY = "low_quality"
    EMPTY = "empty"


class Status(StrEnum):
    """Outcome of cleaning one document: ``ok``, ``empty`` (nothing left) or ``error``.

    Example::

        docs = pipeline.read_documents("data/clean")
        docs[docs.status == pipeline.Status.ERROR][["source_path", "error"]]
    """

    OK = "ok"
    EMPTY = "empty"
    ERROR = "error"


SourceKind = Literal["html", "text", "warc", "jsonl"]
PageKind = Literal["html", "text"]


@dataclass(frozen=True, slots=True)
class Span:
    """``records`` consecutive records of an archive file (None: to its end), the first
    of them record ``first``, starting at byte ``start``: the slice of a large WARC or
    JSONL file that one worker cleans (see :mod:`pipeline.split`)."""

    first: int
    start: int
    records: int | None = None


WHOLE_FILE = Span(0, 0)


@dataclass(slots=True, frozen=True)
class Record:
    """Raw bytes of one input document and where they came from.

    ``error`` is set instead of ``data`` when the bytes could not be read
    (a truncated gzip, a file too large); the record still yields a row.
    A record of a WARC or JSONL file says its markup in ``markup`` and where
    it sits in ``source_offset`` (bytes into the file, or into its decompressed
    stream for JSONL), with the archive's record id or the JSONL id field in
    ``source_id`` and, for WARC, the capture time in ``fetch_date``.

    Example::

        data = Path("page.html").read_bytes()
        record = pipeline.Record("page.html", 0, hashlib.sha256(data).hexdigest(), "html", data)
        doc = pipeline.Pipeline.default().clean(record)
    """

    source_path: str
    record: int
    source_sha256: str
    source_kind: SourceKind
    data: bytes = b""
    url: str | None = None
    error: str | None = None
    markup: PageKind | None = None
    fetch_date: str | None = None
    source_offset: int | None = None
    source_id: str | None = None

    @property
    def page_kind(self) -> PageKind:
        """How to read ``data``: as HTML or as a text dump."""
        return self.markup or ("html" if self.source_kind == "html" else "text")

    @property
    def doc_id(self) -> str:
        """Stable id: the same input bytes, path and record index give the same id in every
        run; two copies of a file at different paths are two documents."""
        key = f"{self.source_path}\0{self.source_sha256}\0{self.record}".encode()
        return hashlib.sha256(key).hexdigest()[:20]


@dataclass(slots=True, frozen=True)
class Page:
    """Decoded text of a record and what kind of markup it holds."""

    text: str
    kind: PageKind
    encoding: str


@dataclass(slots=True)
class LineFeatures:
    """What a text line still tells about its role once markup is gone.

    The first group describes the line alone; the second its place in the
    page (filled in once all lines are known).
    """

    chars: int
    words: int
    indent: int
    bullet: str
    ends_sentence: bool
    link_like: bool
    blank_before: bool
    capitalised: float
    markup_only: bool
    repeat_key: str  # its words, case folded: what a copy of it shares
    short_run: int = 0
    repeats: int = 1
    link_density: float = 0.0


@dataclass(slots=True, eq=False)
class Element:
    """An HTML element that holds blocks, as element rules and layout heuristics see it.

    ``tokens`` are its class and id values split into lowercase words
    (``relatedPosts nav_main`` -> ``related posts nav main``). ``chars`` and
    ``link_chars`` count the visible characters of all blocks under it;
    ``in_main`` tells that it sits inside a ``<main>``, an ``<article>`` or a
    ``role=main`` landmark, and ``holds_main`` that a ``<main>``, ``role=main``
    or ``itemprop=articleBody`` element is inside it. ``selected`` holds the
    ids of the selector rules that matched it.
    """

    tag: str
    tokens: str
    role: str
    parent: Element | None
    depth: int
    in_main: bool = False
    landmark: bool = False
    holds_main: bool = False
    selected: tuple[str, ...] = ()
    chars: int = 0
    link_chars: int = 0

    def ancestors(self) -> list[Element]:
        """This element and the elements around it, innermost first."""
        chain: list[Element] = []
        node: Element | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def describe(self) -> str:
        """A short CSS-like name: ``div#main.related.posts`` style, tokens joined by dots."""
        return self.tag + "".join(f".{t}" for t in self.tokens.split()[:4])


@dataclass(slots=True)
class Block:
    """One unit of a page: a line of a text dump or a block element of HTML.

    Example::

        doc = pipeline.clean_file("data/raw/000_4836993da0e4a9b5.txt").doc
        [(b.text, b.category, b.rule_id, b.detail) for b in doc.blocks if not b.kept]
    """

    index: int
    text: str
    line_start: int | None = None
    line_end: int | None = None
    xpath: str | None = None
    features: LineFeatures | None = None
    element: Element | None = None
    kept: bool = True
    category: Category | None = None
    rule_id: str | None = None
    stage: str | None = None
    detail: str | None = None

    def remove(self, category: Category, rule_id: str, detail: str) -> bool:
        """Mark the block removed; a block already removed keeps its first reason.

        Returns whether this call removed it. The runner stamps ``stage``.
        """
        if not self.kept:
            return False
        self.kept = False
        self.category = category
        self.rule_id = rule_id
        self.detail = detail
        return True

    def restore(self) -> None:
        """Undo a removal (used by the runner's over-pruning guard)."""
        self.kept = True
        self.category = self.rule_id = self.stage = self.detail = None


@dataclass(slots=True)
class Doc:
    """A document being cleaned: its blocks and what is known about it.

    Example::

        doc = pipeline.clean_file("data/raw/000_4836993da0e4a9b5.txt").doc
        doc.text, doc.language, doc.removed_chars()
    """

    doc_id: str
    source_path: str
    record: int
    source_sha256: str
    source_kind: SourceKind
    blocks: list[Block] = field(default_factory=list)
    page_kind: PageKind = "text"
    url: str | None = None
    fetch_date: str | None = None
    source_offset: int | None = None
    source_id: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    language: str = "und"
    language_score: float = 0.0
    status: Status = Status.OK
    error: str | None = None

    @classmethod
    def from_record(cls, record: Record) -> Doc:
        """An empty document carrying the provenance of ``record``."""
        return cls(
            doc_id=record.doc_id,
            source_path=record.source_path,
            record=record.record,
            source_sha256=record.source_sha256,
            source_kind=record.source_kind,
            url=record.url,
            fetch_date=record.fetch_date,
            source_offset=record.source_offset,
            source_id=record.source_id,
        )

    @property
    def kept_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.kept]

    @property
    def text(self) -> str:
        """The clean text: kept blocks joined by a blank line."""
        return "\n\n".join(b.text for b in self.blocks if b.kept)

    @property
    def chars_in(self) -> int:
        return sum(len(b.text) for b in self.blocks)

    @property
    def chars_out(self) -> int:
        return sum(len(b.text) for b in self.blocks if b.kept)

    def removed_chars(self) -> dict[Category, int]:
        """Characters removed per category, every category present."""
        totals = dict.fromkeys(Category, 0)
        for block in self.blocks:
            if not block.kept and block.category is not None:
                totals[block.category] += len(block.text)
        return totals

    def fail(self, message: str) -> Doc:
        """Turn this document into an error row: the reason said, no text, no blocks."""
        self.status = Status.ERROR
        self.error = message
        self.blocks = []
        return self
