"""Benchmark the text-dump mode end to end on the WCXB development split.

For each text-dump split of the benchmark (``dump-w3m``, ``dump-inscriptis``)
this runs the real console script, ``corpus-clean run <split> --out <tmp>/<split>
--workers N``, times it, scores its ``documents/`` output with the benchmark's
own scorer (``<bench>/../score.py``) beside the keep-everything floor
(``score.py --input <split>``), and prints per split:

* word F1, P, R, with%, w/o% and shingle F1, ours beside the floor, with the
  current issue's targets and whether each is met;
* word F1 per page type, ours beside the floor;
* throughput (documents, seconds, docs/s, MB/s of decompressed and of
  compressed input) and the run's status counts from its ``manifest.json``.

A last table sums up the targets over both splits. This is a measurement,
not a test: the exit code is 0 whatever the figures, and non-zero only when
the run or the scorer itself fails.

Usage (from the repository root, with the project's virtualenv)::

    python bench/text_dumps.py                      # full split, all cores
    python bench/text_dumps.py --workers 2          # as the reference figures are taken
    python bench/text_dumps.py --sample 10          # every 10th page only: a quick check
    python bench/text_dumps.py --keep /tmp/bench    # keep outputs and score JSON there
    python bench/text_dumps.py --bench-dir ../shared/bench/wcxb-dev

With ``--sample K`` the sampled dump files are copied into a temporary input
folder, and both our run and the floor are scored on those pages only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import (
    DEFAULT_BENCH,
    MB,
    METRIC_ROWS,
    BenchError,
    Target,
    check_bench,
    corpus_clean_command,
    decompressed_size,
    fmt,
    input_files,
    make_sample,
    met_text,
    output_dir,
    positive_int,
    print_metrics,
    print_status,
    run_pipeline,
    score,
    source_digest,
    target_for,
)

SPLITS = ("dump-w3m", "dump-inscriptis")

#: Targets of the current issue, on ``score.py``'s JSON keys (with / without in percent).
TARGETS: tuple[Target, ...] = (
    Target("word_f1", ">=", 0.80),
    Target("with", ">=", 80.0),
    Target("without", "<=", 25.0),
)


@dataclass(frozen=True, slots=True)
class SplitResult:
    """What one split's run and scoring produced."""

    split: str
    pages: int
    seconds: float
    bytes_raw: int
    bytes_gz: int
    ours: dict[str, Any]
    floor: dict[str, Any]
    manifest: dict[str, Any]
    code_before: str
    code_after: str


# --- running -----------------------------------------------------------------------------------


def bench_split(bench: Path, split: str, work: Path, workers: int, sample: int) -> SplitResult:
    """Run, time and score one split."""
    score_py = bench.parent / "score.py"
    scored_bench = make_sample(bench, split, sample, work) if sample > 1 else bench
    input_dir = scored_bench / split
    out_dir = work / split
    files = input_files(input_dir)
    code_before = source_digest()
    seconds = run_pipeline(input_dir, out_dir, workers)
    code_after = source_digest()
    documents = ["--parquet", str(out_dir / "documents")]
    ours = score(score_py, scored_bench, documents, work / f"{split}.score.json")
    floor = score(score_py, scored_bench, ["--input", split], work / f"{split}.floor.json")
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    return SplitResult(
        split=split,
        pages=len(files),
        seconds=seconds,
        bytes_raw=sum(decompressed_size(p) for p in files),
        bytes_gz=sum(p.stat().st_size for p in files),
        ours=ours,
        floor=floor,
        manifest=manifest,
        code_before=code_before,
        code_after=code_after,
    )


# --- reporting ---------------------------------------------------------------------------------


def print_per_type(result: SplitResult) -> None:
    ours, floor = result.ours.get("per_type", {}), result.floor.get("per_type", {})
    print(f"{'word F1 by type':<16}{'n':>5}{'ours':>8}{'floor':>8}{'diff':>8}")
    for page_type in sorted(ours):
        o = ours[page_type]["word_f1"]
        f = floor.get(page_type, {}).get("word_f1", float("nan"))
        print(f"{page_type:<16}{ours[page_type]['pages']:>5}{o:>8.3f}{f:>8.3f}{o - f:>+8.3f}")


