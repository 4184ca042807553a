"""Batch runs: plan the inputs into units, clean each unit, write the manifest.

A unit of work is a group of small input files (at most ``UNIT_FILES`` files
and about ``unit_bytes`` bytes) or one span of a large WARC or JSONL file
(:mod:`pipeline.split`), so that two workers share a large file. One worker
cleans a unit and writes its ``documents``, ``blocks`` and ``stats`` files
under temporary names, renamed into place when complete. A unit's key hashes
what it reads (paths, sizes, modification times, spans), the rules, the
configuration and the version: ``resume`` skips exactly the units already
written for the same run, and a rerun without ``resume`` starts clean.

A unit whose worker died twice is written as error rows, one per file or
span it held, saying so, and listed under ``failed_units`` in the manifest;
``resume`` runs it again.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.executors import Executor, LocalExecutor, OnProgress, Report
from pipeline.jsonl import JsonlFields
from pipeline.model import WHOLE_FILE, Record, SourceKind, Span
from pipeline.read import DEFAULT_FIELDS, InputFile, file_kind, file_sha256, find_inputs, read_records
from pipeline.rules import RuleSet, load_rules
from pipeline.runner import DOC_TIME_LIMIT_SECONDS, Pipeline, start_up_objects_frozen
from pipeline.split import FileIndex, index_archive
from pipeline.stats import RunStats
from pipeline.version import __version__
from pipeline.write import (
    BLOCKS,
    DOCUMENTS,
    MANIFEST,
    ShardWriter,
    read_provenance,
    shard_paths,
    write_json_atomic,
)

#: Small input files per unit: few enough that a killed run loses little and two
#: workers share a few hundred pages evenly, enough to keep the number of
#: Parquet files low on corpora of millions of pages.
UNIT_FILES = 200
#: Input bytes per unit: about 800 pages of WARC.gz, 20 s of one core's work.
UNIT_BYTES = 32 * 2**20
STATS = "stats"
ARCHIVE_KINDS = ("warc", "jsonl")


@dataclass(frozen=True, slots=True)
class RunConfig:
    """What a run was asked to do; stored in the manifest and every Parquet footer."""

    inputs: tuple[Path, ...]
    out: Path
    rules_dir: Path
    disable: tuple[str, ...] = ()
    #: Seconds per document before it becomes an error row; None for no limit.
    time_limit: float | None = DOC_TIME_LIMIT_SECONDS
    #: Field names of the pages in JSONL inputs.
    jsonl_fields: JsonlFields = DEFAULT_FIELDS
    #: Input bytes per unit of work (see the module docstring).
    unit_bytes: int = UNIT_BYTES

    def describe(self) -> dict[str, Any]:
        return {
            "inputs": [str(p) for p in self.inputs],
            "out": str(self.out),
            "rules_dir": str(self.rules_dir),
            "disable": list(self.disable),
            "time_limit": self.time_limit,
            "jsonl_fields": asdict(self.jsonl_fields),
            "unit_bytes": self.unit_bytes,
        }

    def pipeline(self, rules: RuleSet) -> Pipeline:
        """The pipeline this configuration asks for, over ``rules``."""
        return Pipeline.default(rules, disable=self.disable, time_limit=self.time_limit)


@dataclass(frozen=True, slots=True)
class Part:
    """What a unit reads of one input file: all of it, or one span of an archive's records.

    ``sha256`` is known when the file was indexed; ``tracks_offsets`` says that its
    records' offsets are positions in the file, which then drive the progress bar.
    """

    file: InputFile
    size: int
    span: Span = WHOLE_FILE
    sha256: str | None = None
    tracks_offsets: bool = False

    def describe(self) -> str:
        if self.span == WHOLE_FILE:
            return self.file.source_path
        return f"{self.file.source_path} (records from {self.span.first}, byte {self.span.start})"


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit of work: the parts it reads and the key that identifies its output."""

    name: str
    parts: tuple[Part, ...]
    key: str

    @property
    def size(self) -> int:
        return sum(part.size for part in self.parts)


