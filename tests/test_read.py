"""Finding inputs, reading them (gzip, bad files) and decoding their bytes."""

from __future__ import annotations

import gzip
import hashlib
import time
from pathlib import Path

import pytest

from pipeline import read
from pipeline.errors import InputError
from pipeline.model import Page, Record, SourceKind
from pipeline.read import InputFile, decode, find_inputs, read_records

ARTICLE_TEXT = (
    "Night trains return to the Alps\n\n"
    "For the first time in ten years, a sleeper train will leave Zurich every evening.\n"
)
ARTICLE_HTML = (
    "<!DOCTYPE html><html><head><title>Night trains</title></head>"
    "<body><p>For the first time in ten years, a sleeper train will leave Zurich.</p></body></html>"
)


def records_of(path: Path) -> list[Record]:
    return list(read_records(InputFile(path, path.parent)))


def only_record(path: Path) -> Record:
    records = records_of(path)
    assert len(records) == 1
    return records[0]


# find_inputs


def test_find_inputs_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for name in ["b.txt", "a.html", "sub/deeper/c.txt.gz", "sub/d.txt", ".hidden.txt", ".git/config.txt"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    found = find_inputs([tmp_path])
    assert [f.source_path for f in found] == ["a.html", "b.txt", "sub/d.txt", "sub/deeper/c.txt.gz"]
    assert all(f.root == tmp_path for f in found)
    assert find_inputs([tmp_path]) == found


def test_find_inputs_takes_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "x.txt").write_text("x", encoding="utf-8")
    single = tmp_path / "single.html"
    single.write_text("<p>x</p>", encoding="utf-8")
    found = find_inputs([single, tmp_path / "dir"])
    # A file INPUT is named by its file name, a file found in a folder relative to the folder.
    assert [f.source_path for f in found] == ["single.html", "x.txt"]


def test_find_inputs_raises_for_a_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(InputError, match="nowhere"):
        find_inputs([missing])


# read_records


def test_reads_a_plain_text_file(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(ARTICLE_TEXT, encoding="utf-8")
    rec = only_record(path)
    assert rec.error is None
    assert rec.source_kind == "text"
    assert rec.data == ARTICLE_TEXT.encode()
    assert rec.source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (rec.source_path, rec.record) == ("page.txt", 0)


@pytest.mark.parametrize("name", ["page.html", "page.htm", "PAGE.HTML"])
def test_reads_an_html_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(ARTICLE_HTML, encoding="utf-8")
    rec = only_record(path)
    assert rec.error is None
    assert rec.source_kind == "html"
    assert rec.data == ARTICLE_HTML.encode()


def test_reads_a_gzipped_text_file(tmp_path: Path) -> None:
    path = tmp_path / "page.txt.gz"
    path.write_bytes(gzip.compress(ARTICLE_TEXT.encode()))
    rec = only_record(path)
    assert rec.error is None
    assert rec.source_kind == "text"
    assert rec.data == ARTICLE_TEXT.encode()
    # The hash is of the file as it is on disk, not of its decompressed content.
    assert rec.source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_gzipped_html_keeps_its_kind(tmp_path: Path) -> None:
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(ARTICLE_HTML.encode()))
    assert only_record(path).source_kind == "html"


def test_truncated_gzip_gives_an_error_record(tmp_path: Path) -> None:
    full = gzip.compress(ARTICLE_TEXT.encode() * 100)
    path = tmp_path / "page.txt.gz"
    path.write_bytes(full[: len(full) // 2])
    rec = only_record(path)
    assert rec.error is not None
    assert "gzip" in rec.error
    assert rec.data == b""
    assert rec.source_path == "page.txt.gz"


@pytest.mark.parametrize("content", [b"", b"   \n\t\n  \r\n"], ids=["zero-bytes", "whitespace-only"])
def test_empty_file_gives_an_error_record(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(content)
    rec = only_record(path)
    assert rec.error is not None
    assert "empty" in rec.error


def test_binary_file_gives_an_error_record(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 32)
    rec = only_record(path)
    assert rec.error is not None
    assert "binary" in rec.error


def test_file_over_the_size_limit_gives_an_error_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read, "MAX_INPUT_BYTES", 1000)
    path = tmp_path / "huge.txt"
    path.write_text("a line of text\n" * 200, encoding="utf-8")
    rec = only_record(path)
    assert rec.error is not None
    assert "limit" in rec.error


def test_gzip_over_the_size_limit_once_decompressed_gives_an_error_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read, "MAX_INPUT_BYTES", 1000)
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"a line of text\n" * 2000))
    assert path.stat().st_size < 1000  # small on disk, large once decompressed
    rec = only_record(path)
    assert rec.error is not None
    assert "limit" in rec.error


