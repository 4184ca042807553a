"""Read the HTML pages of a WARC file (plain or gzipped), one record at a time.

Crawls come as WARC: each HTTP response is a record with the page's URL, its
capture date and the response body. ``warcio`` parses the records as they
stream past, so a file of any size never sits in memory; only one page's
body does, up to the input size limit.

HTML responses with a 2xx status become :class:`Record` s, with the target
URI in ``url``, ``WARC-Date`` in ``fetch_date``, ``WARC-Record-ID`` in
``source_id`` and the record's byte offset in ``source_offset``. Every
other record (requests, metadata, redirects, images, ...) is counted in
``skipped`` under its reason. ``record`` is the WARC record's ordinal in the
file, skipped records included, so an id never depends on what was skipped.
A file that turns out corrupt or truncated part-way yields the pages before
the damage and then one error record saying where it stopped; a record cut
short (fewer bytes than its Content-Length) is an error record too.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from pipeline.errors import size_text
from pipeline.model import WHOLE_FILE, Record, Span

#: Record types whose payload can be a page; the rest are skipped by type.
PAGE_RECORD_TYPES = ("response", "resource")
HTML_TYPES = ("text/html", "application/xhtml+xml")


def warc_records(
    path: Path,
    *,
    source_path: str,
    sha256: str,
    skipped: Counter[str],
    max_bytes: int,
    span: Span = WHOLE_FILE,
) -> Iterator[Record]:
    """The HTML pages of the WARC file at ``path`` (of its ``span`` of records), as the
    module docstring says."""
    template = Record(source_path, 0, sha256, "warc", markup="html")
    ordinal = span.first
    with path.open("rb") as stream:
        stream.seek(span.start)
        archive = ArchiveIterator(stream)
        try:
            for warc in archive:
                if span.records is not None and ordinal - span.first >= span.records:
                    break
                if not warc.rec_type:
                    raise ValueError("a record without a WARC-Type")
                reason = skip_reason(warc)
                if reason:
                    skipped[reason] += 1
                else:
                    page = _page(warc, replace(template, record=ordinal), max_bytes)
                    # The offset is known once the record is read (warcio reads to its end for it).
                    yield replace(page, source_offset=archive.get_record_offset())
                ordinal += 1
        except Exception as exc:  # noqa: BLE001 - warcio raises assorted errors on malformed records
            message = f"corrupt or truncated WARC after {ordinal} records: {_one_line(exc)}"
            yield replace(template, record=ordinal, markup=None, error=message)


def skip_reason(warc: ArcWarcRecord) -> str | None:
    """Why a WARC record is not a page to clean, or None when it is one."""
    if warc.rec_type not in PAGE_RECORD_TYPES:
        return f"{warc.rec_type} record"
    if warc.http_headers is not None:
        status = warc.http_headers.get_statuscode() or "?"
        if not status.startswith("2"):
            return f"HTTP status {status}"
        content_type = warc.http_headers.get_header("Content-Type")
    else:
        content_type = warc.rec_headers.get_header("Content-Type")
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime not in HTML_TYPES:
        return f"not HTML: {mime or 'no content type'}"
    return None


def _page(warc: ArcWarcRecord, where: Record, max_bytes: int) -> Record:
    """The page of an HTML response record; ``where`` says which record of which file."""
    headers = warc.rec_headers
    page = replace(
        where,
        url=(headers.get_header("WARC-Target-URI") or "").strip("<>") or None,
        fetch_date=headers.get_header("WARC-Date"),
        source_id=headers.get_header("WARC-Record-ID"),
    )
    try:
        data = warc.content_stream().read(max_bytes + 1)
    except (OSError, ValueError, zlib.error) as exc:
        return replace(page, error=f"cannot read the page's body: {_one_line(exc)}")
    if len(data) > max_bytes:
        return replace(page, error=f"page larger than the {size_text(max_bytes)} limit")
    missing = getattr(warc.raw_stream, "limit", 0)  # what Content-Length promised and the file lacks
    if missing:
        return replace(page, error=f"corrupt or truncated WARC: the record ends {missing:,} bytes short")
    return replace(page, data=data)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