@dataclass(frozen=True, slots=True)
class FailedUnit:
    """A unit that could not be cleaned, and why."""

    name: str
    inputs: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class Plan:
    """What a run is about to do: its units and input bytes, and those already done
    (reused by ``resume``) with their documents."""

    units: int
    input_bytes: int
    reused_units: int
    reused_bytes: int
    reused_docs: int


@dataclass(slots=True)
class RunResult:
    """What a finished run did: its stats, and units cleaned, reused or failed."""

    stats: RunStats
    units_cleaned: int = 0
    units_reused: int = 0
    failed: list[FailedUnit] = field(default_factory=list)
    units: int = 0
    input_bytes: int = 0
    reused_bytes: int = 0
    reused_docs: int = 0
    seconds: float = 0.0
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def plan(self) -> Plan:
        """What the run set out to do, as ``on_planned`` is told."""
        return Plan(self.units, self.input_bytes, self.units_reused, self.reused_bytes, self.reused_docs)

    @property
    def docs_per_second(self) -> float:
        """Documents cleaned (not reused) per second of the run."""
        return (self.stats.docs - self.reused_docs) / self.seconds if self.seconds else 0.0

    @property
    def bytes_per_second(self) -> float:
        """Input bytes cleaned (not reused) per second of the run."""
        return (self.input_bytes - self.reused_bytes) / self.seconds if self.seconds else 0.0


def plan_units(
    files: Sequence[InputFile], run_key: str, unit_bytes: int = UNIT_BYTES, executor: Executor | None = None
) -> list[Unit]:
    """Group the sorted input files into units; large archives are indexed (on
    ``executor``) and cut into spans of about ``unit_bytes``."""
    sizes = [_stat(item.path) for item in files]
    kinds = {i: _archive_kind(files[i]) for i, (size, _) in enumerate(sizes) if size > unit_bytes}
    large = [(i, kind) for i, kind in kinds.items() if kind is not None]
    jobs = [(files[i].path, kind, unit_bytes) for i, kind in large]
    indexed = (executor or LocalExecutor()).map(_index_job, jobs)
    indexes = {i: outcome.value for (i, _), outcome in zip(large, indexed, strict=True) if outcome.ok}
    groups: list[list[tuple[Part, str]]] = [[]]
    for i, item in enumerate(files):
        size, signature = sizes[i]
        index = indexes.get(i)
        if index is not None:
            groups.extend([(part, signature)] for part in _parts(item, size, index))
            groups.append([])
            continue
        group_bytes = sum(part.size for part, _ in groups[-1])
        if groups[-1] and (len(groups[-1]) >= UNIT_FILES or group_bytes + size > unit_bytes):
            groups.append([])
        groups[-1].append((Part(item, size), signature))
    named = [group for group in groups if group]
    return [_unit(i, group, run_key) for i, group in enumerate(named)]


def _archive_kind(item: InputFile) -> SourceKind | None:
    """``warc`` or ``jsonl`` for a file that can be indexed, else None."""
    try:
        kind = file_kind(item.path)
    except OSError:
        return None
    return kind if kind in ARCHIVE_KINDS else None


def _index_job(job: tuple[Path, SourceKind, int], report: Report) -> FileIndex:
    return index_archive(*job)


def _parts(item: InputFile, size: int, index: FileIndex) -> list[Part]:
    """One part per span of an indexed archive, each with its share of the file's bytes."""
    ends = [span.start for span in index.spans[1:]] + [size]
    return [
        Part(item, end - span.start, span, index.sha256, index.offsets_in_file)
        for span, end in zip(index.spans, ends, strict=True)
    ]


def _stat(path: Path) -> tuple[int, str]:
    """Size, and size with modification time: what tells that a file changed since its
    unit was written."""
    try:
        stat = path.stat()
    except OSError:
        return 0, "missing"
    return stat.st_size, f"{stat.st_size}:{stat.st_mtime_ns}"