@pytest.mark.parametrize(
    ("content", "kind"),
    [(ARTICLE_HTML, "html"), ("<div class='post'><p>Text</p></div>", "html"), (ARTICLE_TEXT, "text")],
    ids=["html-document", "html-fragment", "plain-text"],
)
def test_unknown_extension_is_sniffed(tmp_path: Path, content: str, kind: SourceKind) -> None:
    path = tmp_path / "saved.download"
    path.write_text(content, encoding="utf-8")
    rec = only_record(path)
    assert rec.error is None
    assert rec.source_kind == kind


def test_no_extension_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "index"
    path.write_text(ARTICLE_HTML, encoding="utf-8")
    assert only_record(path).source_kind == "html"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("crawl.warc", b"WARC/1.0\r\nWARC-Type: response\r\n\r\n", "warc"),
        ("crawl.warc.gz", gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n\r\n"), "warc"),
        ("pages.jsonl", b'{"url": "https://example.com/", "text": "hello"}\n', "jsonl"),
        ("pages.dump", b'{"url": "https://example.com/", "text": "hello"}\n', "jsonl"),
    ],
)
def test_archives_are_known_by_name_or_content(
    tmp_path: Path, name: str, content: bytes, kind: SourceKind
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    rec = only_record(path)
    assert rec.source_kind == kind
    if kind == "warc":  # a header block and nothing else: not a readable record
        assert rec.error is not None and rec.error.startswith("corrupt or truncated WARC after 0 records")
    else:
        assert rec.error is None and rec.data == b"hello" and rec.page_kind == "text"


def test_unreadable_path_gives_an_error_record(tmp_path: Path) -> None:
    # A folder where a file was expected: open() fails with an OSError.
    folder = tmp_path / "not-a-file.txt"
    folder.mkdir()
    rec = only_record(folder)
    assert rec.error is not None
    assert "cannot read" in rec.error


# decode


def page_of(data: bytes, kind: SourceKind = "text") -> Page:
    sha = hashlib.sha256(data).hexdigest()
    return decode(Record("page", 0, sha, kind, data))


def text_of(data: bytes, kind: SourceKind = "text") -> str:
    return page_of(data, kind).text


def html_page(head: str, body: str) -> str:
    return f"<html><head>{head}<title>Page</title></head><body><p>{body}</p></body></html>"


WESTERN = "“Smart quotes” – café, naïve, 5 €"
RUSSIAN = "Съешь же ещё этих мягких французских булок, да выпей чаю"
JAPANESE = "日本語のページです。①番目の注意を読んでください。"


def test_decodes_utf8() -> None:
    assert text_of("Grüße aus Zürich — 東京".encode()) == "Grüße aus Zürich — 東京"


def test_decodes_utf8_with_bom_and_drops_it() -> None:
    assert text_of(b"\xef\xbb\xbf" + "café".encode()) == "café"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decodes_utf16_with_bom(encoding: str) -> None:
    text = "Crème brûlée, naïve café"
    data = text.encode(encoding)
    if encoding != "utf-16":  # utf-16 writes its own BOM
        data = ("\ufeff" + text).encode(encoding)
    assert text_of(data).lstrip("\ufeff") == text


def test_decodes_windows_1252() -> None:
    text = "“Smart quotes” – café, naïve, 5 €"
    assert text_of(text.encode("cp1252")) == text


@pytest.mark.parametrize(
    ("head", "encoding", "words", "codec"),
    [
        ('<meta charset="windows-1252">', "cp1252", WESTERN, "cp1252"),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
            "cp1251",
            RUSSIAN,
            "cp1251",
        ),
        (
            "<meta content='text/html;charset=Shift_JIS' http-equiv='Content-Type'>",
            "cp932",
            JAPANESE,
            "cp932",
        ),
        ('<meta charset="koi8-r">', "koi8-r", RUSSIAN, "koi8-r"),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-7">',
            "iso-8859-7",
            "Καλημέρα κόσμε",
            "iso8859-7",
        ),
        ("", "euc-jp", "日本語のページです。", "euc_jp"),  # declared by the XML declaration below
    ],
    ids=["windows-1252", "cp1251-http-equiv", "shift_jis", "koi8-r", "iso-8859-7", "xml-declaration"],
)
def test_html_declared_charset_is_honoured(head: str, encoding: str, words: str, codec: str) -> None:
    html = html_page(head, words)
    if not head:
        html = f'<?xml version="1.0" encoding="{encoding}"?>\n{html}'
    page = page_of(html.encode(encoding), kind="html")
    assert words in page.text
    assert page.encoding == codec


