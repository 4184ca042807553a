"""The declarative rules: the shipped files load, their examples hold, bad files fail clearly."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeRecord

from pipeline.element_rules import example_elements
from pipeline.errors import RuleError
from pipeline.model import Category
from pipeline.rules import WORD, RuleSet, default_rules_dir, load_rules, normalise, rule_files
from pipeline.runner import Pipeline
from pipeline.stages.strip_rules import StripRules

SHIPPED = default_rules_dir()


def shipped_tables() -> list[dict[str, Any]]:
    """Every [[rules]] table of the shipped files, as written (examples included)."""
    tables = []
    for path in rule_files(SHIPPED):
        tables.extend(tomllib.loads(path.read_text(encoding="utf-8")).get("rules", []))
    return tables


ENABLED_TABLES = [t for t in shipped_tables() if t.get("enabled", True)]


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(value)


def rule_toml(**fields: object) -> str:
    """One [[rules]] table: a valid cookie rule, with ``fields`` overriding (None drops a key)."""
    table: dict[str, object] = {
        "id": "cookie.test-banner",
        "why": "A banner used by these tests.",
        "text": r"\bcookie banner\b",
        "max_words": 30,
        "must_match": ["This is a cookie banner."],
        "must_not_match": ["A banner about cookies."],
    }
    table.update(fields)
    lines = ["[[rules]]"] + [f"{k} = {toml_value(v)}" for k, v in table.items() if v is not None]
    return "\n".join(lines) + "\n"


def write_rules(folder: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return folder


# The shipped rules


def test_shipped_rules_load(rules: RuleSet) -> None:
    assert rules.rules
    assert len(rules.sha256) == 64
    ids = [r.id for r in rules.rules]
    assert len(ids) == len(set(ids))
    for rule in rules.rules:
        assert rule.id.split(".", 1)[0] == rule.category.value
        assert rule.why
        assert Path(rule.source).stem == rule.category.value or rule.domain is not None


def test_shipped_rules_cover_the_seed_categories(rules: RuleSet) -> None:
    # The categories the seed labels use all have rules of their own.
    seed_categories = {"nav", "social", "related", "cookie", "newsletter", "author_bio", "byline", "tags"}
    seed_categories |= {"footer", "search", "ad"}
    assert seed_categories <= {r.category.value for r in rules.rules}


@pytest.mark.parametrize("table", ENABLED_TABLES, ids=[t["id"] for t in ENABLED_TABLES])
def test_shipped_rule_examples_behave_as_declared(rules: RuleSet, table: dict[str, Any]) -> None:
    rule = rules.by_id(table["id"])
    assert table["must_match"], "every rule needs at least one must_match example"
    assert table["must_not_match"], "every rule needs at least one must_not_match example"
    if rule.element is None:
        assert "text" in table
        for example in table["must_match"]:
            assert rule.matches(normalise(example)), f"{rule.id} should match {example!r}"
        for example in table["must_not_match"]:
            assert not rule.matches(normalise(example)), f"{rule.id} should not match {example!r}"
        return
    # An element rule: examples are HTML; a must_match example's outermost element
    # must match, and no element of a must_not_match example may.
    assert rule.pattern is None and not rule.matches(normalise(table["must_match"][0]))
    element = rule.element
    for example in table["must_match"]:
        elements = example_elements(example, rule.id, element.xpath)
        assert elements, f"{rule.id}: {example!r} holds no block element"
        detail = element.detail(elements[0], rule.id)
        assert detail is not None, f"{rule.id} should match the outermost element of {example!r}"
        assert detail.startswith(f"<{elements[0].tag}> ")
    for example in table["must_not_match"]:
        for candidate in example_elements(example, rule.id, element.xpath):
            detail = element.detail(candidate, rule.id)
            assert detail is None, f"{rule.id} should not match <{candidate.tag}> of {example!r}: {detail}"


def test_shipped_rules_have_element_rules_for_html(rules: RuleSet) -> None:
    element_rules = [r for r in rules.rules if r.element is not None]
    assert {r.category for r in element_rules} >= {Category.NAV, Category.FOOTER, Category.SIDEBAR}
    assert rules.by_id("sidebar.aside-element").element is not None
    assert rules.by_id("cookie.we-use-cookies").element is None


def test_max_words_keeps_a_rule_off_long_blocks(rules: RuleSet) -> None:
    rule = rules.by_id("cookie.we-use-cookies")
    assert rule.max_words is not None
    banner = "We use cookies to improve your experience."
    assert rule.matches(normalise(banner))
    essay = banner + " More words about baking." * rule.max_words
    assert not rule.matches(normalise(essay))


def test_normalise_drops_bullets_and_collapses_space() -> None:
    assert normalise("  •  Accept   all\t") == "Accept all"
    assert normalise("* Home") == "Home"
    assert normalise("3. Contact us") == "Contact us"
    assert normalise("No bullet here") == "No bullet here"


# Malformed rule files


RID = "cookie.test-banner"
MALFORMED = [
    pytest.param("cookie.toml", "[[rules]]\nid = 'cookie.x'\nwhy = \n", None, "TOML", id="invalid-toml"),
    pytest.param("cookie.toml", rule_toml(id="Cookie.Bad Id"), "Cookie.Bad Id", "category.slug", id="bad-id"),
    pytest.param("recipe.toml", rule_toml(id="recipe.x"), "recipe.x", "unknown category", id="category"),
    pytest.param("cookie.toml", rule_toml(id="nav.test-menu"), "nav.test-menu", "nav.toml", id="wrong-file"),
    pytest.param("cookie.toml", rule_toml(text="(unclosed"), RID, "regular expression", id="bad-regex"),
    pytest.param("cookie.toml", rule_toml(text="(?:cookie)?"), RID, "empty string", id="matches-empty"),
    pytest.param("cookie.toml", rule_toml(why=None), RID, "why", id="missing-why"),
    pytest.param("cookie.toml", rule_toml(must_match=["Nothing here."]), RID, "must_match", id="must-match"),
    pytest.param(
        "cookie.toml",
        rule_toml(must_not_match=["A cookie banner."]),
        RID,
        "must_not_match",
        id="must-not-match",
    ),
    pytest.param("cookie.toml", rule_toml(maxwords=3), RID, "maxwords", id="unknown-key"),
    pytest.param("cookie.toml", rule_toml(max_words=0), RID, "max_words", id="max-words-not-positive"),
    pytest.param("cookie.toml", rule_toml(section="yes"), RID, "section", id="section-not-a-flag"),
]


@pytest.mark.parametrize(("name", "content", "rule_id", "problem"), MALFORMED)
def test_malformed_rule_file_fails_naming_file_and_rule(
    tmp_path: Path, name: str, content: str, rule_id: str | None, problem: str
) -> None:
    folder = write_rules(tmp_path, {name: content})
    with pytest.raises(RuleError) as info:
        load_rules(folder)
    error = info.value
    assert Path(error.path) == folder / name
    assert error.rule_id == rule_id
    message = str(error)
    assert name in message
    assert problem in message
    if rule_id is not None:
        assert rule_id in message


# Malformed element rules


def element_rule_toml(**fields: object) -> str:
    """A valid element rule (cookie banners by class), with ``fields`` overriding (None drops a key)."""
    defaults: dict[str, object] = {
        "text": None,
        "max_words": None,
        "class_id": r"\bcookie banner\b",
        "must_match": ['<div class="cookie-banner"><p>We use cookies.</p></div>'],
        "must_not_match": ['<div class="recipe-card"><p>Cookie banner</p></div>'],
    }
    return rule_toml(**{**defaults, **fields})


def test_the_element_rule_of_these_tests_is_valid(tmp_path: Path) -> None:
    rule = load_rules(write_rules(tmp_path, {"cookie.toml": element_rule_toml()})).by_id(RID)
    assert rule.element is not None and rule.pattern is None


ELEMENT_MALFORMED = [
    pytest.param(
        element_rule_toml(tags=["span"], class_id=None, must_match=['<span class="x"><p>x</p></span>']),
        "inline text markup",
        id="inline-tag",
    ),
    pytest.param(element_rule_toml(tags="div"), "tags must be a list", id="tags-not-a-list"),
    pytest.param(element_rule_toml(roles=[""]), "roles must be a list", id="blank-role"),
    pytest.param(
        element_rule_toml(class_id="(unclosed"), "class_id is not a valid regular", id="bad-class-id"
    ),
    pytest.param(element_rule_toml(class_id="(?:cookie)?"), "empty string", id="class-id-matches-empty"),
    pytest.param(element_rule_toml(class_id=" "), "class_id must be", id="blank-class-id"),
    pytest.param(
        element_rule_toml(class_id=None, selector="div[[", must_match=["<div>x</div>"]),
        "not a valid CSS selector",
        id="bad-selector",
    ),
    pytest.param(
        element_rule_toml(class_id=None, selector="div::before", must_match=["<div>x</div>"]),
        "not a valid CSS selector",
        id="pseudo-element-selector",
    ),
    pytest.param(element_rule_toml(selector="  "), "selector must be a non-empty", id="blank-selector"),
    pytest.param(
        rule_toml(outside_main=True), "outside_main needs element conditions", id="outside-main-alone"
    ),
    pytest.param(
        element_rule_toml(outside_main="yes"), "outside_main must be true or false", id="outside-main-flag"
    ),
    pytest.param(element_rule_toml(text=r"\bcookie\b"), "cannot have text", id="element-rule-with-text"),
    pytest.param(element_rule_toml(max_words=20), "cannot have max_words", id="element-rule-with-max-words"),
    pytest.param(element_rule_toml(section=True), "cannot have section", id="element-rule-with-section"),
    pytest.param(
        # The inner element matches, but a must_match example names its outermost element.
        element_rule_toml(
            must_match=['<div class="wrapper"><div class="cookie-banner"><p>OK</p></div></div>']
        ),
        "must_match example",
        id="outermost-does-not-match",
    ),
    pytest.param(
        # Any element of a must_not_match example counts, however deep.
        element_rule_toml(must_not_match=['<div class="page"><div class="cookie-banner">OK</div></div>']),
        "must_not_match example",
        id="inner-element-matches",
    ),
    pytest.param(
        element_rule_toml(must_match=['<span class="cookie-banner">We use cookies.</span>']),
        "holds no block element",
        id="inline-example",
    ),
    pytest.param(
        element_rule_toml(must_match=["We use cookies."]), "holds no block element", id="text-example"
    ),
]


@pytest.mark.parametrize(("content", "problem"), ELEMENT_MALFORMED)
def test_malformed_element_rule_fails_naming_file_rule_and_problem(
    tmp_path: Path, content: str, problem: str
) -> None:
    folder = write_rules(tmp_path, {"cookie.toml": content})
    with pytest.raises(RuleError) as info:
        load_rules(folder)
    error = info.value
    assert Path(error.path) == folder / "cookie.toml"
    assert error.rule_id == RID
    message = str(error)
    assert "cookie.toml" in message
    assert RID in message
    assert problem in message


def test_a_text_rule_without_text_says_what_it_needs(tmp_path: Path) -> None:
    folder = write_rules(tmp_path, {"cookie.toml": rule_toml(text=None)})
    with pytest.raises(RuleError, match=r"needs text .* or element conditions"):
        load_rules(folder)


def test_an_unknown_tag_name_fails(tmp_path: Path) -> None:
    content = element_rule_toml(
        class_id=None,
        tags=["asdie"],
        must_match=["<asdie><h3>Archives</h3></asdie>"],
        must_not_match=["<div><p>Archives</p></div>"],
    )
    with pytest.raises(RuleError, match="asdie") as info:
        load_rules(write_rules(tmp_path, {"cookie.toml": content}))
    assert info.value.rule_id == RID


def test_a_custom_element_name_is_a_valid_tag(tmp_path: Path) -> None:
    # Custom elements (a hyphen in the name) are containers like any other.
    content = element_rule_toml(
        class_id=None,
        tags=["cookie-consent-banner"],
        must_match=["<cookie-consent-banner><p>We use cookies.</p></cookie-consent-banner>"],
    )
    rule = load_rules(write_rules(tmp_path, {"cookie.toml": content})).by_id(RID)
    assert rule.element is not None and rule.element.tags == frozenset({"cookie-consent-banner"})


def test_element_conditions_that_are_all_empty_fail(tmp_path: Path) -> None:
    content = element_rule_toml(
        class_id=None,
        tags=[],
        outside_main=True,
        must_match=['<div class="cookie-banner"><p>We use cookies.</p></div>'],
        must_not_match=["<article><p>The recipe.</p></article>"],
    )
    with pytest.raises(RuleError) as info:
        load_rules(write_rules(tmp_path, {"cookie.toml": content}))
    assert info.value.rule_id == RID


def test_an_earlier_element_rule_claiming_a_later_ones_example_fails(tmp_path: Path) -> None:
    # cookie.toml loads before nav.toml: its rule would name the nav rule's example first.
    banner = element_rule_toml(
        id="cookie.top-banner",
        class_id=r"\bbanner\b",
        must_match=['<div class="consent-banner"><p>OK</p></div>'],
        must_not_match=['<div class="hero"><p>Spring sale</p></div>'],
    )
    top_bar = element_rule_toml(
        id="nav.top-banner",
        class_id=r"\btop banner\b",
        must_match=['<div class="top-banner"><a>Home</a></div>'],
        must_not_match=['<div class="hero"><p>Spring sale</p></div>'],
    )
    folder = write_rules(tmp_path, {"cookie.toml": banner, "nav.toml": top_bar})
    with pytest.raises(RuleError, match=r"claimed by cookie\.top-banner") as info:
        load_rules(folder)
    assert info.value.rule_id == "nav.top-banner"
    assert Path(info.value.path).name == "nav.toml"
    assert "top-banner" in str(info.value)


def test_an_earlier_selector_rule_claiming_a_later_ones_example_fails(tmp_path: Path) -> None:
    # related.toml loads before ad.toml; its selector selects the ad rule's example.
    strip = element_rule_toml(
        id="related.partner-strip",
        class_id=None,
        selector="div.partner-strip, div.partner-box",
        must_match=['<div class="partner-strip"><p>More stories</p></div>'],
        must_not_match=['<div class="strip"><p>More stories</p></div>'],
    )
    box = element_rule_toml(
        id="ad.partner-box",
        class_id=r"\bpartner box\b",
        must_match=['<div class="partner-box"><p>Offers</p></div>'],
        must_not_match=['<div class="box"><p>Offers</p></div>'],
    )
    folder = write_rules(tmp_path, {"ad.toml": box, "related.toml": strip})
    with pytest.raises(RuleError, match=r"claimed by related\.partner-strip") as info:
        load_rules(folder)
    assert info.value.rule_id == "ad.partner-box"
    assert Path(info.value.path).name == "ad.toml"


def test_text_and_element_rules_do_not_claim_each_others_examples(tmp_path: Path) -> None:
    # The text rule's pattern is found in the element rule's HTML example and the other way
    # round, but a text rule never names an element and an element rule never a line.
    text_rule = rule_toml(id="cookie.word", text=r"cookie", must_match=["cookie"], must_not_match=["biscuit"])
    element_rule = element_rule_toml(
        id="nav.cookie-menu",
        class_id=r"\bmenu\b",
        must_match=['<ul class="menu"><li>cookie</li></ul>'],
        must_not_match=['<ul class="list"><li>cookie</li></ul>'],
    )
    folder = write_rules(tmp_path, {"cookie.toml": text_rule, "nav.toml": element_rule})
    loaded = load_rules(folder)
    assert [r.id for r in loaded.rules] == ["cookie.word", "nav.cookie-menu"]


def test_duplicate_id_across_files_fails(tmp_path: Path) -> None:
    folder = write_rules(tmp_path, {"cookie.toml": rule_toml(), "sites/example.com.toml": rule_toml()})
    with pytest.raises(RuleError) as info:
        load_rules(folder)
    assert info.value.rule_id == "cookie.test-banner"
    assert "duplicate" in str(info.value)
    # Site rules load first: the error is at cookie.toml and names the first definition.
    assert Path(info.value.path).name == "cookie.toml"
    assert "example.com.toml" in str(info.value)


def test_an_earlier_rule_claiming_a_later_rules_example_fails(tmp_path: Path) -> None:
    claims_share = """
