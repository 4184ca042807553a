"""A time limit on one document's cleaning.

In the main thread of a process on a platform with ``SIGALRM``, a one-shot
``ITIMER_REAL`` timer interrupts the work wherever it is (between Python
bytecodes: a long call into C, such as lxml parsing, finishes first) by
raising :class:`~pipeline.errors.TimeLimitError`. Elsewhere (worker threads,
Windows) the limit is cooperative: the runner calls :meth:`Deadline.check`
between steps, so a step that overruns is stopped when it returns.

Example::

    with time_limit(30.0) as deadline:
        deadline.step = "segmenting"
        blocks = segment(page)
        deadline.check()
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from pipeline.errors import TimeLimitError

#: Delay that makes a timer due at once: what an outer timer whose time ran
#: out while ours was set gets when it is put back (zero would disarm it).
DUE_NOW_SECONDS = 1e-6

Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


class Deadline:
    """When a document's time runs out, and the step it is in (named in the error)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.step = "starting"
        self.active = True
        self._ends = time.monotonic() + seconds

    def expired(self) -> TimeLimitError:
        """The error to raise now that time is up."""
        return TimeLimitError(self.seconds, self.step)

    def check(self) -> None:
        """Raise :class:`TimeLimitError` if the time is up (the cooperative check)."""
        if self.active and time.monotonic() >= self._ends:
            raise self.expired()


def alarm_available() -> bool:
    """Whether a SIGALRM timer can interrupt the work here: main thread, POSIX."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[Deadline]:
    """A :class:`Deadline` ``seconds`` from now (None: none), enforced by SIGALRM when
    :func:`alarm_available`; the previous handler and timer are put back on exit."""
    deadline = Deadline(math.inf if seconds is None else seconds)
    if seconds is None or not alarm_available():
        yield deadline
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        if deadline.active:
            raise deadline.expired()

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, on_alarm)
    outer = (0.0, 0.0)
    try:
        outer = signal.setitimer(signal.ITIMER_REAL, seconds)
        yield deadline
    finally:
        try:
            deadline.active = False  # an alarm landing from here on is ignored
        finally:
            _restore(previous, outer, time.monotonic() - started)


def _restore(previous: Handler, outer: tuple[float, float], elapsed: float) -> None:
    """Disarm our timer, put back the previous handler and the outer timer, less ``elapsed``."""
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
    delay, interval = outer
    if delay:
        signal.setitimer(signal.ITIMER_REAL, max(delay - elapsed, DUE_NOW_SECONDS), interval)
