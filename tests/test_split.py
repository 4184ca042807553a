"""Cutting large archives into spans: every record in exactly one span, each span
starting where its first record starts, and files that cannot be entered part-way kept whole."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import ARTICLE, Response, warc_bytes

from pipeline.model import WHOLE_FILE, Record, Span
from pipeline.read import InputFile, file_sha256, read_records
from pipeline.split import index_archive

PAGES = 60


def responses(n: int = PAGES) -> list[Response]:
    return [Response(f"https://site.example/{i}", f"<p>{ARTICLE} Page {i}.</p>".encode()) for i in range(n)]


def records(path: Path, span: Span = WHOLE_FILE) -> list[Record]:
    return list(read_records(InputFile(path, path), skipped=Counter(), span=span))


def assert_spans_cover_the_file(path: Path, spans: tuple[Span, ...]) -> None:
    """Reading the spans one after another gives exactly the records of the whole file."""
    whole = records(path)
    pieces = [record for span in spans for record in records(path, span)]
    assert pieces == whole
    assert [s.first for s in spans] == sorted({s.first for s in spans})
    assert spans[-1].records is None
    assert all(s.first + s.records == t.first for s, t in pairwise(spans) if s.records)


@pytest.mark.parametrize("gzipped", [True, False])
def test_a_warc_is_cut_at_record_starts(tmp_path: Path, gzipped: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc")
    path.write_bytes(warc_bytes(responses(), gzipped=gzipped))
    index = index_archive(path, "warc", unit_bytes=path.stat().st_size // 5)
    assert 4 <= len(index.spans) <= 6
    assert index.sha256 == file_sha256(path) and index.offsets_in_file
    # A span starts at its first record: the page read there is the record with that ordinal.
    starts = {r.record: r.source_offset for r in records(path)}
    for span in index.spans[1:]:
        first = records(path, span)[0]
        assert first.record >= span.first and starts[first.record] >= span.start
    assert_spans_cover_the_file(path, index.spans)


def test_a_warc_gzipped_as_one_stream_stays_whole(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzip.compress(warc_bytes(responses(), gzipped=False)))
    assert index_archive(path, "warc", unit_bytes=path.stat().st_size // 5).spans == (WHOLE_FILE,)


def test_a_truncated_warc_is_cut_before_the_damage(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    whole = warc_bytes(responses())
    path.write_bytes(whole[: len(whole) * 2 // 3])
    index = index_archive(path, "warc", unit_bytes=len(whole) // 10)
    assert len(index.spans) > 1
    assert_spans_cover_the_file(path, index.spans)
    assert "corrupt or truncated WARC" in (records(path, index.spans[-1])[-1].error or "")


def test_a_warc_damaged_in_the_middle_stays_whole(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    whole = bytearray(warc_bytes(responses()))
    whole[len(whole) // 2 : len(whole) // 2 + 200] = b"\0" * 200
    path.write_bytes(bytes(whole))
    assert index_archive(path, "warc", unit_bytes=len(whole) // 10).spans == (WHOLE_FILE,)


def test_a_jsonl_file_is_cut_at_line_starts(tmp_path: Path) -> None:
    lines = [json.dumps({"id": i, "text": f"{ARTICLE} {'x' * (i * 37 % 500)}"}) for i in range(PAGES)]
    lines[7] = ""  # blank lines count as lines
    lines[20] = "not json"
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    index = index_archive(path, "jsonl", unit_bytes=path.stat().st_size // 7)
    assert 6 <= len(index.spans) <= 8 and index.offsets_in_file
    data = path.read_bytes()
    for span in index.spans:
        assert span.start == 0 or data[span.start - 1 : span.start] == b"\n"
        assert span.first == data[: span.start].count(b"\n")
    assert_spans_cover_the_file(path, index.spans)


def test_a_jsonl_line_longer_than_a_unit_is_not_cut(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    lines = [json.dumps({"text": "y" * 5000}), json.dumps({"text": ARTICLE}), json.dumps({"text": ARTICLE})]
    path.write_text("\n".join(lines), encoding="utf-8")  # no newline at the end
    index = index_archive(path, "jsonl", unit_bytes=100)
    assert [s.first for s in index.spans] == [0, 1, 2]
    assert_spans_cover_the_file(path, index.spans)


def test_a_gzipped_jsonl_file_stays_whole(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl.gz"
    path.write_bytes(
        gzip.compress(b"".join(json.dumps({"text": ARTICLE}).encode() + b"\n" for _ in range(50)))
    )
    index = index_archive(path, "jsonl", unit_bytes=100)
    assert index.spans == (WHOLE_FILE,) and not index.offsets_in_file
