"""Find inputs, open them (gzip included), sniff their kind and decode their bytes.

Reading never raises for a bad file: a file that cannot be read becomes a
:class:`Record` with ``error`` set, so it still gets its row in the output.

Decoding, in order: a byte-order mark; bytes that are valid UTF-8 (whatever
the page declares: a page that says ``iso-8859-1`` but is valid UTF-8 was
converted without its ``<meta>`` being updated); the charset an HTML page
declares (``<meta charset>``, ``http-equiv`` or an XML declaration), read as
browsers read it (``iso-8859-1`` and ``us-ascii`` as windows-1252, ...);
then, for text that is neither (or that wrongly declares UTF-8), UTF-8 with
stray windows-1252 bytes when most of it is UTF-8, else windows-1252, else
bs4's ``UnicodeDammit`` guess.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import logging
import re
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bs4 import UnicodeDammit

from pipeline.errors import InputError, size_text
from pipeline.jsonl import JsonlFields, jsonl_records
from pipeline.model import WHOLE_FILE, Page, Record, SourceKind, Span
from pipeline.warc import warc_records

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
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
DEFAULT_FIELDS = JsonlFields()
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
HTML_SIGNATURE = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p|a\s|span|table|script|br)\b", re.I
)
CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 12, 13, 27))
#: bs4 logs a warning for every page with undecodable bytes; replacing them is
#: the documented behaviour here, not news.
DAMMIT_LOGGER = logging.getLogger("bs4.dammit")

#: Byte-order marks and their encodings, longest first (a UTF-32 mark starts
#: like a UTF-16 one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Bytes searched for a charset declaration. The HTML standard's prescan reads
#: 1,024, but 8% of the development benchmark's declarations come later, in
#: heads of up to 264 KB of inline scripts and styles.
DECLARATION_BYTES = 512 * 2**10
#: Characters searched from ``<meta`` (or ``<?xml``) to ``charset``: 63 at most
#: on the development benchmark. The bound keeps a page of unclosed ``<meta``
#: tags from taking minutes (an unbounded search is quadratic).
MAX_TAG_CHARS = 256
DECLARATION = re.compile(
    rb"\A\s*<\?xml\b[^>]{0,%d}?\bencoding\s*=\s*[\"']?([\w.:+-]+)"
    rb"|<meta\b[^>]{0,%d}?\bcharset\s*=\s*[\"']?\s*([\w.:+-]+)" % (MAX_TAG_CHARS, MAX_TAG_CHARS),
    re.I,
)
#: Declared charsets that browsers decode as a superset (WHATWG Encoding
#: standard), by Python codec name: pages declaring ``iso-8859-1`` are written
#: in windows-1252 (curly quotes at 0x93/0x94), ``shift_jis`` pages use the
#: Windows extensions (①, ㈱), and so on. A UTF-16 or UTF-32 declaration was
#: read from ASCII-compatible bytes, so it cannot be right: read as UTF-8.
BROWSER_READS_AS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
    "utf-32": "utf-8",
    "utf-32-le": "utf-8",
    "utf-32-be": "utf-8",
}
#: Encodings whose bytes are all ASCII: text that decodes as UTF-8 (as ASCII)
#: may still be in one of them, so their declaration wins.
SEVEN_BIT_ENCODINGS = frozenset(
    {
        "iso2022_jp",
        "iso2022_jp_1",
        "iso2022_jp_2",
        "iso2022_jp_2004",
        "iso2022_jp_3",
        "iso2022_jp_ext",
        "iso2022_kr",
        "hz",
    }
)
#: What undeclared bytes that are not UTF-8 are read as (windows-1252): the
#: HTML standard's default for Western locales, a superset of ISO-8859-1.
FALLBACK_ENCODING = "cp1252"
#: Share of the non-ASCII bytes that must form UTF-8 characters for invalid
#: UTF-8 to be read as UTF-8 with stray windows-1252 bytes (a UTF-8 page with
#: a pasted-in latin-1 snippet). In windows-1252 text, pairs that happen to be
#: valid UTF-8 (an accented capital followed by a symbol: "Ã©") are rare.
MIN_UTF8_SHARE = 0.5
UTF8_CHARACTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
NON_ASCII_BYTES = bytes(range(0x80, 0x100))
#: Codec error handler (registered below) that reads stray bytes as windows-1252.
STRAY_BYTES_AS_FALLBACK = "pipeline-stray-bytes-as-windows-1252"


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


def read_records(
    item: InputFile,
    fields: JsonlFields = DEFAULT_FIELDS,
    skipped: Counter[str] | None = None,
    *,
    span: Span = WHOLE_FILE,
    sha256: str | None = None,
) -> Iterator[Record]:
    """The records of one input file: one for a page, one per page of a WARC or JSONL
    file (streamed; only those of ``span`` when given), an error record for a bad file.
    Archive records that are not pages are counted in ``skipped`` by reason.
    ``sha256`` is the file's hash when already known (an indexed archive)."""
    path = item.source_path
    try:
        kind = file_kind(item.path)
        if kind in ("warc", "jsonl"):
            sha = sha256 or file_sha256(item.path)
    except OSError as exc:
        yield _error_record(path, "", "text", f"cannot read file: {exc.strerror or exc}")
        return
    if kind in ("warc", "jsonl"):
        counter = skipped if skipped is not None else Counter()
        yield from _archive_records(item, kind, sha, fields=fields, skipped=counter, span=span)
    else:
        yield _page_record(item, kind)


