"""The notebook-facing API: clean one page or file, read a finished run.

Example::

    import pipeline
    r = pipeline.clean_file("data/raw/000_4836993da0e4a9b5.txt")
    r.text, r.language, r.removed
    r.blocks[~r.blocks.kept][["text", "category", "rule_id", "detail"]]
    pipeline.run("data/raw", "data/clean")          # a batch run, as `corpus-clean run`
    docs = pipeline.read_documents("data/clean")
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.batch import RunConfig, RunResult
from pipeline.batch import run as run_batch
from pipeline.model import Doc, Record, SourceKind
from pipeline.read import InputFile, read_records
from pipeline.rules import default_rules_dir
from pipeline.runner import Pipeline
from pipeline.view import page_html
from pipeline.write import BLOCK_SCHEMA, BLOCKS, DOCUMENTS, block_rows, document_row


@dataclass(frozen=True, slots=True)
class Result:
    """A cleaned page: its text, language, and every block with why it was kept or removed.

    Example::

        r = pipeline.clean_html("<p>Home</p><article><p>...</p></article>")
        r.text, r.language, r.removed
        r                    # in Jupyter: the page, removals struck through and explained
    """

    doc: Doc

    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def title(self) -> str | None:
        return self.doc.title

    @property
    def url(self) -> str | None:
        return self.doc.url

    @property
    def author(self) -> str | None:
        return self.doc.author

    @property
    def published(self) -> str | None:
        """Publication date as ``YYYY-MM-DD`` when the page declares one."""
        return self.doc.published

    @property
    def language(self) -> str:
        return self.doc.language

    @property
    def status(self) -> str:
        return self.doc.status.value

    @property
    def error(self) -> str | None:
        return self.doc.error

    @property
    def removed(self) -> dict[str, int]:
        """Characters removed per category (categories with none left out)."""
        return {c.value: n for c, n in self.doc.removed_chars().items() if n}

    @property
    def blocks(self) -> pd.DataFrame:
        """One row per block: text, kept, category, rule_id, stage, detail, position."""
        return pd.DataFrame(list(block_rows(self.doc)), columns=BLOCK_SCHEMA.names)

    def _repr_html_(self) -> str:
        """In Jupyter, the page with every removal struck through and explained."""
        return page_html(document_row(self.doc), block_rows(self.doc))


@dataclass(frozen=True)
class Explanation:
    """One document of a finished run and its stored blocks; in Jupyter, the page's diff.

    Example::

        e = pipeline.explain("data/clean", doc_id)
        e.document["status"], e.blocks[~e.blocks.kept]
    """

    document: dict[str, Any]
    blocks: pd.DataFrame

    def rows(self) -> list[dict[str, Any]]:
        """The blocks as plain rows, in page order."""
        return records(self.blocks)

    def _repr_html_(self) -> str:
        return page_html(self.document, self.rows())


def default_pipeline() -> Pipeline:
    """The standard pipeline over the shipped rules as they are now on disk.

    Cheap to build: ``load_rules`` reuses the validated rules while the files
    are unchanged, and an edited rule takes effect on the next call.
    """
    return Pipeline.default()


def clean_file(path: str | Path, pipeline: Pipeline | None = None) -> Result:
    """Clean one input file (HTML or text, optionally gzipped).

    Example::

        r = pipeline.clean_file("data/raw/000_4836993da0e4a9b5.txt")
        r.blocks[~r.blocks.kept][["text", "category", "rule_id", "detail"]]
    """
    path = Path(path)
    record = next(read_records(InputFile(path, path)))
    return Result((pipeline or default_pipeline()).clean(record))


def clean_text(text: str, pipeline: Pipeline | None = None) -> Result:
    """Clean a plain-text dump given as a string, one block per line.

    Example::

        pipeline.clean_text("Home | News | Sport\nThe council met on Monday to ...").removed
    """
    return _clean_string(text, "text", pipeline)


def clean_html(html: str, pipeline: Pipeline | None = None) -> Result:
    """Clean an HTML page given as a string.

    Example::

        r = pipeline.clean_html(Path("saved-page.html").read_text(encoding="utf-8"))
        r.title, r.text
    """
    return _clean_string(html, "html", pipeline)


def _clean_string(content: str, kind: SourceKind, pipeline: Pipeline | None) -> Result:
    data = content.encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    record = Record(source_path="<string>", record=0, source_sha256=sha, source_kind=kind, data=data)
    return Result((pipeline or default_pipeline()).clean(record))


def run(
    inputs: str | Path | Iterable[str | Path] = "data/raw",
    out: str | Path = "data/clean",
    *,
    rules_dir: str | Path | None = None,
    workers: int | None = None,
    resume: bool = False,
    disable: Iterable[str] = (),
) -> RunResult:
    """Clean files and folders into a run folder, as ``corpus-clean run`` does.

    ``workers`` defaults to all cores; ``rules_dir`` to the shipped rules.

    Example::

        result = pipeline.run("data/raw", "/tmp/clean-edited", rules_dir="/tmp/my-rules")
        result.manifest["status"]        # documents per status
    """
    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    config = RunConfig(
        tuple(Path(p) for p in paths),
        Path(out),
        Path(rules_dir) if rules_dir else default_rules_dir(),
        tuple(disable),
    )
    return run_batch(config, workers=workers or os.cpu_count() or 1, resume=resume)


def read_documents(out: str | Path) -> pd.DataFrame:
    """The documents of a finished run: one row per input document.

    Example::

        docs = pipeline.read_documents("data/clean")
        docs.groupby("status").size()
    """
    return pd.read_parquet(Path(out) / DOCUMENTS)


def read_blocks(out: str | Path) -> pd.DataFrame:
    """The blocks of a finished run: one row per block, removals explained.

    Example::

        blocks = pipeline.read_blocks("data/clean")
        blocks[~blocks.kept].groupby("rule_id").text.count().nlargest(10)
    """
    return pd.read_parquet(Path(out) / BLOCKS)


def explain(out: str | Path, doc_id: str) -> Explanation:
    """A document of the finished run in ``out`` with its blocks, without re-running anything.

    Example::

        docs = pipeline.read_documents("data/clean")
        pipeline.explain("data/clean", docs.doc_id[0])   # renders the page's diff in Jupyter
    """
    documents = pd.read_parquet(Path(out) / DOCUMENTS, filters=[("doc_id", "==", doc_id)])
    if documents.empty:
        raise KeyError(f"no document {doc_id!r} in the run at {out}")
    blocks = pd.read_parquet(Path(out) / BLOCKS, filters=[("doc_id", "==", doc_id)])
    document = {str(key): _plain(value) for key, value in documents.iloc[0].items()}
    return Explanation(document, blocks.sort_values("block", ignore_index=True))


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as plain dicts keyed by column name."""
    columns = [str(c) for c in frame.columns]
    return [
        dict(zip(columns, row, strict=True))
        for row in zip(*(frame[c].tolist() for c in frame.columns), strict=True)
    ]


def _plain(value: Any) -> Any:
    """A pandas cell as a plain Python value (missing values as None)."""
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value
