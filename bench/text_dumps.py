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
import gzip
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BENCH = REPO_ROOT.parent / "shared" / "bench" / "wcxb-dev"
SPLITS = ("dump-w3m", "dump-inscriptis")
SOURCE_GLOBS = (("pipeline", "*.py"), ("rules", "*.toml"))
MB = 1_000_000
ERRORS_SHOWN = 5

#: Targets of the current issue: (metric key in score.py's JSON, comparison, threshold).
#: with / without are shares (0..1) in the JSON; they are shown and compared as percentages.
TARGETS: tuple[tuple[str, str, float], ...] = (
    ("word_f1", ">=", 0.80),
    ("with", ">=", 80.0),
    ("without", "<=", 25.0),
)
PERCENT_KEYS = frozenset({"with", "without"})

#: Rows of the main table: (label, key in score.py's JSON).
METRIC_ROWS: tuple[tuple[str, str], ...] = (
    ("word F1", "word_f1"),
    ("word P", "word_p"),
    ("word R", "word_r"),
    ("with%", "with"),
    ("w/o%", "without"),
    ("shingle F1", "shingle_f1"),
)


class BenchError(RuntimeError):
    """The run or the scorer failed; the message says which command and why."""


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


def corpus_clean_command() -> list[str]:
    """The ``corpus-clean`` of the running Python environment, else the one on PATH."""
    beside = Path(sys.executable).parent / "corpus-clean"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("corpus-clean")
    if found is None:
        raise BenchError(f"corpus-clean is neither next to {sys.executable} nor on PATH")
    return [found]


def run_checked(cmd: Sequence[str]) -> str:
    """Run ``cmd``, returning its stdout; raise :class:`BenchError` with its output if it fails."""
    proc = subprocess.run(list(cmd), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-30:])
        raise BenchError(f"exit code {proc.returncode}: {' '.join(cmd)}\n{tail}")
    return proc.stdout


