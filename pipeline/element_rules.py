"""The HTML half of a rule: what element it names, and how that is checked.

An element rule names a container of a page (a ``<nav>``, a
``role=search`` form, an element whose class or id says ``related-posts``, a
CSS selector) instead of a line of text. Its conditions are ANDed:

* ``tags``: the element's tag is one of these;
* ``roles``: its ARIA ``role`` is one of these;
* ``class_id``: a regular expression searched in its class and id values
  split into lowercase words (``relatedPosts nav_main`` is seen as
  ``related posts nav main``, so ``\\brelated\\b`` finds it);
* ``selector``: a CSS selector that selects it (compiled to XPath once and
  run once per page: meant for site rules, the other conditions are cheaper);
* ``outside_main``: only when it is not inside ``<main>``, ``<article>`` or
  ``role=main`` (a ``<header>`` of the site, not the header of the article).

Its examples are HTML snippets: a ``must_match`` example's outermost element
must match, and no element of a ``must_not_match`` example may.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cssselect import HTMLTranslator, SelectorError
from lxml import etree

from pipeline.errors import RuleError
from pipeline.model import Element
from pipeline.segment.html import INLINE_TAGS, make_element, parse_html

#: The keys that make a rule an element rule.
ELEMENT_KEYS = ("tags", "roles", "class_id", "selector")
#: HTML elements that can hold blocks. A name in ``tags`` must be one of
#: these or a custom element (a name with a hyphen): a typo never fires.
CONTAINER_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "button", "caption", "center", "col",
        "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
        "html", "legend", "li", "listing", "main", "marquee", "menu", "meter", "nav", "noscript", "ol",
        "optgroup", "option", "output", "p", "plaintext", "pre", "progress", "search", "section", "select",
        "summary", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "tr", "ul", "video", "audio",
        "xmp",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ElementMatch:
    """The element conditions of one rule, validated and compiled."""

    tags: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    class_id: re.Pattern[str] | None = None
    selector: str | None = None
    outside_main: bool = False
    xpath: etree.XPath | None = field(default=None, compare=False)

    def detail(self, element: Element, rule_id: str) -> str | None:
        """Why the rule names ``element`` (for a removal's detail), or None when it does not."""
        if self.outside_main and element.in_main:
            return None
        if self.tags and element.tag not in self.tags:
            return None
        if self.roles and element.role not in self.roles:
            return None
        if self.selector is not None and rule_id not in element.selected:
            return None
        reasons = []
        if self.class_id is not None:
            found = self.class_id.search(element.tokens)
            if found is None:
                return None
            reasons.append(f"class/id {found.group()!r}")
        if self.roles:
            reasons.append(f"role={element.role}")
        if self.selector is not None:
            reasons.append(f"selector {self.selector!r}")
        if self.outside_main:
            reasons.append("outside the main content")
        return f"<{element.tag}> " + ", ".join(reasons) if reasons else f"<{element.tag}> element"


def is_element_rule(table: dict[str, Any]) -> bool:
    """Whether a rule table has element conditions."""
    return any(key in table for key in ELEMENT_KEYS)


def build_element_match(where: str, rule_id: str, table: dict[str, Any]) -> ElementMatch:
    """Validate and compile the element conditions of a rule table."""
    selector = table.get("selector")
    if selector is not None and (not isinstance(selector, str) or not selector.strip()):
        raise RuleError(where, rule_id, "selector must be a non-empty CSS selector string")
    outside_main = table.get("outside_main", False)
    if not isinstance(outside_main, bool):
        raise RuleError(where, rule_id, "outside_main must be true or false")
    return ElementMatch(
        tags=_names(where, rule_id, table, "tags"),
        roles=_names(where, rule_id, table, "roles"),
        class_id=_class_id(where, rule_id, table.get("class_id")),
        selector=selector.strip() if selector else None,
        outside_main=outside_main,
        xpath=_compile_selector(where, rule_id, selector.strip()) if selector else None,
    )


def _names(where: str, rule_id: str, table: dict[str, Any], key: str) -> frozenset[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleError(where, rule_id, f"{key} must be a list of names")
    if key in table and not value:
        raise RuleError(where, rule_id, f"{key} is empty, so it would name every element; list at least one")
    names = frozenset(v.strip().lower() for v in value)
    if key == "tags":
        inline = sorted(names & INLINE_TAGS)
        if inline:
            raise RuleError(where, rule_id, f"tags {inline} are inline text markup, which holds no blocks")
        unknown = sorted(n for n in names if n not in CONTAINER_TAGS and "-" not in n)
        if unknown:
            raise RuleError(
                where, rule_id, f"tags {unknown} are not HTML elements (nor custom ones, with a '-')"
            )
    return names


def _class_id(where: str, rule_id: str, source: object) -> re.Pattern[str] | None:
    if source is None:
        return None
    if not isinstance(source, str) or not source.strip():
        raise RuleError(where, rule_id, "class_id must be a non-empty regular expression")
    try:
        pattern = re.compile(source.strip())
    except re.error as exc:
        raise RuleError(where, rule_id, f"class_id is not a valid regular expression: {exc}") from exc
    if pattern.search(""):
        raise RuleError(where, rule_id, "class_id matches the empty string, so it would match every element")
    return pattern


def _compile_selector(where: str, rule_id: str, selector: str) -> etree.XPath:
    try:
        return etree.XPath(HTMLTranslator().css_to_xpath(selector))
    except (SelectorError, etree.XPathSyntaxError) as exc:
        raise RuleError(where, rule_id, f"selector {selector!r} is not a valid CSS selector: {exc}") from exc


def example_elements(snippet: str, rule_id: str, xpath: etree.XPath | None) -> list[Element]:
    """The container elements of an HTML example, outermost first, as a page would give them."""
    root = parse_html(f"<html><body>{snippet}</body></html>")
    selected = dict.fromkeys(xpath(root), (rule_id,)) if xpath is not None else {}
    made: dict[etree._Element, Element] = {}
    elements: list[Element] = []
    for node in root.iter(etree.Element):
        if node.tag in INLINE_TAGS:
            continue
        parent = node.getparent()
        while parent is not None and parent not in made:
            parent = parent.getparent()
        element = make_element(node, made.get(parent) if parent is not None else None, selected.get(node, ()))
        made[node] = element
        if node.tag not in ("html", "body", "head"):
            elements.append(element)
    return elements
