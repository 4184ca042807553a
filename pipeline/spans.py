"""Runs of consecutive items: menus are runs of short lines, islands runs of kept blocks."""

from __future__ import annotations

from collections.abc import Sequence


def true_runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """``(start, end)`` (end exclusive) of every maximal run of true values.

    >>> true_runs([False, True, True, False, True])
    [(1, 3), (4, 5)]
    """
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, flag in enumerate(flags):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(flags)))
    return runs
