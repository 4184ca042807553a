"""notebooks/inspect.ipynb runs top to bottom on a real Jupyter kernel, and shows what it says."""

from __future__ import annotations

import shutil
from typing import Any

import nbformat
import pytest
from conftest import RAW, ROOT
from nbclient import NotebookClient

NOTEBOOK = ROOT / "notebooks" / "inspect.ipynb"
#: Seconds a cell may take: two cleaning runs of the sample corpus are the slowest.
CELL_TIMEOUT = 300


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The tour, executed in a copy of the repository's data and rules, so that its
    ``data/clean`` lands in a scratch folder."""
    workdir = tmp_path_factory.mktemp("notebook")
    shutil.copytree(RAW, workdir / "data" / "raw")
    shutil.copytree(ROOT / "rules", workdir / "rules")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook, timeout=CELL_TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    )
    client.execute()  # raises CellExecutionError, naming the cell, when any cell fails
    assert (workdir / "data" / "clean" / "documents").is_dir()
    return notebook


def html_outputs(cell: Any) -> list[str]:
    return [o["data"]["text/html"] for o in cell.get("outputs", []) if "text/html" in o.get("data", {})]


def cell_after(notebook: Any, source_start: str) -> Any:
    return next(c for c in notebook.cells if c.cell_type == "code" and c.source.startswith(source_start))


def test_every_cell_runs_without_error(executed: Any) -> None:
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code)
    errors = [o for c in code for o in c.outputs if o["output_type"] == "error"]
    assert not errors


def test_the_page_renders_as_an_explained_diff(executed: Any) -> None:
    (rendered,) = html_outputs(cell_after(executed, "page = pipeline.clean_file"))
    assert 'class="cc-page"' in rendered and 'class="cc-block cc-removed"' in rendered


def test_the_explanation_renders_from_the_stored_blocks(executed: Any) -> None:
    (rendered,) = html_outputs(cell_after(executed, "doc_id ="))
    assert 'class="cc-legend"' in rendered


def test_the_rule_edit_changes_documents_and_shows_their_blocks(executed: Any) -> None:
    (summary,) = html_outputs(cell_after(executed, "scratch ="))
    assert "changed" in summary and "author_bio" in summary
    (diff,) = html_outputs(cell_after(executed, "comparison.diff("))
    assert "now kept" in diff or "reason changed" in diff


def test_the_plots_are_three_inline_images(executed: Any) -> None:
    (rendered,) = html_outputs(cell_after(executed, "plots ="))
    assert rendered.count('<img src="data:image/png;base64,') == 3
