"""Executors: run a unit-of-work function over jobs, here, in worker processes, or on Ray.

A unit function takes a job and a ``report(documents, input_bytes)`` callback
it calls as it goes (for the progress bar) and returns a small value. Every
executor returns one :class:`Outcome` per job, in job order whatever the
order of completion, so a run's output does not depend on the executor or
the number of workers.

A job whose worker dies (killed by the OS, out of memory, a crash in C code)
is run again once in a fresh worker; if that worker dies too, the job's
outcome is a failure naming how the worker ended. An exception raised by the
unit function is a failure at once: running it again would raise it again.

Example::

    outcomes = LocalExecutor(workers=2).map(clean_unit, units)
    failed = [o.failure for o in outcomes if not o.ok]
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, Protocol, TypeVar

J = TypeVar("J")
R = TypeVar("R")

#: ``report(documents, input_bytes)``: what a unit has done since its last report.
Report = Callable[[int, int], None]
UnitFunction = Callable[[J, Report], R]
OnProgress = Callable[[int, int], None]
#: Times a job whose worker died is run again before it is reported failed.
RETRIES = 1
#: Seconds a worker is given to exit after the last job before it is terminated.
EXIT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Outcome(Generic[R]):
    """How one job ended: its value, or why it failed, after ``attempts`` tries."""

    value: R | None = None
    failure: str | None = None
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.failure is None


class Executor(Protocol):
    """Runs a unit function over jobs; see the module docstring. Used as a context
    manager, it keeps its workers (or its Ray connection) from one ``map`` to the next."""

    def map(
        self,
        fn: UnitFunction[J, R],
        jobs: Sequence[J],
        *,
        on_progress: OnProgress | None = None,
        on_done: Callable[[int, Outcome[R]], None] | None = None,
    ) -> list[Outcome[R]]: ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc_info: object) -> None: ...


def _nothing(documents: int, input_bytes: int) -> None:
    """A report that goes nowhere."""


def run_here(fn: UnitFunction[J, R], job: J, report: Report = _nothing) -> Outcome[R]:
    """Run one job in this process; an exception becomes a failed outcome."""
    try:
        return Outcome(fn(job, report))
    except Exception as exc:  # noqa: BLE001 - reported as the job's failure, the run goes on
        return Outcome(failure=f"{type(exc).__name__}: {exc}")


@dataclass(slots=True)
class _Worker:
    """A worker process, the pipe to it, and the job it is running."""

    process: BaseProcess
    conn: Connection
    job: int | None = None
    #: Documents and bytes the current job reported, taken back if its worker dies.
    reported: list[int] = field(default_factory=lambda: [0, 0])


class LocalExecutor:
    """Jobs in ``workers`` spawned processes; with one worker, in this process (where
    a kill ends the run, and ``--resume`` picks it up).

    Inside a ``with`` block the worker processes outlive each ``map`` and stop at
    the end of the block; outside one, each ``map`` starts and stops its own.
    """

    def __init__(self, workers: int = 1, retries: int = RETRIES) -> None:
        self.workers = workers
        self.retries = retries
        self._pool: _Pool | None = None
        self._entered = False

    def map(
        self,
        fn: UnitFunction[J, R],
        jobs: Sequence[J],
        *,
        on_progress: OnProgress | None = None,
        on_done: Callable[[int, Outcome[R]], None] | None = None,
    ) -> list[Outcome[R]]:
        if self.workers <= 1:
            outcomes = []
            for i, job in enumerate(jobs):
                outcomes.append(run_here(fn, job, on_progress or _nothing))
                if on_done:
                    on_done(i, outcomes[-1])
            return outcomes
        self._pool = self._pool or _Pool(self.workers, self.retries)
        try:
            return self._pool.map(fn, jobs, on_progress or _nothing, on_done)
        finally:
            if not self._entered:
                self.__exit__()

    def __enter__(self) -> LocalExecutor:
        self._entered = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool = None
        self._entered = False


class _Pool:
    """The worker processes behind :class:`LocalExecutor`: hands jobs to idle workers,
    relays their reports, and replaces a worker that dies."""

    def __init__(self, size: int, retries: int) -> None:
        self.size = size
        self.retries = retries
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[_Worker] = []
        self.attempts: list[int] = []
        self.outcomes: dict[int, Outcome[Any]] = {}
        self.on_progress: OnProgress = _nothing
        self.on_done: Callable[[int, Outcome[Any]], None] | None = None

    def map(
        self,
        fn: UnitFunction[Any, R],
        jobs: Sequence[Any],
        on_progress: OnProgress,
        on_done: Callable[[int, Outcome[R]], None] | None,
    ) -> list[Outcome[R]]:
        self.attempts, self.outcomes = [0] * len(jobs), {}
        self.on_progress, self.on_done = on_progress, on_done
        pending = deque(range(len(jobs)))
        try:
            while len(self.outcomes) < len(jobs):
                self._hand_out(fn, jobs, pending)
                busy = [w for w in self.workers if w.job is not None]
                wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
                for worker in busy:
                    self._read(worker)
                    if not worker.process.is_alive():
                        self._bury(worker, pending)
        except BaseException:
            self.stop()  # workers may be mid-job: do not leave them running
            raise
        return [self.outcomes[i] for i in range(len(jobs))]

    def _hand_out(self, fn: UnitFunction[Any, Any], jobs: Sequence[Any], pending: deque[int]) -> None:
        """Give every idle worker a pending job, starting workers up to the pool's size."""
        for worker in [w for w in self.workers if w.job is None and not w.process.is_alive()]:
            self._bury(worker, pending)
        busy = sum(w.job is not None for w in self.workers)
        while len(self.workers) < min(self.size, busy + len(pending)):
            self.workers.append(self._start())
        for worker in self.workers:
            if worker.job is None and pending:
                job = pending.popleft()
                self.attempts[job] += 1
                worker.job, worker.reported = job, [0, 0]
                worker.conn.send((fn, jobs[job]))

    def _start(self) -> _Worker:
        parent_end, child_end = self.context.Pipe()
        process = self.context.Process(target=_serve, args=(child_end,), daemon=True)
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def _read(self, worker: _Worker) -> None:
        """Act on every message the worker has sent: progress, a value or a failure."""
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                if message[0] == "progress":
                    _, documents, input_bytes = message
                    worker.reported[0] += documents
                    worker.reported[1] += input_bytes
                    self.on_progress(documents, input_bytes)
                elif worker.job is not None:
                    _, value, failure = message
                    self._finish(worker.job, Outcome(value, failure, self.attempts[worker.job]))
                    worker.job = None
        except (EOFError, OSError):
            return  # the worker is gone; its sentinel says so

    def _bury(self, worker: _Worker, pending: deque[int]) -> None:
        """A worker died: run its job again, or report it failed after the retries."""
        worker.process.join()
        worker.conn.close()
        self.workers.remove(worker)
        job = worker.job
        if job is None:
            return
        self.on_progress(-worker.reported[0], -worker.reported[1])
        if self.attempts[job] <= self.retries:
            pending.appendleft(job)
            return
        times = "once" if self.attempts[job] == 1 else f"on all {self.attempts[job]} attempts"
        failure = f"the worker process {_how_it_ended(worker.process.exitcode)} ({times})"
        self._finish(job, Outcome(failure=failure, attempts=self.attempts[job]))

    def _finish(self, job: int, outcome: Outcome[Any]) -> None:
        self.outcomes[job] = outcome
        if self.on_done:
            self.on_done(job, outcome)

    def stop(self) -> None:
        """Ask every worker to exit, and kill those that do not."""
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in self.workers:
            worker.process.join(EXIT_SECONDS)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.workers = []


