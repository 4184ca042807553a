"""Exceptions, each carrying what went wrong and where.

PipelineError
├── InputError      an input file that cannot be read or decoded (becomes an error row)
├── RuleError       a rule file that is malformed (fails at load, naming file and rule)
├── StageError      a stage that broke its contract (returned something other than a Doc)
└── TimeLimitError  a document that took longer than the time limit (becomes an error row)
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(PipelineError):
    """An input could not be read or decoded; the message names the reason."""


class RuleError(PipelineError):
    """A rule file is invalid: says which file, which rule and what is wrong."""

    def __init__(self, path: str, rule_id: str | None, problem: str) -> None:
        self.path = path
        self.rule_id = rule_id
        self.problem = problem
        where = f"{path}: rule {rule_id!r}" if rule_id else path
        super().__init__(f"{where}: {problem}")


class StageError(PipelineError):
    """A stage returned something other than the Doc it was given."""


class TimeLimitError(PipelineError):
    """A document took longer than the per-document time limit; says which step it was in."""

    def __init__(self, seconds: float, step: str) -> None:
        self.seconds = seconds
        self.step = step
        super().__init__(
            f"took longer than {seconds:g} s while {step}; the time limit is {seconds:g} s per document "
            "(--time-limit SECONDS, 0 for none)"
        )


def size_text(n: int) -> str:
    """A byte count as error messages say it: ``64 MiB``, ``512 bytes``."""
    return f"{n / 2**20:g} MiB" if n >= 2**20 else f"{n:,} bytes"