def file_kind(path: Path) -> SourceKind:
    """What a file holds: from its name's extension, else sniffed from its first bytes."""
    return _kind_from_name(path.name) or sniff_kind(_head(path))


def _page_record(item: InputFile, kind: SourceKind) -> Record:
    """The one record of an HTML or text file, read whole (up to the size limit)."""
    path = item.source_path
    try:
        raw, sha = _read_file(item.path)
    except OSError as exc:
        return _error_record(path, "", kind, f"cannot read file: {exc.strerror or exc}")
    if raw is None:
        return _error_record(path, sha, kind, f"larger than the {size_text(MAX_INPUT_BYTES)} limit")
    try:
        data = _gunzip(raw) if raw.startswith(GZIP_MAGIC) else raw
        _check_content(data)
    except InputError as exc:
        return _error_record(path, sha, kind, str(exc))
    return Record(source_path=path, record=0, source_sha256=sha, source_kind=kind, data=data)


def _archive_records(
    item: InputFile,
    kind: SourceKind,
    sha: str,
    *,
    fields: JsonlFields,
    skipped: Counter[str],
    span: Span,
) -> Iterator[Record]:
    """The pages of a WARC or JSONL file, streamed; an error record when it holds nothing."""
    path = item.source_path
    seen: Counter[str] = Counter()
    if kind == "warc":
        records = warc_records(
            item.path, source_path=path, sha256=sha, skipped=seen, max_bytes=MAX_INPUT_BYTES, span=span
        )
    else:
        records = jsonl_records(
            item.path,
            source_path=path,
            sha256=sha,
            fields=fields,
            skipped=seen,
            max_bytes=MAX_INPUT_BYTES,
            span=span,
        )
    empty = True
    for record in records:
        empty = False
        yield record
    skipped.update(seen)
    if empty and not seen and span.start == 0:
        reason = "0 bytes" if sha == EMPTY_SHA256 else f"no {kind.upper()} records"
        yield _error_record(path, sha, kind, f"empty file: {reason}")


