"""corpus-clean: boilerplate removal for scraped pages, with every removal explained."""

from __future__ import annotations

from pipeline.api import (
    Explanation,
    Result,
    clean_file,
    clean_html,
    clean_text,
    explain,
    read_blocks,
    read_documents,
    run,
)
from pipeline.compare import BlockDiff, Comparison, compare
from pipeline.model import Block, Category, Doc, Record, Status
from pipeline.plot import RunPlots, plot_run
from pipeline.rules import Rule, RuleSet, load_rules
from pipeline.runner import Pipeline
from pipeline.version import __version__

__all__ = [
    "Block",
    "BlockDiff",
    "Category",
    "Comparison",
    "Doc",
    "Explanation",
    "Pipeline",
    "Record",
    "Result",
    "Rule",
    "RuleSet",
    "RunPlots",
    "Status",
    "__version__",
    "clean_file",
    "clean_html",
    "clean_text",
    "compare",
    "explain",
    "load_rules",
    "plot_run",
    "read_blocks",
    "read_documents",
    "run",
]
