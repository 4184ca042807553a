"""The runner: ordered named stages and what they all share.

:class:`Pipeline` turns a :class:`~pipeline.model.Record` into a cleaned
:class:`~pipeline.model.Doc`: decode, segment, then every enabled stage in
order. For every stage it stamps the stage name on the blocks it removed,
times it, counts removals per stage and per rule, undoes it when it removed
nearly everything (the over-pruning guard), and turns an exception on one
document, or a document that takes longer than the time limit, into an error
row instead of a crashed or hung run.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from pipeline.deadline import Deadline, time_limit
from pipeline.errors import InputError, StageError, TimeLimitError
from pipeline.model import Block, Doc, Record, Status
from pipeline.read import decode
from pipeline.rules import RuleSet, load_rules
from pipeline.segment import segment
from pipeline.stages import default_stages
from pipeline.stages.base import Stage
from pipeline.stats import RunStats

#: A guarded stage that leaves less than this share of the characters it was
#: given is undone. trafilatura restores its tree when pruning leaves 1/7 of
#: the text; a tenth is stricter because our stages remove less at a time.
GUARD_MIN_KEPT_SHARE = 0.10

#: Documents with fewer kept characters than this going into a stage are not
#: guarded: a short page may rightly be all boilerplate.
GUARD_MIN_CHARS = 400

#: Seconds one document may take, decoding to the last stage, before it becomes
#: an error row: 100x the slowest page of the development benchmark (0.3 s;
#: median 25 ms). Pathological pages (200,000 sibling elements) take minutes.
DOC_TIME_LIMIT_SECONDS = 30.0

#: Characters one block may hold: 30x the longest block of the development
#: benchmark (32,951). Past it the input is not a page (a 50 MB file on one
#: line, a dump of base64) and becomes an error row.
MAX_BLOCK_CHARS = 1_000_000


class Pipeline:
    """Ordered, named stages applied to one document at a time.

    Example::

        pipe = Pipeline.default(disable=["dedupe_blocks"])
        doc = pipe.clean(record)
        pipe.names            # the enabled stages, in order
    """

    def __init__(
        self,
        stages: Sequence[Stage],
        *,
        disable: Iterable[str] = (),
        selectors: Mapping[str, Any] | None = None,
        time_limit: float | None = DOC_TIME_LIMIT_SECONDS,
    ) -> None:
        names = [stage.name for stage in stages]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"stage names must be unique; repeated: {', '.join(duplicates)}")
        unknown = sorted(set(disable) - set(names))
        if unknown:
            raise ValueError(f"no stage named {', '.join(unknown)}; stages: {', '.join(names)}")
        if time_limit is not None and not time_limit > 0:
            raise ValueError(f"time_limit must be a positive number of seconds or None, not {time_limit!r}")
        skipped = set(disable)
        self.stages = [stage for stage in stages if stage.name not in skipped]
        self.stats = RunStats()
        self.time_limit = time_limit
        self.selectors = dict(selectors or {})

    @classmethod
    def default(
        cls,
        rules: RuleSet | None = None,
        *,
        disable: Iterable[str] = (),
        time_limit: float | None = DOC_TIME_LIMIT_SECONDS,
    ) -> Pipeline:
        """The standard stages over ``rules`` (default: the shipped rule files)."""
        rules = rules or load_rules()
        return cls(default_stages(rules), disable=disable, selectors=rules.selectors, time_limit=time_limit)

    @property
    def names(self) -> list[str]:
        return [stage.name for stage in self.stages]

    def take_stats(self) -> RunStats:
        """The stats gathered since the last call, and a fresh counter."""
        stats, self.stats = self.stats, RunStats()
        return stats

    def clean(self, record: Record) -> Doc:
        """Clean one record; whatever goes wrong, a Doc comes back (an error row at worst),
        within ``time_limit`` seconds (see :mod:`pipeline.deadline`)."""
        doc = Doc.from_record(record)
        if record.error:
            doc.fail(record.error)
        else:
            try:
                with time_limit(self.time_limit) as deadline:
                    self._clean(record, doc, deadline)
            except (InputError, StageError, TimeLimitError) as exc:
                doc.fail(str(exc))
            except Exception as exc:  # noqa: BLE001 - one bad document must not end the run
                doc.fail(f"{type(exc).__name__}: {exc}")
        if doc.status is Status.OK and not any(b.kept for b in doc.blocks):
            doc.status = Status.EMPTY
        self.stats.add_doc(doc)
        return doc

    def _clean(self, record: Record, doc: Doc, deadline: Deadline) -> None:
        deadline.step = "decoding"
        page = decode(record)
        deadline.check()
        deadline.step = "segmenting"
        doc.page_kind = page.kind
        doc.blocks, meta = segment(page, self.selectors)
        _check_block_sizes(doc.blocks)
        doc.title, doc.author, doc.published = meta.title, meta.author, meta.published
        doc.url = doc.url or meta.url
        deadline.check()
        self.run(doc, deadline)

    def run(self, doc: Doc, deadline: Deadline | None = None) -> Doc:
        """Apply every enabled stage to ``doc`` in order, checking ``deadline`` after each."""
        deadline = deadline or Deadline(math.inf)
        for stage in self.stages:
            deadline.step = f"running stage {stage.name!r}"
            doc = self._run_stage(stage, doc)
            deadline.check()
        return doc

    def _run_stage(self, stage: Stage, doc: Doc) -> Doc:
        started = time.perf_counter()
        try:
            result = stage(doc)
        except TimeLimitError:
            raise
        except Exception as exc:
            raise StageError(f"stage {stage.name!r} failed: {type(exc).__name__}: {exc}") from exc
        if not isinstance(result, Doc):
            raise StageError(
                f"stage {stage.name!r} returned {type(result).__name__} instead of a Doc; "
                "a stage must return the document it was given"
            )
        stats = self.stats.stage(stage.name)
        stats.seconds += time.perf_counter() - started
        stats.docs += 1
        # Every earlier removal carries its stage's name, so the unnamed ones are this stage's.
        newly_removed = [b for b in result.blocks if not b.kept and b.stage is None]
        removed_chars = sum(len(b.text) for b in newly_removed)
        if removed_chars and self._over_pruned(stage, result.chars_out + removed_chars, removed_chars):
            for block in newly_removed:
                block.restore()
            stats.guard_undone += 1
            return result
        for block in newly_removed:
            block.stage = stage.name
        stats.blocks_removed += len(newly_removed)
        stats.chars_removed += removed_chars
        return result

    @staticmethod
    def _over_pruned(stage: Stage, chars_before: int, removed_chars: int) -> bool:
        if not stage.guarded or chars_before < GUARD_MIN_CHARS:
            return False
        return chars_before - removed_chars < GUARD_MIN_KEPT_SHARE * chars_before


def _check_block_sizes(blocks: Sequence[Block]) -> None:
    """Raise :class:`InputError` for a block too long to be page text."""
    longest = max(blocks, key=lambda b: len(b.text), default=None)
    if longest is not None and len(longest.text) > MAX_BLOCK_CHARS:
        where = longest.xpath or f"line {longest.line_start}"
        raise InputError(
            f"a block of {len(longest.text):,} characters at {where}, longer than the "
            f"{MAX_BLOCK_CHARS:,} a block may hold: not page text"
        )


@contextmanager
def start_up_objects_frozen() -> Iterator[None]:
    """Keep the objects that exist now (imported modules, rules, their memos) out of the
    garbage collector's full scans while many documents are cleaned.

    Those scans otherwise walk every object of pandas, numpy and lxml again
    and again, about 5% of the cleaning time; the objects outlive the batch
    anyway. They are handed back to the collector at the end.

    Example::

        with start_up_objects_frozen():
            docs = [pipe.clean(record) for record in records]
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
