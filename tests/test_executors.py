"""The local executor: outcomes in job order, progress relayed, a dead worker's job run
again once and then reported failed, never lost."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from pipeline.executors import LocalExecutor, Outcome, Report


def negate(job: int, report: Report) -> int:
    report(1, 10)
    return -job


def divide(job: tuple[int, int], report: Report) -> float:
    return job[0] / job[1]


def die_first_time(job: tuple[Path, int], report: Report) -> int:
    """Killed by SIGKILL the first time it runs (a marker file remembers), fine after."""
    marker, value = job
    report(5, 500)
    if not marker.exists():
        marker.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return value


def die_always(job: int, report: Report) -> int:
    report(3, 300)
    if job < 0:
        os.kill(os.getpid(), signal.SIGKILL)
    return job


@pytest.mark.parametrize("workers", [1, 2])
def test_outcomes_come_back_in_job_order_with_progress(workers: int) -> None:
    jobs = [5, -3, 0, -8, 13, -1]
    done: list[int] = []
    progress: list[tuple[int, int]] = []
    outcomes = LocalExecutor(workers).map(
        negate, jobs, on_progress=lambda d, b: progress.append((d, b)), on_done=lambda i, _: done.append(i)
    )
    assert [o.value for o in outcomes] == [-5, 3, 0, 8, -13, 1]
    assert all(o.ok and o.attempts == 1 for o in outcomes)
    assert sorted(done) == list(range(len(jobs)))
    assert progress == [(1, 10)] * len(jobs)


def test_no_jobs() -> None:
    assert LocalExecutor(2).map(negate, []) == []


@pytest.mark.parametrize("workers", [1, 2])
def test_an_exception_fails_its_job_only(workers: int) -> None:
    outcomes = LocalExecutor(workers).map(divide, [(1, 1), (1, 0), (4, 2)])
    assert [o.value for o in outcomes] == [1.0, None, 2.0]
    assert outcomes[1] == Outcome(failure="ZeroDivisionError: division by zero")


def test_a_job_whose_worker_is_killed_runs_again(tmp_path: Path) -> None:
    jobs = [(tmp_path / f"marker-{i}", i) for i in range(3)]
    progress: list[tuple[int, int]] = []
    outcomes = LocalExecutor(2).map(die_first_time, jobs, on_progress=lambda d, b: progress.append((d, b)))
    assert [(o.value, o.attempts) for o in outcomes] == [(0, 2), (1, 2), (2, 2)]
    # What a killed attempt reported is taken back: the totals count each job once.
    assert tuple(map(sum, zip(*progress, strict=True))) == (15, 1500)


def test_a_job_killed_on_every_attempt_is_reported_failed() -> None:
    outcomes = LocalExecutor(2).map(die_always, [1, -1, 2, 3])
    assert [o.value for o in outcomes] == [1, None, 2, 3]
    failed = outcomes[1]
    assert failed.attempts == 2
    assert failed.failure == "the worker process was killed by SIGKILL (on all 2 attempts)"
