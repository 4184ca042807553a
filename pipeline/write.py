"""Parquet output: explicit schemas, atomic shard files, provenance in every footer.

A run's output folder holds ``documents/part-NNNNN.parquet`` (one row per
input document), ``blocks/part-NNNNN.parquet`` (one row per block: the diff)
and ``manifest.json``. Every Parquet footer carries the run's provenance as
key-value metadata (version, rules hash, configuration, time). Files are
written under a hidden temporary name and renamed when complete, so a killed
run never leaves a half-written file where a reader would look.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.model import Category, Doc, Status

DOCUMENTS = "documents"
BLOCKS = "blocks"
MANIFEST = "manifest.json"
#: Prefix of the footer metadata keys this package writes.
METADATA_PREFIX = "corpus_clean."
#: Documents per Parquet row group while a shard is written: a few MB of blocks.
BATCH_DOCS = 256

REMOVED_TYPE = pa.struct([pa.field(c.value, pa.int32(), nullable=False) for c in Category])

DOCUMENT_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("source_path", pa.string(), nullable=False),
        pa.field("record", pa.int32(), nullable=False),
        pa.field("source_sha256", pa.string(), nullable=False),
        pa.field("source_kind", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("title", pa.string()),
        pa.field("author", pa.string()),
        pa.field("published", pa.string()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("language", pa.string(), nullable=False),
        pa.field("language_score", pa.float32(), nullable=False),
        pa.field("status", pa.string(), nullable=False),
        pa.field("error", pa.string()),
        pa.field("chars_in", pa.int32(), nullable=False),
        pa.field("chars_out", pa.int32(), nullable=False),
        pa.field("removed", REMOVED_TYPE, nullable=False),
        # Where an archive's page came from: byte offset, record id, capture time (WARC, JSONL).
        pa.field("source_offset", pa.int64()),
        pa.field("source_id", pa.string()),
        pa.field("fetch_date", pa.string()),
    ]
)

BLOCK_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("block", pa.int32(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("kept", pa.bool_(), nullable=False),
        pa.field("category", pa.string()),
        pa.field("rule_id", pa.string()),
        pa.field("stage", pa.string()),
        pa.field("detail", pa.string()),
        pa.field("xpath", pa.string()),
        pa.field("line_start", pa.int32()),
        pa.field("line_end", pa.int32()),
    ]
)


def document_row(doc: Doc) -> dict[str, Any]:
    """The documents row of ``doc``; an error row has no text."""
    removed = doc.removed_chars()
    return {
        "doc_id": doc.doc_id,
        "source_path": doc.source_path,
        "record": doc.record,
        "source_sha256": doc.source_sha256,
        "source_kind": doc.source_kind,
        "url": doc.url,
        "title": doc.title,
        "author": doc.author,
        "published": doc.published,
        "text": doc.text if doc.status is not Status.ERROR else "",
        "language": doc.language,
        "language_score": doc.language_score,
        "status": doc.status.value,
        "error": doc.error,
        "chars_in": doc.chars_in,
        "chars_out": doc.chars_out,
        "removed": {c.value: removed[c] for c in Category},
        "source_offset": doc.source_offset,
        "source_id": doc.source_id,
        "fetch_date": doc.fetch_date,
    }


def block_rows(doc: Doc) -> Iterable[dict[str, Any]]:
    """One row per block of ``doc``, removals with their category, rule, stage and detail."""
    for block in doc.blocks:
        yield {
            "doc_id": doc.doc_id,
            "block": block.index,
            "text": block.text,
            "kept": block.kept,
            "category": block.category.value if block.category else None,
            "rule_id": block.rule_id,
            "stage": block.stage,
            "detail": block.detail,
            "xpath": block.xpath,
            "line_start": block.line_start,
            "line_end": block.line_end,
        }


def documents_table(docs: Iterable[Doc]) -> pa.Table:
    return pa.Table.from_pylist([document_row(d) for d in docs], schema=DOCUMENT_SCHEMA)


def blocks_table(docs: Iterable[Doc]) -> pa.Table:
    return pa.Table.from_pylist([row for d in docs for row in block_rows(d)], schema=BLOCK_SCHEMA)


def provenance_metadata(provenance: Mapping[str, str]) -> dict[bytes, bytes]:
    """Footer key-value metadata, keys prefixed with ``corpus_clean.``."""
    return {(METADATA_PREFIX + k).encode(): v.encode() for k, v in sorted(provenance.items())}


def read_provenance(path: Path) -> dict[str, str]:
    """The provenance stored in the footer of one Parquet file this package wrote."""
    metadata = pq.read_metadata(path).metadata or {}
    prefix = METADATA_PREFIX.encode()
    return {k[len(prefix) :].decode(): v.decode() for k, v in metadata.items() if k.startswith(prefix)}


def shard_paths(out: Path, shard: str) -> tuple[Path, Path]:
    """Where a shard's documents and blocks files live."""
    return out / DOCUMENTS / f"{shard}.parquet", out / BLOCKS / f"{shard}.parquet"


class ShardWriter:
    """Writes one shard's documents and blocks while it is cleaned, a row group every
    ``batch_docs`` documents, so memory holds one batch whatever the shard's size.

    Both files grow under hidden temporary names; :meth:`finish` renames the blocks
    file, then the documents file, into place (a shard is complete when its
    documents file exists). Leaving the ``with`` block without ``finish`` (an
    exception) deletes the temporary files.

    Example::

        with ShardWriter(out, "part-00000", provenance) as writer:
            for record in records:
                writer.add(pipe.clean(record))
            writer.finish()
    """

    def __init__(
        self, out: Path, shard: str, provenance: Mapping[str, str], batch_docs: int = BATCH_DOCS
    ) -> None:
        self.paths = shard_paths(out, shard)
        metadata = provenance_metadata(provenance)
        schemas = (DOCUMENT_SCHEMA.with_metadata(metadata), BLOCK_SCHEMA.with_metadata(metadata))
        self.temporary = tuple(_temporary_path(path) for path in self.paths)
        for path in self.temporary:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.writers = [
            pq.ParquetWriter(t, schema, compression="zstd")
            for t, schema in zip(self.temporary, schemas, strict=True)
        ]
        self.batch_docs = batch_docs
        self.pending: list[Doc] = []

    def add(self, doc: Doc) -> None:
        self.pending.append(doc)
        if len(self.pending) >= self.batch_docs:
            self._flush()

    def finish(self) -> None:
        """Write what is pending, close both files and rename them into place, documents last."""
        self._flush()
        for writer in self.writers:
            writer.close()
        documents, blocks = self.paths
        documents_tmp, blocks_tmp = self.temporary
        blocks_tmp.replace(blocks)
        documents_tmp.replace(documents)

    def _flush(self) -> None:
        if self.pending:
            documents, blocks = self.writers
            documents.write_table(documents_table(self.pending))
            blocks.write_table(blocks_table(self.pending))
            self.pending = []

    def __enter__(self) -> ShardWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for writer in self.writers:
            writer.close()
        for path in self.temporary:
            path.unlink(missing_ok=True)


def _temporary_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_json_atomic(data: Mapping[str, Any], path: Path) -> None:
    """Write ``data`` as indented JSON to ``path`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
