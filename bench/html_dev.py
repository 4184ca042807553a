"""Benchmark the HTML mode on the WCXB development split, beside trafilatura on the same pages.

On the split's ``html/`` pages (``<id>.html.gz``) this measures, in one run:

* quality: the real console script, ``corpus-clean run html --out <tmp>/ours --workers N``,
  scored with the benchmark's own scorer (``<bench>/../score.py --parquet``), beside
  ``trafilatura.extract`` with its defaults (``output_format="txt"`` only), written as
  ``<id>.txt`` and scored with ``score.py --txt``. It prints word F1, P, R, with%, w/o% and
  shingle F1 for both, with the current issue's targets and whether each is met, then word F1
  per page type, flagging every type where ours is below trafilatura;
* speed on one core, the pages already in memory (gzip already undone, not timed), each
  system in a fresh process of its own after one untimed warm-up page, start-up objects
  frozen out of the garbage collector's full scans for both: pages/s and MB/s of
  ``trafilatura.extract``, of our cleaning alone (``Pipeline.default(disable=["detect_language"])``,
  ``.clean(record)`` from the page's bytes: decode, segment, all stages) and of our cleaning
  with language detection (``Pipeline.default()``), and ours as a multiple of trafilatura;
* the whole run: wall time of the ``corpus-clean run`` above (Parquet and language included,
  start-up included) beside a trafilatura loop in a fresh process (read the ``.gz``, gunzip,
  extract, write ``<id>.txt``), as docs/s and MB/s of decompressed HTML.

Beside every time it prints the CPU seconds of the process, and warns when they fall well short
of the wall time (the machine was busy), when pages ended in error, and when ``pipeline/`` or
``rules/`` changed during the run.

A last table sums up the issue's targets. This is a measurement, not a test: the exit code is
0 whatever the figures, 1 when a run or the scorer itself fails, and 2 when the benchmark is
not found or trafilatura is not installed (``pip install -e .[bench]``).

Usage (from the repository root, with the project's virtualenv)::

    python bench/html_dev.py                        # full split, about 5 minutes on a quiet machine
    python bench/html_dev.py --sample 20            # every 20th page only: a quick check
    python bench/html_dev.py --workers 2            # corpus-clean run on 2 workers (speed stays one core)
    python bench/html_dev.py --keep /tmp/bench      # keep outputs, score JSON and speed JSON there
    python bench/html_dev.py --bench-dir ../shared/bench/wcxb-dev

With ``--sample K`` every K-th page (in file-name order) and its gold are copied into a
temporary benchmark folder, and everything is measured and scored on those pages only.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import multiprocessing
import resource
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

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
    page_id,
    positive_int,
    print_metrics,
    print_status,
    run_pipeline,
    score,
    source_digest,
    target_for,
)

SPLIT = "html"
TRAFILATURA_PINNED = "2.3.1"
INSTALL_HINT = "pip install -e .[bench]"

#: Targets of the current issue, on ``score.py``'s JSON keys (with / without in percent).
TARGETS: tuple[Target, ...] = (
    Target("word_f1", ">=", 0.85),
    Target("with", ">=", 80.0),
    Target("without", "<=", 6.0),
)
#: Target of the current issue for speed: our cleaning alone, pages/s, over trafilatura.extract's.
SPEED_TARGET = 3.0
#: A step whose process had the CPU for less than this share of its wall time was slowed by
#: other work on the machine; the script then warns.
MIN_CPU_SHARE = 0.9

#: The systems timed in memory, one process each, in this order.
TRAFILATURA = "trafilatura.extract"
OURS = "ours, cleaning alone"
OURS_LANGUAGE = "ours, with language detection"
IN_MEMORY = (TRAFILATURA, OURS, OURS_LANGUAGE)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Timing:
    """One timed pass of one system over the pages."""

    label: str
    pages: int
    bytes_raw: int
    seconds: float
    #: CPU seconds (user + system) spent over ``seconds``; well below it when the machine was busy.
    cpu_seconds: float
    #: For a whole run: the time the process measured itself, start-up left out.
    own_seconds: float | None = None
    #: Outcome per page: ok, empty, error.
    status: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(n for outcome, n in self.status.items() if outcome.startswith("error"))

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else float("nan")

    @property
    def mb_per_s(self) -> float:
        return self.bytes_raw / MB / self.seconds if self.seconds else float("nan")


@dataclass(frozen=True, slots=True)
class HtmlResult:
    """What the run, the trafilatura loop, the timings and the scoring produced."""

    pages: int
    bytes_raw: int
    bytes_gz: int
    workers: int
    ours: dict[str, Any]
    trafilatura: dict[str, Any]
    manifest: dict[str, Any]
    ours_run: Timing
    trafilatura_run: Timing
    in_memory: dict[str, Timing]
    code_before: str
    code_after: str

    @property
    def speed_ratio(self) -> float:
        return self.in_memory[OURS].pages_per_s / self.in_memory[TRAFILATURA].pages_per_s


# --- in a fresh process ------------------------------------------------------------------------
# These functions run in a new interpreter (see in_fresh_process), so they import what they
# time themselves and return plain data.


class Page(NamedTuple):
    """One page in memory: its file name, the SHA-256 of its file, its decompressed bytes."""

    name: str
    sha256: str
    html: bytes


def load_pages(paths: Sequence[str]) -> list[Page]:
    pages = []
    for path in paths:
        raw = Path(path).read_bytes()
        pages.append(Page(Path(path).name, hashlib.sha256(raw).hexdigest(), gzip.decompress(raw)))
    return pages


def trafilatura_extract() -> Callable[[bytes], str]:
    """``trafilatura.extract`` with its defaults, as text; "" when it extracts nothing."""
    import trafilatura  # noqa: PLC0415 - imported where it is timed, in its own process

    # It logs pages it cannot parse; the benchmark counts them as empty instead.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

    def extract(html: bytes) -> str:
        return trafilatura.extract(html, output_format="txt") or ""

    return extract


def cleaner(system: str) -> Callable[[Page], tuple[str, int]]:
    """A function cleaning one page with ``system``: its outcome and output characters."""
    if system == TRAFILATURA:
        extract = trafilatura_extract()

        def clean_trafilatura(page: Page) -> tuple[str, int]:
            try:
                text = extract(page.html)
            except Exception as exc:  # noqa: BLE001 - counted as an error row, as ours does
                return f"error {type(exc).__name__}", 0
            return ("ok" if text else "empty"), len(text)

        return clean_trafilatura

    from pipeline.model import Record  # noqa: PLC0415 - imported where it is timed
    from pipeline.runner import Pipeline  # noqa: PLC0415

    pipe = Pipeline.default(disable=["detect_language"] if system == OURS else [])

    def clean_ours(page: Page) -> tuple[str, int]:
        record = Record(
            source_path=page.name, record=0, source_sha256=page.sha256, source_kind="html", data=page.html
        )
        doc = pipe.clean(record)
        return doc.status.value, len(doc.text)

    return clean_ours


def time_in_memory(system: str, paths: Sequence[str]) -> dict[str, Any]:
    """Seconds ``system`` takes over all pages, already in memory, after one untimed warm-up page.

    For both systems alike, the objects of start-up are then frozen out of the
    garbage collector's full scans, as ``corpus-clean run`` does for each shard.
    """
    pages = load_pages(paths)
    clean = cleaner(system)
    clean(pages[0])
    status: Counter[str] = Counter()
    chars = 0
    gc.freeze()
    start, cpu_start = time.perf_counter(), time.process_time()
    for page in pages:
        outcome, n = clean(page)
        status[outcome] += 1
        chars += n
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    gc.unfreeze()
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "status": dict(status), "chars": chars}


def trafilatura_loop(paths: Sequence[str], out_dir: str) -> dict[str, Any]:
    """The whole trafilatura run: read each ``.gz``, gunzip, extract, write ``<id>.txt``."""
    extract = trafilatura_extract()
    out = Path(out_dir)
    status: Counter[str] = Counter()
    start = time.perf_counter()
    for path in paths:
        html = gzip.decompress(Path(path).read_bytes())
        try:
            text = extract(html)
        except Exception as exc:  # noqa: BLE001 - an empty prediction, as ours writes an error row
            text = ""
            status[f"error {type(exc).__name__}"] += 1
        else:
            status["ok" if text else "empty"] += 1
        (out / f"{page_id(Path(path))}.txt").write_text(text, encoding="utf-8")
    return {"seconds": time.perf_counter() - start, "status": dict(status)}


def in_fresh_process(what: str, func: Callable[..., T], *args: Any) -> tuple[T, float, float]:
    """``func(*args)`` in a new interpreter: its result, and the wall and CPU seconds of the process."""
    start, cpu_start = time.perf_counter(), children_cpu()
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            result = pool.submit(func, *args).result()
    except Exception as exc:
        raise BenchError(f"{what} failed: {type(exc).__name__}: {exc}") from exc
    return result, time.perf_counter() - start, children_cpu() - cpu_start


# --- running -----------------------------------------------------------------------------------


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def progress(message: str) -> None:
    sys.stdout.flush()
    print(f"  ... {message}", file=sys.stderr, flush=True)


def bench_html(bench: Path, work: Path, workers: int, sample: int) -> HtmlResult:
    """Run, time and score ours and trafilatura on the same pages."""
    score_py = bench.parent / "score.py"
    scored_bench = make_sample(bench, SPLIT, sample, work) if sample > 1 else bench
    input_dir = scored_bench / SPLIT
    files = input_files(input_dir)
    paths = [str(p) for p in files]
    bytes_raw = sum(decompressed_size(p) for p in files)  # also brings the files into the page cache
    bytes_gz = sum(p.stat().st_size for p in files)
    ours_out, trafilatura_out = work / "ours", work / "trafilatura"
    if trafilatura_out.exists():
        shutil.rmtree(trafilatura_out)
    trafilatura_out.mkdir(parents=True)

    code_before = source_digest()
    progress(f"corpus-clean run, {len(files)} pages, --workers {workers}")
    cpu_start = children_cpu()
    seconds = run_pipeline(input_dir, ours_out, workers)
    cpu_seconds = children_cpu() - cpu_start
    manifest: dict[str, Any] = json.loads((ours_out / "manifest.json").read_text(encoding="utf-8"))
    ours_run = Timing(
        f"corpus-clean run --workers {workers}",
        int(manifest.get("docs", len(files))),
        bytes_raw,
        seconds,
        cpu_seconds,
        float(manifest.get("seconds", "nan")),
        dict(manifest.get("status", {})),
    )
    progress("trafilatura loop")
    loop, seconds, cpu_seconds = in_fresh_process(
        "the trafilatura loop", trafilatura_loop, paths, str(trafilatura_out)
    )
    trafilatura_run = Timing(
        "trafilatura loop", len(files), bytes_raw, seconds, cpu_seconds, loop["seconds"], loop["status"]
    )
    in_memory = {}
    for system in IN_MEMORY:
        progress(f"{system}, in memory")
        timed, _, _ = in_fresh_process(f"timing {system}", time_in_memory, system, paths)
        in_memory[system] = Timing(
            system, len(files), bytes_raw, timed["seconds"], timed["cpu_seconds"], status=timed["status"]
        )
    code_after = source_digest()

    progress("scoring")
    ours = score(score_py, scored_bench, ["--parquet", str(ours_out / "documents")], work / "ours.score.json")
    theirs = score(score_py, scored_bench, ["--txt", str(trafilatura_out)], work / "trafilatura.score.json")
    return HtmlResult(
        pages=len(files),
        bytes_raw=bytes_raw,
        bytes_gz=bytes_gz,
        workers=workers,
        ours=ours,
        trafilatura=theirs,
        manifest=manifest,
        ours_run=ours_run,
        trafilatura_run=trafilatura_run,
        in_memory=in_memory,
        code_before=code_before,
        code_after=code_after,
    )


def write_speed_json(result: HtmlResult, path: Path) -> None:
    """The speed figures, for keeping beside the score JSONs."""
    timings = [result.ours_run, result.trafilatura_run, *result.in_memory.values()]
    rows = [{**asdict(t), "pages_per_s": t.pages_per_s, "mb_per_s": t.mb_per_s} for t in timings]
    path.write_text(
        json.dumps({"speed_ratio": result.speed_ratio, "timings": rows}, indent=1), encoding="utf-8"
    )


# --- reporting ---------------------------------------------------------------------------------


def types_below(result: HtmlResult) -> list[str]:
    """Page types where our word F1 is below trafilatura's (unrounded)."""
    ours, theirs = result.ours.get("per_type", {}), result.trafilatura.get("per_type", {})
    return [t for t in sorted(ours) if t in theirs and ours[t]["word_f1"] < theirs[t]["word_f1"]]


