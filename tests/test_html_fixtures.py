"""Real-looking HTML pages per removal category, cleaned by the full default pipeline.

Every page in ``fixtures/html/<category>.html`` (and ``<category>-<variant>.html``
for more pages of one category) marks its own expectations
(trafilatura's with/without snippets, plus the rule that must fire):

* ``data-expect="keep"``: every block under the element is kept, its text in the clean text;
* ``data-expect="drop:<rule_id>"``: every block under it is removed by that rule;
* ``data-expect="drop"``: every block under it is removed, by whichever rule.

The innermost marked element decides for a block; blocks under no mark are
not checked. The pipeline reads only ``class``, ``id``, ``role`` and
``itemprop``, never ``data-expect``; a test below checks that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES
from lxml import etree

from pipeline import clean_html
from pipeline.api import Result
from pipeline.rules import RuleSet
from pipeline.segment.html import parse_html, xpath_of

HTML_FIXTURES = FIXTURES / "html"
PAGES = sorted(HTML_FIXTURES.glob("*.html"))
EXPECT = "data-expect"
EXPECT_ATTRIBUTE = re.compile(r'\sdata-expect="[^"]*"')

#: Expectations the pipeline does not meet yet, by test id: kept so that they
#: show, marked so that the suite stays green (strict: one that starts passing fails).
_RELATED_DATE = (
    "category: Jetpack's related-post date <p class='jp-relatedposts-post-date'> carries both the "
    "widget's name and 'post date'; byline.meta-class loads before related.related-class, so the date "
    "of a related post is removed as byline"
)
KNOWN_FAILURES: dict[str, str] = {
    "related:drop:related.related-class:january-14-2025": _RELATED_DATE,
    "related:drop:related.related-class:december-2-2024": _RELATED_DATE,
    "related:drop:related.related-class:river-levels-fall-after-a-dry-month-scho": (
        "category: in WordPress's post navigation the innermost named elements are "
        "<div class='nav-previous'>/<div class='nav-next'>, which nav.menu-class ('nav') names before "
        "related.related-class sees 'nav links' and 'post navigation' on the elements around them"
    ),
}


@dataclass(frozen=True, slots=True)
class Expectation:
    """One marked element of a fixture page and the blocks it decides."""

    page: str
    xpath: str
    tag: str
    expect: str
    text: str


def category_of(path: Path) -> str:
    return path.stem.split("-", 1)[0]


def expectations(path: Path) -> list[Expectation]:
    root = parse_html(path.read_text(encoding="utf-8"))
    found = []
    for element in root.iter(etree.Element):
        expect = element.get(EXPECT)
        if expect is not None:
            text = " ".join("".join(element.itertext()).split())
            found.append(Expectation(path.stem, xpath_of(element), element.tag, expect, text))
    return found


def expectation_ids(found: list[Expectation]) -> list[str]:
    """Test ids: page, expectation and the first words of the text (numbered when repeated)."""
    ids: list[str] = []
    for e in found:
        words = re.sub(r"[^a-z0-9]+", "-", e.text.lower()).strip("-")[:40].rstrip("-")
        base = f"{e.page}:{e.expect}:{words}"
        ids.append(base if base not in ids else f"{base}-{sum(i.startswith(base) for i in ids) + 1}")
    return ids


ALL_EXPECTATIONS = [e for path in PAGES for e in expectations(path)]
IDS = expectation_ids(ALL_EXPECTATIONS)
PARAMS = [
    pytest.param(
        e,
        id=test_id,
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[test_id])]
        if test_id in KNOWN_FAILURES
        else [],
    )
    for e, test_id in zip(ALL_EXPECTATIONS, IDS, strict=True)
]


@cache
def cleaned(page: str) -> Result:
    return clean_html((HTML_FIXTURES / f"{page}.html").read_text(encoding="utf-8"))


def decided_blocks(e: Expectation) -> pd.DataFrame:
    """The blocks under ``e``'s element that no inner marked element decides."""
    blocks = cleaned(e.page).blocks
    inner = [
        other.xpath
        for other in ALL_EXPECTATIONS
        if other.page == e.page and other.xpath.startswith(e.xpath + "/")
    ]

    def mine(xpath: str) -> bool:
        under = xpath == e.xpath or xpath.startswith(e.xpath + "/")
        return under and not any(xpath == x or xpath.startswith(x + "/") for x in inner)

    return blocks[blocks["xpath"].map(mine)]


@pytest.mark.parametrize("e", PARAMS)
def test_fixture_expectation(e: Expectation) -> None:
    mine = decided_blocks(e)
    assert len(mine), f"<{e.tag}> {e.text[:60]!r} gave no block of its own"
    result = cleaned(e.page)
    if e.expect == "keep":
        removed = mine[~mine["kept"]]
        assert removed.empty, removed[["text", "rule_id", "detail"]].to_string()
        for text in mine["text"]:
            assert text in result.text
        return
    kind, _, rule_id = e.expect.partition(":")
    assert kind == "drop", f"bad {EXPECT} value {e.expect!r}"
    wrong = mine[mine["kept"] | (mine["rule_id"] != rule_id)] if rule_id else mine[mine["kept"]]
    assert wrong.empty, wrong[["text", "kept", "rule_id", "detail"]].to_string()
    if rule_id:
        assert (mine["category"] == rule_id.split(".", 1)[0]).all()
    for text in mine["text"]:
        assert text not in result.text.split("\n\n")


# The fixtures themselves


def test_known_failures_name_existing_expectations() -> None:
    assert set(KNOWN_FAILURES) <= set(IDS)
    assert len(set(IDS)) == len(IDS)


def test_every_category_with_element_rules_has_a_fixture_page(rules: RuleSet) -> None:
    categories = {r.category.value for r in rules.rules if r.element is not None}
    assert {category_of(p) for p in PAGES} == categories


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_each_page_keeps_and_drops_its_category(path: Path, rules: RuleSet) -> None:
    marks = [e.expect for e in expectations(path)]
    assert "keep" in marks
    assert all(m in ("keep", "drop") or m.startswith("drop:") for m in marks), marks
    dropped = [m.partition(":")[2] for m in marks if m.startswith("drop:")]
    assert any(rule_id.split(".", 1)[0] == category_of(path) for rule_id in dropped)
    for rule_id in dropped:
        # select_main's ids are made by the stage, not in the rule files
        if not rule_id.endswith(".outside-main") and rule_id != "duplicate.title-copy":
            rules.by_id(rule_id)  # a rule that exists, not a typo


def test_every_element_rule_must_fire_on_some_fixture(rules: RuleSet) -> None:
    expected = {e.expect.partition(":")[2] for e in ALL_EXPECTATIONS if e.expect.startswith("drop:")}
    element_rules = {r.id for r in rules.rules if r.element is not None and r.domain is None}
    assert element_rules <= expected, f"no fixture expects {sorted(element_rules - expected)}"


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_data_expect_does_not_influence_the_pipeline(path: Path) -> None:
    marked = path.read_text(encoding="utf-8")
    plain = EXPECT_ATTRIBUTE.sub("", marked)
    assert plain != marked
    assert not any(e.get(EXPECT) for e in parse_html(plain).iter(etree.Element))
    columns = ["text", "kept", "category", "rule_id", "stage", "detail", "xpath"]
    pd.testing.assert_frame_equal(cleaned(path.stem).blocks[columns], clean_html(plain).blocks[columns])
