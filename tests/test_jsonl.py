"""JSONL input: one page per line, under configurable field names; bad lines are error rows."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import truncated_gzip

from pipeline.jsonl import JsonlFields, jsonl_records
from pipeline.model import Record
from pipeline.read import DEFAULT_FIELDS, MAX_INPUT_BYTES, InputFile, read_records

LINES = [
    json.dumps({"id": 7, "url": "https://a.example/", "html": "<p>A page.</p>"}),
    json.dumps({"url": "https://b.example/", "text": "A dump.\nSecond line."}),
    "",
    '{"html": "<p>cut',
    json.dumps(["not", "an", "object"]),
    json.dumps({"id": "x", "body": "no html or text"}),
    json.dumps({"text": "Ünïcödé ✓"}, ensure_ascii=False),
]


def read(path: Path, fields: JsonlFields = DEFAULT_FIELDS) -> tuple[list[Record], Counter[str]]:
    skipped: Counter[str] = Counter()
    return list(read_records(InputFile(path, path), fields, skipped)), skipped


@pytest.mark.parametrize("gzipped", [False, True], ids=["jsonl", "jsonl.gz"])
def test_each_line_is_a_page_or_an_error_naming_the_line(tmp_path: Path, gzipped: bool) -> None:
    content = "\n".join(LINES).encode("utf-8") + b"\n"
    path = tmp_path / ("pages.jsonl.gz" if gzipped else "pages.jsonl")
    path.write_bytes(gzip.compress(content) if gzipped else content)
    records, skipped = read(path)
    assert skipped == Counter({"blank line": 1})
    assert [r.record for r in records] == [0, 1, 3, 4, 5, 6]
    page, dump, cut, array, missing, unicode = records
    assert (page.page_kind, page.data, page.url, page.source_id) == (
        "html",
        b"<p>A page.</p>",
        "https://a.example/",
        "7",
    )
    assert (dump.page_kind, dump.data, dump.source_id) == ("text", b"A dump.\nSecond line.", None)
    assert cut.error is not None and cut.error.startswith("line 4 is not valid JSON")
    assert array.error == "line 5 is a JSON list, not an object"
    assert missing.error == "line 6 has no string field 'html' or 'text'"
    assert unicode.data.decode("utf-8") == "Ünïcödé ✓"
    for record, line in zip(records, [LINES[i] for i in (0, 1, 3, 4, 5, 6)], strict=True):
        assert record.source_offset is not None
        assert content[record.source_offset :].startswith(line.encode("utf-8"))
        assert record.source_kind == "jsonl"


def test_field_names_are_configurable(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({"raw_html": "<p>Hi</p>", "link": "https://c.example/", "key": "k1"}) + "\n")
    fields = JsonlFields(html="raw_html", text="content", url="link", id="key")
    ((record,), _) = read(path, fields)
    assert (record.page_kind, record.url, record.source_id) == ("html", "https://c.example/", "k1")
    ((default,), _) = read(path)
    assert default.error == "line 1 has no string field 'html' or 'text'"


def test_a_truncated_gzip_keeps_the_lines_before_the_damage(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"text": f"Line {i} of a long export."}) + "\n" for i in range(2000))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(truncated_gzip(lines.encode()))
    records, _ = read(path)
    good = [r for r in records if r.error is None]
    assert len(good) > 100 and good[0].data == b"Line 0 of a long export."
    assert records[-1].error is not None and records[-1].error.startswith("corrupt or truncated gzip after")
    assert len(records) == len(good) + 1


def test_an_over_long_line_is_an_error_and_the_next_line_is_read(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    long_line = json.dumps({"text": "x" * 5000})
    path.write_text(f"{long_line}\n{json.dumps({'text': 'short'})}\n")
    records = list(
        jsonl_records(
            path,
            source_path="long.jsonl",
            sha256="0",
            fields=JsonlFields(),
            skipped=Counter(),
            max_bytes=1000,
        )
    )
    assert records[0].error == "line 1 is longer than the 1,000 bytes limit"
    assert records[1].data == b"short" and records[1].source_offset == len(long_line) + 1
    assert MAX_INPUT_BYTES > 1000
