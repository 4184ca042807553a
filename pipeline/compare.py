"""What-if: compare two runs, or two results of one page under different rules.

A rule edit is checked on a sample before a full run: clean the sample with
the old and the new rules, then ``compare`` says which documents changed, how
many characters each category and each rule removed before and after, where
the moved characters went, and block by block what changed in one document.

Blocks of a document are paired by their text (the same page segments the
same way under any rules), so a block's verdict before and after (kept, or
removed with a category and rule) can be set side by side.

Example::

    import pipeline
    c = pipeline.compare("data/clean", "/tmp/clean-edited")   # two finished runs
    c.changed                # documents whose text, status or block verdicts differ
    c.by_category            # characters removed per category, before and after
    c.by_rule                # the same per rule
    c.moves                  # where the characters of changed blocks went
    c.diff(c.changed.doc_id[0])   # in Jupyter: the document's blocks, changes marked
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.api import Explanation, Result, records
from pipeline.view import block_diff_html, comparison_html
from pipeline.write import BLOCKS, DOCUMENTS, document_row

#: A side of a comparison: a finished run's folder, or one cleaned page.
Side = str | Path | Result | Explanation

DOCUMENT_COLUMNS = ["doc_id", "source_path", "status", "text", "chars_in", "chars_out"]
BLOCK_COLUMNS = ["doc_id", "block", "text", "kept", "category", "rule_id", "detail"]
#: What a block's verdict is made of; a block changed when one of these differs.
VERDICT = ["kept", "category", "rule_id"]
KEPT = "kept"


@dataclass(frozen=True)
class BlockDiff:
    """The blocks of one document under ``a`` and ``b``, paired, with what changed.

    ``rows`` has one row per block: ``text``, ``change`` (``same``, ``now removed``,
    ``now kept``, ``reason changed``, ``only in a``, ``only in b``), and for each
    side ``block``, ``kept``, ``category``, ``rule_id``, ``detail`` suffixed
    ``_a`` / ``_b``. In Jupyter it renders as the page with the changes marked.

    Example::

        d = pipeline.compare(before, after).diff(doc_id)
        d.changes            # only the blocks whose verdict changed
    """

    doc_id: str
    source_path: str
    rows: pd.DataFrame

    @property
    def changes(self) -> pd.DataFrame:
        """The rows whose verdict differs between ``a`` and ``b``."""
        return self.rows[self.rows.change != "same"]

    def _repr_html_(self) -> str:
        return block_diff_html(self.source_path, records(self.rows))


@dataclass(frozen=True)
class Comparison:
    """What changed from run (or result) ``a`` to ``b``; see the module docstring.

    - ``documents``: one row per document in either side: ``doc_id``,
      ``source_path``, ``status_a``/``_b``, ``chars_out_a``/``_b``, ``chars_delta``
      (b minus a), ``blocks_changed`` and ``change`` (``same``, ``changed``,
      ``only in a``, ``only in b``), changed documents first.
    - ``by_category`` / ``by_rule``: characters removed in ``a`` and ``b`` and
      their ``delta``, largest change first.
    - ``moves``: for blocks whose verdict changed, characters and blocks from
      one verdict (``kept`` or a category, and a rule) to another.
    - ``blocks_a`` / ``blocks_b``: the blocks of each side, what :meth:`diff` pairs.

    Example::

        c = pipeline.compare(pipeline.clean_file(path), pipeline.clean_file(path, edited))
        c.by_rule[c.by_rule.delta != 0]
        c.diff()             # the one document, changes marked
    """

    documents: pd.DataFrame
    by_category: pd.DataFrame
    by_rule: pd.DataFrame
    moves: pd.DataFrame
    blocks_a: pd.DataFrame
    blocks_b: pd.DataFrame

    @property
    def changed(self) -> pd.DataFrame:
        """The documents that differ between ``a`` and ``b`` (or are in one side only)."""
        return self.documents[self.documents.change != "same"]

    def diff(self, doc_id: str | None = None) -> BlockDiff:
        """The block-level diff of ``doc_id`` (of the only document, when there is one)."""
        if doc_id is None:
            if len(self.documents) != 1:
                raise ValueError(f"the comparison holds {len(self.documents)} documents: name a doc_id")
            doc_id = str(self.documents.doc_id.iloc[0])
        found = self.documents[self.documents.doc_id == doc_id]
        if found.empty:
            raise KeyError(f"no document {doc_id!r} in either side of the comparison")
        rows = block_pairs(_blocks_of(self.blocks_a, doc_id), _blocks_of(self.blocks_b, doc_id))
        return BlockDiff(doc_id, str(found.source_path.iloc[0]), rows)

    def summary(self) -> str:
        """One line: documents per change, and kept characters in ``a`` and ``b``."""
        documents = self.documents
        counts = ", ".join(f"{n:,} {change}" for change, n in documents.change.value_counts().items())
        kept_a, kept_b = documents.chars_out_a.sum(), documents.chars_out_b.sum()
        return f"{len(documents):,} documents: {counts}; kept chars: a {kept_a:,} -> b {kept_b:,}"

    def tables(self) -> list[tuple[str, pd.DataFrame]]:
        """The tables a comparison shows, titled: changed documents, removals per
        category, the rules whose removals changed, and the moves."""
        return [
            ("changed documents", self.changed),
            ("characters removed per category", self.by_category),
            ("rules whose removals changed", self.by_rule[self.by_rule.delta != 0]),
            ("where the characters of changed blocks went", self.moves),
        ]

    def _repr_html_(self) -> str:
        return comparison_html(self.summary(), self.tables())


def compare(a: Side, b: Side) -> Comparison:
    """Compare two finished runs (their output folders) or two results of the same page.

    Example::

        c = pipeline.compare("data/clean", "/tmp/clean-edited")
        c                    # in Jupyter: changed documents, per-category and per-rule tables
    """
    docs_a, blocks_a = _frames(a)
    docs_b, blocks_b = _frames(b)
    if _is_page(a) and _is_page(b):
        docs_b = docs_b.assign(doc_id=docs_a.doc_id.iloc[0])
        blocks_b = blocks_b.assign(doc_id=docs_a.doc_id.iloc[0])
    documents = _documents(docs_a, docs_b, blocks_a, blocks_b)
    pairs = _changed_pairs(blocks_a, blocks_b, documents.doc_id[documents.change == "changed"])
    documents["blocks_changed"] = documents.doc_id.map(pairs.doc_id.value_counts()).fillna(0).astype(int)
    return Comparison(
        documents=documents,
        by_category=_removed_by(["category"], blocks_a, blocks_b),
        by_rule=_removed_by(["rule_id", "category"], blocks_a, blocks_b),
        moves=_moves(pairs),
        blocks_a=blocks_a,
        blocks_b=blocks_b,
    )


def _is_page(side: Side) -> bool:
    return isinstance(side, Result | Explanation)


def _frames(side: Side) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The documents and blocks of one side, with the columns a comparison uses."""
    if isinstance(side, Result):
        documents, blocks = pd.DataFrame([document_row(side.doc)]), side.blocks
    elif isinstance(side, Explanation):
        documents, blocks = pd.DataFrame([side.document]), side.blocks
    else:
        out = Path(side)
        if not (out / DOCUMENTS).is_dir():
            raise FileNotFoundError(f"no finished run at {out}: it has no {DOCUMENTS}/ folder")
        documents = pd.read_parquet(out / DOCUMENTS, columns=DOCUMENT_COLUMNS)
        blocks = pd.read_parquet(out / BLOCKS, columns=BLOCK_COLUMNS)
    blocks = normalised(blocks[BLOCK_COLUMNS])
    return documents[DOCUMENT_COLUMNS], blocks.sort_values(["doc_id", "block"], ignore_index=True)