def print_throughput(result: SplitResult) -> None:
    manifest = result.manifest
    docs = int(manifest.get("docs", 0))
    secs = result.seconds
    print(
        f"throughput  {docs:,} docs  {secs:.1f} s wall (pipeline's own {manifest.get('seconds', 0):.1f} s)"
        f"  {docs / secs:.1f} docs/s  {result.bytes_raw / MB / secs:.2f} MB/s text"
        f"  {result.bytes_gz / MB / secs:.2f} MB/s gzipped"
    )
    print(f"input       {result.bytes_raw / MB:.1f} MB text, {result.bytes_gz / MB:.1f} MB gzipped")
    print_status(manifest)


def print_provenance(result: SplitResult) -> None:
    rules = str(result.manifest.get("rules_sha256", "?"))[:12]
    print(
        f"code        pipeline/ + rules/ {result.code_before}  rules in force {rules}"
        f"  version {result.manifest.get('version', '?')}"
    )
    if result.code_after != result.code_before:
        print(f"  WARNING: pipeline/ or rules/ changed during this run (now {result.code_after});")
        print("  the figures may mix two versions of the code: run again")


def print_split(result: SplitResult, workers: int, sample: int) -> None:
    sampled = f", every {sample}-th page" if sample > 1 else ""
    print(f"\n== {result.split}: {result.pages} pages{sampled}, --workers {workers} ==")
    print_metrics(result.ours, result.floor, "floor", TARGETS)
    print()
    print_per_type(result)
    print()
    print_throughput(result)
    print_provenance(result)


def print_targets(results: Sequence[SplitResult]) -> bool:
    """The issue's targets over all splits; return whether every one is met."""
    print("\n== targets of the current issue ==")
    header = "".join(f"{label + ' ' + target.text:>20}" for label, target in _target_rows())
    print(f"{'split':<16}{header}")
    all_met = True
    for result in results:
        cells = []
        for _, target in _target_rows():
            value = result.ours["total"][target.key]
            met = target.met(value)
            all_met = all_met and bool(met)
            cells.append(f"{fmt(target.key, value, precise=True):>16}{met_text(met):>4}")
        print(f"{result.split:<16}{''.join(cells)}")
    print(f"all targets met: {'yes' if all_met else 'no'}")
    if len({r.code_before for r in results} | {r.code_after for r in results}) > 1:
        print("WARNING: the splits ran against different versions of pipeline/ or rules/")
    return all_met


def _target_rows() -> list[tuple[str, Target]]:
    rows = [(label, target_for(TARGETS, key)) for label, key in METRIC_ROWS]
    return [(label, target) for label, target in rows if target is not None]


# --- main --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-dir", type=Path, default=DEFAULT_BENCH, help=f"default: {DEFAULT_BENCH}")
    ap.add_argument("--workers", type=positive_int, default=os.cpu_count() or 1, help="default: all cores")
    ap.add_argument("--sample", type=positive_int, default=1, metavar="K", help="every K-th page only")
    ap.add_argument("--keep", type=Path, metavar="OUT_DIR", help="keep outputs and scores (default: temp)")
    return ap.parse_args(argv)


def run_all(bench: Path, work: Path, workers: int, sample: int) -> list[SplitResult]:
    results = []
    for split in SPLITS:
        result = bench_split(bench, split, work, workers, sample)
        print_split(result, workers, sample)
        results.append(result)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    bench = args.bench_dir.resolve()
    problem = check_bench(bench)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    try:
        print(f"benchmark {bench}  corpus-clean {corpus_clean_command()[0]}")
        with output_dir(args.keep, "bench-text-dumps-") as out:
            results = run_all(bench, out, args.workers, args.sample)
    except BenchError as exc:
        print(f"\nbenchmark run failed: {exc}", file=sys.stderr)
        return 1
    print_targets(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