def print_per_type(result: HtmlResult) -> None:
    ours, theirs = result.ours.get("per_type", {}), result.trafilatura.get("per_type", {})
    below = set(types_below(result))
    print(f"{'word F1 by type':<16}{'n':>5}{'ours':>8}{'trafilatura':>13}{'diff':>8}")
    for page_type in sorted(ours):
        o = ours[page_type]["word_f1"]
        t = theirs.get(page_type, {}).get("word_f1", float("nan"))
        flag = "  below trafilatura" if page_type in below else ""
        print(f"{page_type:<16}{ours[page_type]['pages']:>5}{o:>8.3f}{t:>13.3f}{o - t:>+8.3f}{flag}")


def print_speed(result: HtmlResult) -> None:
    base = result.in_memory[TRAFILATURA].pages_per_s
    print(
        f"speed, one core, in memory: {result.bytes_raw / MB:.1f} MB of HTML, gzip already undone;"
        " one process each, one untimed warm-up page, start-up objects frozen for the collector"
    )
    print(f"{'':<32}{'seconds':>9}{'cpu s':>8}{'pages/s':>9}{'MB/s':>8}{'x trafilatura':>15}")
    for system, timing in result.in_memory.items():
        ratio = timing.pages_per_s / base
        goal = ""
        if system == OURS:
            goal = f"  target >= {SPEED_TARGET:g}x: {met_text(ratio >= SPEED_TARGET)}"
        print(
            f"{system:<32}{timing.seconds:>9.1f}{timing.cpu_seconds:>8.1f}{timing.pages_per_s:>9.1f}"
            f"{timing.mb_per_s:>8.2f}{ratio:>14.2f}x{goal}"
        )
    print()
    print("whole run, from the .gz files to the output written, process start-up included")
    print(f"{'':<32}{'seconds':>9}{'cpu s':>8}{'docs/s':>9}{'MB/s':>8}")
    for timing in (result.ours_run, result.trafilatura_run):
        print(
            f"{timing.label:<32}{timing.seconds:>9.1f}{timing.cpu_seconds:>8.1f}{timing.pages_per_s:>9.1f}"
            f"{timing.mb_per_s:>8.2f}  (its own {timing.own_seconds or float('nan'):.1f} s)"
        )
    if result.workers > 1:
        print(f"  note: corpus-clean ran on {result.workers} workers, the trafilatura loop on one core")
    print(f"input       {result.bytes_raw / MB:.1f} MB HTML, {result.bytes_gz / MB:.1f} MB gzipped")
    print_status(result.manifest)
    for timing in [result.trafilatura_run, *result.in_memory.values()]:
        outcomes = "  ".join(f"{k} {v:,}" for k, v in sorted(timing.status.items()))
        print(f"  {timing.label + ':':<34}{outcomes}")
    timings = [result.ours_run, result.trafilatura_run, *result.in_memory.values()]
    one_core = [t for t in timings if t is not result.ours_run or result.workers == 1]
    busy = [t for t in one_core if t.cpu_seconds < MIN_CPU_SHARE * t.seconds]
    if busy:
        print("  WARNING: the machine was busy; these steps had the CPU for only part of their wall time:")
        for t in busy:
            print(f"    {t.label:<34}{t.cpu_seconds / t.seconds:>5.0%}")
        cpu_ratio = result.in_memory[TRAFILATURA].cpu_seconds / result.in_memory[OURS].cpu_seconds
        print(f"  on CPU seconds instead of wall, cleaning alone is {cpu_ratio:.2f}x trafilatura.extract;")
        print("  the wall figures are too low and may not compare: run again on a quiet machine")
    failed = [t for t in timings if t.errors]
    if failed:
        counts = ", ".join(f"{t.label} {t.errors:,}" for t in failed)
        print(f"  WARNING: pages ended in error ({counts}): those were not fully cleaned,")
        print("  so the figures above do not measure the whole job on them; check the errors")