def normalised(blocks: pd.DataFrame) -> pd.DataFrame:
    """``blocks`` with ``kept`` as bool and every missing reason as None, whatever the
    frame was read from, so that verdicts compare equal across sides."""
    blocks = blocks.astype({"kept": bool})
    for column in ("category", "rule_id", "detail"):
        blocks[column] = blocks[column].astype(object).where(blocks[column].notna(), None)
    return blocks


def _verdicts(blocks: pd.DataFrame) -> pd.Series:
    """Per document, its blocks' texts and verdicts in order, as one comparable string."""
    if blocks.empty:
        return pd.Series(dtype=str)
    kept = blocks.kept.map({True: "1", False: "0"})
    joined = (
        blocks.text + "\x1f" + kept + "\x1f" + blocks.category.fillna("") + "\x1f" + blocks.rule_id.fillna("")
    )
    return joined.groupby(blocks.doc_id).agg("\x1e".join)


def _documents(
    docs_a: pd.DataFrame, docs_b: pd.DataFrame, blocks_a: pd.DataFrame, blocks_b: pd.DataFrame
) -> pd.DataFrame:
    merged = docs_a.merge(docs_b, on="doc_id", how="outer", suffixes=("_a", "_b"), indicator=True)
    verdicts_a = merged.doc_id.map(_verdicts(blocks_a)).fillna("")
    verdicts_b = merged.doc_id.map(_verdicts(blocks_b)).fillna("")
    differs = (
        (merged.status_a != merged.status_b) | (merged.text_a != merged.text_b) | (verdicts_a != verdicts_b)
    )
    merged["change"] = "same"
    merged.loc[differs, "change"] = "changed"
    merged.loc[merged._merge == "left_only", "change"] = "only in a"
    merged.loc[merged._merge == "right_only", "change"] = "only in b"
    merged["source_path"] = merged.source_path_a.fillna(merged.source_path_b)
    for column in ("chars_out_a", "chars_out_b"):
        merged[column] = merged[column].astype("Int64")
    merged["chars_delta"] = merged.chars_out_b - merged.chars_out_a
    merged["_order"] = merged.change.eq("same")
    merged["_size"] = -merged.chars_delta.abs().fillna(0)
    ordered = merged.sort_values(["_order", "_size", "source_path", "doc_id"], ignore_index=True)
    columns = ["doc_id", "source_path", "change", "status_a", "status_b"]
    return ordered[[*columns, "chars_out_a", "chars_out_b", "chars_delta"]]


