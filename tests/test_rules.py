"""The declarative rules: the shipped files load, their examples hold, bad files fail clearly."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeRecord

from pipeline.errors import RuleError
from pipeline.model import Category
from pipeline.rules import RuleSet, default_rules_dir, load_rules, normalise, rule_files
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
    for example in table["must_match"]:
        assert rule.matches(normalise(example)), f"{rule.id} should match {example!r}"
    for example in table["must_not_match"]:
        assert not rule.matches(normalise(example)), f"{rule.id} should not match {example!r}"


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
