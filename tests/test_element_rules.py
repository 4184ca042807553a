"""Element conditions of a rule: what element they name, why, and the HTML examples they are checked on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.element_rules import ElementMatch, build_element_match, example_elements, is_element_rule
from pipeline.errors import RuleError
from pipeline.model import Element
from pipeline.rules import RuleSet, load_rules
from pipeline.segment.html import segment_html

RID = "sidebar.test"


def element(
    tag: str = "div",
    tokens: str = "",
    role: str = "",
    *,
    in_main: bool = False,
    selected: tuple[str, ...] = (),
) -> Element:
    return Element(
        tag=tag, tokens=tokens, role=role, parent=None, depth=0, in_main=in_main, selected=selected
    )


def match(**table: Any) -> ElementMatch:
    return build_element_match("rules/sidebar.toml", RID, table)


# Which tables are element rules


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"tags": ["nav"]}, True),
        ({"roles": ["search"]}, True),
        ({"class_id": "sidebar"}, True),
        ({"selector": "div.x"}, True),
        ({"text": "^share$"}, False),
        ({"text": "^share$", "outside_main": True}, False),  # outside_main alone is no condition
    ],
)
def test_element_conditions_make_an_element_rule(table: dict[str, Any], expected: bool) -> None:
    assert is_element_rule(table) is expected


# Conditions and the detail they give


def test_tags_name_elements_by_tag() -> None:
    nav = match(tags=["nav", "NAV ", "menu"])
    assert nav.tags == frozenset({"nav", "menu"})
    assert nav.detail(element("nav"), RID) == "<nav> element"
    assert nav.detail(element("menu"), RID) == "<menu> element"
    assert nav.detail(element("div", "nav"), RID) is None


def test_roles_name_elements_by_aria_role() -> None:
    roles = match(roles=["Navigation", "search"])
    assert roles.detail(element("div", role="navigation"), RID) == "<div> role=navigation"
    assert roles.detail(element("form", role="search"), RID) == "<form> role=search"
    assert roles.detail(element("div", role="region"), RID) is None
    assert roles.detail(element("nav"), RID) is None  # an implicit role is not a role attribute


def test_class_id_is_searched_in_the_words_and_quoted_in_the_detail() -> None:
    related = match(class_id=r"\b(?:related|recent posts)\b")
    assert related.detail(element("div", "widget recent posts"), RID) == "<div> class/id 'recent posts'"
    assert related.detail(element("section", "jp related posts"), RID) == "<section> class/id 'related'"
    assert related.detail(element("div", "unrelated"), RID) is None  # words, not substrings
    assert related.detail(element("div", ""), RID) is None


def test_a_selector_names_the_elements_it_selected_for_this_rule() -> None:
    strip = match(selector=" div.partner-strip ")
    assert strip.selector == "div.partner-strip"
    assert strip.xpath is not None
    assert strip.detail(element(selected=(RID,)), RID) == "<div> selector 'div.partner-strip'"
    assert strip.detail(element(selected=("ad.other",)), RID) is None
    assert strip.detail(element(), RID) is None


def test_outside_main_spares_elements_in_the_main_content() -> None:
    aside = match(tags=["aside"], outside_main=True)
    assert aside.detail(element("aside"), RID) == "<aside> outside the main content"
    assert aside.detail(element("aside", in_main=True), RID) is None


def test_conditions_are_anded_and_every_reason_is_given() -> None:
    rail = match(tags=["div", "aside"], roles=["complementary"], class_id=r"\brail\b", outside_main=True)
    hit = element("div", "right rail", "complementary")
    assert rail.detail(hit, RID) == "<div> class/id 'rail', role=complementary, outside the main content"
    assert rail.detail(element("section", "right rail", "complementary"), RID) is None
    assert rail.detail(element("div", "right column", "complementary"), RID) is None
    assert rail.detail(element("div", "right rail"), RID) is None
    assert rail.detail(element("div", "right rail", "complementary", in_main=True), RID) is None


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ({"tags": ["b"]}, "inline text markup"),
        ({"tags": "nav"}, "tags must be a list of names"),
        ({"roles": [3]}, "roles must be a list of names"),
        ({"class_id": "[unclosed"}, "not a valid regular expression"),
        ({"class_id": "x*"}, "matches the empty string"),
        ({"class_id": 5}, "class_id must be a non-empty regular expression"),
        ({"selector": "div >"}, "not a valid CSS selector"),
        ({"selector": ["div"]}, "selector must be a non-empty CSS selector string"),
        ({"tags": ["aside"], "outside_main": 1}, "outside_main must be true or false"),
    ],
)
def test_bad_conditions_fail_naming_file_rule_and_problem(table: dict[str, Any], problem: str) -> None:
    with pytest.raises(RuleError) as info:
        match(**table)
    assert (info.value.path, info.value.rule_id) == ("rules/sidebar.toml", RID)
    assert problem in str(info.value)
    assert "rules/sidebar.toml" in str(info.value) and RID in str(info.value)


# Examples


def test_example_elements_come_outermost_first_without_inline_markup() -> None:
    found = example_elements(
        '<div class="related-posts"><h3>More <em>stories</em></h3><ul><li><a href="/a">A</a></li></ul></div>',
        RID,
        None,
    )
    assert [(e.tag, e.tokens) for e in found] == [
        ("div", "related posts"),
        ("h3", ""),
        ("ul", ""),
        ("li", ""),
    ]
    outer, h3, ul, li = found
    assert outer.parent is not None and outer.parent.tag == "body"  # the page around the snippet
    assert h3.parent is outer and ul.parent is outer and li.parent is ul
    assert all(e.selected == () for e in found)


def test_example_elements_of_several_top_level_elements_keep_document_order() -> None:
    found = example_elements(
        '<ins class="adsbygoogle"></ins><div id="taboola-below"><p>x</p></div>', RID, None
    )
    assert [e.tag for e in found] == ["div", "p"]  # <ins> is inline: the div is the outermost block element


def test_example_elements_see_main_landmarks_as_a_page_would() -> None:
    found = example_elements("<article><p>Body.</p><aside><p>Note.</p></aside></article>", RID, None)
    assert [(e.tag, e.in_main) for e in found] == [
        ("article", True),
        ("p", True),
        ("aside", True),
        ("p", True),
    ]


def test_example_elements_record_what_a_selector_selects() -> None:
    strip = match(selector="div.partner-strip")
    found = example_elements('<div class="partner-strip"><div class="inner">x</div></div>', RID, strip.xpath)
    assert [e.selected for e in found] == [(RID,), ()]


def test_a_selector_with_a_combinator_can_be_exemplified(tmp_path: Path) -> None:
    content = """