def _removed_by(keys: list[str], blocks_a: pd.DataFrame, blocks_b: pd.DataFrame) -> pd.DataFrame:
    """Characters removed per ``keys`` in ``a`` and ``b``, and the change, largest first."""
    sides = [_removed_chars(blocks, keys).rename(name) for blocks, name in ((blocks_a, "a"), (blocks_b, "b"))]
    table = pd.concat(sides, axis=1).fillna(0).astype(int)
    table.columns = pd.Index(["removed_a", "removed_b"])
    table["delta"] = table.removed_b - table.removed_a
    table = table.reset_index()
    table["_size"] = -table.delta.abs()
    return table.sort_values(["_size", *keys], ignore_index=True).drop(columns="_size")


def _removed_chars(blocks: pd.DataFrame, keys: list[str]) -> pd.Series:
    removed = blocks[~blocks.kept]
    chars = removed.text.str.len()
    return chars.groupby([removed[k].fillna("?") for k in keys]).sum()


def _blocks_of(blocks: pd.DataFrame, doc_id: str) -> pd.DataFrame:
    return blocks[blocks.doc_id == doc_id].sort_values("block", ignore_index=True)


def _changed_pairs(blocks_a: pd.DataFrame, blocks_b: pd.DataFrame, doc_ids: pd.Series) -> pd.DataFrame:
    """The pair rows whose verdict changed, over the documents ``doc_ids``, with their doc_id."""
    wanted = set(doc_ids)
    by_doc_a, by_doc_b = (_rows_by_doc(blocks[blocks.doc_id.isin(wanted)]) for blocks in (blocks_a, blocks_b))
    changed = [
        {"doc_id": doc_id, **row}
        for doc_id in sorted(wanted)
        for row in _pair_rows(by_doc_a.get(doc_id, []), by_doc_b.get(doc_id, []))
        if row["change"] != "same"
    ]
    return _pairs_frame(changed, ["doc_id", *PAIR_COLUMNS])


