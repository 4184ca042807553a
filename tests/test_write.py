"""Parquet output: explicit plain-Arrow schemas, provenance in every footer, atomic files."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import FinishedRun

import pipeline
from pipeline.model import Category, Doc
from pipeline.rules import RuleSet
from pipeline.write import (
    BLOCK_SCHEMA,
    DOCUMENT_SCHEMA,
    ShardWriter,
    read_provenance,
)

DOCUMENT_COLUMNS = [
    "doc_id", "source_path", "record", "source_sha256", "source_kind", "url", "title", "author", "published",
    "text", "language", "language_score", "status", "error", "chars_in", "chars_out", "removed",
]  # fmt: skip
BLOCK_COLUMNS = ["doc_id", "block", "text", "kept", "category", "rule_id", "stage", "detail"]


def parquet_files(run: FinishedRun, folder: str) -> list[Path]:
    files = sorted((run.out / folder).glob("*.parquet"))
    assert files, f"no {folder} files written"
    return files


def plain_types(t: pa.DataType) -> bool:
    """Whether ``t`` is made only of types every Parquet reader maps without extensions."""
    if pa.types.is_struct(t):
        return all(plain_types(t.field(i).type) for i in range(t.num_fields))
    return (
        pa.types.is_string(t) or pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t)
    )


@pytest.mark.parametrize(("folder", "schema"), [("documents", DOCUMENT_SCHEMA), ("blocks", BLOCK_SCHEMA)])
def test_files_have_exactly_the_declared_schema(
    mixed_run: FinishedRun, folder: str, schema: pa.Schema
) -> None:
    for path in parquet_files(mixed_run, folder):
        written = pq.read_schema(path).remove_metadata()
        assert written.equals(schema), f"{path}:\n{written}\n!=\n{schema}"
        assert [f.nullable for f in written] == [f.nullable for f in schema]


def test_documents_have_the_contract_columns() -> None:
    assert DOCUMENT_SCHEMA.names[: len(DOCUMENT_COLUMNS)] == DOCUMENT_COLUMNS
    assert set(BLOCK_COLUMNS) <= set(BLOCK_SCHEMA.names)
    assert {"xpath", "line_start", "line_end"} <= set(BLOCK_SCHEMA.names)
    types = {f.name: f.type for f in DOCUMENT_SCHEMA}
    assert types["record"] == types["chars_in"] == types["chars_out"] == pa.int32()
    assert types["language_score"] == pa.float32()
    assert pa.types.is_string(types["doc_id"]) and pa.types.is_string(types["text"])
    assert BLOCK_SCHEMA.field("kept").type == pa.bool_()
    assert BLOCK_SCHEMA.field("block").type == pa.int32()


def test_author_and_published_are_nullable_strings_that_round_trip(tmp_path: Path) -> None:
    def doc(doc_id: str, author: str | None, published: str | None) -> Doc:
        return Doc(doc_id, f"{doc_id}.html", 0, "0" * 64, "html", author=author, published=published)

    docs = [doc("a", "Mara Lindqvist, Tomás Ferreira", "2021-03-03"), doc("b", None, None)]
    with ShardWriter(tmp_path, "part-00000", {}) as writer:
        for doc in docs:
            writer.add(doc)
        writer.finish()
    table = pq.read_table(tmp_path / "documents" / "part-00000.parquet")
    for name in ("author", "published"):
        assert table.schema.field(name).type == pa.string()
        assert table.schema.field(name).nullable
    assert table.column("author").to_pylist() == ["Mara Lindqvist, Tomás Ferreira", None]
    assert table.column("published").to_pylist() == ["2021-03-03", None]


def test_removed_is_a_struct_of_one_int32_per_category() -> None:
    removed = DOCUMENT_SCHEMA.field("removed").type
    assert pa.types.is_struct(removed)
    fields = [removed.field(i) for i in range(removed.num_fields)]
    assert [f.name for f in fields] == [c.value for c in Category]
    assert all(f.type == pa.int32() for f in fields)


@pytest.mark.parametrize("schema", [DOCUMENT_SCHEMA, BLOCK_SCHEMA], ids=["documents", "blocks"])
def test_only_plain_arrow_types(schema: pa.Schema) -> None:
    for field in schema:
        t = field.type
        assert not isinstance(t, pa.ExtensionType), field
        assert not pa.types.is_map(t), field
        assert not pa.types.is_dictionary(t), field
        assert plain_types(t), field


def test_footer_carries_the_run_provenance(mixed_run: FinishedRun, rules: RuleSet) -> None:
    for folder in ("documents", "blocks"):
        for path in parquet_files(mixed_run, folder):
            metadata = pq.read_metadata(path).metadata
            assert metadata is not None
            keys = {k.decode() for k in metadata}
            assert {"corpus_clean.version", "corpus_clean.rules_sha256", "corpus_clean.config"} <= keys
            assert "corpus_clean.created" in keys
            provenance = read_provenance(path)
            assert provenance["version"] == pipeline.__version__
            assert provenance["rules_sha256"] == rules.sha256
            config = json.loads(provenance["config"])
            assert config["inputs"] == [str(mixed_run.inputs)]
            assert config["out"] == str(mixed_run.out)
            created = datetime.fromisoformat(provenance["created"])
            assert created.tzinfo is not None


def test_pandas_reads_the_folders(mixed_run: FinishedRun) -> None:
    docs = pd.read_parquet(mixed_run.out / "documents")
    blocks = pd.read_parquet(mixed_run.out / "blocks")
    assert list(docs.columns) == DOCUMENT_SCHEMA.names
    assert list(blocks.columns) == BLOCK_SCHEMA.names
    assert len(docs) == mixed_run.result.stats.docs
    assert set(blocks["doc_id"]) <= set(docs["doc_id"])
    # The struct column arrives as one dict per row, a key per category.
    assert all(set(r) == {c.value for c in Category} for r in docs["removed"])


def test_pyarrow_dataset_reads_the_folders(mixed_run: FinishedRun) -> None:
    table = pq.read_table(mixed_run.out / "documents")
    assert table.num_rows == mixed_run.result.stats.docs


def test_no_temporary_files_left_behind(mixed_run: FinishedRun) -> None:
    leftovers = [p for p in mixed_run.out.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []


def test_error_rows_have_no_text_and_no_blocks(mixed_run: FinishedRun) -> None:
    docs = mixed_run.documents()
    errors = docs[docs["status"] == "error"]
    assert len(errors) > 0
    assert (errors["text"] == "").all()
    assert errors["error"].notna().all()
    assert (errors["chars_in"] == 0).all()
    blocks = mixed_run.blocks()
    assert not blocks["doc_id"].isin(errors["doc_id"]).any()


@pytest.mark.parametrize("run_name", ["raw_run", "mixed_run"])
def test_every_stored_removal_is_explained(run_name: str, request: pytest.FixtureRequest) -> None:
    run: FinishedRun = request.getfixturevalue(run_name)
    blocks = run.blocks()
    removed = blocks[~blocks["kept"]]
    assert len(removed) > 0
    for column in ("category", "rule_id", "stage", "detail"):
        assert removed[column].notna().all(), column
        assert blocks.loc[blocks["kept"], column].isna().all(), column
    assert (removed["rule_id"].str.split(".").str[0] == removed["category"]).all()


def test_ok_rows_text_is_the_kept_blocks(mixed_run: FinishedRun) -> None:
    docs = mixed_run.documents()
    blocks = mixed_run.blocks().sort_values(["doc_id", "block"])
    for row in docs[docs["status"] == "ok"].itertuples():
        mine = blocks[blocks["doc_id"] == row.doc_id]
        assert row.text == "\n\n".join(mine.loc[mine["kept"], "text"])
        assert row.chars_in == mine["text"].str.len().sum()
        assert row.chars_out == mine.loc[mine["kept"], "text"].str.len().sum()


def test_an_interrupted_write_leaves_no_file(tmp_path: Path) -> None:
    doc = Doc("a", "a.txt", 0, "0" * 64, "text")
    writer = ShardWriter(tmp_path, "part-00000", {}, batch_docs=1)
    with pytest.raises(OSError, match="disk full"), writer:
        writer.add(doc)  # a row group written to the temporary files
        raise OSError("disk full")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