def _head(path: Path) -> bytes:
    """The first bytes of a file, decompressed when it is gzipped (b"" when that fails)."""
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
    if not head.startswith(GZIP_MAGIC):
        return head
    try:
        with gzip.open(path, "rb") as stream:
            return stream.read(SNIFF_BYTES)
    except (EOFError, gzip.BadGzipFile, zlib.error):
        return b""


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read a chunk at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


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
        raise InputError(f"larger than the {size_text(MAX_INPUT_BYTES)} limit once decompressed")
    return data


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
    if head.startswith(b'{"') or (head.startswith(b"{") and head.split(b"\n", 1)[0].rstrip().endswith(b"}")):
        return "jsonl"
    if HTML_SIGNATURE.search(head):
        return "html"
    return "text"


def _check_content(data: bytes) -> None:
    if not data.strip():
        raise InputError("empty file: no visible text" if data else "empty file: 0 bytes")
    head = data[:SNIFF_BYTES]
    if head.startswith(UTF16_BOMS):
        return
    controls = sum(head.count(c) for c in CONTROL_BYTES)
    if controls > MAX_CONTROL_SHARE * len(head):
        share = 100 * controls / len(head)
        raise InputError(f"binary content: {share:.0f}% control bytes, not text or HTML")


def decode(record: Record) -> Page:
    """Decode a record's bytes as the module docstring says; bytes that cannot be
    decoded become U+FFFD. ``Page.encoding`` is the codec used."""
    text, encoding = decode_bytes(record.data, html=record.page_kind == "html")
    return Page(text, record.page_kind, encoding)


def decode_bytes(data: bytes, *, html: bool) -> tuple[str, str]:
    """The text of ``data`` and the codec it was read with (``html``: honour declarations)."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace"), encoding
    try:
        text: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    # Only pure ASCII or invalid UTF-8 can be in another encoding: look for a declaration then.
    declared = declared_encoding(data) if html and (text is None or text.isascii()) else None
    if text is not None and declared not in SEVEN_BIT_ENCODINGS:
        return text, "utf-8"
    if declared is not None and declared != "utf-8":
        return data.decode(declared, "replace"), declared
    return _decode_undeclared(data)


def declared_encoding(data: bytes) -> str | None:
    """The Python codec for the charset an HTML page declares, as browsers read it;
    None when it declares none or a name no codec has."""
    found = DECLARATION.search(data, 0, DECLARATION_BYTES)
    if found is None:
        return None
    label = (found.group(1) or found.group(2)).decode("ascii")
    try:
        name = codecs.lookup(label).name
        b" ".decode(name, "replace")  # rejects codecs that are not text encodings (base64, rot13)
    except (LookupError, ValueError):
        return None
    return BROWSER_READS_AS.get(name, name)


def _decode_undeclared(data: bytes) -> tuple[str, str]:
    """Bytes that are not valid UTF-8 and declare nothing else (or UTF-8, wrongly)."""
    if _utf8_share(data) >= MIN_UTF8_SHARE:
        return data.decode("utf-8", STRAY_BYTES_AS_FALLBACK), "utf-8"
    with _quiet(DAMMIT_LOGGER):
        dammit = UnicodeDammit(data, user_encodings=[FALLBACK_ENCODING])
    if dammit.unicode_markup is None:
        tried = ", ".join(enc for enc, _ in dammit.tried_encodings)
        raise InputError(f"cannot decode bytes as text (tried {tried})")
    return dammit.unicode_markup, dammit.original_encoding or FALLBACK_ENCODING


def _utf8_share(data: bytes) -> float:
    """Share of the non-ASCII bytes of ``data`` that form UTF-8 characters."""
    non_ascii = len(data) - len(data.translate(None, NON_ASCII_BYTES))
    in_characters = sum(len(c) for c in UTF8_CHARACTER.findall(data))
    return in_characters / non_ascii if non_ascii else 1.0


def _stray_bytes_as_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read the bytes UTF-8 rejected as windows-1252."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    stray = error.object[error.start : error.end]
    return stray.decode(FALLBACK_ENCODING, "replace"), error.end


codecs.register_error(STRAY_BYTES_AS_FALLBACK, _stray_bytes_as_fallback)


@contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    """Silence ``logger`` below errors for the duration of the block."""
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
