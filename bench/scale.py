"""Batch throughput and peak memory: ``corpus-clean run`` over generated WARC corpora.

Writes the development pages into WARC.gz files (as a crawl delivers them,
one gzip member per record, a request before each response) until a corpus
holds ``--docs`` documents, then runs the real console script on it with each
``--workers`` count, sampling the memory of the run and its workers ten times
a second. Prints, per run: seconds, docs/s, MB/s of WARC, the peak of the
summed RSS of all its processes and the peak of the largest one. A
reference line gives trafilatura's single-process docs/s and MB/s on the
first pages of the same corpus.

Example::

    .venv/bin/python bench/scale.py --docs 10000 40000 --workers 1 2
"""

from __future__ import annotations

import argparse
import gzip
import io
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
from _common import DEFAULT_BENCH, MB, corpus_clean_command
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

#: Seconds between memory samples.
SAMPLE_SECONDS = 0.1
#: Pages the reference tool cleans (it runs in one process, so a sample is enough for its rate).
REFERENCE_PAGES = 300


@dataclass(frozen=True, slots=True)
class Measured:
    docs: int
    workers: int
    seconds: float
    input_bytes: int
    peak_total_rss: int
    peak_process_rss: int


def write_corpus(pages: list[Path], docs: int, folder: Path, pages_per_file: int) -> int:
    """WARC.gz files holding ``docs`` responses, the pages over and over; their total bytes."""
    folder.mkdir(parents=True)
    written = 0
    for start in range(0, docs, pages_per_file):
        path = folder / f"crawl-{start // pages_per_file:05d}.warc.gz"
        with path.open("wb") as stream:
            writer = WARCWriter(stream, gzip=True)
            for i in range(start, min(start + pages_per_file, docs)):
                page = pages[i % len(pages)]
                url = f"https://bench.example/{i // len(pages)}/{page.name.split('.')[0]}"
                _write_exchange(writer, url, gzip.decompress(page.read_bytes()))
        written += path.stat().st_size
    return written


def _write_exchange(writer: WARCWriter, url: str, body: bytes) -> None:
    request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "bench.example")], is_http_request=True)
    writer.write_record(
        writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=request)
    )
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers
    )
    writer.write_record(record)


def measure(corpus: Path, out: Path, docs: int, workers: int, input_bytes: int) -> Measured:
    """Run ``corpus-clean run`` and sample its processes' memory until it ends."""
    command = [*corpus_clean_command(), "run", str(corpus), "--out", str(out), "--workers", str(workers)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peaks = [0, 0]
    sampler = threading.Thread(target=_sample, args=(process.pid, peaks, process), daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{stderr}")
    return Measured(docs, workers, seconds, input_bytes, *peaks)


def _sample(pid: int, peaks: list[int], process: subprocess.Popen[str]) -> None:
    root = psutil.Process(pid)
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            sizes = [p.memory_info().rss for p in tree]
        except psutil.Error:
            sizes = []
        if sizes:
            peaks[0] = max(peaks[0], sum(sizes))
            peaks[1] = max(peaks[1], *sizes)
        time.sleep(SAMPLE_SECONDS)


def reference_rate(pages: list[Path]) -> tuple[float, float] | None:
    """trafilatura's docs/s and MB/s in one process on the first pages, if it is installed."""
    try:
        import trafilatura  # noqa: PLC0415 - optional, a bench extra
    except ImportError:
        return None
    bodies = [gzip.decompress(p.read_bytes()) for p in pages[:REFERENCE_PAGES]]
    started = time.perf_counter()
    for body in bodies:
        trafilatura.extract(body.decode("utf-8", "replace"))
    seconds = time.perf_counter() - started
    return len(bodies) / seconds, sum(map(len, bodies)) / MB / seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, nargs="+", default=[10_000, 40_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--pages-per-file", type=int, default=1000)
    parser.add_argument("--bench-dir", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--keep", type=Path, help="Keep corpora and outputs in this folder.")
    args = parser.parse_args()
    pages = sorted((args.bench_dir / "html").glob("*.html.gz"))
    if not pages:
        sys.exit(f"no pages in {args.bench_dir / 'html'}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="corpus-clean-scale-"))
    results = []
    try:
        for docs in args.docs:
            corpus = work / f"corpus-{docs}"
            size = write_corpus(pages, docs, corpus, args.pages_per_file)
            print(f"{docs:,} documents: {size / MB:,.0f} MB of WARC.gz in {corpus}", flush=True)
            for workers in args.workers:
                measured = measure(corpus, work / f"out-{docs}-{workers}", docs, workers, size)
                results.append(measured)
                print(_line(measured), flush=True)
            if not args.keep:
                shutil.rmtree(corpus)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("\nsummary")
    for measured in results:
        print(_line(measured))
    reference = reference_rate(pages)
    if reference:
        print(
            f"reference: trafilatura, 1 process, {REFERENCE_PAGES} pages: {reference[0]:.1f} docs/s, "
            f"{reference[1]:.2f} MB/s of HTML"
        )


def _line(m: Measured) -> str:
    return (
        f"  {m.docs:>7,} docs  {m.workers} worker(s)  {m.seconds:7.1f} s  {m.docs / m.seconds:6.1f} docs/s  "
        f"{m.input_bytes / MB / m.seconds:5.2f} MB/s  peak RSS {m.peak_total_rss / MB:6.0f} MB in all, "
        f"{m.peak_process_rss / MB:5.0f} MB largest process"
    )


if __name__ == "__main__":
    main()
