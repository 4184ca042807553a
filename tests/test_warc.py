"""WARC input: HTML responses become pages with their provenance; the rest is counted and skipped."""

from __future__ import annotations

import gzip
import zlib
from collections import Counter
from pathlib import Path

import pytest
from conftest import PAGES, Response, truncated_gzip, warc_bytes

from pipeline.model import Record
from pipeline.read import InputFile, read_records

ARTICLE = (PAGES / "article.html").read_bytes()
RESPONSES = [
    Response("https://news.example/a", ARTICLE, date="2025-05-01T10:00:00Z"),
    Response("https://news.example/missing", b"<html>Not found</html>", status="404 Not Found"),
    Response("https://news.example/logo.png", b"\x89PNG....", content_type="image/png"),
    Response("https://news.example/old", b"", status="301 Moved Permanently"),
    Response("https://news.example/b", ARTICLE.replace(b"Alps", b"Pyrenees"), date="2025-05-02T11:30:00Z"),
]
#: What the records of RESPONSES are skipped for, besides the two pages.
SKIPPED = {
    "warcinfo record": 1,
    "request record": 5,
    "HTTP status 404": 1,
    "HTTP status 301": 1,
    "not HTML: image/png": 1,
}


def read(path: Path) -> tuple[list[Record], Counter[str]]:
    skipped: Counter[str] = Counter()
    return list(read_records(InputFile(path, path), skipped=skipped)), skipped


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_html_responses_become_pages_with_their_provenance(tmp_path: Path, gzipped: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc")
    content = warc_bytes(RESPONSES, gzipped=gzipped)
    path.write_bytes(content)
    records, skipped = read(path)
    assert [(r.url, r.fetch_date, r.error) for r in records] == [
        ("https://news.example/a", "2025-05-01T10:00:00Z", None),
        ("https://news.example/b", "2025-05-02T11:30:00Z", None),
    ]
    assert dict(skipped) == SKIPPED
    first, second = records
    assert first.data == ARTICLE and b"Pyrenees" in second.data
    assert all(r.source_kind == "warc" and r.page_kind == "html" for r in records)
    assert all(r.source_id and r.source_id.startswith("<urn:uuid:") for r in records)
    # ``record`` counts every WARC record (warcinfo, then a request before each response).
    assert [r.record for r in records] == [2, 10]
    for record in records:  # the offset is where the record starts in the file
        assert record.source_offset is not None
        start = content[record.source_offset :]
        raw = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(start) if gzipped else start
        assert raw.startswith(b"WARC/1.0\r\n") and b"WARC-Type: response" in raw[:200]


def test_a_truncated_warc_keeps_the_pages_before_the_damage(tmp_path: Path) -> None:
    whole = warc_bytes(RESPONSES)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(whole[: len(whole) - 300])
    records, _ = read(path)
    assert records[0].url == "https://news.example/a" and records[0].error is None
    assert records[-1].error is not None and records[-1].error.startswith("corrupt or truncated WARC")
    assert len({r.doc_id for r in records}) == len(records)


def test_a_warc_gz_that_is_not_gzip_inside_is_an_error_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(truncated_gzip(b"WARC/1.0\r\n" * 100))
    (record,) = read(path)[0]
    assert record.error is not None and "WARC" in record.error


@pytest.mark.parametrize("content", [b"", gzip.compress(b"")], ids=["0 bytes", "empty gzip"])
def test_an_empty_warc_is_an_error_row(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.warc.gz"
    path.write_bytes(content)
    (record,) = read(path)[0]
    assert record.error is not None and record.error.startswith("empty file")


def test_a_warc_of_only_skipped_records_has_no_rows_but_its_counts(tmp_path: Path) -> None:
    path = tmp_path / "images.warc.gz"
    path.write_bytes(warc_bytes([Response("https://x.example/i.png", b"PNG", content_type="image/png")]))
    records, skipped = read(path)
    assert records == []
    assert skipped == Counter({"warcinfo record": 1, "request record": 1, "not HTML: image/png": 1})


def test_a_page_over_the_size_limit_is_an_error_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipeline.read.MAX_INPUT_BYTES", 1000)
    path = tmp_path / "big.warc.gz"
    path.write_bytes(warc_bytes([Response("https://x.example/", ARTICLE)]))
    (record,) = read(path)[0]
    assert record.error == "page larger than the 1,000 bytes limit"
    assert record.url == "https://x.example/"
