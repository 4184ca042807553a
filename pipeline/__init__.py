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
)
from pipeline.model import Block, Category, Doc, Record, Status
from pipeline.rules import Rule, RuleSet, load_rules
from pipeline.runner import Pipeline

__version__ = "0.1.0"

__all__ = [
    "Block",
    "Category",
    "Doc",
    "Explanation",
    "Pipeline",
    "Record",
    "Result",
    "Rule",
    "RuleSet",
    "Status",
    "__version__",
    "clean_file",
    "clean_html",
    "clean_text",
    "explain",
    "load_rules",
    "read_blocks",
    "read_documents",
]
