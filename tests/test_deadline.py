"""The per-document time limit: SIGALRM in the main thread, a cooperative check elsewhere."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType

import pytest

from pipeline.deadline import alarm_available, time_limit
from pipeline.errors import TimeLimitError

TINY_LIMIT = 0.05
#: Far longer than any test should wait: reaching it means the limit did not act.
NEVER = 10.0

Handler = Callable[[int, FrameType | None], None]

needs_alarm = pytest.mark.skipif(
    not alarm_available(), reason="SIGALRM timers need POSIX and the main thread"
)


def spin(seconds: float) -> None:
    """Busy Python code for ``seconds`` (what a slow stage looks like to the interpreter)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def on_thread(fn: Callable[[], None]) -> None:
    """Run ``fn`` on a worker thread and re-raise what it raised."""
    raised: list[BaseException] = []

    def target() -> None:
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test thread
            raised.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if raised:
        raise raised[0]


@pytest.fixture
def own_handler() -> Iterator[Handler]:
    """A SIGALRM handler of the caller's, installed for the test and removed after."""

    def handler(signum: int, frame: FrameType | None) -> None:
        """Stands for whatever handler the caller had."""

    previous = signal.signal(signal.SIGALRM, handler)
    yield handler
    signal.signal(signal.SIGALRM, previous)


@needs_alarm
def test_the_alarm_interrupts_code_that_overruns_and_names_the_step() -> None:
    started = time.monotonic()
    expected = r"took longer than 0\.05 s while segmenting"
    with pytest.raises(TimeLimitError, match=expected) as info, time_limit(TINY_LIMIT) as deadline:
        deadline.step = "segmenting"
        spin(NEVER)
    assert time.monotonic() - started < 1.0
    assert info.value.step == "segmenting"
    assert "--time-limit" in str(info.value)


@needs_alarm
def test_the_alarm_interrupts_a_sleep() -> None:
    started = time.monotonic()
    with pytest.raises(TimeLimitError), time_limit(TINY_LIMIT):
        time.sleep(NEVER)
    assert time.monotonic() - started < 1.0


@needs_alarm
def test_previous_handler_is_restored_and_the_timer_disarmed(
    own_handler: Handler,
) -> None:
    with time_limit(NEVER):
        assert signal.getsignal(signal.SIGALRM) is not own_handler
    assert signal.getsignal(signal.SIGALRM) is own_handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with pytest.raises(TimeLimitError), time_limit(TINY_LIMIT):
        spin(NEVER)
    assert signal.getsignal(signal.SIGALRM) is own_handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@needs_alarm
def test_an_outer_timer_is_put_back_with_its_remaining_time(
    own_handler: Handler,
) -> None:
    outer = 100.0
    signal.setitimer(signal.ITIMER_REAL, outer)
    try:
        with time_limit(NEVER):
            pass
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert outer - 1.0 < remaining <= outer
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def test_no_limit_installs_nothing_and_never_fires(own_handler: Handler) -> None:
    with time_limit(None) as deadline:
        assert signal.getsignal(signal.SIGALRM) is own_handler
        spin(TINY_LIMIT * 2)
        deadline.check()


def test_off_the_main_thread_the_check_stops_an_overrun_step() -> None:
    def overrun() -> None:
        assert not alarm_available()
        with time_limit(TINY_LIMIT) as deadline:
            deadline.step = "running stage 'slow'"
            spin(TINY_LIMIT * 2)  # no alarm here: the step runs to its end
            deadline.check()

    with pytest.raises(TimeLimitError, match="while running stage 'slow'"):
        on_thread(overrun)


def test_the_check_passes_within_the_limit() -> None:
    with time_limit(NEVER) as deadline:
        deadline.check()