[[rules]]
id = "comments.buttons"
why = "Buttons under comments."
text = '^(?:reply|share)$'
must_match = ["Reply"]
must_not_match = ["Reply to the email."]
"""
    share = """
[[rules]]
id = "nav.share"
why = "Share label."
text = '^share$'
must_match = ["Share"]
must_not_match = ["Share prices rose."]
"""
    folder = write_rules(tmp_path, {"comments.toml": claims_share, "nav.toml": share})
    with pytest.raises(RuleError, match=r"claimed by comments\.buttons") as info:
        load_rules(folder)
    assert info.value.rule_id == "nav.share"
    assert Path(info.value.path).name == "nav.toml"


def test_folder_without_rule_files_fails(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="no"):
        load_rules(tmp_path)
    with pytest.raises(RuleError, match="not a folder"):
        load_rules(tmp_path / "missing")


# Retired rules


def test_disabled_rule_is_retired_but_its_id_stays_reserved(tmp_path: Path) -> None:
    retired = rule_toml(id="cookie.old-banner", enabled=False)
    folder = write_rules(tmp_path / "ok", {"cookie.toml": retired + rule_toml()})
    ruleset = load_rules(folder)
    assert [r.id for r in ruleset.rules] == ["cookie.test-banner"]
    assert ruleset.retired == ("cookie.old-banner",)
    with pytest.raises(KeyError):
        ruleset.by_id("cookie.old-banner")

    reused = rule_toml(id="cookie.old-banner", text=r"\bnew banner\b", must_match=["a new banner"])
    folder = write_rules(tmp_path / "reuse", {"cookie.toml": retired + reused})
    with pytest.raises(RuleError, match="duplicate") as info:
        load_rules(folder)
    assert info.value.rule_id == "cookie.old-banner"


# Site rules


SITE_RULE = rule_toml(
    id="ad.partner-strip",
    why="The partner strip of example.com's article pages.",
    text=r"^offers from our partners$",
    max_words=6,
    must_match=["Offers from our partners"],
    must_not_match=["Offers from our partners were declined by the council."],
)
PROSE = (
    "The council published its budget on Monday, and the largest share of new spending will go to "
    "schools, libraries and the repair of the old bridge over the river."
)


@pytest.fixture
def site_rules(tmp_path: Path) -> RuleSet:
    return load_rules(write_rules(tmp_path, {"sites/example.com.toml": SITE_RULE}))


def test_site_rule_knows_its_domain(site_rules: RuleSet) -> None:
    rule = site_rules.by_id("ad.partner-strip")
    assert rule.domain == "example.com"
    assert rule.category is Category.AD
    assert rule.applies_to("example.com")
    assert rule.applies_to("www.example.com")
    assert rule.applies_to("news.eu.example.com")
    assert not rule.applies_to("example.org")
    assert not rule.applies_to("badexample.com")
    assert not rule.applies_to("example.com.evil.org")
    assert not rule.applies_to(None)


@pytest.mark.parametrize(
    ("url", "removed"),
    [
        ("https://example.com/articles/1", True),
        ("https://www.example.com/articles/1", True),
        ("https://example.org/articles/1", False),
        ("https://myexample.com/articles/1", False),
        (None, False),
    ],
)
def test_site_rules_apply_only_to_their_host(
    site_rules: RuleSet, make_record: MakeRecord, url: str | None, removed: bool
) -> None:
    pipe = Pipeline([StripRules(site_rules)])
    doc = pipe.clean(make_record(f"{PROSE}\nOffers from our partners\n", url=url))
    strip = doc.blocks[1]
    assert strip.kept is not removed
    if removed:
        assert (strip.category, strip.rule_id) == (Category.AD, "ad.partner-strip")
    assert doc.blocks[0].kept


def test_remembered_answers_do_not_cross_from_a_site_with_rules_to_others(
    site_rules: RuleSet, make_record: MakeRecord
) -> None:
    pipe = Pipeline([StripRules(site_rules)])
    hosts = ["example.org", "www.example.com", "other.net", "example.com", None, "news.example.com"]
    kept = [
        pipe.clean(make_record(f"{PROSE}\nOffers from our partners\n", url=host and f"https://{host}/"))
        .blocks[1]
        .kept
        for host in hosts
    ]
    assert kept == [True, False, True, False, True, False]
    assert site_rules.site_of("www.example.com") == "www.example.com"
    assert site_rules.site_of("example.org") is None


def test_without_site_rules_every_host_shares_one_memo(rules: RuleSet) -> None:
    assert rules.site_of("example.com") is None
    assert rules.site_of(None) is None


# The rules hash


def test_rules_hash_depends_on_content_not_location(tmp_path: Path, rules: RuleSet) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(SHIPPED, copy)
    assert load_rules(copy).sha256 == rules.sha256


def test_rules_hash_changes_when_a_rule_file_changes(tmp_path: Path, rules: RuleSet) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(SHIPPED, copy)
    target = copy / "cookie.toml"
    target.write_text(target.read_text(encoding="utf-8") + "\n# a note\n", encoding="utf-8")
    assert load_rules(copy).sha256 != rules.sha256


def test_rules_hash_changes_when_a_site_file_is_added(tmp_path: Path, rules: RuleSet) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(SHIPPED, copy)
    write_rules(copy, {"sites/example.com.toml": SITE_RULE})
    changed = load_rules(copy)
    assert changed.sha256 != rules.sha256
    assert changed.by_id("ad.partner-strip").domain == "example.com"


# Matching shortcuts


def test_first_match_finds_what_trying_every_rule_in_order_finds(rules: RuleSet) -> None:
    """Memos, word-count buckets, literal and first-character prefilters change nothing."""
    raw = Path(__file__).resolve().parent.parent / "data" / "raw"
    examples = [e for r in rules.text_rules for e in (*r.must_match, "Read more", "© 2024 Example Ltd")]
    lines = [line for path in sorted(raw.glob("*.txt")) for line in path.read_text().splitlines()]
    texts = [t for t in (normalise(x) for x in examples + lines) if t]
    for text in texts + [t.upper() for t in texts] + [t.lower() for t in texts]:
        words = len(WORD.findall(text))
        expected = next((r for r in rules.text_rules if r.matches(text, words)), None)
        assert rules.first_match(text, words) is expected, text
