"""Read the pages of a JSONL file (plain or gzipped), one line at a time.

Each line is a JSON object holding a page: its HTML or its text, and
optionally its URL and an id, under field names the run configures
(:class:`JsonlFields`; ``--jsonl-html``, ``--jsonl-text``, ``--jsonl-url``,
``--jsonl-id`` on the command line). A line with an HTML field is cleaned as
HTML, else one with a text field as a text dump.

Lines stream past: a file of any size never sits in memory, only one line,
up to the input size limit. ``record`` is the line's index in the file and
``source_offset`` its byte offset (in the decompressed stream of a gzipped
file). A line that is not a JSON object, or has neither field, becomes an
error row naming the line; blank lines are skipped and counted. A gzip
stream that turns out corrupt or truncated part-way yields the lines before
the damage and then one error record saying where it stopped.
"""

from __future__ import annotations

import gzip
import json
import math
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from pipeline.errors import size_text
from pipeline.model import WHOLE_FILE, PageKind, Record, Span

GZIP_MAGIC = b"\x1f\x8b"
ByteStream = gzip.GzipFile | BinaryIO
#: Bytes read at a time while skipping the rest of an over-long line.
SKIP_CHUNK = 2**20


@dataclass(frozen=True, slots=True)
class JsonlFields:
    """The field names of a JSONL page: its HTML or its text, its URL and its id."""

    html: str = "html"
    text: str = "text"
    url: str = "url"
    id: str = "id"


def jsonl_records(
    path: Path,
    *,
    source_path: str,
    sha256: str,
    fields: JsonlFields,
    skipped: Counter[str],
    max_bytes: int,
    span: Span = WHOLE_FILE,
) -> Iterator[Record]:
    """The pages of the JSONL file at ``path`` (of its ``span`` of lines; a span past the
    start needs a plain file), as the module docstring says."""
    template = Record(source_path, 0, sha256, "jsonl")
    index, offset = span.first, span.start
    end = math.inf if span.records is None else span.first + span.records
    with _open(path) as stream:
        stream.seek(offset)
        try:
            while index < end and (line := stream.readline(max_bytes + 1)):
                where = replace(template, record=index, source_offset=offset)
                length = len(line)
                if length > max_bytes and not line.endswith(b"\n"):
                    length += _skip_rest_of_line(stream)
                    limit = size_text(max_bytes)
                    yield replace(where, error=f"line {index + 1} is longer than the {limit} limit")
                elif line.strip():
                    yield _page(line, where, fields)
                else:
                    skipped["blank line"] += 1
                index += 1
                offset += length
        except (EOFError, OSError, zlib.error) as exc:
            message = f"corrupt or truncated gzip after {index} lines: {exc}"
            yield replace(template, record=index, source_offset=offset, error=message)


def _open(path: Path) -> ByteStream:
    with path.open("rb") as probe:
        gzipped = probe.read(2) == GZIP_MAGIC
    return gzip.open(path, "rb") if gzipped else path.open("rb")


def _skip_rest_of_line(stream: ByteStream) -> int:
    """Read past the end of the current line; the number of bytes skipped."""
    skipped = 0
    while chunk := stream.readline(SKIP_CHUNK):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def _page(line: bytes, where: Record, fields: JsonlFields) -> Record:
    """The page one line holds, or an error record saying what is wrong with the line."""
    number = where.record + 1
    try:
        value: Any = json.loads(line)
    except ValueError as exc:
        return replace(where, error=f"line {number} is not valid JSON: {exc}")
    if not isinstance(value, dict):
        return replace(where, error=f"line {number} is a JSON {type(value).__name__}, not an object")
    markup: PageKind = "html" if isinstance(value.get(fields.html), str) else "text"
    content = value.get(fields.html if markup == "html" else fields.text)
    if not isinstance(content, str):
        wanted = f"{fields.html!r} or {fields.text!r}"
        return replace(where, error=f"line {number} has no string field {wanted}")
    url, source_id = value.get(fields.url), value.get(fields.id)
    return replace(
        where,
        data=content.encode("utf-8", "replace"),
        markup=markup,
        url=url if isinstance(url, str) and url else None,
        source_id=None if source_id is None else str(source_id),
    )