def print_provenance(result: HtmlResult) -> None:
    rules = str(result.manifest.get("rules_sha256", "?"))[:12]
    print(
        f"code        pipeline/ + rules/ {result.code_before}  rules in force {rules}"
        f"  version {result.manifest.get('version', '?')}"
        f"  trafilatura {importlib.metadata.version('trafilatura')}"
    )
    if result.code_after != result.code_before:
        print(f"  WARNING: pipeline/ or rules/ changed during this run (now {result.code_after});")
        print("  the figures may mix two versions of the code: run again")


def print_result(result: HtmlResult, sample: int) -> None:
    sampled = f", every {sample}-th page" if sample > 1 else ""
    print(f"\n== {SPLIT}: {result.pages} pages{sampled}, corpus-clean --workers {result.workers} ==")
    print_metrics(result.ours, result.trafilatura, "trafilatura", TARGETS)
    print()
    print_per_type(result)
    print()
    print_speed(result)
    print_provenance(result)


def print_targets(result: HtmlResult) -> bool:
    """The issue's targets; return whether every one is met."""
    print("\n== targets of the current issue ==")
    rows: list[tuple[str, str, bool | None]] = []
    for label, key in METRIC_ROWS:
        target = target_for(TARGETS, key)
        if target is not None:
            value = result.ours["total"][key]
            rows.append((f"{label} {target.text}", fmt(key, value, precise=True), target.met(value)))
    below = types_below(result)
    rows.append(("no page type below trafilatura", ", ".join(below) or "none below", not below))
    ratio = result.speed_ratio
    rows.append((f"cleaning alone >= {SPEED_TARGET:g}x trafilatura", f"{ratio:.2f}x", ratio >= SPEED_TARGET))
    for label, value, met in rows:
        print(f"{label:<36}{value:>24}{met_text(met):>5}")
    all_met = all(met for _, _, met in rows)
    print(f"all targets met: {'yes' if all_met else 'no'}")
    return all_met


