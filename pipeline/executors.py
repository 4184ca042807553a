"""Executors: run a unit-of-work function over jobs, in-process or in a process pool.

Results come back in job order whatever the order of completion, so output
is deterministic for any number of workers.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TypeVar

J = TypeVar("J")
R = TypeVar("R")


def run_local(
    fn: Callable[[J], R],
    jobs: Sequence[J],
    *,
    workers: int = 1,
    on_done: Callable[[int], None] | None = None,
) -> list[R]:
    """``[fn(job) for job in jobs]`` over up to ``workers`` processes.

    ``on_done(i)`` is called in the parent as job ``i`` finishes. ``fn`` and
    the jobs must pickle when ``workers > 1`` (processes are spawned, not
    forked, so a worker never inherits the parent's threads or locks).
    """
    if workers <= 1 or len(jobs) <= 1:
        results = []
        for i, job in enumerate(jobs):
            results.append(fn(job))
            if on_done:
                on_done(i)
        return results
    context = multiprocessing.get_context("spawn")
    slots: dict[int, R] = {}
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
        futures = {pool.submit(fn, job): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            i = futures[future]
            slots[i] = future.result()
            if on_done:
                on_done(i)
    return [slots[i] for i in range(len(jobs))]
