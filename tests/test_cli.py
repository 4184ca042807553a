"""The ``corpus-clean`` command line, through click's test runner."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from conftest import ARTICLE, ROOT, FinishedRun

import pipeline
from pipeline.cli import main
from pipeline.rules import default_rules_dir

COMMANDS = [["run"], ["inspect"], ["explain"], ["compare"], ["rules", "check"], ["stats"]]


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_has_a_description_and_an_example(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    usage, _, body = result.output.partition("\n\n")
    assert usage.startswith("Usage:")
    assert body.strip().split("\n", 1)[0].strip(), "no description"
    assert "Example" in result.output
    assert f"corpus-clean {' '.join(command)}" in result.output


def test_top_level_help_lists_the_commands() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for name in ("run", "inspect", "explain", "rules", "stats"):
        assert name in result.output


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert pipeline.__version__ in result.output


# run


def test_run_writes_output_and_names_the_failing_file(tmp_path: Path, raw_dir: Path) -> None:
    inputs = tmp_path / "raw"
    shutil.copytree(raw_dir, inputs)
    (inputs / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    out = tmp_path / "clean"
    result = invoke("run", inputs, "--out", out, "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "broken.txt.gz" in result.output
    assert "gzip" in result.output
    docs = pd.read_parquet(out / "documents")
    assert len(docs) == sum(1 for p in inputs.rglob("*") if p.is_file())
    assert (out / "manifest.json").exists()


def test_run_ends_with_a_summary_table_of_what_it_did(tmp_path: Path, raw_dir: Path) -> None:
    out = tmp_path / "clean"
    result = invoke("run", raw_dir, "--out", out, "--workers", "2", "--unit-mb", "0.01")
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") > 2}
    assert (
        f"{manifest['docs']:,}" in lines["documents"]
        and f"ok {manifest['status']['ok']}" in lines["documents"]
    )
    assert f"{manifest['units']} cleaned, 0 reused, 0 failed" in lines["units"]
    assert manifest["units"] > 1
    assert "docs/s" in lines["time"] and "MB/s" in lines["time"]
    assert f"{manifest['input_files']} files" in lines["input"]


def test_run_with_ray_not_installed_says_how_to_install_it(
    tmp_path: Path, raw_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what an environment without Ray has
    result = invoke("run", raw_dir, "--out", tmp_path / "clean", "--executor", "ray")
    assert result.exit_code != 0
    assert "pip install 'corpus-clean[ray]'" in result.output


def test_run_with_an_unknown_stage_fails_clearly(tmp_path: Path, raw_dir: Path) -> None:
    result = invoke("run", raw_dir, "--out", tmp_path / "clean", "--workers", "1", "--disable", "strip_all")
    assert result.exit_code != 0
    assert "strip_all" in result.output
    assert "strip_rules" in result.output  # the valid names are listed


def test_run_with_a_missing_input_fails_clearly(tmp_path: Path) -> None:
    result = invoke("run", tmp_path / "nowhere", "--out", tmp_path / "clean")
    assert result.exit_code != 0
    assert "nowhere" in result.output


@pytest.mark.parametrize(("option", "recorded"), [("12.5", 12.5), ("0", None)])
def test_run_records_the_time_limit(
    tmp_path: Path, raw_dir: Path, option: str, recorded: float | None
) -> None:
    out = tmp_path / "clean"
    result = invoke("run", raw_dir, "--out", out, "--workers", "1", "--time-limit", option)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["time_limit"] == recorded


def test_run_rejects_a_negative_time_limit(tmp_path: Path, raw_dir: Path) -> None:
    result = invoke("run", raw_dir, "--out", tmp_path / "clean", "--time-limit", "-1")
    assert result.exit_code != 0
    assert "--time-limit" in result.output


def test_run_resume_reuses_shards(tmp_path: Path, raw_dir: Path) -> None:
    out = tmp_path / "clean"
    assert invoke("run", raw_dir, "--out", out, "--workers", "1").exit_code == 0
    result = invoke("run", raw_dir, "--out", out, "--workers", "1", "--resume")
    assert result.exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["units_cleaned"] == 0
    assert manifest["units_reused"] == manifest["units"]


# inspect


def test_inspect_shows_removed_blocks_with_category_and_rule(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    banner = "We use cookies to improve your experience on our website."
    page.write_text(f"Skip to main content\n\n{ARTICLE}\n\n{banner}\n", encoding="utf-8")
    result = invoke("inspect", page)
    assert result.exit_code == 0
    assert "Skip to main content" in result.output
    assert "nav nav.skip-link" in result.output
    assert banner in result.output
    assert "cookie cookie.we-use-cookies" in result.output
    assert ARTICLE.splitlines()[0] in result.output


def test_inspect_removed_only_hides_kept_text(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(f"Skip to main content\n\n{ARTICLE}\n", encoding="utf-8")
    result = invoke("inspect", page, "--removed-only")
    assert result.exit_code == 0
    assert "nav.skip-link" in result.output
    assert ARTICLE.splitlines()[0] not in result.output


def test_inspect_an_html_file(pages_dir: Path) -> None:
    result = invoke("inspect", pages_dir / "article.html")
    assert result.exit_code == 0
    # The banner is named by its container's class before any text rule sees it.
    assert "[cookie cookie.consent-class] <div> class/id 'cookie'" in result.output
    assert "[nav nav.nav-element] <nav> element" in result.output
    assert "Night trains return to the Alps after a decade away" in result.output


# rules check


def test_rules_check_accepts_the_shipped_rules() -> None:
    result = invoke("rules", "check")
    assert result.exit_code == 0
    assert "OK" in result.output
    assert invoke("rules", "check", default_rules_dir()).exit_code == 0


def test_rules_check_rejects_a_broken_folder(tmp_path: Path) -> None:
    shutil.copytree(default_rules_dir(), tmp_path / "rules")
    broken = tmp_path / "rules" / "cookie.toml"
    broken.write_text(
        broken.read_text(encoding="utf-8")
        + '\n[[rules]]\nid = "cookie.broken-pattern"\nwhy = "Broken on purpose."\ntext = "(unclosed"\n'
        'must_match = ["x"]\nmust_not_match = ["y"]\n',
        encoding="utf-8",
    )
    result = invoke("rules", "check", tmp_path / "rules")
    assert result.exit_code != 0
    assert "cookie.toml" in result.output
    assert "cookie.broken-pattern" in result.output


# stats


def test_stats_summarises_a_finished_run(mixed_run: FinishedRun) -> None:
    result = invoke("stats", mixed_run.out)
    assert result.exit_code == 0
    manifest = mixed_run.result.manifest
    assert f"{manifest['docs']:,} documents" in result.output
    for status in manifest["status"]:
        assert status in result.output
    top_rule = max(manifest["removed_chars_by_rule"], key=manifest["removed_chars_by_rule"].get)
    assert top_rule in result.output


def test_stats_json_prints_the_manifest(mixed_run: FinishedRun) -> None:
    result = invoke("stats", mixed_run.out, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == mixed_run.result.manifest


def test_stats_fails_clearly_without_a_manifest(tmp_path: Path) -> None:
    result = invoke("stats", tmp_path)
    assert result.exit_code != 0
    assert "manifest" in result.output


def test_explain_shows_a_stored_document_with_its_removals(mixed_run: FinishedRun) -> None:
    documents = mixed_run.documents()
    row = documents[documents["source_path"].str.endswith("000_4836993da0e4a9b5.txt")].iloc[0]
    result = invoke("explain", mixed_run.out, row["doc_id"])
    assert result.exit_code == 0
    assert result.output.startswith(f"{row['source_path']}  status=ok")
    removed = mixed_run.blocks().query("doc_id == @row.doc_id and not kept")
    for block in removed.itertuples():
        assert f"[{block.category} {block.rule_id}] {block.detail}" in result.output
    only = invoke("explain", mixed_run.out, row["doc_id"], "--removed-only")
    kept = mixed_run.blocks().query("doc_id == @row.doc_id and kept")
    assert kept["text"].iloc[0] not in only.output


def test_explain_of_an_unknown_document_fails_clearly(mixed_run: FinishedRun) -> None:
    result = CliRunner().invoke(main, ["explain", str(mixed_run.out), "no-such-doc"])
    assert result.exit_code == 1
    assert "no document 'no-such-doc'" in result.output


def test_compare_prints_what_a_rule_edit_changed(raw_run: FinishedRun, tmp_path: Path) -> None:
    rules = shutil.copytree(ROOT / "rules", tmp_path / "rules")
    (rules / "related.toml").unlink()
    edited = tmp_path / "edited"
    assert invoke("run", raw_run.inputs, "--out", edited, "--rules", rules, "--workers", "1").exit_code == 0
    result = invoke("compare", raw_run.out, edited)
    assert result.exit_code == 0
    comparison = pipeline.compare(raw_run.out, edited)
    changed = len(comparison.changed)
    assert result.output.startswith(f"{raw_run.result.stats.docs} documents: {changed} changed")
    for rule_id in comparison.by_rule.query("delta != 0").rule_id:
        assert rule_id in result.output
    doc_id = comparison.changed.doc_id.iloc[0]
    diff = invoke("compare", raw_run.out, edited, "--doc", doc_id, "--changes-only")
    assert diff.exit_code == 0
    changes = comparison.diff(doc_id).changes
    assert diff.output.count("\n! ") + diff.output.startswith("! ") == len(changes)
    assert all(f"{row.change}: a " in diff.output for row in changes.itertuples())


def test_compare_of_a_folder_without_a_run_fails_clearly(raw_run: FinishedRun, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["compare", str(raw_run.out), str(tmp_path)])
    assert result.exit_code == 1
    assert f"no finished run at {tmp_path}" in result.output
