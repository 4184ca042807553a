"""Counters a run keeps: per stage, per rule, per category and per status.

:class:`RunStats` is plain data so that workers can return it and the
parent can merge it; ``to_dict`` is what the manifest stores.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from pipeline.model import Doc


@dataclass(slots=True)
class StageStats:
    """What one stage did over a run."""

    docs: int = 0
    seconds: float = 0.0
    blocks_removed: int = 0
    chars_removed: int = 0
    guard_undone: int = 0

    def merge(self, other: StageStats) -> None:
        self.docs += other.docs
        self.seconds += other.seconds
        self.blocks_removed += other.blocks_removed
        self.chars_removed += other.chars_removed
        self.guard_undone += other.guard_undone


@dataclass(slots=True)
class RunStats:
    """Counts and timings of a run, mergeable across workers."""

    stages: dict[str, StageStats] = field(default_factory=lambda: defaultdict(StageStats))
    status: Counter[str] = field(default_factory=Counter)
    chars_in: int = 0
    chars_out: int = 0
    removed_by_category: Counter[str] = field(default_factory=Counter)
    removed_by_rule: Counter[str] = field(default_factory=Counter)
    blocks_by_rule: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[str, str]] = field(default_factory=list)
    #: Archive records that are not pages (WARC requests, images, redirects...), by reason.
    skipped: Counter[str] = field(default_factory=Counter)

    def stage(self, name: str) -> StageStats:
        return self.stages[name]

    def add_doc(self, doc: Doc) -> None:
        """Count a finished document: its status, characters and removals."""
        self.status[doc.status.value] += 1
        if doc.error:
            self.errors.append((doc.source_path, doc.error))
        self.chars_in += doc.chars_in
        self.chars_out += doc.chars_out
        for block in doc.blocks:
            if not block.kept and block.category is not None and block.rule_id is not None:
                self.removed_by_category[block.category.value] += len(block.text)
                self.removed_by_rule[block.rule_id] += len(block.text)
                self.blocks_by_rule[block.rule_id] += 1

    def merge(self, other: RunStats) -> None:
        for name, stats in other.stages.items():
            self.stages[name].merge(stats)
        self.status.update(other.status)
        self.chars_in += other.chars_in
        self.chars_out += other.chars_out
        self.removed_by_category.update(other.removed_by_category)
        self.removed_by_rule.update(other.removed_by_rule)
        self.blocks_by_rule.update(other.blocks_by_rule)
        self.errors.extend(other.errors)
        self.skipped.update(other.skipped)

    @property
    def docs(self) -> int:
        return sum(self.status.values())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunStats:
        """The inverse of :meth:`to_dict`, for stats stored beside a shard."""
        stats = cls()
        stats.status.update(data["status"])
        stats.chars_in = data["chars_in"]
        stats.chars_out = data["chars_out"]
        stats.removed_by_category.update(data["removed_chars_by_category"])
        stats.removed_by_rule.update(data["removed_chars_by_rule"])
        stats.blocks_by_rule.update(data["removed_blocks_by_rule"])
        for name, values in data["stages"].items():
            stats.stages[name] = StageStats(**values)
        stats.errors = [(e["source_path"], e["error"]) for e in data["errors"]]
        stats.skipped.update(data["skipped"])
        return stats

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form, keys sorted so that equal stats give equal JSON."""
        return {
            "docs": self.docs,
            "status": dict(sorted(self.status.items())),
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "removed_chars_by_category": dict(sorted(self.removed_by_category.items())),
            "removed_chars_by_rule": dict(sorted(self.removed_by_rule.items())),
            "removed_blocks_by_rule": dict(sorted(self.blocks_by_rule.items())),
            "stages": {
                name: {
                    "docs": s.docs,
                    "seconds": round(s.seconds, 3),
                    "blocks_removed": s.blocks_removed,
                    "chars_removed": s.chars_removed,
                    "guard_undone": s.guard_undone,
                }
                for name, s in self.stages.items()
            },
            "errors": [{"source_path": p, "error": e} for p, e in sorted(self.errors)],
            "skipped": dict(sorted(self.skipped.items())),
        }
