"""Shared fixtures: the sample corpus, the shipped rules, a default pipeline and finished runs.

The two finished runs are session-scoped: ``raw_run`` cleans ``data/raw`` as
it ships (what the seeds gate scores), ``mixed_run`` cleans a copy of it plus
inputs that cannot be cleaned, an HTML page in a subfolder and files whose
extension does not say their kind (what the output and batch tests check).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import pandas as pd
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.batch import RunConfig, RunResult, run
from pipeline.model import Doc, Record, SourceKind
from pipeline.rules import RuleSet, default_rules_dir, load_rules
from pipeline.runner import Pipeline
from pipeline.stages import default_stages

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
RAW = ROOT / "data" / "raw"
FIXTURES = TESTS / "fixtures"
SEEDS = FIXTURES / "seeds"
PAGES = FIXTURES / "pages"

#: Inputs of ``mixed_run`` that must become error rows, and a word their error must contain.
BAD_INPUTS: dict[str, str] = {
    "junk.bin": "binary",
    "empty.txt": "empty",
    "blank.txt": "empty",
    "truncated.txt.gz": "gzip",
    "broken.jsonl": "not valid JSON",
    "truncated.warc.gz": "corrupt or truncated WARC",
    "deep.html": "nested deeper",
}
#: Inputs of ``mixed_run`` that must clean: relative path -> the kind sniffed or named.
GOOD_EXTRA_INPUTS: dict[str, SourceKind] = {
    "pages/article.html": "html",
    "notes.dat": "text",
    "saved-page.download": "html",
}

#: Paragraphs of a news article, as a text dump has them: one line each.
PROSE: tuple[str, ...] = (
    "Across the plains of central Spain, farmers who have grown the same wheat for generations are "
    "planting new varieties bred to survive long dry spells and record heat.",
    "Yields fell by almost a third last year, and many growers say they cannot afford another harvest "
    "like it, even with the subsidies the regional government has promised.",
    "Researchers at the national institute spent a decade crossing local wheat with hardier strains "
    "from North Africa, and the first seeds reached farmers this autumn.",
    "They caution that no single variety will solve the problem, and that water management and soil "
    "care matter at least as much as the seed itself.",
)
ARTICLE = "\n".join(PROSE)

#: Paragraphs of an HTML article: prose, so they anchor the page's prose core.
HTML_PARAGRAPHS: tuple[str, ...] = (
    "The ferry company will run its last evening sailing from the north pier at half past six from "
    "November, an hour earlier than this summer.",
    "Commuters who work late shifts at the fish market say the change leaves them with a long walk "
    "around the bay, and a petition has gathered four hundred names.",
    "The operator says that crossing the channel after dark has become harder since the old harbour "
    "lights were switched off last spring.",
)
HTML_ARTICLE = "".join(f"<p>{p}</p>" for p in HTML_PARAGRAPHS)

Clean = Callable[..., Doc]
MakeRecord = Callable[..., Record]


#: Page text that would run in a notebook if the HTML views did not escape it.
HOSTILE = [
    "<script>alert('text')</script>",
    "<img src=x onerror=alert('img')>",
    '"><svg onload=alert("attr")>',
    "</p><iframe src=//evil.example></iframe>",
    "<style>body{background:url(//evil.example/x)}</style>",
]
#: The only attributes the HTML views write, and what their style attributes may say.
ALLOWED_ATTRIBUTES = {"class", "style", "title"}
OWN_STYLE = re.compile(r"^(?:background|border-left-color|color):#[0-9a-f]{6}$")


def assert_inert(rendered: str, texts: Iterable[str]) -> None:
    """``rendered`` has no element or attribute that could run or fetch anything, and
    shows each of ``texts`` as text."""
    tree = lxml.html.fromstring(f"<div>{rendered}</div>")
    tags = {e.tag for e in tree.iter() if isinstance(e.tag, str)}
    assert not tags & {"script", "img", "svg", "iframe", "object", "embed", "link", "a"}
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        assert set(element.attrib) <= ALLOWED_ATTRIBUTES, element.attrib
        if "style" in element.attrib:
            assert OWN_STYLE.match(element.attrib["style"]), element.attrib["style"]
    # The one <style> element is the view's own: no imports, no URLs.
    styles = [e.text_content() for e in tree.iter("style")]
    assert len(styles) == 1 and "url(" not in styles[0] and "@import" not in styles[0]
    shown = tree.text_content()
    for text in texts:
        assert text in shown


@dataclass(frozen=True, slots=True)
class FinishedRun:
    """A run written by :func:`pipeline.batch.run`: where its input and output are."""

    inputs: Path
    out: Path
    result: RunResult

    def documents(self) -> pd.DataFrame:
        return pd.read_parquet(self.out / "documents")

    def blocks(self) -> pd.DataFrame:
        return pd.read_parquet(self.out / "blocks")


def text_record(
    text: str | bytes, *, kind: SourceKind = "text", url: str | None = None, path: str = "page.txt"
) -> Record:
    """A record as reading a file with these contents would give it."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    sha = hashlib.sha256(data).hexdigest()
    return Record(source_path=path, record=0, source_sha256=sha, source_kind=kind, data=data, url=url)


def assert_removals_explained(doc: Doc) -> None:
    """Every removed block says why: category, a rule id of that category, the stage and a detail."""
    for block in doc.blocks:
        if not block.kept:
            assert block.category is not None, block
            assert block.rule_id and block.rule_id.split(".", 1)[0] == block.category.value, block
            assert block.stage, block
            assert block.detail, block