@pytest.mark.parametrize("declared", ["iso-8859-1", "latin1", "us-ascii"])
def test_latin1_and_ascii_declarations_are_read_as_windows_1252(declared: str) -> None:
    # Browsers do the same: such pages use windows-1252's curly quotes and euro sign.
    page = page_of(html_page(f'<meta charset="{declared}">', WESTERN).encode("cp1252"), kind="html")
    assert WESTERN in page.text
    assert page.encoding == "cp1252"


def test_a_page_declaring_utf8_in_latin1_reads_as_windows_1252() -> None:
    page = page_of(
        html_page('<meta charset="utf-8">', "Crème brûlée à la française").encode("latin-1"), "html"
    )
    assert "Crème brûlée à la française" in page.text


def test_a_utf8_page_with_a_latin1_snippet_keeps_both() -> None:
    head, tail = html_page('<meta charset="utf-8">', "Grüße aus Zürich, déjà vu — @").split("@")
    page = page_of(head.encode() + "Smørrebrød".encode("latin-1") + tail.encode(), kind="html")
    assert "Grüße aus Zürich, déjà vu — Smørrebrød" in page.text
    assert page.encoding == "utf-8"


def test_valid_utf8_wins_over_a_legacy_declaration() -> None:
    # A page converted to UTF-8 whose <meta> still says iso-8859-1.
    page = page_of(html_page('<meta charset="iso-8859-1">', "Café – déjà vu").encode(), kind="html")
    assert "Café – déjà vu" in page.text
    assert page.encoding == "utf-8"


def test_a_seven_bit_declaration_wins_over_ascii_bytes() -> None:
    # ISO-2022-JP is all ASCII bytes: valid UTF-8, but the declaration says what it is.
    page = page_of(html_page('<meta charset="iso-2022-jp">', "日本語").encode("iso-2022-jp"), kind="html")
    assert "日本語" in page.text
    assert page.encoding == "iso2022_jp"


@pytest.mark.parametrize("charset", ["no-such-charset", "base64", "x-user-defined", "utf-16"])
def test_an_unknown_or_impossible_charset_is_ignored(charset: str) -> None:
    head = f'<meta charset="{charset}">'
    assert "Grüße — 東京" in text_of(html_page(head, "Grüße — 東京").encode(), kind="html")
    assert WESTERN in text_of(html_page(head, WESTERN).encode("cp1252"), kind="html")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_html_page_with_bom(encoding: str) -> None:
    html = html_page('<meta charset="utf-16">', f"{RUSSIAN} {JAPANESE}")
    page = page_of(("\ufeff" + html).encode(encoding), kind="html")
    assert page.text == html
    assert page.encoding == encoding


def test_a_page_of_unclosed_meta_tags_decodes_quickly() -> None:
    # An unbounded search for the declaration would try every <meta to the end: minutes.
    data = b"<html><head>" + b"<meta " * 100_000
    started = time.monotonic()
    assert page_of(data, kind="html").encoding == "utf-8"
    assert time.monotonic() - started < 5.0


def test_undecodable_bytes_never_raise() -> None:
    # Shift_JIS bytes with nothing declared: not UTF-8, not windows-1252; some text comes back.
    assert text_of(JAPANESE.encode("cp932"), kind="html")


def test_a_text_page_stays_text_and_html_stays_html() -> None:
    assert decode(Record("p", 0, "s", "text", b"<p>looks like html</p>")).kind == "text"
    assert decode(Record("p", 0, "s", "html", b"<p>html</p>")).kind == "html"
