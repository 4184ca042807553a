"""The stages of the pipeline, one module each, and the default order."""

from __future__ import annotations

from pipeline.rules import RuleSet
from pipeline.stages.base import Stage
from pipeline.stages.classify_blocks import ClassifyBlocks
from pipeline.stages.dedupe_blocks import DedupeBlocks
from pipeline.stages.detect_language import DetectLanguage
from pipeline.stages.select_main import SelectMain
from pipeline.stages.strip_author_box import StripAuthorBox
from pipeline.stages.strip_elements import StripElements
from pipeline.stages.strip_islands import StripIslands
from pipeline.stages.strip_rules import StripRules
from pipeline.stages.strip_sections import StripSections

__all__ = ["Stage", "default_stages"]


def default_stages(rules: RuleSet) -> list[Stage]:
    """The standard stages in order.

    Element rules, main region, text rules, author box, context, stranded
    text, tail, copies, language.
    """
    return [
        StripElements(rules),
        SelectMain(),
        StripRules(rules),
        StripAuthorBox(),
        ClassifyBlocks(),
        StripIslands(),
        StripSections(rules),
        DedupeBlocks(),
        DetectLanguage(),
    ]