[[rules]]
id = "ad.partner-list"
why = "The list of partner offers under articles of harbourgazette.example."
selector = "div.hg-partners > ul"
must_match = ['<div class="hg-partners"><ul><li>Boat tours</li></ul></div>']
must_not_match = ['<div class="hg-partners"><p>From our partners</p></div>']
"""
    loaded = load_rules(write(tmp_path, "sites/harbourgazette.example.toml", content))
    assert loaded.by_id("ad.partner-list").element is not None


def test_an_example_of_text_or_inline_markup_holds_no_element() -> None:
    assert example_elements("Only words.", RID, None) == []
    assert example_elements('<span class="sidebar">Words</span>', RID, None) == []


# Rule sets: which element rule names an element


def write(folder: Path, name: str, content: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return folder


SIDEBAR_RULES = """
[[rules]]
id = "sidebar.aside-element"
why = "Asides outside the article."
tags = ["aside"]
outside_main = true
must_match = ['<aside><p>Archives</p></aside>']
must_not_match = ['<article><aside><p>A note.</p></aside></article>']

[[rules]]
id = "sidebar.sidebar-class"
why = "Sidebars by class."
class_id = '\\bsidebar\\b'
must_match = ['<div class="sidebar"><p>Archives</p></div>']
must_not_match = ['<div class="content"><p>Text.</p></div>']
"""
SITE_RULES = """
[[rules]]
id = "ad.partner-strip"
why = "The partner strip of harbourgazette.example."
selector = "div.partner-strip"
must_match = ['<div class="partner-strip"><p>Offers</p></div>']
must_not_match = ['<div class="strip"><p>Offers</p></div>']
"""


@pytest.fixture
def ruleset(tmp_path: Path) -> RuleSet:
    write(tmp_path, "sidebar.toml", SIDEBAR_RULES)
    return load_rules(write(tmp_path, "sites/harbourgazette.example.toml", SITE_RULES))


def test_the_first_rule_in_load_order_names_an_element(ruleset: RuleSet) -> None:
    aside = element("aside", "sidebar")
    found = ruleset.element_match(aside)
    assert found is not None
    rule, detail = found
    assert (rule.id, detail) == ("sidebar.aside-element", "<aside> outside the main content")
    in_article = element("aside", "sidebar", in_main=True)
    found = ruleset.element_match(in_article)
    assert found is not None and found[0].id == "sidebar.sidebar-class"
    assert ruleset.element_match(element("div", "content")) is None


def test_selector_site_rules_name_elements_only_on_their_host(ruleset: RuleSet) -> None:
    assert set(ruleset.selectors) == {"ad.partner-strip"}
    strip = element(selected=("ad.partner-strip",))
    found = ruleset.element_match(strip, "www.harbourgazette.example")
    assert found is not None
    assert found == (ruleset.by_id("ad.partner-strip"), "<div> selector 'div.partner-strip'")
    assert ruleset.element_match(strip, "other.example") is None
    assert ruleset.element_match(strip, None) is None


def test_text_rules_never_name_elements(rules: RuleSet) -> None:
    # Class words that a text rule would match as a line (nav.skip-link, cookie.consent-button)
    # name no element unless an element rule says so.
    assert rules.element_match(element("div", "skip to main content")) is None
    assert rules.element_match(element("div", "accept all")) is None
    found = rules.element_match(element("div", "share"))
    assert found is not None and found[0].id == "social.share-class"
    assert found[0].element is not None


def test_element_match_answers_alike_for_alike_elements(rules: RuleSet) -> None:
    # Elements of the same tag, words, role, place and selection get the same answer (it is remembered).
    first = rules.element_match(element("div", "related posts"))
    again = rules.element_match(element("div", "related posts"))
    assert first is not None and first == again
    assert rules.element_match(element("aside")) != rules.element_match(element("aside", in_main=True))


def test_an_element_with_no_words_role_or_selection_is_named_only_by_its_tag(rules: RuleSet) -> None:
    # The shortcut for bare elements must not hide rules that name a tag alone.
    assert rules.element_match(element("div")) is None
    assert rules.element_match(element("p")) is None
    bare_nav = rules.element_match(element("nav"))
    assert bare_nav is not None and bare_nav[0].id.startswith("nav.")
    tag_only = [
        r
        for r in rules.rules
        if r.element and r.element.tags and not (r.element.class_id or r.element.roles or r.element.selector)
    ]
    assert tag_only, "the shipped rules name some elements by tag alone"
    for rule in tag_only:
        assert rule.element is not None
        for tag in rule.element.tags:
            assert rules.element_match(element(tag)) is not None, (rule.id, tag)


def fixture_elements() -> list[Element]:
    """Every element of the HTML fixture pages, with its words, role and place."""
    pages = sorted((Path(__file__).parent / "fixtures" / "html").glob("*.html"))
    elements: dict[int, Element] = {}
    for page in pages:
        blocks, _ = segment_html(page.read_text(encoding="utf-8"))
        for block in blocks:
            for e in block.element.ancestors() if block.element else []:
                elements[id(e)] = e
    return list(elements.values())


def test_element_match_finds_what_trying_every_rule_in_order_finds(rules: RuleSet) -> None:
    """The memo, the tag index and the class/id literal prefilter change nothing."""
    elements = fixture_elements()
    assert len(elements) > 100
    named = 0
    for e in elements:
        expected = next(
            ((r, d) for r in rules.rules if r.element and (d := r.element.detail(e, r.id)) is not None),
            None,
        )
        assert rules.element_match(e) == expected, e.describe()
        named += expected is not None
    assert named > 20
