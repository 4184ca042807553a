"""Find inputs, open them (gzip included), sniff their kind and decode their bytes.

Reading never raises for a bad file: a file that cannot be read becomes a
:class:`Record` with ``error`` set, so it still gets its row in the output.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import re
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bs4 import UnicodeDammit

from pipeline.errors import InputError
from pipeline.model import Page, PageKind, Record, SourceKind

#: Largest input accepted, after decompression. Past it a file becomes an error
#: row instead of filling memory: 64 MiB is ~100x the largest page of the
#: development benchmark (0.6 MiB).
MAX_INPUT_BYTES = 64 * 2**20

READ_CHUNK = 2**20
#: Bytes looked at to tell binary from text and HTML from plain text.
SNIFF_BYTES = 8192

#: Share of control bytes (other than tab, newline, carriage return, form
#: feed, escape) in the sniffed prefix above which a file is binary. Text in
#: any 8-bit or UTF-8 encoding has almost none.
MAX_CONTROL_SHARE = 0.02

KIND_BY_SUFFIX: dict[str, SourceKind] = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".warc": "warc",
    ".jsonl": "jsonl",
}

GZIP_MAGIC = b"\x1f\x8b"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
HTML_SIGNATURE = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p|a\s|span|table|script|br)\b", re.I
)
CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 12, 13, 27))
#: bs4 logs a warning for every page with undecodable bytes; replacing them is
#: the documented behaviour here, not news.
DAMMIT_LOGGER = logging.getLogger("bs4.dammit")


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file to clean and the INPUT argument it was found under."""

    path: Path
    root: Path

    @property
    def source_path(self) -> str:
        """Path relative to the INPUT it was found under (its name for a file INPUT)."""
        if self.root == self.path:
            return self.path.name
        return self.path.relative_to(self.root).as_posix()


def find_inputs(inputs: Sequence[Path]) -> list[InputFile]:
    """Every file under ``inputs`` (files or folders, searched recursively), in a stable order.

    Hidden files and folders (names starting with a dot) are skipped. Raises
    :class:`InputError` for an INPUT that does not exist.
    """
    found: list[InputFile] = []
    for root in inputs:
        if root.is_file():
            found.append(InputFile(root, root))
        elif root.is_dir():
            files = (p for p in root.rglob("*") if p.is_file() and not _is_hidden(p, root))
            found.extend(InputFile(p, root) for p in sorted(files))
        else:
            raise InputError(f"{root}: no such file or folder")
    return found


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def read_records(item: InputFile) -> Iterator[Record]:
    """The records of one input file: one for a page, an error record for a bad file."""
    path = item.source_path
    kind = _kind_from_name(item.path.name)
    try:
        raw, sha = _read_file(item.path)
    except OSError as exc:
        yield _error_record(path, "", kind or "text", f"cannot read file: {exc.strerror or exc}")
        return
    if raw is None:
        yield _error_record(path, sha, kind or "text", f"larger than the {_size(MAX_INPUT_BYTES)} limit")
        return
    try:
        data = _gunzip(raw) if raw.startswith(GZIP_MAGIC) else raw
        kind = kind or sniff_kind(data)
        _check_content(data, kind)
    except InputError as exc:
        yield _error_record(path, sha, kind or "text", str(exc))
        return
    yield Record(source_path=path, record=0, source_sha256=sha, source_kind=kind, data=data)


def _error_record(path: str, sha: str, kind: SourceKind, message: str) -> Record:
    return Record(source_path=path, record=0, source_sha256=sha, source_kind=kind, error=message)


def _read_file(path: Path) -> tuple[bytes | None, str]:
    """The file's bytes (None past the size limit) and the SHA-256 of all of them."""
    digest = hashlib.sha256()
    chunks: list[bytes] = []
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(READ_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if size <= MAX_INPUT_BYTES:
                chunks.append(chunk)
    return (b"".join(chunks) if size <= MAX_INPUT_BYTES else None), digest.hexdigest()


def _gunzip(raw: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            data = stream.read(MAX_INPUT_BYTES + 1)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise InputError(f"corrupt or truncated gzip: {exc}") from exc
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"larger than the {_size(MAX_INPUT_BYTES)} limit once decompressed")
    return data


def _size(n: int) -> str:
    return f"{n / 2**20:g} MiB" if n >= 2**20 else f"{n:,} bytes"


def _kind_from_name(name: str) -> SourceKind | None:
    suffixes = [s.lower() for s in Path(name).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return KIND_BY_SUFFIX.get(suffixes[-1]) if suffixes else None


def sniff_kind(data: bytes) -> SourceKind:
    """Tell the kind of a file whose name does not say it, from its first bytes."""
    head = data[:SNIFF_BYTES].lstrip()
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith(b"{") and head.split(b"\n", 1)[0].rstrip().endswith(b"}"):
        return "jsonl"
    if HTML_SIGNATURE.search(head):
        return "html"
    return "text"


def _check_content(data: bytes, kind: SourceKind) -> None:
    if not data.strip():
        raise InputError("empty file: no visible text" if data else "empty file: 0 bytes")
    if kind in ("warc", "jsonl"):
        raise InputError(f"{kind.upper()} input is not supported yet: only HTML and text pages")
    head = data[:SNIFF_BYTES]
    if head.startswith(UTF16_BOMS):
        return
    controls = sum(head.count(c) for c in CONTROL_BYTES)
    if controls > MAX_CONTROL_SHARE * len(head):
        share = 100 * controls / len(head)
        raise InputError(f"binary content: {share:.0f}% control bytes, not text or HTML")


def decode(record: Record) -> Page:
    """Decode a record's bytes: valid UTF-8 as it is, else BOM, declared charset (HTML),
    then windows-1252 (undecodable bytes become U+FFFD)."""
    page_kind: PageKind = "html" if record.source_kind == "html" else "text"
    try:
        return Page(record.data.decode("utf-8-sig"), page_kind, "utf-8")
    except UnicodeDecodeError:
        pass
    with _quiet(DAMMIT_LOGGER):
        dammit = UnicodeDammit(record.data, is_html=page_kind == "html")
    if dammit.unicode_markup is None:
        tried = ", ".join(enc for enc, _ in dammit.tried_encodings)
        raise InputError(f"cannot decode bytes as text (tried {tried})")
    return Page(dammit.unicode_markup, page_kind, dammit.original_encoding or "ascii")


@contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    """Silence ``logger`` below errors for the duration of the block."""
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
