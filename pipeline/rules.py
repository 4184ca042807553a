"""Load and validate the declarative rules in ``rules/*.toml``.

A rule file holds ``[[rules]]`` tables. Each rule has a permanent id
``category.slug`` (the category is the part before the dot), a ``why``, a
``text`` regular expression matched against a block's whitespace-normalised
text (bullet marker removed, case ignored unless ``case_sensitive``), and
``must_match`` / ``must_not_match`` examples that are checked at load.
``rules/<category>.toml`` holds only that category's rules;
``rules/sites/<domain>.toml`` holds rules of any category that apply only to
pages of that domain. A block gets the first rule that matches it: site
rules first, then the categories in :data:`MATCH_ORDER` (the most specific
vocabularies first), each file's rules in file order. So that this order
never silently takes a rule's own example, every ``must_match`` example must
not be claimed by an earlier rule of another category. A malformed file
fails at load with :class:`~pipeline.errors.RuleError` naming the file, the
rule and the problem.

Example::

    [[rules]]
    id = "cookie.we-use-cookies"
    why = "The opening words of most cookie banners."
    text = '\\bwe use cookies\\b'
    max_words = 80
    must_match = ["We use cookies to improve your experience."]
    must_not_match = ["Grandma's recipe uses cookies and cream."]
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from pipeline.element_rules import ElementMatch, build_element_match, example_elements, is_element_rule
from pipeline.errors import RuleError
from pipeline.literals import LiteralIndex, first_chars, required_literals
from pipeline.model import Category, Element

K = TypeVar("K")
V = TypeVar("V")

RULE_ID = re.compile(r"^(?P<category>[a-z_]+)\.[a-z0-9]+(?:-[a-z0-9]+)*$")
RULE_KEYS = {
    "id": "permanent id, 'category.slug'",
    "why": "what the rule catches and its known false positives",
    "text": "regular expression searched in the block's normalised text",
    "tags": "element rule: the element's tag is one of these",
    "roles": "element rule: the element's ARIA role is one of these",
    "class_id": "element rule: regular expression searched in the element's class/id words",
    "selector": "element rule: a CSS selector that selects the element",
    "outside_main": "element rule: only outside <main>, <article> and role=main",
    "max_words": "only blocks of at most this many words",
    "section": "the matched block heads a section of this category",
    "case_sensitive": "match case (default: ignore case)",
    "enabled": "false retires the rule; its id stays reserved",
    "must_match": "examples the rule must match",
    "must_not_match": "examples the rule must not match",
}
REQUIRED_KEYS = ("id", "why", "must_match", "must_not_match")
#: Keys that only text rules have.
TEXT_ONLY_KEYS = ("text", "max_words", "section", "case_sensitive")
#: Distinct blocks whose match a rule set remembers before starting afresh.
MEMO_SIZE = 100_000
#: The order categories are tried in: specific vocabularies (a cookie banner,
#: a share bar) before generic ones (site links, buttons).
MATCH_ORDER: tuple[Category, ...] = (
    Category.COOKIE,
    Category.NEWSLETTER,
    Category.SOCIAL,
    Category.SEARCH,
    Category.COMMENTS,
    Category.AUTHOR_BIO,
    Category.BYLINE,
    Category.RELATED,
    Category.TAGS,
    Category.AD,
    Category.FOOTER,
    Category.SIDEBAR,
    Category.NAV,
    Category.UI,
    Category.TEMPLATE,
    Category.LOW_QUALITY,
    Category.DUPLICATE,
    Category.EMPTY,
)
BULLET = re.compile(r"^\s*(?:[•◦▪▫‣∙·●○■□◆►▸»*+\-–—]|\d{1,3}[.)])\s+")
UPPERCASE = re.compile("[A-Z]")
WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """The text rules see: bullet marker removed, whitespace collapsed."""
    return " ".join(BULLET.sub("", text).split())


@dataclass(frozen=True, slots=True)
class Rule:
    """One declarative rule, validated.

    Example::

        rule = pipeline.load_rules().by_id("cookie.we-use-cookies")
        rule.category, rule.why, rule.source
    """

    id: str
    category: Category
    why: str
    pattern: re.Pattern[str] | None
    max_words: int | None
    section: bool
    source: str
    domain: str | None
    must_match: tuple[str, ...] = ()
    element: ElementMatch | None = None

    def matches(self, text: str, words: int | None = None) -> bool:
        """Whether the rule fires on already-normalised ``text`` of ``words`` words (text rules only)."""
        if self.pattern is None:
            return False
        if self.max_words is not None:
            count = words if words is not None else len(WORD.findall(text))
            if count > self.max_words:
                return False
        return self.pattern.search(text) is not None

    def applies_to(self, host: str | None) -> bool:
        """Whether the rule is in force for a page of ``host`` (site rules only for theirs)."""
        if self.domain is None:
            return True
        return host is not None and (host == self.domain or host.endswith("." + self.domain))


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The enabled rules in force, in load order, and the hash that identifies them.

    Matching remembers its answers (bounded): menus, buttons and footers
    repeat the same lines on every page of a site.

    Example::

        rules = pipeline.load_rules("rules/")
        len(rules.rules), rules.sha256[:12]
        pipeline.Pipeline.default(rules)
    """

    rules: tuple[Rule, ...]
    sha256: str
    retired: tuple[str, ...] = ()
    _memo: dict[tuple[str, int, str | None], Rule | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    _element_memo: dict[tuple[object, ...], tuple[Rule, str] | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    _candidate_memo: dict[tuple[str, str | None], tuple[tuple[Rule, ElementMatch], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _text_rules_by_words: list[list[TextSearch]] = field(init=False, compare=False, repr=False)
    _text_candidates: dict[tuple[int, str, str], tuple[TextSearch, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _lowered_literals: LiteralIndex[str] = field(init=False, compare=False, repr=False)
    _written_literals: LiteralIndex[str] = field(init=False, compare=False, repr=False)
    _element_rules: tuple[tuple[Rule, ElementMatch], ...] = field(init=False, compare=False, repr=False)
    _class_literals: LiteralIndex[str] = field(init=False, compare=False, repr=False)
    _class_rules_without_literals: frozenset[str] = field(init=False, compare=False, repr=False)
    _site_domains: tuple[str, ...] = field(init=False, compare=False, repr=False)
    _named_tags: frozenset[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index_text_rules()
        self._index_element_rules()
        object.__setattr__(self, "_site_domains", tuple(sorted({r.domain for r in self.rules if r.domain})))

    def _index_text_rules(self) -> None:
        searches = [_text_search(r, r.pattern) for r in self.text_rules if r.pattern is not None]
        # For every word count, the text rules whose max_words admits it (the
        # last entry serves all longer blocks).
        limits = [r.max_words for r in self.text_rules if r.max_words is not None]
        by_words = [
            [entry for entry in searches if (entry.rule.max_words or words) >= words]
            for words in range(max(limits, default=0) + 2)
        ]
        object.__setattr__(self, "_text_rules_by_words", by_words)
        # The literals of the rules that need one, by the text they search: lowercased or as written.
        lowered = LiteralIndex({e.rule.id: e.literals for e in searches if e.literals and e.on_lowered})
        written = LiteralIndex({e.rule.id: e.literals for e in searches if e.literals and not e.on_lowered})
        object.__setattr__(self, "_lowered_literals", lowered)
        object.__setattr__(self, "_written_literals", written)

    def _index_element_rules(self) -> None:
        element_rules = tuple((r, r.element) for r in self.rules if r.element is not None)
        object.__setattr__(self, "_element_rules", element_rules)
        object.__setattr__(self, "_named_tags", frozenset(tag for _, m in element_rules for tag in m.tags))
        literals = {r.id: required_literals(m.class_id) for r, m in element_rules if m.class_id is not None}
        object.__setattr__(self, "_class_literals", LiteralIndex({k: v for k, v in literals.items() if v}))
        without = frozenset(k for k, v in literals.items() if not v)
        object.__setattr__(self, "_class_rules_without_literals", without)

    @property
    def text_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.pattern is not None)

    @property
    def selectors(self) -> dict[str, Any]:
        """Compiled XPath of the selector rules, by rule id, to run once per page."""
        return {r.id: r.element.xpath for r in self.rules if r.element is not None and r.element.xpath}

    def element_match(self, element: Element, host: str | None = None) -> tuple[Rule, str] | None:
        """The first element rule (in load order) that names ``element``, and why."""
        if not (element.tokens or element.role or element.selected or element.tag in self._named_tags):
            return None  # every element rule needs one of these
        host = self.site_of(host)
        key = (element.tag, element.tokens, element.role, element.in_main, element.selected, host)
        if key in self._element_memo:
            return self._element_memo[key]
        found = None
        # Most elements' class names match no rule: one pass finds the rules whose literals they hold.
        possible = (
            self._class_literals.found(element.tokens) | self._class_rules_without_literals
            if element.tokens
            else set()
        )
        for rule, match in self._element_candidates(element.tag, host):
            if match.class_id is not None and rule.id not in possible:
                continue
            detail = match.detail(element, rule.id)
            if detail is not None:
                found = (rule, detail)
                break
        return _remember(self._element_memo, key, found)

    def _element_candidates(self, tag: str, host: str | None) -> tuple[tuple[Rule, ElementMatch], ...]:
        """The element rules (in load order) that can name a ``tag`` element of a page of ``host``."""
        key = (tag, host)
        candidates = self._candidate_memo.get(key)
        if candidates is None:
            candidates = tuple(
                (rule, match)
                for rule, match in self._element_rules
                if (not match.tags or tag in match.tags) and rule.applies_to(host)
            )
            _remember(self._candidate_memo, key, candidates)
        return candidates

    def first_match(self, text: str, words: int, host: str | None = None) -> Rule | None:
        """The first rule (in load order) that fires on normalised ``text``."""
        host = self.site_of(host)
        key = (text, words, host)
        if key in self._memo:
            return self._memo[key]
        found = None
        lowered = text.lower()
        has_literals: set[str] | None = None  # found once, when a rule first needs it
        for search, on_lowered, _, literals, rule in self._text_rules_for(words, lowered[:1], text[:1]):
            if literals:
                if has_literals is None:
                    has_literals = self._lowered_literals.found(lowered) | self._written_literals.found(text)
                if rule.id not in has_literals:
                    continue
            if search(lowered if on_lowered else text) is not None and rule.applies_to(host):
                found = rule
                break
        return _remember(self._memo, key, found)

    def _text_rules_for(self, words: int, lowered_first: str, first: str) -> tuple[TextSearch, ...]:
        """The text rules (in load order) that can fire on a block of ``words`` words starting
        with ``first`` (``lowered_first`` once lowercased)."""
        key = (min(words, len(self._text_rules_by_words) - 1), lowered_first, first)
        candidates = self._text_candidates.get(key)
        if candidates is None:
            candidates = tuple(
                entry
                for entry in self._text_rules_by_words[key[0]]
                if entry.first_chars is None
                or (lowered_first if entry.on_lowered else first) in entry.first_chars
            )
            _remember(self._text_candidates, key, candidates)
        return candidates

    def site_of(self, host: str | None) -> str | None:
        """``host`` when a site rule is in force for its pages, else None: what is learnt
        about the blocks of one site without site rules serves all such sites."""
        if host is None or not self._site_domains:
            return None
        if any(host == d or host.endswith("." + d) for d in self._site_domains):
            return host
        return None

    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def _remember(memo: dict[K, V], key: K, value: V) -> V:
    """Store ``value`` in a bounded memo (emptied when full) and return it."""
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


class TextSearch(NamedTuple):
    """How a text rule is searched: its fastest search function, on lowercased text or
    not, the characters a block must start with for it to fire (None: any), and the
    literals one of which it must contain (empty: none needed)."""

    search: Callable[[str], object]
    on_lowered: bool
    first_chars: frozenset[str] | None
    literals: tuple[str, ...]
    rule: Rule


def _text_search(rule: Rule, pattern: re.Pattern[str]) -> TextSearch:
    """The :class:`TextSearch` of a text rule.

    Ignoring case costs the regex engine about half its speed; a pattern
    without uppercase letters (no ``\\W``, ``\\S``, ``[A-Z]``) finds the same on
    lowercased text, matched case-sensitively. A pattern anchored at the
    start is only tried on blocks starting as it can; any other search is
    skipped on text lacking every literal a match needs.
    """
    on_lowered = bool(pattern.flags & re.IGNORECASE) and not UPPERCASE.search(pattern.pattern)
    searched = re.compile(pattern.pattern) if on_lowered else pattern
    literals = required_literals(searched) or ()
    return TextSearch(searched.search, on_lowered, first_chars(searched), literals, rule)


def default_rules_dir() -> Path:
    """The rules shipped with the package, or the checkout's ``rules/`` in development."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "rules", package.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise RuleError(str(package.parent / "rules"), None, "no rules folder found")


def rule_files(directory: Path) -> list[Path]:
    """The rule files of ``directory`` in match order: ``sites/*.toml``, then ``MATCH_ORDER``."""
    if not directory.is_dir():
        raise RuleError(str(directory), None, "not a folder of rule files")
    rank = {c.value: i for i, c in enumerate(MATCH_ORDER)}
    categories = sorted(directory.glob("*.toml"), key=lambda p: (rank.get(p.stem, len(rank)), p.name))
    return sorted((directory / "sites").glob("*.toml")) + categories


def load_rules(directory: Path | None = None) -> RuleSet:
    """Load, validate and hash every rule file of ``directory`` (default: the shipped rules).

    Files are read on every call; an unchanged set of files returns the rule
    set already validated, so a rule edited between two runs of one process
    takes effect and an unchanged one costs no recompiling.

    Example::

        edited = pipeline.Pipeline.default(pipeline.load_rules("/tmp/my-rules"))
        pipeline.clean_file("data/raw/000_4836993da0e4a9b5.txt", edited)
    """
    directory = directory or default_rules_dir()
    files = rule_files(directory)
    if not files:
        raise RuleError(str(directory), None, "no *.toml rule files")
    contents = [(path, path.read_bytes()) for path in files]
    digest = hashlib.sha256()
    for path, raw in contents:
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0" + raw + b"\0")
    key = (str(directory.resolve()), digest.hexdigest())
    if key not in _VALIDATED:
        if len(_VALIDATED) >= VALIDATED_KEPT:
            del _VALIDATED[next(iter(_VALIDATED))]
        _VALIDATED[key] = _build_rule_set(contents, digest.hexdigest())
    return _VALIDATED[key]


#: Validated rule sets kept per process (two rule folders compared side by
#: side, and a few edits of each).
VALIDATED_KEPT = 8
_VALIDATED: dict[tuple[str, str], RuleSet] = {}


def _build_rule_set(contents: list[tuple[Path, bytes]], sha256: str) -> RuleSet:
    rules: list[Rule] = []
    retired: list[str] = []
    seen: dict[str, str] = {}
    for path, raw in contents:
        domain = path.stem if path.parent.name == "sites" else None
        for table in _rule_tables(path, raw):
            rule_id = _check_id(path, table, domain, seen)
            enabled = table.get("enabled", True)
            if not isinstance(enabled, bool):
                raise RuleError(str(path), rule_id, "enabled must be true or false")
            if not enabled:
                retired.append(rule_id)
                continue
            rules.append(_build_rule(path, table, domain))
    _check_not_shadowed(rules)
    return RuleSet(tuple(rules), sha256, tuple(retired))


def _check_not_shadowed(rules: list[Rule]) -> None:
    """Fail when an earlier rule of another category claims a rule's own example."""
    for i, rule in enumerate(rules):
        for example in rule.must_match:
            for earlier in rules[:i]:
                if (
                    earlier.category is not rule.category
                    and earlier.domain == rule.domain
                    and _claims(earlier, rule, example)
                ):
                    raise RuleError(
                        rule.source,
                        rule.id,
                        f"must_match example {example!r} is claimed by {earlier.id} ({earlier.source}), "
                        "which is tried first; narrow one of the two",
                    )


def _claims(earlier: Rule, rule: Rule, example: str) -> bool:
    """Whether ``earlier`` fires on ``rule``'s must-match example (text on text, element on element)."""
    if rule.element is None:
        return earlier.matches(normalise(example))
    if earlier.element is None:
        return False
    outermost = example_elements(example, earlier.id, earlier.element.xpath)[0]
    return earlier.element.detail(outermost, earlier.id) is not None


def _rule_tables(path: Path, raw: bytes) -> list[dict[str, Any]]:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(str(path), None, f"not valid TOML: {exc}") from exc
    extra = set(data) - {"rules"}
    if extra:
        raise RuleError(str(path), None, f"unknown top-level keys {sorted(extra)}; expected [[rules]]")
    tables = data.get("rules", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise RuleError(str(path), None, "'rules' must be an array of tables: [[rules]]")
    return tables


def _check_id(path: Path, table: dict[str, Any], domain: str | None, seen: dict[str, str]) -> str:
    rule_id = table.get("id")
    if not isinstance(rule_id, str) or not (match := RULE_ID.match(rule_id)):
        raise RuleError(str(path), str(rule_id), "id must be 'category.slug' (lowercase, digits, dashes)")
    category = match["category"]
    if category not in Category.__members__.values():
        options = ", ".join(c.value for c in Category)
        raise RuleError(str(path), rule_id, f"unknown category {category!r}; one of: {options}")
    if domain is None and path.stem != category:
        raise RuleError(str(path), rule_id, f"a {category} rule belongs in {category}.toml")
    if rule_id in seen:
        raise RuleError(str(path), rule_id, f"duplicate id, first defined in {seen[rule_id]}")
    seen[rule_id] = str(path)
    return rule_id


def _build_rule(path: Path, table: dict[str, Any], domain: str | None) -> Rule:
    rule_id = table["id"]
    where = str(path)
    unknown = set(table) - set(RULE_KEYS)
    if unknown:
        valid = "; ".join(f"{k}: {v}" for k, v in RULE_KEYS.items())
        raise RuleError(where, rule_id, f"unknown keys {sorted(unknown)}; valid keys are {valid}")
    missing = [k for k in REQUIRED_KEYS if not table.get(k)]
    if missing:
        raise RuleError(where, rule_id, f"missing or empty: {', '.join(missing)}")
    element = build_element_match(where, rule_id, table) if is_element_rule(table) else None
    if element is not None and any(k in table for k in TEXT_ONLY_KEYS):
        keys = ", ".join(k for k in TEXT_ONLY_KEYS if k in table)
        raise RuleError(
            where, rule_id, f"an element rule (tags, roles, class_id, selector) cannot have {keys}"
        )
    if element is None and "outside_main" in table:
        raise RuleError(
            where, rule_id, "outside_main needs element conditions (tags, roles, class_id, selector)"
        )
    rule = Rule(
        id=rule_id,
        category=Category(rule_id.split(".", 1)[0]),
        why=_string(where, rule_id, table, "why"),
        pattern=_compile(where, rule_id, table) if element is None else None,
        max_words=_positive_int(where, rule_id, table.get("max_words")),
        section=_flag(where, rule_id, table, "section"),
        source=where,
        domain=domain,
        must_match=tuple(_strings(where, rule_id, table, "must_match")),
        element=element,
    )
    _check_examples(rule, rule.must_match, expected=True)
    _check_examples(rule, _strings(where, rule_id, table, "must_not_match"), expected=False)
    return rule


def _compile(where: str, rule_id: str, table: dict[str, Any]) -> re.Pattern[str]:
    if "text" not in table:
        raise RuleError(where, rule_id, "a rule needs text (a regular expression) or element conditions")
    source = _string(where, rule_id, table, "text")
    flags = 0 if _flag(where, rule_id, table, "case_sensitive") else re.IGNORECASE
    try:
        pattern = re.compile(source, flags)
    except re.error as exc:
        raise RuleError(where, rule_id, f"text is not a valid regular expression: {exc}") from exc
    if pattern.search(""):
        raise RuleError(where, rule_id, "text matches the empty string, so it would match every block")
    return pattern


def _check_examples(rule: Rule, examples: Iterable[str], expected: bool) -> None:
    for example in examples:
        if _example_matches(rule, example, outermost_only=expected) != expected:
            verb = "does not match" if expected else "matches"
            key = "must_match" if expected else "must_not_match"
            raise RuleError(rule.source, rule.id, f"{key} example {example!r}: the rule {verb} it")


def _example_matches(rule: Rule, example: str, *, outermost_only: bool) -> bool:
    """Text rules: the normalised example. Element rules: the example's outermost
    element (``outermost_only``, except for selectors) or any of its elements."""
    if rule.element is None:
        return rule.matches(normalise(example))
    elements = example_elements(example, rule.id, rule.element.xpath)
    if not elements:
        raise RuleError(rule.source, rule.id, f"example {example!r} holds no block element")
    # A selector's subject may sit anywhere in its example ('div.partners > ul').
    candidates = elements[:1] if outermost_only and rule.element.selector is None else elements
    return any(rule.element.detail(e, rule.id) is not None for e in candidates)


def _string(where: str, rule_id: str, table: dict[str, Any], key: str) -> str:
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise RuleError(where, rule_id, f"{key} must be a non-empty string")
    return value.strip()


def _strings(where: str, rule_id: str, table: dict[str, Any], key: str) -> list[str]:
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(where, rule_id, f"{key} must be a list of strings")
    return value


def _flag(where: str, rule_id: str, table: dict[str, Any], key: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise RuleError(where, rule_id, f"{key} must be true or false")
    return value


def _positive_int(where: str, rule_id: str, value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise RuleError(where, rule_id, "max_words must be a positive integer")
    return value