def _serve(conn: Connection) -> None:
    """A worker process: run each job the parent sends, until it sends None."""
    while (task := conn.recv()) is not None:
        fn, job = task

        def report(documents: int, input_bytes: int) -> None:
            conn.send(("progress", documents, input_bytes))

        outcome = run_here(fn, job, report)
        conn.send(("end", outcome.value, outcome.failure))


def _how_it_ended(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"was killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"was killed by signal {-exitcode}"
    return f"exited with code {exitcode}"


class RayExecutor:
    """Jobs as Ray tasks, on the cluster at ``address`` or, without one, on a Ray
    instance started here with ``workers`` CPUs. Ray runs a task whose worker died
    again ``retries`` times; progress is reported as each task finishes.

    The unit function, its jobs and the paths they name must make sense on every
    node: the package installed there, inputs and output on a shared filesystem.
    """

    def __init__(
        self, address: str | None = None, workers: int | None = None, retries: int = RETRIES
    ) -> None:
        self.address = address
        self.workers = workers
        self.retries = retries
        self._entered = self._started_here = False

    def map(
        self,
        fn: UnitFunction[J, R],
        jobs: Sequence[J],
        *,
        on_progress: OnProgress | None = None,
        on_done: Callable[[int, Outcome[R]], None] | None = None,
    ) -> list[Outcome[R]]:
        if not self._entered:
            with self:
                return self.map(fn, jobs, on_progress=on_progress, on_done=on_done)
        ray = import_ray()
        task = ray.remote(num_cpus=1, max_retries=self.retries)(_ray_job)
        refs = {task.remote(fn, job): i for i, job in enumerate(jobs)}
        outcomes: dict[int, Outcome[R]] = {}
        while refs:
            ready, _ = ray.wait(list(refs), num_returns=1)
            for ref in ready:
                i = refs.pop(ref)
                outcomes[i] = self._outcome(ray, ref, on_progress or _nothing)
                if on_done:
                    on_done(i, outcomes[i])
        return [outcomes[i] for i in range(len(jobs))]

    def __enter__(self) -> RayExecutor:
        """Connect to the cluster, or start Ray here (unless this process already has)."""
        ray = import_ray()
        self._started_here = not ray.is_initialized()
        if self._started_here:
            ray.init(
                address=self.address,
                num_cpus=None if self.address else self.workers,
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.WARNING,
            )
        self._entered = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._started_here:
            import_ray().shutdown()
        self._entered = self._started_here = False

    def _outcome(self, ray: Any, ref: Any, on_progress: OnProgress) -> Outcome[R]:
        try:
            outcome, documents, input_bytes = ray.get(ref)
        except ray.exceptions.RayError as exc:
            attempts = self.retries + 1
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            failure = f"the Ray task failed on all {attempts} attempts: {first_line}"
            return Outcome(failure=failure, attempts=attempts)
        on_progress(documents, input_bytes)
        return outcome  # type: ignore[no-any-return]


def _ray_job(fn: UnitFunction[J, R], job: J) -> tuple[Outcome[R], int, int]:
    """One job in a Ray worker: its outcome, and the documents and bytes it reported."""
    totals = [0, 0]

    def report(documents: int, input_bytes: int) -> None:
        totals[0] += documents
        totals[1] += input_bytes

    return run_here(fn, job, report), totals[0], totals[1]


def import_ray() -> Any:
    """The ``ray`` module, or an error saying how to install it."""
    try:
        import ray  # noqa: PLC0415 - an optional extra, imported only when asked for
    except ImportError as exc:
        raise ImportError("--executor ray needs Ray: pip install 'corpus-clean[ray]'") from exc
    return ray
