"""The HTML view of a cleaned page: escaped, self-contained, legend and folds, same from a run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lxml.html
import pytest
from conftest import HOSTILE, FinishedRun, assert_inert

from pipeline import clean_file, clean_html, explain, read_documents
from pipeline.view import KEPT_RUN_SHOWN, page_html


def document(**fields: Any) -> dict[str, Any]:
    base = {
        "source_path": "page.html",
        "title": None,
        "url": None,
        "status": "ok",
        "language": "en",
        "chars_in": 0,
        "chars_out": 0,
        "error": None,
    }
    return {**base, **fields}


def block(
    text: str,
    kept: bool = True,
    category: str | None = None,
    rule_id: str | None = None,
    detail: str | None = None,
) -> dict[str, Any]:
    return {"text": text, "kept": kept, "category": category, "rule_id": rule_id, "detail": detail}


def hostile_page() -> str:
    rows = [block(t) for t in HOSTILE] + [block(t, False, "ad", f"ad.{i}", t) for i, t in enumerate(HOSTILE)]
    doc = document(title=HOSTILE[0], url=HOSTILE[1], source_path=HOSTILE[2], error=HOSTILE[3])
    return page_html(doc, rows)


def test_page_text_that_looks_like_markup_is_shown_and_never_runs() -> None:
    assert_inert(hostile_page(), HOSTILE)


def test_removed_blocks_are_struck_through_with_their_reason_on_hover() -> None:
    rows = [block("Kept paragraph."), block("Home", False, "nav", "nav.site-link", "text matched 'Home'")]
    tree = lxml.html.fromstring(f"<div>{page_html(document(), rows)}</div>")
    removed = tree.find_class("cc-removed")
    assert len(removed) == 1
    assert removed[0].find("s").text_content() == "Home"
    assert removed[0].get("title") == "nav · nav.site-link · text matched 'Home'"
    assert [p.text_content() for p in tree.find_class("cc-kept")] == ["Kept paragraph."]


def test_legend_counts_blocks_and_characters_per_category() -> None:
    rows = [block("a" * 10), block("b" * 5, False, "nav", "r", ""), block("c" * 7, False, "nav", "r", "")]
    rows.append(block("d" * 3, False, "cookie", "c", ""))
    tree = lxml.html.fromstring(f"<div>{page_html(document(), rows)}</div>")
    legend = [li.text_content() for li in tree.find_class("cc-legend")[0]]
    assert legend == ["kept: 1 blocks, 10 chars", "nav: 2 blocks, 12 chars", "cookie: 1 blocks, 3 chars"]


def test_a_long_run_of_kept_blocks_folds_after_its_first_blocks() -> None:
    rows = [block(f"Paragraph {i}.") for i in range(KEPT_RUN_SHOWN + 6)]
    rows.append(block("Footer", False, "footer", "footer.x", ""))
    tree = lxml.html.fromstring(f"<div>{page_html(document(), rows)}</div>")
    folds = tree.find_class("cc-fold")
    assert len(folds) == 1
    assert folds[0].find("summary").text_content().startswith("6 more kept blocks")
    assert len(folds[0].find_class("cc-kept")) == 6
    assert len(tree.find_class("cc-kept")) == KEPT_RUN_SHOWN + 6  # nothing is dropped


def test_a_result_renders_itself_in_jupyter(pages_dir: Path) -> None:
    result = clean_html((pages_dir / "article.html").read_text(encoding="utf-8"))
    tree = lxml.html.fromstring(f"<div>{result._repr_html_()}</div>")
    assert tree.find_class("cc-head")[0].text_content() == result.title
    removed = result.blocks[~result.blocks["kept"]]
    titles = [p.get("title") for p in tree.find_class("cc-removed")]
    assert titles == [f"{r.category} · {r.rule_id} · {r.detail}" for r in removed.itertuples()]


def test_explain_renders_a_stored_document_as_cleaning_it_again_would(mixed_run: FinishedRun) -> None:
    documents = read_documents(mixed_run.out)
    row = documents[documents["source_path"].str.endswith("000_4836993da0e4a9b5.txt")].iloc[0]
    explained = explain(mixed_run.out, row["doc_id"])
    assert list(explained.blocks["block"]) == sorted(explained.blocks["block"])
    again = clean_file(mixed_run.inputs / row["source_path"])
    assert explained._repr_html_() == again._repr_html_().replace(
        str(mixed_run.inputs / row["source_path"]), row["source_path"]
    )


def test_explain_of_an_unknown_document_names_it(mixed_run: FinishedRun) -> None:
    with pytest.raises(KeyError, match="no-such-doc"):
        explain(mixed_run.out, "no-such-doc")
