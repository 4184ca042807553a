"""Split a large WARC or JSONL file into spans that different workers can clean.

A :class:`~pipeline.model.Span` is a run of consecutive records of one file: the ordinal of
its first record, the byte offset where that record starts, and how many
records it holds. :func:`index_archive` reads a file once, without cleaning
anything (about 1 s per 60 MB of WARC.gz, against about 35 s of cleaning),
and cuts it at the first record starting after every ``unit_bytes``.

Which files can be cut: plain JSONL (a new line starts a record), plain WARC,
and WARC.gz written the standard way, one gzip member per record (each
member decompresses alone). A gzipped JSONL file, or a WARC.gz compressed as
one stream, cannot be entered part-way: it stays one span, read by one
worker.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from pipeline.model import SourceKind, Span
from pipeline.read import GZIP_MAGIC, READ_CHUNK, file_sha256

#: Bytes decompressed at a cut to check that a gzip member starts a WARC record there.
PROBE_BYTES = 64


@dataclass(frozen=True, slots=True)
class FileIndex:
    """A file's SHA-256, the spans it was cut into (one span: not cut), and whether
    its records' offsets are positions in the file (not in a decompressed stream)."""

    sha256: str
    spans: tuple[Span, ...]
    offsets_in_file: bool


def index_archive(path: Path, kind: SourceKind, unit_bytes: int) -> FileIndex:
    """The SHA-256 of the WARC or JSONL file at ``path`` and its spans of about
    ``unit_bytes`` each (one span when the file cannot be cut; see the module docstring)."""
    sha = file_sha256(path)
    with path.open("rb") as stream:
        gzipped = stream.read(2) == GZIP_MAGIC
    if kind == "jsonl":
        cuts = [] if gzipped else _line_cuts(path, unit_bytes)
    else:
        cuts = _warc_cuts(path, unit_bytes)
        if gzipped and not all(_starts_warc_member(path, start) for _, start in cuts):
            cuts = []
    return FileIndex(sha, _spans(cuts), offsets_in_file=kind == "warc" or not gzipped)


def _spans(cuts: list[tuple[int, int]]) -> tuple[Span, ...]:
    """Spans from the (record ordinal, byte offset) of each cut."""
    starts = [(0, 0), *cuts]
    spans = [Span(first, start, following - first) for (first, start), (following, _) in pairwise(starts)]
    last_first, last_start = starts[-1]
    return (*spans, Span(last_first, last_start))


def _line_cuts(path: Path, unit_bytes: int) -> list[tuple[int, int]]:
    """(line index, byte offset) of the first line starting at or after every
    ``unit_bytes`` of the file, a chunk at a time (lines of any length)."""
    cuts: list[tuple[int, int]] = []
    lines = offset = 0
    cut = unit_bytes
    size = path.stat().st_size
    with path.open("rb") as stream:
        while chunk := stream.read(READ_CHUNK):
            # A line starting at or after `cut` follows a newline at or after `cut - 1`.
            while (newline := chunk.find(b"\n", max(cut - 1 - offset, 0))) != -1:
                start = offset + newline + 1
                if start >= size:
                    break
                cuts.append((lines + chunk.count(b"\n", 0, newline + 1), start))
                cut = start + unit_bytes
            lines += chunk.count(b"\n")
            offset += len(chunk)
    return cuts


def _warc_cuts(path: Path, unit_bytes: int) -> list[tuple[int, int]]:
    """(record ordinal, byte offset) of the first record starting at or after every
    ``unit_bytes`` of the file; none when the file cannot be read to its end."""
    cuts: list[tuple[int, int]] = []
    cut = unit_bytes
    with path.open("rb") as stream:
        archive = ArchiveIterator(stream, no_record_parse=True)
        try:
            for ordinal, _ in enumerate(archive):
                start = archive.get_record_offset()
                if start >= cut:
                    cuts.append((ordinal, start))
                    cut = start + unit_bytes
        except Exception:  # noqa: BLE001 - a damaged file is read whole, by one worker, which reports it
            return []
    return cuts


def _starts_warc_member(path: Path, offset: int) -> bool:
    """Whether a gzip member that decompresses to a WARC record starts at ``offset``."""
    with path.open("rb") as stream:
        stream.seek(offset)
        head = stream.read(READ_CHUNK // 16)
    if not head.startswith(GZIP_MAGIC):
        return False
    try:
        return zlib.decompressobj(31).decompress(head, PROBE_BYTES).startswith(b"WARC/")
    except zlib.error:
        return False