def _rows_by_doc(blocks: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Block rows grouped by document, in the order of ``blocks``."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in records(blocks):
        grouped.setdefault(row["doc_id"], []).append(row)
    return grouped


def block_pairs(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """One row per block of a document's two versions, paired by text, with its change.

    Example::

        block_pairs(before.blocks, after.blocks).change.value_counts()
    """
    return _pairs_frame(_pair_rows(records(normalised(a)), records(normalised(b))), PAIR_COLUMNS)


def _pair_rows(rows_a: list[dict[str, Any]], rows_b: list[dict[str, Any]]) -> list[dict[str, Any]]:
    texts_a, texts_b = [r["text"] for r in rows_a], [r["text"] for r in rows_b]
    return [
        _pair_row(None if i is None else rows_a[i], None if j is None else rows_b[j])
        for i, j in _aligned(texts_a, texts_b)
    ]


def _pairs_frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns).astype({"block_a": "Int64", "block_b": "Int64"})


PAIR_COLUMNS = [
    "text",
    "change",
    *(f"{field}_{side}" for side in "ab" for field in ("block", "kept", "category", "rule_id", "detail")),
]


def _aligned(texts_a: list[str], texts_b: list[str]) -> Iterator[tuple[int | None, int | None]]:
    """Indexes of blocks paired by equal text, in page order; unpaired ones alone."""
    if texts_a == texts_b:
        yield from ((i, i) for i in range(len(texts_a)))
        return
    matcher = SequenceMatcher(None, texts_a, texts_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            yield from zip(range(i1, i2), range(j1, j2), strict=True)
            continue
        yield from ((i, None) for i in range(i1, i2))
        yield from ((None, j) for j in range(j1, j2))


def _pair_row(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, Any]:
    row: dict[str, Any] = {"text": (a or b or {})["text"], "change": _change(a, b)}
    for side, block in (("a", a), ("b", b)):
        for field in ("block", "kept", "category", "rule_id", "detail"):
            row[f"{field}_{side}"] = None if block is None else block[field]
    return row


def _change(a: dict[str, Any] | None, b: dict[str, Any] | None) -> str:
    if a is None:
        return "only in b"
    if b is None:
        return "only in a"
    if all(a[k] == b[k] for k in VERDICT):
        return "same"
    if a["kept"] != b["kept"]:
        return "now kept" if b["kept"] else "now removed"
    return "reason changed"


def _moves(pairs: pd.DataFrame) -> pd.DataFrame:
    """Characters and blocks from one verdict to another, over the changed blocks."""
    columns = ["from_category", "from_rule", "to_category", "to_rule", "blocks", "chars"]
    paired = pairs[pairs.change.isin(["now kept", "now removed", "reason changed"])]
    if paired.empty:
        return pd.DataFrame(columns=columns)
    moves = pd.DataFrame(
        {
            "from_category": _label(paired.kept_a, paired.category_a),
            "from_rule": paired.rule_id_a.fillna(""),
            "to_category": _label(paired.kept_b, paired.category_b),
            "to_rule": paired.rule_id_b.fillna(""),
            "chars": paired.text.str.len(),
        }
    )
    keys = columns[:4]
    table = moves.groupby(keys).chars.agg(blocks="size", chars="sum").reset_index()
    return table.sort_values(["chars", *keys], ascending=[False, True, True, True, True], ignore_index=True)


def _label(kept: pd.Series, category: pd.Series) -> pd.Series:
    """``kept`` for a kept block, its category for a removed one."""
    return category.fillna("?").where(~kept.astype(bool), KEPT)
