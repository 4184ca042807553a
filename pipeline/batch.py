"""Batch runs: plan input files into shards, clean each shard, write the manifest.

A shard (a slice of the sorted input files) is the unit of work: one worker
cleans it and writes its ``documents``, ``blocks`` and ``stats`` files
atomically. Its key hashes the input listing, the rules, the configuration
and the version, so ``resume`` skips exactly the shards already written for
the same run, and a rerun without ``resume`` starts clean.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.executors import run_local
from pipeline.jsonl import JsonlFields
from pipeline.read import DEFAULT_FIELDS, InputFile, find_inputs, read_records
from pipeline.rules import RuleSet, load_rules
from pipeline.runner import DOC_TIME_LIMIT_SECONDS, Pipeline, start_up_objects_frozen
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

#: Input files per shard: small enough that a killed run loses little and two
#: workers share a few hundred pages evenly, large enough to keep the number
#: of Parquet files low on corpora of millions of pages.
SHARD_FILES = 200
#: Input bytes per shard, so that a shard of large pages stays small in memory.
SHARD_BYTES = 64 * 2**20
STATS = "stats"


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

    def describe(self) -> dict[str, Any]:
        return {
            "inputs": [str(p) for p in self.inputs],
            "out": str(self.out),
            "rules_dir": str(self.rules_dir),
            "disable": list(self.disable),
            "time_limit": self.time_limit,
            "jsonl_fields": asdict(self.jsonl_fields),
        }

    def pipeline(self, rules: RuleSet) -> Pipeline:
        """The pipeline this configuration asks for, over ``rules``."""
        return Pipeline.default(rules, disable=self.disable, time_limit=self.time_limit)


@dataclass(frozen=True, slots=True)
class Shard:
    """A slice of the input files and the key that identifies its output."""

    name: str
    files: tuple[InputFile, ...]
    key: str


@dataclass(slots=True)
class RunResult:
    """What a finished run did: its stats, and shards cleaned or reused."""

    stats: RunStats
    shards_cleaned: int = 0
    shards_reused: int = 0
    seconds: float = 0.0
    manifest: dict[str, Any] = field(default_factory=dict)


def plan_shards(files: Sequence[InputFile], run_key: str) -> list[Shard]:
    """Group sorted input files into shards of bounded count and size."""
    groups: list[list[tuple[InputFile, str]]] = [[]]
    size = 0
    for item in files:
        item_size, signature = _stat(item.path)
        if groups[-1] and (len(groups[-1]) >= SHARD_FILES or size + item_size > SHARD_BYTES):
            groups.append([])
            size = 0
        groups[-1].append((item, signature))
        size += item_size
    return [_shard(i, group, run_key) for i, group in enumerate(groups) if group]


def _stat(path: Path) -> tuple[int, str]:
    """Size, and size with modification time: what tells that a file changed since its
    shard was written."""
    try:
        stat = path.stat()
    except OSError:
        return 0, "missing"
    return stat.st_size, f"{stat.st_size}:{stat.st_mtime_ns}"


def _shard(index: int, files: list[tuple[InputFile, str]], run_key: str) -> Shard:
    digest = hashlib.sha256(run_key.encode())
    for item, signature in files:
        digest.update(f"\0{item.root}\0{item.source_path}\0{signature}".encode())
    return Shard(f"part-{index:05d}", tuple(item for item, _ in files), digest.hexdigest())


def run(
    config: RunConfig,
    *,
    workers: int = 1,
    resume: bool = False,
    on_planned: Callable[[int], None] | None = None,
    on_files_done: Callable[[int], None] | None = None,
) -> RunResult:
    """Clean every input of ``config`` into ``config.out``; see the module docstring.

    ``on_planned(total)`` is called once with the number of input files, and
    ``on_files_done(n)`` as shards finish with the number of input files they
    held (reused shards included), to drive a progress display.
    """
    started = time.perf_counter()
    rules = load_rules(config.rules_dir)
    config.pipeline(rules)  # fail now on a bad stage name or time limit
    files = find_inputs(config.inputs)
    if on_planned:
        on_planned(len(files))
    described = config.describe()
    run_key = json.dumps(
        [__version__, rules.sha256, *(described[k] for k in ("disable", "time_limit", "jsonl_fields"))]
    )
    shards = plan_shards(files, run_key)
    _remove_stale_outputs(config.out, shards, keep_finished=resume)
    provenance = {
        "version": __version__,
        "rules_sha256": rules.sha256,
        "config": json.dumps(config.describe(), sort_keys=True),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    todo = [s for s in shards if not (resume and _is_finished(config.out, s))]
    if on_files_done:
        on_files_done(sum(len(s.files) for s in shards) - sum(len(s.files) for s in todo))
    jobs = [(shard, config, provenance) for shard in todo]
    done = (lambda i: on_files_done(len(todo[i].files))) if on_files_done else None
    run_local(_clean_shard_job, jobs, workers=workers, on_done=done)
    result = RunResult(RunStats(), len(todo), len(shards) - len(todo))
    for shard in shards:
        result.stats.merge(_read_shard_stats(config.out, shard))
    result.seconds = time.perf_counter() - started
    result.manifest = _manifest(config, provenance, files, shards, result)
    write_json_atomic(result.manifest, config.out / MANIFEST)
    return result


def _clean_shard_job(job: tuple[Shard, RunConfig, dict[str, str]]) -> None:
    clean_shard(*job)


def clean_shard(shard: Shard, config: RunConfig, provenance: dict[str, str]) -> None:
    """Clean one shard and write its stats, blocks and documents files (documents last)."""
    pipe = config.pipeline(load_rules(config.rules_dir))
    skipped: Counter[str] = Counter()
    with ShardWriter(config.out, shard.name, {**provenance, "shard_key": shard.key}) as writer:
        with start_up_objects_frozen():
            for item in shard.files:
                for record in read_records(item, config.jsonl_fields, skipped):
                    writer.add(pipe.clean(record))
        stats = pipe.take_stats()
        stats.skipped.update(skipped)
        write_json_atomic({"key": shard.key, "stats": stats.to_dict()}, _stats_path(config.out, shard))
        writer.finish()


def _stats_path(out: Path, shard: Shard) -> Path:
    return out / STATS / f"{shard.name}.json"


def _is_finished(out: Path, shard: Shard) -> bool:
    documents, blocks = shard_paths(out, shard.name)
    if not (documents.exists() and blocks.exists() and _stats_path(out, shard).exists()):
        return False
    try:
        return read_provenance(documents).get("shard_key") == shard.key
    except OSError:
        return False


def _read_shard_stats(out: Path, shard: Shard) -> RunStats:
    stored = json.loads(_stats_path(out, shard).read_text(encoding="utf-8"))
    return RunStats.from_dict(stored["stats"])


def _remove_stale_outputs(out: Path, shards: Sequence[Shard], *, keep_finished: bool) -> None:
    """Delete shard files this run will not write (or, without resume, all of them)."""
    wanted = {s.name for s in shards if keep_finished and _is_finished(out, s)}
    for folder, pattern in ((DOCUMENTS, "*.parquet"), (BLOCKS, "*.parquet"), (STATS, "*.json")):
        for path in (out / folder).glob(pattern):
            if path.name.split(".", 1)[0] not in wanted:
                path.unlink()


def _manifest(
    config: RunConfig,
    provenance: dict[str, str],
    files: Sequence[InputFile],
    shards: Sequence[Shard],
    result: RunResult,
) -> dict[str, Any]:
    return {
        "version": __version__,
        "rules_sha256": provenance["rules_sha256"],
        "created": provenance["created"],
        "config": config.describe(),
        "input_files": len(files),
        "shards": len(shards),
        "shards_cleaned": result.shards_cleaned,
        "shards_reused": result.shards_reused,
        "seconds": round(result.seconds, 3),
        **result.stats.to_dict(),
    }
