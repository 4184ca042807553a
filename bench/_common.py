"""What the benchmark scripts share: running ``corpus-clean`` and the scorer, sampling, targets.

The scripts in this folder are run as files (``python bench/<script>.py``), which puts this
folder on ``sys.path``; they import this module as ``_common``. It is not part of the package.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BENCH = REPO_ROOT.parent / "shared" / "bench" / "wcxb-dev"
SOURCE_GLOBS = (("pipeline", "*.py"), ("rules", "*.toml"))
MB = 1_000_000
ERRORS_SHOWN = 5

#: with / without are shares (0..1) in score.py's JSON; they are shown and compared as percentages.
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


# --- targets -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """One of an issue's targets: a metric of score.py's JSON, a comparison and a threshold.

    The threshold of a percentage metric (``with``, ``without``) is in percent.
    """

    key: str
    op: Literal[">=", "<="]
    threshold: float

    def met(self, value: float | None) -> bool | None:
        """Whether the unrounded ``value`` meets the target; None when there is no value."""
        if value is None or math.isnan(value):
            return None
        shown = 100 * value if self.key in PERCENT_KEYS else value
        return shown >= self.threshold if self.op == ">=" else shown <= self.threshold

    @property
    def text(self) -> str:
        if self.key in PERCENT_KEYS:
            return f"{self.op} {self.threshold:g}"
        return f"{self.op} {self.threshold:.2f}"


def target_for(targets: Sequence[Target], key: str) -> Target | None:
    return next((t for t in targets if t.key == key), None)


def met_text(met: bool | None) -> str:
    return "" if met is None else ("yes" if met else "NO")


def fmt(key: str, value: float | None, *, precise: bool = False) -> str:
    """A metric as printed: percentages for snippet shares, decimals otherwise.

    ``precise`` adds a digit, so that a value just under a target does not print as the target.
    """
    if value is None or math.isnan(value):
        return "n/a"
    if key in PERCENT_KEYS:
        return f"{100 * value:.{2 if precise else 1}f}"
    return f"{value:.{4 if precise else 3}f}"


def print_metrics(
    ours: Mapping[str, Any], other: Mapping[str, Any], other_label: str, targets: Sequence[Target]
) -> None:
    """The metrics table of two score.py results, ours with the targets it meets or not."""
    width = max(8, len(other_label) + 2)
    o_total, x_total = ours["total"], other["total"]
    print(f"{'':<12}{'ours':>8}{other_label:>{width}}{'target':>10}{'met':>5}")
    for label, key in METRIC_ROWS:
        target = target_for(targets, key)
        goal = target.text if target else ""
        met = met_text(target.met(o_total[key])) if target else ""
        row = f"{label:<12}{fmt(key, o_total[key]):>8}{fmt(key, x_total[key]):>{width}}{goal:>10}{met:>5}"
        print(row.rstrip())
    print(f"{'missing':<12}{len(ours['missing']):>8}{len(other['missing']):>{width}}")


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
    """Run the benchmark's scorer with ``source`` (``--parquet DIR``, ``--txt DIR`` or ``--input SPLIT``)."""
    cmd = [sys.executable, str(score_py), str(bench), *source, "--per-type", "--json", str(json_out)]
    run_checked(cmd)
    result: dict[str, Any] = json.loads(json_out.read_text(encoding="utf-8"))
    return result


def print_status(manifest: Mapping[str, Any]) -> None:
    """A run's status counts and first errors, from its ``manifest.json``."""
    status = "  ".join(f"{k} {v:,}" for k, v in manifest.get("status", {}).items())
    print(f"status      {status}  (input files {manifest.get('input_files', '?')})")
    errors = manifest.get("errors", [])
    for error in errors[:ERRORS_SHOWN]:
        print(f"  error {error['source_path']}: {error['error']}")
    if len(errors) > ERRORS_SHOWN:
        print(f"  ... and {len(errors) - ERRORS_SHOWN} more in manifest.json")


# --- inputs ------------------------------------------------------------------------------------


def page_id(path: Path) -> str:
    """A page's id, as score.py reads it: the file name up to its first dot."""
    return path.name.split(".", 1)[0]


def input_files(folder: Path) -> list[Path]:
    """The page files of a benchmark folder (a split, ``html``), in a stable order."""
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
    the scorer scores everything on the same pages.
    """
    sample_bench = work / "sample" / split
    target = sample_bench / split
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    picked = input_files(bench / split)[::every]
    for path in picked:
        shutil.copy2(path, target / path.name)
    gold = json.loads((bench / "gold.json").read_text(encoding="utf-8"))
    ids = {page_id(p) for p in picked}
    subset = {k: v for k, v in gold.items() if k in ids}
    (sample_bench / "gold.json").write_text(json.dumps(subset), encoding="utf-8")
    return sample_bench


def check_bench(bench: Path) -> str | None:
    """Why ``bench`` is not a benchmark folder the scripts can use, or None when it is."""
    if not (bench / "gold.json").is_file() or not (bench.parent / "score.py").is_file():
        return f"{bench}: expected gold.json in it and score.py beside it"
    return None


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not >= 1")
    return value


@contextmanager
def output_dir(keep: Path | None, prefix: str) -> Iterator[Path]:
    """Where a run writes: ``keep`` (created, kept afterwards) or a temporary folder removed after."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep.resolve()
        print(f"\noutputs kept in {keep.resolve()}")
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)