def removals(doc: Doc) -> dict[str, tuple[str, str | None, str | None]]:
    """Removed blocks by text: (category, rule_id, stage)."""
    return {
        b.text: (b.category.value if b.category else "", b.rule_id, b.stage) for b in doc.blocks if not b.kept
    }


def kept_texts(doc: Doc) -> list[str]:
    return [b.text for b in doc.blocks if b.kept]


def truncated_gzip(payload: bytes) -> bytes:
    """The first half of a gzip stream: what a killed download leaves."""
    full = gzip.compress(payload)
    return full[: len(full) // 2]


@dataclass(frozen=True)
class Response:
    """An HTTP response to write into a test WARC."""

    url: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: str = "200 OK"
    date: str = "2025-05-01T10:00:00Z"


def warc_bytes(responses: Iterable[Response], *, gzipped: bool = True, request_records: bool = True) -> bytes:
    """A WARC file: a warcinfo record, then each response (each after its request record)."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "tests"}))
    for response in responses:
        dated = {"WARC-Date": response.date}
        if request_records:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
            writer.write_record(_record(writer, response.url, "request", request, b"", dated=dated))
        headers = StatusAndHeaders(
            response.status, [("Content-Type", response.content_type)], protocol="HTTP/1.1"
        )
        writer.write_record(_record(writer, response.url, "response", headers, response.body, dated=dated))
    return buffer.getvalue()


def _record(
    writer: WARCWriter, url: str, kind: str, headers: StatusAndHeaders, body: bytes, *, dated: dict[str, str]
) -> Any:
    """A WARC record with its length given, so that warcio buffers nothing in temporary files."""
    return writer.create_warc_record(
        url, kind, payload=io.BytesIO(body), length=len(body), http_headers=headers, warc_headers_dict=dated
    )


def write_mixed_inputs(folder: Path) -> Path:
    """A copy of data/raw plus the bad and oddly named inputs above; returns ``folder``."""
    shutil.copytree(RAW, folder)
    (folder / "junk.bin").write_bytes(bytes(range(256)) * 16)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b" \n\t\n  \n")
    (folder / "truncated.txt.gz").write_bytes(truncated_gzip(b"A line of a page that was cut short.\n" * 200))
    (folder / "broken.jsonl").write_text('{"url": "https://example.com/", "text": \n', encoding="utf-8")
    whole = warc_bytes([Response("https://example.com/a", (PAGES / "article.html").read_bytes())])
    (folder / "truncated.warc.gz").write_bytes(whole[: len(whole) // 2])
    (folder / "pages").mkdir()
    shutil.copy(PAGES / "article.html", folder / "pages" / "article.html")
    (folder / "notes.dat").write_text(
        "Meeting notes\n\nThe committee agreed to publish the minutes of every meeting within a week, "
        "and to keep the archive of past minutes open to all members of the association.\n",
        encoding="utf-8",
    )
    deep = "<div>" * 3000 + "<p>Deep.</p>" + "</div>" * 3000
    (folder / "deep.html").write_text(f"<html><body>{deep}</body></html>", encoding="utf-8")
    # A byte-for-byte copy under another name: a document of its own, with its own doc_id.
    shutil.copy(PAGES / "article.html", folder / "saved-page.download")
    return folder


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW


@pytest.fixture(scope="session")
def pages_dir() -> Path:
    return PAGES


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    """The shipped rules, loaded once."""
    return load_rules()


@pytest.fixture(scope="session")
def stage_names(rules: RuleSet) -> list[str]:
    """The default stages' names, in order."""
    return [stage.name for stage in default_stages(rules)]


@pytest.fixture(scope="session")
def default_pipeline(rules: RuleSet) -> Pipeline:
    """The standard pipeline over the shipped rules."""
    return Pipeline.default(rules)


@pytest.fixture(scope="session")
def make_record() -> MakeRecord:
    """``make_record(text, kind="text", url=None, path="page.txt")``: a record of these contents."""
    return text_record


@pytest.fixture(scope="session")
def clean(rules: RuleSet, stage_names: list[str]) -> Clean:
    """``clean(text, stages=None, kind="text", url=None)``: the Doc after the default stages
    (or only those named in ``stages``, in the default order)."""

    def _clean(
        text: str, *, stages: Iterable[str] | None = None, kind: SourceKind = "text", url: str | None = None
    ) -> Doc:
        wanted = set(stage_names if stages is None else stages)
        unknown = wanted - set(stage_names)
        assert not unknown, f"no such stages: {unknown}"
        pipe = Pipeline.default(rules, disable=[n for n in stage_names if n not in wanted])
        return pipe.clean(text_record(text, kind=kind, url=url))

    return _clean


@pytest.fixture(scope="session")
def raw_run(tmp_path_factory: pytest.TempPathFactory) -> FinishedRun:
    """A finished run over data/raw as it ships."""
    out = tmp_path_factory.mktemp("raw-run") / "clean"
    config = RunConfig(inputs=(RAW,), out=out, rules_dir=default_rules_dir())
    return FinishedRun(RAW, out, run(config, workers=1))


@pytest.fixture(scope="session")
def mixed_run(tmp_path_factory: pytest.TempPathFactory) -> FinishedRun:
    """A finished run over data/raw plus bad, nested and oddly named inputs."""
    base = tmp_path_factory.mktemp("mixed-run")
    inputs = write_mixed_inputs(base / "raw")
    out = base / "clean"
    config = RunConfig(inputs=(inputs,), out=out, rules_dir=default_rules_dir())
    return FinishedRun(inputs, out, run(config, workers=1))
