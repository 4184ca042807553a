"""Batch runs: every input accounted for, deterministic output, resume, stale units, workers."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import (
    ARTICLE,
    BAD_INPUTS,
    GOOD_EXTRA_INPUTS,
    RAW,
    FinishedRun,
    Response,
    warc_bytes,
    write_mixed_inputs,
)

from pipeline import batch
from pipeline.batch import RunConfig, RunResult, run
from pipeline.executors import LocalExecutor, Outcome
from pipeline.model import Page, Record
from pipeline.read import InputFile, decode, find_inputs, read_records
from pipeline.rules import default_rules_dir
from pipeline.runner import DOC_TIME_LIMIT_SECONDS
from pipeline.write import BATCH_DOCS, read_provenance


def config(inputs: Path, out: Path, disable: tuple[str, ...] = ()) -> RunConfig:
    return RunConfig(inputs=(inputs,), out=out, rules_dir=default_rules_dir(), disable=disable)


def rows(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The documents and blocks of a run, in the order a reader gets them."""
    return pd.read_parquet(out / "documents"), pd.read_parquet(out / "blocks")


def assert_same_rows(
    left: tuple[pd.DataFrame, pd.DataFrame], right: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    """Same documents and blocks, in the same order."""
    for a, b in zip(left, right, strict=True):
        pd.testing.assert_frame_equal(a, b)


def footers(out: Path) -> dict[str, dict[str, str]]:
    """Footer provenance of every file, keyed by its path under ``out``, creation time left out."""
    found = {}
    for path in sorted(out.glob("*/*.parquet")):
        provenance = read_provenance(path)
        provenance.pop("created")
        found[path.relative_to(out).as_posix()] = provenance
    return found


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A small corpus of its own for tests that change it: data/raw plus bad and odd inputs."""
    return write_mixed_inputs(tmp_path / "raw")


# Every input accounted for


def test_one_documents_row_per_input(mixed_run: FinishedRun) -> None:
    docs = mixed_run.documents()
    expected = sorted(f.source_path for f in find_inputs([mixed_run.inputs]))
    assert sorted(docs["source_path"]) == expected
    assert docs["doc_id"].is_unique
    assert set(BAD_INPUTS) | set(GOOD_EXTRA_INPUTS) <= set(expected)
    assert {p.relative_to(RAW).as_posix() for p in RAW.rglob("*") if p.is_file()} <= set(expected)


@pytest.mark.parametrize(("name", "reason"), sorted(BAD_INPUTS.items()))
def test_bad_inputs_are_error_rows_naming_the_reason(mixed_run: FinishedRun, name: str, reason: str) -> None:
    docs = mixed_run.documents().set_index("source_path")
    row = docs.loc[name]
    assert row["status"] == "error"
    assert reason in row["error"]
    assert row["text"] == ""


@pytest.mark.parametrize(("name", "kind"), sorted(GOOD_EXTRA_INPUTS.items()))
def test_other_inputs_clean_with_their_kind(mixed_run: FinishedRun, name: str, kind: str) -> None:
    row = mixed_run.documents().set_index("source_path").loc[name]
    assert row["status"] == "ok"
    assert row["source_kind"] == kind
    assert pd.isna(row["error"])
    assert len(row["text"]) > 0


def test_html_rows_carry_their_metadata_and_blocks_their_xpath(mixed_run: FinishedRun) -> None:
    docs = mixed_run.documents().set_index("source_path")
    page = docs.loc["pages/article.html"]
    assert page["title"] == "Night trains return to the Alps"
    assert page["url"] == "https://www.valleycourier.example/travel/night-trains-return-to-the-alps"
    assert page["author"] == "Anna Keller"
    assert page["published"] == "2025-03-04"
    assert page["language"] == "en"
    blocks = mixed_run.blocks()
    mine = blocks[blocks["doc_id"] == page["doc_id"]]
    assert mine["xpath"].str.startswith("/html").all()
    assert mine["line_start"].isna().all()
    # A text dump declares nothing about itself.
    assert docs.loc["000_4836993da0e4a9b5.txt", ["url", "author", "published"]].isna().all()
    text_id = docs.loc["000_4836993da0e4a9b5.txt", "doc_id"]
    text_blocks = blocks[blocks["doc_id"] == text_id]
    assert text_blocks["xpath"].isna().all()
    assert (text_blocks["line_start"] >= 1).all()


def test_doc_ids_are_those_of_the_records(mixed_run: FinishedRun) -> None:
    docs = mixed_run.documents().set_index("source_path")
    for item in find_inputs([mixed_run.inputs]):
        for record in read_records(item):
            assert docs.loc[record.source_path, "doc_id"] == record.doc_id
            assert docs.loc[record.source_path, "source_sha256"] == record.source_sha256


def test_manifest_agrees_with_the_parquet_rows(mixed_run: FinishedRun) -> None:
    manifest = mixed_run.result.manifest
    docs, blocks = rows(mixed_run.out)
    removed = blocks[~blocks["kept"]]
    lengths = removed["text"].str.len()
    assert manifest["docs"] == len(docs)
    assert manifest["input_files"] == len(find_inputs([mixed_run.inputs]))
    assert manifest["status"] == dict(Counter(docs["status"]))
    assert manifest["chars_in"] == docs["chars_in"].sum()
    assert manifest["chars_out"] == docs["chars_out"].sum()
    assert manifest["removed_chars_by_category"] == lengths.groupby(removed["category"]).sum().to_dict()
    assert manifest["removed_chars_by_rule"] == lengths.groupby(removed["rule_id"]).sum().to_dict()
    assert manifest["removed_blocks_by_rule"] == removed["rule_id"].value_counts().to_dict()
    by_struct = {c: int(sum(r[c] for r in docs["removed"])) for c in manifest["removed_chars_by_category"]}
    assert by_struct == manifest["removed_chars_by_category"]
    assert sorted(e["source_path"] for e in manifest["errors"]) == sorted(
        docs.loc[docs["status"] == "error", "source_path"]
    )
    per_stage = removed.groupby("stage")["text"].apply(lambda t: t.str.len().sum()).to_dict()
    for stage, chars in per_stage.items():
        assert manifest["stages"][stage]["chars_removed"] == chars


def test_manifest_on_disk_is_the_returned_manifest(mixed_run: FinishedRun) -> None:
    stored = json.loads((mixed_run.out / "manifest.json").read_text(encoding="utf-8"))
    assert stored == mixed_run.result.manifest


def test_manifest_records_the_time_limit(mixed_run: FinishedRun) -> None:
    assert mixed_run.result.manifest["config"]["time_limit"] == DOC_TIME_LIMIT_SECONDS


def test_a_document_over_the_time_limit_is_an_error_row_of_the_run(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (corpus / "slow.txt").write_text(ARTICLE, encoding="utf-8")

    def slow_decode(record: Record) -> Page:
        if record.source_path == "slow.txt":
            time.sleep(10)
        return decode(record)

    monkeypatch.setattr("pipeline.runner.decode", slow_decode)
    out = tmp_path / "clean"
    result = run(RunConfig((corpus,), out, default_rules_dir(), time_limit=0.05))
    docs = pd.read_parquet(out / "documents").set_index("source_path")
    assert docs.loc["slow.txt", "status"] == "error"
    assert str(docs.loc["slow.txt", "error"]).startswith("took longer than 0.05 s while decoding")
    assert (docs.drop(index="slow.txt")["error"].fillna("").str.find("took longer") == -1).all()
    assert result.manifest["status"]["error"] == len(BAD_INPUTS) + 1
    assert result.manifest["config"]["time_limit"] == 0.05


# Determinism, resume and stale output


def test_two_runs_give_identical_rows(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    run(config(corpus, out))
    first_rows, first_footers = rows(out), footers(out)
    run(config(corpus, out))
    assert_same_rows(first_rows, rows(out))
    assert footers(out) == first_footers


def test_resume_reuses_every_finished_unit(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    first = run(config(corpus, out))
    before = rows(out)
    mtimes = {p: p.stat().st_mtime_ns for p in out.glob("*/*.parquet")}
    again = run(config(corpus, out), resume=True)
    assert (again.units_cleaned, again.units_reused) == (0, first.units_cleaned)
    assert {p: p.stat().st_mtime_ns for p in out.glob("*/*.parquet")} == mtimes
    assert_same_rows(before, rows(out))
    assert again.manifest["status"] == first.manifest["status"]


def test_resume_cleans_only_the_missing_unit(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "UNIT_FILES", 3)
    out = tmp_path / "clean"
    first = run(config(corpus, out))
    assert first.units_cleaned >= 3
    before = rows(out)
    (out / "documents" / "part-00001.parquet").unlink()  # as if the run was killed mid-unit
    again = run(config(corpus, out), resume=True)
    assert (again.units_cleaned, again.units_reused) == (1, first.units_cleaned - 1)
    assert_same_rows(before, rows(out))


def test_resume_cleans_again_a_file_edited_in_place(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    run(config(corpus, out))
    edited = corpus / "notes.dat"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("committee", "Committee"), encoding="utf-8")  # same size
    again = run(config(corpus, out), resume=True)
    assert again.units_cleaned == 1
    documents = pd.read_parquet(out / "documents").set_index("source_path")
    assert "Committee agreed" in documents.loc["notes.dat", "text"]


def test_resume_with_another_configuration_cleans_again(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    run(config(corpus, out))
    changed = run(config(corpus, out, disable=("dedupe_blocks",)), resume=True)
    assert changed.units_reused == 0
    _, blocks = rows(out)
    assert "dedupe_blocks" not in set(blocks["stage"].dropna())
    limited = RunConfig((corpus,), out, default_rules_dir(), ("dedupe_blocks",), time_limit=None)
    assert run(limited, resume=True).units_reused == 0


@pytest.mark.parametrize("resume", [False, True])
def test_rerun_after_an_input_is_removed_leaves_no_stale_rows(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, resume: bool
) -> None:
    monkeypatch.setattr(batch, "UNIT_FILES", 2)
    out = tmp_path / "clean"
    run(config(corpus, out))
    gone = sorted(corpus.glob("*.txt"))[0]
    gone.unlink()
    shutil.rmtree(corpus / "pages")
    result = run(config(corpus, out), resume=resume)
    docs, blocks = rows(out)
    expected = sorted(f.source_path for f in find_inputs([corpus]))
    assert sorted(docs["source_path"]) == expected
    assert gone.name not in set(docs["source_path"])
    assert set(blocks["doc_id"]) <= set(docs["doc_id"])
    unit_names = {p.stem for p in out.glob("documents/*.parquet")}
    assert {p.stem for p in out.glob("blocks/*.parquet")} == unit_names
    assert {p.stem for p in out.glob("stats/*.json")} == unit_names
    assert len(unit_names) == result.manifest["units"]


def test_a_rule_edited_between_runs_takes_effect(tmp_path: Path) -> None:
    rules_dir = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules_dir)
    corpus = tmp_path / "raw"
    corpus.mkdir()
    (corpus / "page.txt").write_text(f"{ARTICLE}\nOffers from our partners\n", encoding="utf-8")
    out = tmp_path / "clean"
    settings = RunConfig(inputs=(corpus,), out=out, rules_dir=rules_dir)
    run(settings)
    with (rules_dir / "ad.toml").open("a", encoding="utf-8") as rules_file:
        rules_file.write(
            '\n[[rules]]\nid = "ad.partner-strip"\nwhy = "A test rule."\n'
            "text = '^offers from our partners$'\n"
            'must_match = ["Offers from our partners"]\nmust_not_match = ["Offers"]\n'
        )
    run(settings)
    _, blocks = rows(out)
    assert blocks.iloc[-1]["rule_id"] == "ad.partner-strip"


def test_unknown_stage_fails_before_writing(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    with pytest.raises(ValueError, match="no_such_stage"):
        run(config(corpus, out, disable=("no_such_stage",)))
    assert not out.exists()


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_counts_every_document_and_byte(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(batch, "UNIT_FILES", 4)
    plans: list[batch.Plan] = []
    progress: list[tuple[int, int]] = []
    out = tmp_path / "clean"
    result = run(
        config(corpus, out),
        workers=workers,
        on_planned=plans.append,
        on_progress=lambda docs, n: progress.append((docs, n)),
    )
    size = sum(f.path.stat().st_size for f in find_inputs([corpus]))
    assert plans == [batch.Plan(result.manifest["units"], size, 0, 0, 0)]
    assert tuple(map(sum, zip(*progress, strict=True))) == (result.stats.docs, size)
    plans.clear()
    progress.clear()
    again = run(config(corpus, out), resume=True, on_planned=plans.append, on_progress=progress.append)
    assert plans == [
        batch.Plan(again.manifest["units"], size, again.manifest["units"], size, result.stats.docs)
    ]
    assert progress == []


def test_units_are_planned_in_input_order(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "UNIT_FILES", 3)
    files = find_inputs([corpus])
    units = batch.plan_units(files, "key")
    assert [part.file for unit in units for part in unit.parts] == files
    assert all(0 < len(unit.parts) <= 3 for unit in units)
    assert [u.name for u in units] == [f"part-{i:05d}" for i in range(len(units))]
    assert len({u.key for u in units}) == len(units)
    assert [u.key for u in batch.plan_units(files, "key")] == [u.key for u in units]
    assert batch.plan_units(files, "other")[0].key != units[0].key


def test_units_are_bounded_in_bytes(tmp_path: Path) -> None:
    for i in range(4):
        (tmp_path / f"{i}.txt").write_text("x" * 80, encoding="utf-8")
    files = [InputFile(p, tmp_path) for p in sorted(tmp_path.iterdir())]
    assert [len(u.parts) for u in batch.plan_units(files, "key", unit_bytes=100)] == [1, 1, 1, 1]
    assert [len(u.parts) for u in batch.plan_units(files, "key", unit_bytes=200)] == [2, 2]


# Workers


def test_two_workers_give_the_same_rows_as_one(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Shards are planned in the parent, so the patched size reaches the spawned workers' jobs.
    monkeypatch.setattr(batch, "UNIT_FILES", 4)
    one: RunResult = run(config(corpus, tmp_path / "one"), workers=1)
    two: RunResult = run(config(corpus, tmp_path / "two"), workers=2)
    assert one.units_cleaned == two.units_cleaned >= 2
    assert_same_rows(rows(tmp_path / "one"), rows(tmp_path / "two"))
    assert sorted(p.name for p in (tmp_path / "two" / "documents").iterdir()) == sorted(
        p.name for p in (tmp_path / "one" / "documents").iterdir()
    )
    assert one.manifest["removed_chars_by_rule"] == two.manifest["removed_chars_by_rule"]
    assert one.manifest["status"] == two.manifest["status"]


# Archives: WARC and JSONL streamed through a run


@pytest.fixture(scope="module")
def archive_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A WARC of many small pages (more than one Parquet row group) and a JSONL export."""
    folder = tmp_path_factory.mktemp("archives")
    pages = [
        Response(
            f"https://site.example/{i}", f"<html><body><p>{ARTICLE} Page {i}.</p></body></html>".encode()
        )
        for i in range(BATCH_DOCS + 44)
    ]
    pages.append(Response("https://site.example/style.css", b"p{}", content_type="text/css"))
    (folder / "crawl.warc.gz").write_bytes(warc_bytes(pages))
    lines = [{"id": "doc-1", "url": "https://feed.example/1", "text": ARTICLE}, {"html": f"<p>{ARTICLE}</p>"}]
    (folder / "export.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return folder


def test_archives_stream_into_rows_with_their_provenance(archive_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    result = run(RunConfig((archive_corpus,), out, default_rules_dir()), workers=1)
    docs = pd.read_parquet(out / "documents")
    warc = docs[docs.source_kind == "warc"]
    assert len(warc) == BATCH_DOCS + 44 and (warc.status == "ok").all()
    assert warc.url.str.startswith("https://site.example/").all()
    assert (warc.fetch_date == "2025-05-01T10:00:00Z").all()
    assert warc.source_offset.is_monotonic_increasing and warc.source_offset.notna().all()
    jsonl = docs[docs.source_kind == "jsonl"].sort_values("record")
    assert jsonl.record.tolist() == [0, 1] and jsonl.source_id.fillna("").tolist() == ["doc-1", ""]
    assert docs.doc_id.is_unique
    assert result.manifest["skipped"] == {
        "not HTML: text/css": 1,
        "request record": BATCH_DOCS + 45,
        "warcinfo record": 1,
    }
    # The shard was written a batch at a time: more than one row group, every row there.
    parquet = pq.ParquetFile(next((out / "documents").glob("*.parquet")))
    assert parquet.metadata.num_row_groups > 1 and parquet.metadata.num_rows == len(docs)


def test_archive_runs_are_deterministic(archive_corpus: Path, tmp_path: Path) -> None:
    runs = []
    for name in ("a", "b"):
        run(RunConfig((archive_corpus,), tmp_path / name, default_rules_dir()), workers=1)
        runs.append(
            (pd.read_parquet(tmp_path / name / "documents"), pd.read_parquet(tmp_path / name / "blocks"))
        )
    pd.testing.assert_frame_equal(runs[0][0], runs[1][0])
    pd.testing.assert_frame_equal(runs[0][1], runs[1][1])


# Units: large archives shared by workers, dead workers, killed runs


def test_archives_cut_into_units_give_the_rows_of_whole_files(archive_corpus: Path, tmp_path: Path) -> None:
    whole = run(RunConfig((archive_corpus,), tmp_path / "whole", default_rules_dir()), workers=1)
    cut_config = RunConfig((archive_corpus,), tmp_path / "cut", default_rules_dir(), unit_bytes=8_000)
    cut = run(cut_config, workers=2)
    assert whole.manifest["units"] == 1 and cut.manifest["units"] > 4
    assert_same_rows(rows(tmp_path / "whole"), rows(tmp_path / "cut"))
    assert cut.manifest["skipped"] == whole.manifest["skipped"]


KILLED_TWICE = "the worker process was killed by SIGKILL (on all 2 attempts)"


class SecondUnitDies:
    """An executor whose worker dies on the second unit of a run, every time."""

    def __init__(self) -> None:
        self.local = LocalExecutor(1)

    def __enter__(self) -> SecondUnitDies:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    def map(self, fn: Any, jobs: Sequence[Any], **callbacks: Any) -> list[Outcome[Any]]:
        if fn is not batch.clean_unit:
            return self.local.map(fn, jobs, **callbacks)
        outcomes = self.local.map(fn, [*jobs[:1], *jobs[2:]], **callbacks)
        died: Outcome[Any] = Outcome(failure=KILLED_TWICE, attempts=2)
        return [*outcomes[:1], died, *outcomes[1:]]


def test_a_failed_unit_is_error_rows_in_the_manifest_and_resume_cleans_it(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "UNIT_FILES", 3)
    out = tmp_path / "clean"
    failed = run(config(corpus, out), executor=SecondUnitDies())
    unit = batch.plan_units(find_inputs([corpus]), "key")[1]
    lost = [part.file.source_path for part in unit.parts]
    assert failed.units_cleaned == failed.manifest["units"] - 1
    [entry] = failed.manifest["failed_units"]
    assert entry == {
        "name": "part-00001",
        "inputs": lost,
        "reason": KILLED_TWICE,
    }
    docs = pd.read_parquet(out / "documents").set_index("source_path")
    assert sorted(docs.index) == sorted(f.source_path for f in find_inputs([corpus]))
    for path in lost:
        assert docs.loc[path, "status"] == "error"
        assert "not cleaned: the worker process was killed by SIGKILL" in docs.loc[path, "error"]
    resumed = run(config(corpus, out), resume=True)
    assert (resumed.units_cleaned, resumed.manifest["failed_units"]) == (1, [])
    run(config(corpus, tmp_path / "reference"))
    assert_same_rows(rows(out), rows(tmp_path / "reference"))


def jsonl_of_pages(path: Path, copies: int) -> Path:
    """A JSONL file of the sample HTML pages, ``copies`` times, each copy told apart."""
    pages = sorted((RAW / "html").glob("*.html"))
    with path.open("w", encoding="utf-8") as stream:
        for i in range(copies):
            for page in pages:
                html = page.read_text(encoding="utf-8").replace("</body>", f"<p>Copy {i}.</p></body>")
                stream.write(json.dumps({"id": f"{page.stem}-{i}", "html": html}) + "\n")
    return path


def test_a_run_killed_mid_way_resumes_to_the_rows_of_an_uninterrupted_run(tmp_path: Path) -> None:
    corpus = tmp_path / "raw"
    shutil.copytree(RAW, corpus)
    jsonl_of_pages(corpus / "pages.jsonl", copies=50)
    unit_mb = "0.1"
    out = tmp_path / "killed"
    command = [sys.executable, "-c", "from pipeline.cli import main; main()", "run", str(corpus)]
    command += ["--out", str(out)]
    command += ["--unit-mb", unit_mb, "--workers", "2"]
    killed = subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL)
    try:
        while len(list(out.glob("documents/*.parquet"))) < 3 and killed.poll() is None:
            time.sleep(0.02)
    finally:
        os.killpg(killed.pid, signal.SIGKILL)  # the run and its workers, at once
    killed.wait()
    assert killed.returncode == -signal.SIGKILL
    assert not (out / "manifest.json").exists()
    written = sorted(out.glob("documents/*.parquet"))
    assert written
    for path in written:  # a file under its final name is complete
        assert pq.ParquetFile(path).metadata.num_rows > 0

    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, check=False)
    assert resumed.returncode == 0, resumed.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["units_reused"] >= len(written) and manifest["units_cleaned"] >= 1
    assert not list(out.rglob("*.tmp"))

    reference = tmp_path / "reference"
    run(RunConfig((corpus,), reference, default_rules_dir(), unit_bytes=int(float(unit_mb) * 2**20)))
    assert_same_rows(rows(out), rows(reference))


# Fault corpus: every input accounted for


def write_fault_corpus(folder: Path) -> dict[str, str]:
    """Inputs that are damaged in every way the issue lists, beside good ones; returns the
    expected error of each bad one (a word of it)."""
    folder.mkdir()
    pages = [Response(f"https://site.example/{i}", f"<p>{ARTICLE} Page {i}.</p>".encode()) for i in range(40)]
    whole = warc_bytes(pages)
    (folder / "good.warc.gz").write_bytes(whole)
    (folder / "truncated.warc.gz").write_bytes(whole[: len(whole) * 3 // 4])
    damaged = bytearray(whole)
    damaged[len(whole) // 2 : len(whole) // 2 + 64] = b"\xff" * 64
    (folder / "damaged.warc.gz").write_bytes(bytes(damaged))
    plain = warc_bytes(pages[:5], gzipped=False)
    (folder / "cut.warc").write_bytes(plain[: len(plain) - 300])
    (folder / "empty.warc.gz").write_bytes(b"")
    (folder / "corrupt.html.gz").write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4)
    (folder / "truncated.txt.gz").write_bytes(gzip.compress(ARTICLE.encode() * 50)[:300])
    (folder / "binary.dat").write_bytes(bytes(range(256)) * 64)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "one-line.txt").write_text("word " * (50 * 2**20 // 5), encoding="utf-8")
    deep = "<div>" * 5000 + "<p>Deep.</p>" + "</div>" * 5000
    (folder / "deep.html").write_text(f"<html><body>{deep}</body></html>", encoding="utf-8")
    lines = [
        json.dumps({"html": f"<p>{ARTICLE}</p>"}),
        "[1, 2]",
        '{"url": "https://x.example/"}',
        "{not json",
        "",
    ]
    (folder / "lines.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    return {
        "truncated.warc.gz": "corrupt or truncated WARC",
        "damaged.warc.gz": "corrupt or truncated WARC",
        "cut.warc": "corrupt or truncated WARC",
        "empty.warc.gz": "empty file",
        "corrupt.html.gz": "corrupt or truncated gzip",
        "truncated.txt.gz": "corrupt or truncated gzip",
        "binary.dat": "binary content",
        "empty.txt": "empty file",
        "one-line.txt": "not page text",
        "deep.html": "nested deeper",
        "lines.jsonl": "not valid JSON",
    }


def test_a_fault_corpus_has_every_input_accounted_for(tmp_path: Path) -> None:
    corpus = tmp_path / "faults"
    expected_errors = write_fault_corpus(corpus)
    out = tmp_path / "clean"
    result = run(RunConfig((corpus,), out, default_rules_dir(), unit_bytes=16_000), workers=2)
    docs = pd.read_parquet(out / "documents")
    assert result.manifest["failed_units"] == []
    assert docs.doc_id.is_unique
    assert set(docs.source_path) == {p.name for p in corpus.iterdir()}
    errors = docs[docs.status == "error"].groupby("source_path")["error"].apply(" | ".join)
    for name, reason in expected_errors.items():
        assert reason in errors[name], name
    assert set(errors.index) == set(expected_errors)
    # Pages before the damage are kept; every record of a good archive is a row.
    by_file = docs.groupby("source_path")
    assert (by_file.get_group("good.warc.gz").status == "ok").sum() == 40
    assert 20 <= (by_file.get_group("truncated.warc.gz").status == "ok").sum() < 40
    assert (by_file.get_group("damaged.warc.gz").status == "ok").sum() >= 10
    assert (by_file.get_group("cut.warc").status == "ok").sum() == 4
    lines = by_file.get_group("lines.jsonl").sort_values("record")
    assert lines.record.tolist() == [0, 1, 2, 3]
    assert lines.status.tolist() == ["ok", "error", "error", "error"]
    assert result.manifest["skipped"]["blank line"] == 1
    assert result.manifest["docs"] == len(docs)


# Ray


def test_the_ray_executor_gives_the_rows_of_the_local_executor(archive_corpus: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "raw"
    shutil.copytree(RAW, corpus)
    shutil.copytree(archive_corpus, corpus / "archives")
    out = tmp_path / "ray"
    command = [sys.executable, "-c", "from pipeline.cli import main; main()", "run", str(corpus)]
    command += ["--out", str(out), "--unit-mb", "0.01", "--workers", "2", "--executor", "ray"]
    # A real Ray instance, started by the run on this machine and stopped at its end.
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["units"] > 4 and manifest["failed_units"] == []
    local = RunConfig((corpus,), tmp_path / "local", default_rules_dir(), unit_bytes=int(0.01 * 2**20))
    run(local, workers=2)
    assert_same_rows(rows(out), rows(tmp_path / "local"))
