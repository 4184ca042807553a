"""The notebook API: clean a page or a file, read a finished run, and the public names."""

from __future__ import annotations

import gzip
import inspect
import types
from pathlib import Path

import pandas as pd
import pytest
from conftest import ARTICLE, PROSE, FinishedRun

import pipeline
from pipeline import Doc, Result, clean_file, clean_html, clean_text, read_blocks, read_documents, run

BLOCK_COLUMNS = ["doc_id", "block", "text", "kept", "category", "rule_id", "stage", "detail"]
PAGE = (
    f"Skip to main content\nHome\n\n{ARTICLE}\n\nWe use cookies to improve your experience on our website.\n"
)


def removed_by_category(result: Result) -> dict[str, int]:
    removed = result.blocks[~result.blocks["kept"]]
    return removed["text"].str.len().groupby(removed["category"]).sum().to_dict()


def test_clean_text(default_pipeline: pipeline.Pipeline) -> None:
    result = clean_text(PAGE)
    assert isinstance(result, Result)
    assert result.text == "\n\n".join(PROSE)
    assert result.language == "en"
    assert result.status == "ok"
    assert result.error is None
    assert list(result.blocks.columns[: len(BLOCK_COLUMNS)]) == BLOCK_COLUMNS
    assert {"xpath", "line_start", "line_end"} <= set(result.blocks.columns)
    assert len(result.blocks) == len(PAGE.strip().splitlines()) - 2  # blank lines are not blocks
    # A pipeline passed in is used instead of the default one.
    assert clean_text(PAGE, default_pipeline).text == result.text


def test_removed_counts_characters_per_category() -> None:
    result = clean_text(PAGE)
    assert result.removed == removed_by_category(result)
    assert set(result.removed) == {"nav", "cookie"}
    assert all(n > 0 for n in result.removed.values())


def test_clean_html(pages_dir: Path) -> None:
    result = clean_html((pages_dir / "article.html").read_text(encoding="utf-8"))
    # The page's metadata: the title without its " | The Valley Courier" site suffix, the
    # canonical link, the byline's name and the declared publication date.
    assert result.title == "Night trains return to the Alps"
    assert result.url == "https://www.valleycourier.example/travel/night-trains-return-to-the-alps"
    assert result.author == "Anna Keller"
    assert result.published == "2025-03-04"
    assert "sleeper train will leave Zurich" in result.text
    assert "We use cookies" not in result.text
    assert result.blocks["xpath"].str.startswith("/html").all()
    assert result.removed == removed_by_category(result)
    assert {"nav", "cookie", "footer"} <= set(result.removed)
    rule_ids = dict(zip(result.blocks["text"], result.blocks["rule_id"], strict=True))
    assert rule_ids["Home"] == "nav.nav-element"
    assert rule_ids["Accept all"] == "cookie.consent-class"
    assert rule_ids["Privacy Policy"] == "footer.page-footer"


@pytest.mark.parametrize("gzipped", [False, True])
def test_clean_file(tmp_path: Path, gzipped: bool) -> None:
    path = tmp_path / ("page.txt.gz" if gzipped else "page.txt")
    path.write_bytes(gzip.compress(PAGE.encode()) if gzipped else PAGE.encode())
    result = clean_file(path)
    assert result.text == clean_text(PAGE).text
    assert result.doc.source_path == path.name
    assert result.blocks["line_start"].min() == 1


def test_clean_file_of_a_bad_file_is_an_error_result(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 8)
    result = clean_file(str(path))
    assert result.status == "error"
    assert result.error is not None
    assert "binary" in result.error
    assert result.text == ""
    assert len(result.blocks) == 0


def test_blocks_frame_has_the_columns_even_without_blocks(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 8)
    for result in (clean_html("<html><body></body></html>"), clean_file(junk)):
        assert result.status in ("error", "empty")
        assert list(result.blocks.columns[: len(BLOCK_COLUMNS)]) == BLOCK_COLUMNS
        assert result.blocks[~result.blocks["kept"]].empty


def test_result_carries_the_page_metadata() -> None:
    doc = Doc("a", "a.html", 0, "0" * 64, "html", url="https://valleycourier.example/travel/night-trains")
    doc.author, doc.published = "Mara Lindqvist", "2021-03-03"
    result = Result(doc)
    assert result.url == "https://valleycourier.example/travel/night-trains"
    assert result.author == "Mara Lindqvist"
    assert result.published == "2021-03-03"
    bare = Result(Doc("b", "b.html", 0, "0" * 64, "html"))
    assert (bare.url, bare.author, bare.published) == (None, None, None)


def test_read_documents_and_blocks(mixed_run: FinishedRun) -> None:
    docs = read_documents(mixed_run.out)
    blocks = read_blocks(str(mixed_run.out))
    assert len(docs) == mixed_run.result.manifest["docs"]
    assert set(BLOCK_COLUMNS) <= set(blocks.columns)
    assert set(blocks["doc_id"]) <= set(docs["doc_id"])
    assert blocks["kept"].dtype == bool


def test_all_names_exist() -> None:
    for name in pipeline.__all__:
        assert hasattr(pipeline, name), name
    assert len(pipeline.__all__) == len(set(pipeline.__all__))


def test_every_public_name_is_in_all() -> None:
    public = {
        name
        for name, value in vars(pipeline).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    public.discard("annotations")  # from __future__ import annotations
    assert public == set(pipeline.__all__) - {"__version__"}


@pytest.mark.parametrize("name", sorted(set(pipeline.__all__) - {"__version__"}))
def test_every_public_name_has_a_docstring_with_an_example(name: str) -> None:
    doc = inspect.getdoc(getattr(pipeline, name)) or ""
    summary, _, rest = doc.partition("\n")
    assert summary.strip(), f"{name} has no docstring"
    assert "Example::" in rest, f"{name}'s docstring has no example"
    example = rest.split("Example::", 1)[1]
    assert any(line.startswith("    ") and line.strip() for line in example.splitlines()), name


def test_run_from_python_writes_the_same_rows_as_the_batch_run(raw_run: FinishedRun, tmp_path: Path) -> None:
    result = run(raw_run.inputs, tmp_path / "clean", workers=1)
    assert result.stats.docs == raw_run.result.stats.docs
    pd.testing.assert_frame_equal(read_documents(tmp_path / "clean"), raw_run.documents())
    pd.testing.assert_frame_equal(read_blocks(tmp_path / "clean"), raw_run.blocks())


def test_version_is_a_string() -> None:
    assert isinstance(pipeline.__version__, str)
    assert pipeline.__version__.count(".") >= 1


def test_blocks_frame_of_an_empty_page_has_no_rows() -> None:
    result = clean_text("Home\nContact us\n")
    assert result.status == "empty"
    assert result.text == ""
    assert isinstance(result.blocks, pd.DataFrame)
    assert not result.blocks["kept"].any()