# --- main --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-dir", type=Path, default=DEFAULT_BENCH, help=f"default: {DEFAULT_BENCH}")
    ap.add_argument(
        "--workers", type=positive_int, default=1, help="corpus-clean run's workers (default: 1, one core)"
    )
    ap.add_argument("--sample", type=positive_int, default=1, metavar="K", help="every K-th page only")
    ap.add_argument("--keep", type=Path, metavar="OUT_DIR", help="keep outputs and scores (default: temp)")
    return ap.parse_args(argv)


def run_and_print(bench: Path, work: Path, workers: int, sample: int) -> HtmlResult:
    result = bench_html(bench, work, workers, sample)
    write_speed_json(result, work / "speed.json")
    print_result(result, sample)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    bench = args.bench_dir.resolve()
    problem = check_bench(bench)
    if problem is None and not (bench / SPLIT).is_dir():
        problem = f"{bench}: no {SPLIT}/ folder in it"
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    if importlib.util.find_spec("trafilatura") is None:
        print(
            f"trafilatura is not installed in {sys.executable}; it is what this benchmark compares"
            f" against. Install the bench extra: {INSTALL_HINT}",
            file=sys.stderr,
        )
        return 2
    version = importlib.metadata.version("trafilatura")
    try:
        print(f"benchmark {bench}  corpus-clean {corpus_clean_command()[0]}  trafilatura {version}")
        if version != TRAFILATURA_PINNED:
            print(f"  note: the reference figures are for trafilatura {TRAFILATURA_PINNED} ({INSTALL_HINT})")
        with output_dir(args.keep, "bench-html-dev-") as out:
            result = run_and_print(bench, out, args.workers, args.sample)
    except BenchError as exc:
        print(f"\nbenchmark run failed: {exc}", file=sys.stderr)
        return 1
    print_targets(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
