"""Literal prefilters: the literals read off a pattern, and a prefiltered search never missing a match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.literals import LiteralIndex, first_chars, required_literals
from pipeline.rules import load_rules, normalise

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        # The longest literal run of a sequence wins over shorter ones.
        (r"\b(?:we|our site) uses? cookies\b", (" cookies",)),
        # Alternatives contribute the union of theirs.
        (r"(?:©|\(c\)|copyright) \d{4}", ("(c)", "copyright", "©")),
        (r"\bsubscribe\b|\bsign up\b", ("ign up", "ubscribe")),  # the parser factors out the "s"
        # An optional part needs nothing; a repeat of at least one needs its literals.
        (r"(?:read )?more\b", ("more",)),
        (r"(?:ab)+\d", ("ab",)),
        # An unanchored alternative makes the pattern worth prefiltering.
        (r"^home$|\bback to top\b", ("back to top", "home")),
        (r"^(?:home|start)\b|back to top", ("back to top", "home", "start")),
    ],
)
def test_required_literals(pattern: str, literals: tuple[str, ...] | None) -> None:
    assert required_literals(re.compile(pattern)) == literals


@pytest.mark.parametrize(
    ("pattern", "flags"),
    [
        (r"^(?:home|start)\b", 0),  # anchored: the engine tries one position anyway
        (r"^home|^start", 0),
        (r"\Ahome", 0),
        (r"\d+|\w+", 0),  # no literal in every match
        (r"cookies", re.IGNORECASE),  # caseless literals are not literals of the text
    ],
)
def test_no_prefilter_where_it_cannot_help(pattern: str, flags: int) -> None:
    assert required_literals(re.compile(pattern, flags)) is None


def test_case_insensitive_group_gives_no_literals() -> None:
    assert required_literals(re.compile(r"(?i:cookies) policy")) == (" policy",)
    assert required_literals(re.compile(r"(?i:cookies)")) is None


def test_literal_index_finds_every_set_with_a_literal_in_the_text() -> None:
    index = LiteralIndex(
        {"cookie": ["cookies"], "copyright": ["©", "all rights reserved"], "accept": ["accept"]}
    )
    assert index.found("we use cookies. © 2024, all rights reserved") == {"cookie", "copyright"}
    assert index.found("accept all cookies") == {"accept", "cookie"}
    assert index.found("a paragraph about something else entirely") == set()


def test_a_literal_shared_by_two_sets_finds_both_and_overlaps_are_found() -> None:
    index = LiteralIndex({"a": ["read more"], "b": ["more", "read"], "c": ["ore"]})
    assert index.found("read more") == {"a", "b", "c"}
    assert index.found("ignore") == {"c"}


def test_an_empty_literal_index_finds_nothing() -> None:
    assert LiteralIndex[str]({}).found("anything") == set()


def shipped_patterns() -> list[re.Pattern[str]]:
    rules = load_rules()
    patterns = [r.pattern for r in rules.text_rules if r.pattern is not None]
    # The rule set searches lowercased text with case-sensitive copies of caseless patterns.
    return patterns + [re.compile(p.pattern) for p in patterns]


def sample_texts() -> list[str]:
    rules = load_rules()
    examples = [normalise(e) for r in rules.text_rules for e in r.must_match]
    lines = [normalise(line) for path in sorted(RAW.glob("*.txt")) for line in path.read_text().splitlines()]
    texts = [t for t in examples + lines if t]
    return texts + [t.lower() for t in texts]


def shipped_matches() -> list[tuple[re.Pattern[str], list[str]]]:
    """Every shipped pattern with the sample texts it matches."""
    texts = sample_texts()
    return [(p, [t for t in texts if p.search(t) is not None]) for p in shipped_patterns()]


def test_every_match_of_a_shipped_rule_contains_one_of_its_literals() -> None:
    prefiltered = [(p, matched, required_literals(p)) for p, matched in shipped_matches()]
    prefiltered = [(p, matched, literals) for p, matched, literals in prefiltered if literals]
    assert len(prefiltered) >= 10, "most unanchored shipped rules should get a prefilter"
    for pattern, matched, literals in prefiltered:
        for text in matched:
            assert any(literal in text for literal in literals), (pattern.pattern, text)


@pytest.mark.parametrize(
    ("pattern", "chars"),
    [
        (r"^(?:home|contact us)$", "ch"),
        (r"^home|^about\b", "ah"),
        (r"^\b(?=news)news\b", "n"),  # zero-width items look through to the next
        (r"^(?:read )?more", "mr"),  # an optional start adds what follows it
        (r"^[a-c]x", "abc"),
        (r"^(?:ab)+", "a"),
    ],
)
def test_first_chars_of_patterns_anchored_at_the_start(pattern: str, chars: str) -> None:
    assert first_chars(re.compile(pattern)) == frozenset(chars)


@pytest.mark.parametrize(
    ("pattern", "flags"),
    [
        (r"home", 0),  # not anchored
        (r"^home|about", 0),  # one alternative is not anchored
        (r"^(?:home)?", 0),  # can match the empty string
        (r"^\w+", 0),  # any word character
        (r"^[^a]", 0),  # negated class
        (r"^home", re.IGNORECASE),
        (r"^home", re.MULTILINE),  # ^ at every line
        (r"^(?i:home)", 0),
    ],
)
def test_no_first_chars_where_any_start_may_match(pattern: str, flags: int) -> None:
    assert first_chars(re.compile(pattern, flags)) is None


def test_shipped_rules_never_match_a_text_starting_outside_their_first_chars() -> None:
    anchored = [(p, matched, first_chars(p)) for p, matched in shipped_matches()]
    anchored = [(p, matched, chars) for p, matched, chars in anchored if chars is not None]
    assert len(anchored) >= 10, "most anchored shipped rules should get first characters"
    for pattern, matched, chars in anchored:
        for text in matched:
            assert text[:1] in chars, (pattern.pattern, text)