def source_digest(root: Path = REPO_ROOT) -> str:
    """A short hash of the project's code and rules, to notice edits made while a run is going."""
    digest = hashlib.sha256()
    for folder, pattern in SOURCE_GLOBS:
        for path in sorted((root / folder).rglob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def run_pipeline(input_dir: Path, out_dir: Path, workers: int) -> float:
    """Run ``corpus-clean run`` on ``input_dir``; return its wall-clock seconds."""
    cmd = [*corpus_clean_command(), "run", str(input_dir), "--out", str(out_dir), "--workers", str(workers)]
    start = time.perf_counter()
    run_checked(cmd)
    return time.perf_counter() - start


def score(score_py: Path, bench: Path, source: Sequence[str], json_out: Path) -> dict[str, Any]:
    """Run the benchmark's scorer with ``source`` (``--parquet DIR`` or ``--input SPLIT``)."""
    cmd = [sys.executable, str(score_py), str(bench), *source, "--per-type", "--json", str(json_out)]
    run_checked(cmd)
    result: dict[str, Any] = json.loads(json_out.read_text(encoding="utf-8"))
    return result


# --- inputs ------------------------------------------------------------------------------------


def page_id(path: Path) -> str:
    """A page's id, as score.py reads it: the file name up to its first dot."""
    return path.name.split(".", 1)[0]


def dump_files(folder: Path) -> list[Path]:
    """The dump files of a split, in a stable order."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def decompressed_size(path: Path) -> int:
    """Bytes of ``path`` once decompressed (its own size when not gzipped)."""
    if path.suffix != ".gz":
        return path.stat().st_size
    total = 0
    with gzip.open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            total += len(chunk)
    return total


def make_sample(bench: Path, split: str, every: int, work: Path) -> Path:
    """A benchmark folder holding every ``every``-th page of ``split`` and their gold only.

    Returns the new benchmark folder; its ``split`` subfolder is the run's input, so that
    ``score.py --input split`` scores the floor on the same pages.
    """
    sample_bench = work / "sample" / split
    target = sample_bench / split
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    picked = dump_files(bench / split)[::every]
    for path in picked:
        shutil.copy2(path, target / path.name)
    gold = json.loads((bench / "gold.json").read_text(encoding="utf-8"))
    ids = {page_id(p) for p in picked}
    subset = {k: v for k, v in gold.items() if k in ids}
    (sample_bench / "gold.json").write_text(json.dumps(subset), encoding="utf-8")
    return sample_bench


def bench_split(bench: Path, split: str, work: Path, workers: int, sample: int) -> SplitResult:
    """Run, time and score one split."""
    score_py = bench.parent / "score.py"
    scored_bench = make_sample(bench, split, sample, work) if sample > 1 else bench
    input_dir = scored_bench / split
    out_dir = work / split
    files = dump_files(input_dir)
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


def fmt(key: str, value: float | None, *, precise: bool = False) -> str:
    """A metric as printed: percentages for snippet shares, decimals otherwise.

    ``precise`` adds a digit, so that a value just under a target does not print as the target.
    """
    if value is None or math.isnan(value):
        return "n/a"
    if key in PERCENT_KEYS:
        return f"{100 * value:.{2 if precise else 1}f}"
    return f"{value:.{4 if precise else 3}f}"


def target_for(key: str) -> tuple[str, float] | None:
    for tkey, op, threshold in TARGETS:
        if tkey == key:
            return op, threshold
    return None


def is_met(key: str, value: float | None) -> bool | None:
    """Whether ``value`` meets the issue's target for ``key``; None when there is no target."""
    target = target_for(key)
    if target is None or value is None or math.isnan(value):
        return None
    op, threshold = target
    shown = 100 * value if key in PERCENT_KEYS else value
    return shown >= threshold if op == ">=" else shown <= threshold


def target_text(key: str) -> str:
    target = target_for(key)
    if target is None:
        return ""
    op, threshold = target
    return f"{op} {threshold:g}" if key in PERCENT_KEYS else f"{op} {threshold:.2f}"


def met_text(met: bool | None) -> str:
    return "" if met is None else ("yes" if met else "NO")


def print_metrics(result: SplitResult) -> None:
    ours, floor = result.ours["total"], result.floor["total"]
    print(f"{'':<12}{'ours':>8}{'floor':>8}{'target':>10}{'met':>5}")
    for label, key in METRIC_ROWS:
        row = (
            f"{label:<12}{fmt(key, ours[key]):>8}{fmt(key, floor[key]):>8}"
            f"{target_text(key):>10}{met_text(is_met(key, ours[key])):>5}"
        )
        print(row.rstrip())
    print(f"{'missing':<12}{len(result.ours['missing']):>8}{len(result.floor['missing']):>8}")


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
    status = "  ".join(f"{k} {v:,}" for k, v in manifest.get("status", {}).items())
    print(f"status      {status}  (input files {manifest.get('input_files', '?')})")
    errors = manifest.get("errors", [])
    for error in errors[:ERRORS_SHOWN]:
        print(f"  error {error['source_path']}: {error['error']}")
    if len(errors) > ERRORS_SHOWN:
        print(f"  ... and {len(errors) - ERRORS_SHOWN} more in manifest.json")


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
    print_metrics(result)
    print()
    print_per_type(result)
    print()
    print_throughput(result)
    print_provenance(result)


def print_targets(results: Sequence[SplitResult]) -> bool:
    """The issue's targets over all splits; return whether every one is met."""
    print("\n== targets of the current issue ==")
    header = "".join(f"{label + ' ' + target_text(key):>20}" for label, key in _target_rows())
    print(f"{'split':<16}{header}")
    all_met = True
    for result in results:
        cells = []
        for _, key in _target_rows():
            value = result.ours["total"][key]
            met = is_met(key, value)
            all_met = all_met and bool(met)
            cells.append(f"{fmt(key, value, precise=True):>16}{met_text(met):>4}")
        print(f"{result.split:<16}{''.join(cells)}")
    print(f"all targets met: {'yes' if all_met else 'no'}")
    if len({r.code_before for r in results} | {r.code_after for r in results}) > 1:
        print("WARNING: the splits ran against different versions of pipeline/ or rules/")
    return all_met


def _target_rows() -> list[tuple[str, str]]:
    return [(label, key) for label, key in METRIC_ROWS if target_for(key) is not None]


# --- main --------------------------------------------------------------------------------------


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not >= 1")
    return value


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
    if not (bench / "gold.json").is_file() or not (bench.parent / "score.py").is_file():
        print(f"{bench}: expected gold.json in it and score.py beside it", file=sys.stderr)
        return 2
    try:
        print(f"benchmark {bench}  corpus-clean {corpus_clean_command()[0]}")
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            results = run_all(bench, args.keep.resolve(), args.workers, args.sample)
            print(f"\noutputs kept in {args.keep.resolve()}")
        else:
            with tempfile.TemporaryDirectory(prefix="bench-text-dumps-") as tmp:
                results = run_all(bench, Path(tmp), args.workers, args.sample)
    except BenchError as exc:
        print(f"\nbenchmark run failed: {exc}", file=sys.stderr)
        return 1
    print_targets(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