def _unit(index: int, parts: list[tuple[Part, str]], run_key: str) -> Unit:
    digest = hashlib.sha256(run_key.encode())
    for part, signature in parts:
        span = part.span
        where = f"{part.file.root}\0{part.file.source_path}\0{signature}"
        digest.update(f"{where}\0{span.first}:{span.start}:{span.records}".encode())
    return Unit(f"part-{index:05d}", tuple(part for part, _ in parts), digest.hexdigest())


def run(
    config: RunConfig,
    *,
    workers: int = 1,
    executor: Executor | None = None,
    resume: bool = False,
    on_planned: Callable[[Plan], None] | None = None,
    on_progress: OnProgress | None = None,
) -> RunResult:
    """Clean every input of ``config`` into ``config.out``; see the module docstring.

    Units run on ``executor`` (default: a :class:`LocalExecutor` of ``workers``
    processes). ``on_planned(plan)`` is called once the inputs are planned, and
    ``on_progress(documents, input_bytes)`` as units advance, to drive a progress
    display. Paths are made absolute first, for workers that start elsewhere.
    """
    started = time.perf_counter()
    config = replace(
        config,
        inputs=tuple(p.absolute() for p in config.inputs),
        out=config.out.absolute(),
        rules_dir=config.rules_dir.absolute(),
    )
    rules = load_rules(config.rules_dir)
    config.pipeline(rules)  # fail now on a bad stage name or time limit
    files = find_inputs(config.inputs)
    described = config.describe()
    run_key = json.dumps(
        [__version__, rules.sha256, *(described[k] for k in ("disable", "time_limit", "jsonl_fields"))]
    )
    provenance = {
        "version": __version__,
        "rules_sha256": rules.sha256,
        "config": json.dumps(described, sort_keys=True),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with executor or LocalExecutor(workers) as pool:
        units = plan_units(files, run_key, config.unit_bytes, pool)
        _remove_stale_outputs(config.out, units, keep_finished=resume)
        finished = {u.name for u in units if resume and _is_finished(config.out, u)}
        todo = [u for u in units if u.name not in finished]
        reused = [u for u in units if u.name in finished]
        result = RunResult(
            RunStats(),
            len(todo),
            len(reused),
            units=len(units),
            input_bytes=sum(u.size for u in units),
            reused_bytes=sum(u.size for u in reused),
            reused_docs=sum(_read_unit_stats(config.out, u).docs for u in reused),
        )
        if on_planned:
            on_planned(result.plan)
        jobs = [(unit, config, provenance) for unit in todo]
        outcomes = pool.map(clean_unit, jobs, on_progress=on_progress)
    for unit, outcome in zip(todo, outcomes, strict=True):
        if not outcome.ok:
            reason = outcome.failure or "unknown failure"
            result.failed.append(_write_failed_unit(unit, config, provenance, reason))
    for unit in units:
        result.stats.merge(_read_unit_stats(config.out, unit))
    result.units_cleaned -= len(result.failed)
    result.seconds = time.perf_counter() - started
    result.manifest = _manifest(config, provenance, files, result)
    write_json_atomic(result.manifest, config.out / MANIFEST)
    return result


def clean_unit(job: tuple[Unit, RunConfig, dict[str, str]], report: Report) -> None:
    """Clean one unit and write its stats, blocks and documents files (documents last),
    reporting documents and input bytes as it goes."""
    unit, config, provenance = job
    pipe = config.pipeline(load_rules(config.rules_dir))
    skipped: Counter[str] = Counter()
    with ShardWriter(config.out, unit.name, {**provenance, "unit_key": unit.key}) as writer:
        with start_up_objects_frozen():
            for part in unit.parts:
                reported = 0
                for record in _part_records(part, config, skipped):
                    writer.add(pipe.clean(record))
                    advanced = _bytes_read(part, record) - reported
                    report(1, advanced)
                    reported += advanced
                report(0, part.size - reported)
        stats = pipe.take_stats()
        stats.skipped.update(skipped)
        write_json_atomic({"key": unit.key, "stats": stats.to_dict()}, _stats_path(config.out, unit))
        writer.finish()


def _part_records(part: Part, config: RunConfig, skipped: Counter[str]) -> Iterator[Record]:
    return read_records(part.file, config.jsonl_fields, skipped, span=part.span, sha256=part.sha256)


def _bytes_read(part: Part, record: Record) -> int:
    """How far into the part its reading has come, as far as the record tells."""
    if not part.tracks_offsets or record.source_offset is None:
        return 0
    return min(max(record.source_offset - part.span.start, 0), part.size)


def _write_failed_unit(unit: Unit, config: RunConfig, provenance: dict[str, str], reason: str) -> FailedUnit:
    """Write a failed unit as error rows, one per part, that ``resume`` does not reuse."""
    pipe = config.pipeline(load_rules(config.rules_dir))
    unit_provenance = {**provenance, "unit_key": f"failed:{unit.key}"}
    with ShardWriter(config.out, unit.name, unit_provenance) as writer:
        for part in unit.parts:
            writer.add(pipe.clean(_failed_record(part, reason)))
        write_json_atomic(
            {"key": f"failed:{unit.key}", "stats": pipe.take_stats().to_dict()}, _stats_path(config.out, unit)
        )
        writer.finish()
    return FailedUnit(unit.name, tuple(part.describe() for part in unit.parts), reason)


def _failed_record(part: Part, reason: str) -> Record:
    """The error record standing for the documents of a part that could not be cleaned."""
    try:
        sha, kind = part.sha256 or file_sha256(part.file.path), file_kind(part.file.path)
    except OSError:
        sha, kind = "", "text"
    which = "" if part.span == WHOLE_FILE else f"records from {part.span.first} on: "
    error = f"{which}not cleaned: {reason}; corpus-clean run --resume tries again"
    path, span = part.file.source_path, part.span
    return Record(path, span.first, sha, kind, error=error, source_offset=span.start)


def _stats_path(out: Path, unit: Unit) -> Path:
    return out / STATS / f"{unit.name}.json"


def _is_finished(out: Path, unit: Unit) -> bool:
    documents, blocks = shard_paths(out, unit.name)
    if not (documents.exists() and blocks.exists() and _stats_path(out, unit).exists()):
        return False
    try:
        return read_provenance(documents).get("unit_key") == unit.key
    except OSError:
        return False


def _read_unit_stats(out: Path, unit: Unit) -> RunStats:
    stored = json.loads(_stats_path(out, unit).read_text(encoding="utf-8"))
    return RunStats.from_dict(stored["stats"])


def _remove_stale_outputs(out: Path, units: Sequence[Unit], *, keep_finished: bool) -> None:
    """Delete unit files this run will not write (or, without resume, all of them), and
    the temporary files of a run that was killed."""
    wanted = {u.name for u in units if keep_finished and _is_finished(out, u)}
    for folder, pattern in ((DOCUMENTS, "*.parquet"), (BLOCKS, "*.parquet"), (STATS, "*.json")):
        for path in (out / folder).glob(pattern):
            if path.name.split(".", 1)[0] not in wanted:
                path.unlink()
        for path in (out / folder).glob(".*.tmp"):
            path.unlink(missing_ok=True)


def _manifest(
    config: RunConfig,
    provenance: dict[str, str],
    files: Sequence[InputFile],
    result: RunResult,
) -> dict[str, Any]:
    return {
        "version": __version__,
        "rules_sha256": provenance["rules_sha256"],
        "created": provenance["created"],
        "config": config.describe(),
        "input_files": len(files),
        "units": result.units,
        "units_cleaned": result.units_cleaned,
        "units_reused": result.units_reused,
        "units_failed": len(result.failed),
        "failed_units": [{**asdict(failed), "inputs": list(failed.inputs)} for failed in result.failed],
        "input_bytes": result.input_bytes,
        "seconds": round(result.seconds, 3),
        "docs_per_second": round(result.docs_per_second, 2),
        **result.stats.to_dict(),
    }
