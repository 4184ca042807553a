"""What-if comparisons: two results of one page, two runs, the block diff and its HTML."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
import pandas as pd
import pytest
from conftest import HOSTILE, FinishedRun, assert_inert

from pipeline import Pipeline, Result, clean_file, compare, explain, load_rules, read_blocks, run
from pipeline.compare import block_pairs
from pipeline.rules import default_rules_dir
from pipeline.view import block_diff_html, comparison_html


def rules_without(tmp_path: Path, *files: str) -> Path:
    """A copy of the shipped rules with ``files`` taken out."""
    edited = tmp_path / "rules-edited"
    shutil.copytree(default_rules_dir(), edited)
    for name in files:
        (edited / name).unlink()
    return edited


@pytest.fixture
def page_pair(pages_dir: Path, tmp_path: Path) -> tuple[Result, Result]:
    """The article fixture cleaned with the shipped rules and without the cookie rules."""
    page = pages_dir / "article.html"
    edited = Pipeline.default(load_rules(rules_without(tmp_path, "cookie.toml")))
    return clean_file(page), clean_file(page, edited)


def removed_chars(result: Result, category: str) -> int:
    return result.removed.get(category, 0)


def test_a_result_compared_with_itself_has_no_change(pages_dir: Path) -> None:
    result = clean_file(pages_dir / "article.html")
    comparison = compare(result, result)
    assert comparison.changed.empty
    assert (comparison.by_category.delta == 0).all()
    assert comparison.moves.empty
    assert comparison.diff().changes.empty
    assert len(comparison.diff().rows) == len(result.blocks)


def test_removing_a_rule_file_moves_its_characters_elsewhere(page_pair: tuple[Result, Result]) -> None:
    before, after = page_pair
    cookie = removed_chars(before, "cookie")
    assert cookie > 0 and removed_chars(after, "cookie") == 0
    comparison = compare(before, after)
    assert comparison.changed.change.tolist() == ["changed"]
    by_category = comparison.by_category.set_index("category")
    assert by_category.loc["cookie", "removed_a"] == cookie
    assert by_category.loc["cookie", "delta"] == -cookie
    # Every cookie block of ``before`` changed verdict; the moves account for all its characters.
    moves = comparison.moves
    assert set(moves.from_category) == {"cookie"}
    assert moves.chars.sum() == cookie
    assert set(moves.from_rule) == set(before.blocks[before.blocks.category == "cookie"].rule_id)
    chars_delta = comparison.documents.chars_delta.iloc[0]
    assert chars_delta == len(after.text.replace("\n\n", "")) - len(before.text.replace("\n\n", ""))


def test_the_block_diff_pairs_blocks_and_names_each_change(page_pair: tuple[Result, Result]) -> None:
    before, after = page_pair
    diff = compare(before, after).diff()
    assert len(diff.rows) == len(before.blocks) == len(after.blocks)
    changes = diff.changes
    assert set(changes.category_a) == {"cookie"}
    assert changes.text.tolist() == before.blocks[before.blocks.category == "cookie"].text.tolist()
    for row in changes.itertuples():
        expected = "now kept" if row.kept_b else "reason changed"
        assert row.change == expected
    assert (diff.rows.block_a == diff.rows.block_b).all()


def blocks_frame(*rows: tuple[str, bool, str | None]) -> pd.DataFrame:
    """Blocks of one document from (text, kept, category) triples."""
    return pd.DataFrame(
        [
            {"block": i, "text": t, "kept": k, "category": c, "rule_id": c and f"{c}.x", "detail": None}
            for i, (t, k, c) in enumerate(rows)
        ]
    )


def test_blocks_pair_by_text_when_one_side_has_more() -> None:
    a = blocks_frame(("Intro", True, None), ("Body", True, None), ("Footer", False, "footer"))
    b = blocks_frame(
        ("Intro", True, None), ("Ad", False, "ad"), ("Body", False, "ui"), ("Footer", False, "footer")
    )
    pairs = block_pairs(a, b)
    assert pairs[["text", "change"]].values.tolist() == [
        ["Intro", "same"],
        ["Ad", "only in b"],
        ["Body", "now removed"],
        ["Footer", "same"],
    ]
    assert pairs.block_a.isna().tolist() == [False, True, False, False]
    assert pairs.block_a.dropna().tolist() == [0, 1, 2]
    assert pairs.block_b.tolist() == [0, 1, 2, 3]


def test_two_runs_compare_per_document_category_and_rule(raw_run: FinishedRun, tmp_path: Path) -> None:
    edited_out = tmp_path / "edited"
    run(raw_run.inputs, edited_out, rules_dir=rules_without(tmp_path, "related.toml"), workers=1)
    comparison = compare(raw_run.out, edited_out)
    assert len(comparison.documents) == raw_run.result.stats.docs
    assert set(comparison.documents.change) <= {"same", "changed"}
    for out, side in ((raw_run.out, "a"), (edited_out, "b")):
        blocks = read_blocks(out)
        removed = blocks[~blocks.kept]
        per_rule = removed.groupby("rule_id").text.apply(lambda t: t.str.len().sum())
        table = comparison.by_rule.set_index("rule_id")[f"removed_{side}"]
        assert table[table > 0].sort_index().to_dict() == per_rule.sort_index().to_dict()
    related = comparison.by_category.set_index("category").loc["related"]
    assert related.removed_a > 0 and related.removed_b == 0
    # A changed document's diff is the same as comparing its two stored explanations.
    doc_id = comparison.changed.doc_id.iloc[0]
    stored = compare(explain(raw_run.out, doc_id), explain(edited_out, doc_id)).diff()
    pd.testing.assert_frame_equal(comparison.diff(doc_id).rows, stored.rows)


def test_documents_in_one_run_only_are_listed(raw_run: FinishedRun, tmp_path: Path) -> None:
    first = sorted(raw_run.inputs.iterdir())[0]
    subset_out = tmp_path / "subset"
    run(first, subset_out, workers=1)
    comparison = compare(raw_run.out, subset_out)
    counts = comparison.documents.change.value_counts().to_dict()
    assert counts == {"only in a": raw_run.result.stats.docs - 1, "same": 1}
    assert comparison.documents.change.iloc[0] == "only in a"  # changes come first


def test_bad_arguments_say_what_is_wrong(raw_run: FinishedRun, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no finished run"):
        compare(raw_run.out, tmp_path)
    comparison = compare(raw_run.out, raw_run.out)
    with pytest.raises(ValueError, match="name a doc_id"):
        comparison.diff()
    with pytest.raises(KeyError, match="no document"):
        comparison.diff("nope")


def test_comparison_html_shows_tables_and_escapes_everything() -> None:
    documents = pd.DataFrame(
        {
            "doc_id": ["d1"],
            "source_path": [HOSTILE[0]],
            "change": ["changed"],
            "status_a": ["ok"],
            "status_b": ["ok"],
            "chars_out_a": [10],
            "chars_out_b": [12],
            "chars_delta": [2],
        }
    )
    by_rule = pd.DataFrame({"rule_id": [HOSTILE[1]], "category": ["nav"], "removed_a": [3], "removed_b": [1]})
    moves = pd.DataFrame({"from_category": [HOSTILE[2]], "to_category": [HOSTILE[3]], "chars": [2]})
    tables = [("changed", documents), ("by category", by_rule), ("by rule", by_rule), ("moves", moves)]
    rendered = comparison_html(f"1 documents: {HOSTILE[4]}", tables)
    assert_inert(rendered, HOSTILE)
    tree = lxml.html.fromstring(f"<div>{rendered}</div>")
    assert len(tree.findall(".//table")) == 4


def test_block_diff_html_marks_changes_and_escapes_everything() -> None:
    def row(text: str, change: str, kept_a: bool, kept_b: bool) -> dict[str, object]:
        a = {"block_a": 0, "kept_a": kept_a, "category_a": None if kept_a else "ad", "rule_id_a": "ad.x"}
        b = {"block_b": 0, "kept_b": kept_b, "category_b": None if kept_b else "nav", "rule_id_b": "nav.y"}
        return {"text": text, "change": change, **a, **b, "detail_a": HOSTILE[4], "detail_b": HOSTILE[4]}

    rows = [row(text, "same", True, True) for text in [*HOSTILE, "One more unchanged block"]]
    rows += [row("Now gone", "now removed", True, False), row("Back", "now kept", False, True)]
    rendered = block_diff_html(HOSTILE[0], rows)
    assert_inert(rendered, HOSTILE)
    tree = lxml.html.fromstring(f"<div>{rendered}</div>")
    changed = tree.find_class("cc-change")
    assert [c.get("title").split(":")[0] for c in changed] == ["now removed", "now kept"]
    assert changed[0].find("s").text_content() == "Now gone"
    assert len(tree.find_class("cc-fold")) == 1  # the unchanged run folds its middle
