"""Runs of consecutive true values."""

from __future__ import annotations

import pytest

from pipeline.spans import true_runs


@pytest.mark.parametrize(
    ("flags", "runs"),
    [
        ([], []),
        ([False, False], []),
        ([True], [(0, 1)]),
        ([False, True, True, False, True], [(1, 3), (4, 5)]),
        ([True, True, False, True, True, True], [(0, 2), (3, 6)]),
    ],
)
def test_true_runs(flags: list[bool], runs: list[tuple[int, int]]) -> None:
    assert true_runs(flags) == runs
