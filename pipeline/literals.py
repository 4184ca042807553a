"""Literal prefilters for the text rules' regular expressions.

Most blocks match no rule, and a pattern that is not anchored at the start
of the block is tried at every position of it. Every match of such a
pattern contains one of a few literal strings (``cookie``, ``all rights
reserved``), which can be read off the parsed pattern. One Aho-Corasick
pass over a block finds which rules' literals it contains
(:class:`LiteralIndex`); the others are not searched. A pattern anchored at
the start is tried at one position only, and only on blocks that start with
one of its :func:`first_chars`.

The parse uses the standard library's own regex parser (``re._parser``).
It is private, so anything unexpected from it means no prefilter, never a
missed match.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import ahocorasick

try:
    _parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - a Python whose regex parser moved
    _parser = None

K = TypeVar("K", bound=Hashable)


class LiteralIndex(Generic[K]):
    """Which of several sets of literals occur in a text, found in one pass.

    Example::

        index = LiteralIndex({"cookie": ["cookies"], "copyright": ["©", "all rights reserved"]})
        index.found("we use cookies. © 2024")   # {"cookie", "copyright"}
        index.found("a long paragraph")         # set()
    """

    def __init__(self, literal_sets: Mapping[K, Iterable[str]]) -> None:
        automaton = ahocorasick.Automaton()
        for key, literals in literal_sets.items():
            for literal in literals:
                automaton.add_word(literal, (*automaton.get(literal, ()), key))
        if len(automaton):
            automaton.make_automaton()
        self._automaton = automaton if len(automaton) else None

    def found(self, text: str) -> set[K]:
        """The keys whose set has a literal in ``text``."""
        found: set[K] = set()
        if self._automaton is not None:
            for _end, keys in self._automaton.iter(text):
                found.update(keys)
        return found


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` contains, or None when there is no such set
    worth checking (anchored or case-insensitive patterns, or no literal in every match)."""
    if _parser is None or pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
        if _anchored_at_start(parsed):
            return None
        literals = _required(parsed)
    except Exception:  # noqa: BLE001 - an unfamiliar parse tree only costs the prefilter
        return None
    return tuple(sorted(literals)) if literals else None


def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The characters a text must start with for ``pattern``, anchored at the start, to match it;
    None when any may (unanchored, case-insensitive or able to match the empty string)."""
    if _parser is None or pattern.flags & (re.IGNORECASE | re.MULTILINE):
        return None
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
        if not _anchored_at_start(parsed):
            return None
        branches = parsed[0][1][1] if parsed[0][0] is _parser.BRANCH else [parsed]
        found: set[str] = set()
        for branch in branches:
            chars, can_be_empty = _first(branch[1:])
            if chars is None or can_be_empty:
                return None
            found |= chars
    except Exception:  # noqa: BLE001 - an unfamiliar parse tree only costs the prefilter
        return None
    return frozenset(found)


def _first(items: Sequence[Any]) -> tuple[set[str] | None, bool]:
    """The characters a match of the sequence ``items`` can start with (None: any), and
    whether it can match the empty string."""
    found: set[str] = set()
    for op, value in items:
        chars, can_be_empty = _first_of(op, value)
        if chars is None:
            return None, False
        found |= chars
        if not can_be_empty:
            return found, False
    return found, True


#: A character class spanning more than this many code points is taken as "any character".
MAX_RANGE = 256


def _first_of(op: Any, value: Any) -> tuple[set[str] | None, bool]:
    """:func:`_first` of one parsed item."""
    if op is _parser.LITERAL:
        return {chr(value)}, False
    if op is _parser.IN:
        return _class_chars(value), False
    if op in (_parser.AT, _parser.ASSERT, _parser.ASSERT_NOT):
        return set(), True  # zero-width: the next item decides
    if op is _parser.BRANCH:
        return _first_of_branches(value[1])
    if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT):
        chars, can_be_empty = _first(value[2])
        return chars, value[0] == 0 or can_be_empty
    group = _group_items(op, value)
    return (None, False) if group is None else _first(group)


def _first_of_branches(branches: Sequence[Any]) -> tuple[set[str] | None, bool]:
    found: set[str] = set()
    any_empty = False
    for branch in branches:
        chars, can_be_empty = _first(branch)
        if chars is None:
            return None, False
        found |= chars
        any_empty = any_empty or can_be_empty
    return found, any_empty


def _group_items(op: Any, value: Any) -> Sequence[Any] | None:
    """The items of a group matched as written (not a case-insensitive one), else None."""
    items: Sequence[Any] | None = None
    if op is _parser.SUBPATTERN:
        _group, add_flags, _del_flags, items = value
        if add_flags & re.IGNORECASE:
            items = None
    elif op is _parser.ATOMIC_GROUP:
        items = value
    return items


def _class_chars(items: Sequence[Any]) -> set[str] | None:
    """The characters of a ``[...]`` class, or None for a negated, categorised or wide one."""
    chars: set[str] = set()
    for op, value in items:
        if op is _parser.LITERAL:
            chars.add(chr(value))
        elif op is _parser.RANGE and value[1] - value[0] <= MAX_RANGE:
            chars.update(map(chr, range(value[0], value[1] + 1)))
        else:
            return None
    return chars


def _anchored_at_start(items: Sequence[Any]) -> bool:
    """Whether every match must begin at the start of the text (``^...`` or ``^a|^b``)."""
    if not items:
        return False
    op, value = items[0]
    if op is _parser.AT:
        return bool(value is _parser.AT_BEGINNING or value is _parser.AT_BEGINNING_STRING)
    if op is _parser.BRANCH and len(items) == 1:
        return all(_anchored_at_start(branch) for branch in value[1])
    return False


def _required(items: Sequence[Any]) -> set[str] | None:
    """The most selective set of literals one of which a match of the sequence ``items`` contains.

    Runs of literal characters are literals; a group or a repeat of at least
    one contributes its own set; alternatives contribute the union of theirs
    (none if any alternative has none). Whitespace alone is everywhere, so
    it never counts; of the rest, the set whose shortest literal is longest
    wins.
    """
    candidates: list[set[str]] = []
    run: list[str] = []
    for op, value in items:
        if op is _parser.LITERAL:
            run.append(chr(value))
            continue
        candidates.append({"".join(run)})
        run = []
        candidates.append(_required_inside(op, value) or set())
    candidates.append({"".join(run)})
    useful = [c for c in candidates if c and all(literal.strip() for literal in c)]
    if not useful:
        return None
    return max(useful, key=lambda c: (min(len(literal.strip()) for literal in c), -len(c)))


def _required_inside(op: Any, value: Any) -> set[str] | None:
    """What a group, an alternation or a repeat needs; None for anything else."""
    if op is _parser.BRANCH:
        union: set[str] = set()
        for branch in value[1]:
            found = _required(branch)
            if not found:
                return None
            union |= found
        return union
    if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT):
        low, _high, items = value
        return _required(items) if low >= 1 else None
    group = _group_items(op, value)
    return None if group is None else _required(group)
