"""The local executor: results in job order for any number of workers."""

from __future__ import annotations

import operator

import pytest

from pipeline.executors import run_local


@pytest.mark.parametrize("workers", [1, 2])
def test_results_come_back_in_job_order(workers: int) -> None:
    jobs = [5, -3, 0, -8, 13, -1]
    done: list[int] = []
    assert run_local(operator.neg, jobs, workers=workers, on_done=done.append) == [-5, 3, 0, 8, -13, 1]
    assert sorted(done) == list(range(len(jobs)))


def test_no_jobs() -> None:
    assert run_local(operator.neg, [], workers=2) == []


def test_an_exception_in_a_job_propagates() -> None:
    with pytest.raises(ZeroDivisionError):
        run_local(_divide, [(1, 1), (1, 0)])


def _divide(pair: tuple[int, int]) -> float:
    return pair[0] / pair[1]
