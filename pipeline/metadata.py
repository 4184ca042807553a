"""Page metadata of a parsed HTML page: title, canonical URL, author, publication date.

What a publisher declares for search engines and social cards (``<meta>``,
``<link rel=canonical>``, JSON-LD) comes first; the visible page (``<title>``,
the first ``<h1>``, a byline or dated element near the headline) is the
fallback. A title loses trailing parts that name the site ("Title | Site").
One pass over the tree (``iter`` with a tag filter, in C) collects what is
read; the fallbacks look only at the headline's region, and only when nothing
was declared. Bounded and total: broken JSON, odd attribute values and huge
pages give ``None`` fields, never an exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from email.utils import parsedate_tz
from itertools import islice
from typing import Any

from lxml import etree

#: Elements read by the one pass over the tree (everything else is skipped in C).
COLLECTED_TAGS = ("meta", "link", "script", "title", "h1", "time", "article")
#: How many of each collected element are read: real pages have far fewer; bounds hostile ones.
MAX_META = 500
MAX_CANONICAL_LINKS = 5
MAX_LD_SCRIPTS = 20
MAX_TIME_ELEMENTS = 50
#: A JSON-LD script longer than this is skipped (real ones are a few kB).
MAX_LD_CHARS = 1_000_000
#: Dicts and lists visited across all JSON-LD of a page, and items read from one list.
MAX_LD_NODES = 2_000
MAX_LD_LIST_ITEMS = 200
#: The byline and dated-element fallbacks look only at the headline's region: the
#: ``<article>`` holding the first ``<h1>``, else this many levels above it, and
#: at most this many elements of it (a full-tree scan costs more than the rest).
REGION_LEVELS = 3
MAX_REGION_ELEMENTS = 400
#: Byline or ``datePublished`` elements of the region whose text is read, at most.
MAX_CANDIDATES = 10
#: A byline element's text longer than this, or of more words, is a bio or a
#: teaser, not a name (three names with "and" between them are 8 words).
MAX_BYLINE_CHARS = 80
MAX_BYLINE_WORDS = 8
#: An author value longer than this is not a name (nor a short list of names).
MAX_AUTHOR_CHARS = 100
#: A date attribute longer than this is not a date.
MAX_DATE_CHARS = 100
MAX_URL_CHARS = 2_048
#: Publication years outside this range are placeholders or parsing accidents.
MIN_YEAR, MAX_YEAR = 1990, 2100
#: A title suffix of at most this many words after a separator, and no longer
#: than what precedes it, reads as a site name ("Title | Site"). Measured on the
#: benchmark's gold titles: 2 strips with "no longer" beat 1 strip or "shorter".
MAX_SITE_SUFFIX_WORDS = 4
#: Separated parts stripped from the end of a title at most ("Title - Site | Tagline").
MAX_SUFFIX_STRIPS = 2
#: Shortest squashed site name or host label compared with a title suffix.
MIN_SITE_KEY_CHARS = 3

#: Meta keys (name, property or itemprop, lowercased) in order of trust.
TITLE_KEYS = ("og:title", "twitter:title")
URL_KEYS = ("og:url",)
SITE_NAME_KEYS = ("og:site_name", "application-name", "apple-mobile-web-app-title")
AUTHOR_KEYS = (
    "author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "dcterms.creator",
)  # fmt: skip
#: Read last: on many sites the handle is the site's account, not the author's.
HANDLE_KEY = "twitter:creator"
PUBLISHED_KEYS = (
    "article:published_time", "og:published_time", "date", "dc.date", "dc.date.issued", "dcterms.issued",
    "dcterms.date", "pubdate", "publish-date", "publish_date", "sailthru.date", "parsely-pub-date",
    "datepublished",
)  # fmt: skip

#: Class tokens of an element holding the author's name.
BYLINE_CLASS_TOKENS = frozenset(
    {
        "byline", "author", "author-name", "authorname", "author_name", "byline-author", "byline__author",
        "post-author", "entry-author", "article-author", "meta-author", "posted-by", "c-byline",
    }
)  # fmt: skip
#: JSON-LD types of the page's main content, and of the page itself.
ARTICLE_TYPES = frozenset({"BlogPosting", "LiveBlogPosting", "SocialMediaPosting", "DiscussionForumPosting"})
SITE_TYPES = frozenset({"WebSite", "Organization", "NewsMediaOrganization"})
#: JSON-LD ranks: the article first, then the web page, then any other top-level object.
RANK_ARTICLE, RANK_PAGE, RANK_OTHER = 0, 1, 2
#: JSON-LD keys walked into: a ``@graph`` holds top-level objects, ``mainEntity`` the page's content.
LINKED_CHILD_KEYS = ("mainEntity", "@graph")

SPACE = re.compile(r"\s+")
#: An absolute http(s) URL; group 1 is the host (labels of letters, digits and hyphens).
HTTP_URL = re.compile(r"https?://([\w-]+(?:\.[\w-]+)*)(?::\d+)?(?:[/?#]\S*)?", re.IGNORECASE)
#: Stripped from both ends of an author value (", USA TODAY" from a list with an empty name).
NAME_PUNCTUATION = " ,;:|-–—·•"
EMAIL = re.compile(r"\S+@\S+\.\w+")
#: A title split at its last separator: "Title | Site", "Title - Site", "Title :: Site" ...
TITLE_SUFFIX = re.compile(r"(.*\S)\s+(?:\||-|–|—|::|·|•)\s+(\S.*)")
BYLINE_PREFIX = re.compile(r"^(?:(?:posted|written)\s+by|by|von|par|por|authors?)\b\s*:?\s*", re.IGNORECASE)
BYLINE_CUT = re.compile(r"\s+[|•·]\s+")
NON_ALNUM = re.compile(r"[\W_]+")
TYPE_PREFIX = re.compile(r"^.*[/:#]")
ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
ISO_BASIC_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T|$)")
MONTH_DAY_YEAR = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\.?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
MONTHS = {
    name: number
    for number, full in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december"),
        start=1,
    )
    for name in (full, full[:3], full[:4])
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What a page says about itself; each field ``None`` when unknown."""

    title: str | None = None
    url: str | None = None
    author: str | None = None
    #: ISO 8601 date ``YYYY-MM-DD`` (a datetime is cut to its date as written).
    published: str | None = None


@dataclass(slots=True)
class _Collected:
    """The elements the one pass over the tree keeps, each kind bounded."""

    meta: dict[str, str] = field(default_factory=dict)
    meta_seen: int = 0
    canonical: list[str] = field(default_factory=list)
    ld_json: list[str] = field(default_factory=list)
    title: str | None = None
    h1: Any = None
    article: Any = None
    times: list[Any] = field(default_factory=list)
    _region: list[Any] | None = None

    def add(self, element: Any) -> None:
        tag = element.tag
        if tag == "meta":
            self._add_meta(element)
        elif tag == "link":
            self._add_link(element)
        elif tag == "script":
            self._add_script(element)
        elif tag == "title":
            if self.title is None and not any(True for _ in element.iterancestors("svg")):
                self.title = _collapse(_text(element))
        elif tag == "h1":
            if self.h1 is None:
                self.h1 = element
        elif tag == "article":
            if self.article is None:
                self.article = element
        elif tag == "time" and len(self.times) < MAX_TIME_ELEMENTS and element.get("datetime"):
            self.times.append(element)

    def region(self) -> list[Any]:
        """The first elements of the headline's region (computed once, on first use)."""
        if self._region is None:
            top = _headline_region(self.h1, self.article)
            self._region = [] if top is None else list(islice(top.iter(etree.Element), MAX_REGION_ELEMENTS))
        return self._region

    def _add_meta(self, element: Any) -> None:
        self.meta_seen += 1
        content = (element.get("content") or "").strip()
        if not content or self.meta_seen > MAX_META:
            return
        for attribute in ("property", "name", "itemprop"):
            key = element.get(attribute)
            if key:
                self.meta.setdefault(key.strip().lower(), content)

    def _add_link(self, element: Any) -> None:
        rel = (element.get("rel") or "").lower().split()
        if "canonical" in rel and len(self.canonical) < MAX_CANONICAL_LINKS:
            self.canonical.append(element.get("href") or "")

    def _add_script(self, element: Any) -> None:
        kind = (element.get("type") or "").strip().lower()
        text = element.text
        if kind.startswith("application/ld+json") and text and len(self.ld_json) < MAX_LD_SCRIPTS:
            self.ld_json.append(text)


@dataclass(frozen=True, slots=True)
class _LinkedNode:
    """One JSON-LD object with its rank (lower is the page's main content) and types."""

    rank: int
    types: frozenset[str]
    data: dict[str, Any]


def page_metadata(root: etree._Element) -> PageMeta:
    """Title, canonical URL, author and publication date of a parsed page."""
    collected = _Collected()
    for element in root.iter(*COLLECTED_TAGS):
        collected.add(element)
    linked = _linked_nodes(collected.ld_json)
    url = _page_url(collected, linked)
    return PageMeta(
        title=_page_title(collected, linked, url),
        url=url,
        author=_page_author(collected, linked),
        published=_page_published(collected, linked),
    )


# --- fields -----------------------------------------------------------------------------------------


def _page_title(collected: _Collected, linked: list[_LinkedNode], url: str | None) -> str | None:
    candidates = [collected.meta.get(key) for key in TITLE_KEYS]
    candidates.append(collected.title)
    for candidate in candidates:
        title = _collapse(candidate)
        if title:
            return _strip_site_suffix(title, lambda: _site_keys(collected, linked, url))
    return _collapse(_text(collected.h1)) if collected.h1 is not None else None


def _page_url(collected: _Collected, linked: list[_LinkedNode]) -> str | None:
    for candidate in [*collected.canonical, *(collected.meta.get(key) for key in URL_KEYS)]:
        url = _absolute_url(candidate)
        if url:
            return url
    return _first(linked, RANK_PAGE, lambda node: _absolute_url(_linked_url(node.data)))


def _page_author(collected: _Collected, linked: list[_LinkedNode]) -> str | None:
    for key in AUTHOR_KEYS:
        author = _clean_author(collected.meta.get(key))
        if author:
            return author
    author = _first(linked, RANK_OTHER, lambda node: _clean_author(_linked_names(node.data.get("author"))))
    return author or _byline_author(collected.region()) or _clean_author(collected.meta.get(HANDLE_KEY))


def _page_published(collected: _Collected, linked: list[_LinkedNode]) -> str | None:
    published = _first(linked, RANK_OTHER, lambda node: parse_date(node.data.get("datePublished")))
    if published:
        return published
    for key in PUBLISHED_KEYS:
        published = parse_date(collected.meta.get(key))
        if published:
            return published
    dated = (e for e in collected.region() if "datePublished" in (e.get("itemprop") or "").split())
    for element in islice(dated, MAX_CANDIDATES):
        published = _element_date(element)
        if published:
            return published
    for element in collected.times:
        if element.get("pubdate") is not None or _in_first_article(element, collected.article):
            published = parse_date(element.get("datetime"))
            if published:
                return published
    return None


def _in_first_article(element: Any, article: Any) -> bool:
    """Whether the nearest ``<article>`` around ``element`` is the page's first one.

    A comment thread marks each comment up as an ``<article>`` of its own
    (WordPress does), and a comment's date is not the page's.
    """
    nearest = next(element.iterancestors("article"), None)
    return nearest is not None and nearest is article


def _element_date(element: Any) -> str | None:
    """The date an element carries: its ``content`` or ``datetime`` attribute, else its text."""
    return parse_date(element.get("content") or element.get("datetime") or _text(element))


# --- title ------------------------------------------------------------------------------------------


def _strip_site_suffix(title: str, site_keys: Callable[[], list[str]]) -> str:
    """``title`` without trailing " | Site" parts ("Title - Site | Tagline") that read as the site's."""
    keys: list[str] | None = None
    for _ in range(MAX_SUFFIX_STRIPS):
        match = TITLE_SUFFIX.fullmatch(title)
        if not match:
            break
        keys = site_keys() if keys is None else keys
        if not _is_site_suffix(match.group(2), match.group(1), keys):
            break
        title = match.group(1)
    return title


def _is_site_suffix(suffix: str, prefix: str, site_keys: list[str]) -> bool:
    """Whether ``suffix`` names the site: a site name or host label, its acronym, or a short tail."""
    words = suffix.split()
    key, initials = _squash(suffix), _squash("".join(w[0] for w in words))
    if any(_same_site(key, site) or (len(words) > 1 and initials == site) for site in site_keys):
        return True
    return len(words) <= MAX_SITE_SUFFIX_WORDS and len(prefix.split()) >= len(words)


def _same_site(key: str, site: str) -> bool:
    return min(len(key), len(site)) >= MIN_SITE_KEY_CHARS and (key in site or site in key)


def _site_keys(collected: _Collected, linked: list[_LinkedNode], url: str | None) -> list[str]:
    """Squashed names the site goes by: declared site names and the labels of its host."""
    names = [collected.meta.get(key) for key in SITE_NAME_KEYS]
    names += [node.data.get("name") for node in linked if node.types & SITE_TYPES]
    keys = [_squash(name) for name in names if isinstance(name, str)]
    match = HTTP_URL.fullmatch(url) if url else None
    if match:
        keys.extend(label for label in match.group(1).lower().split(".")[:-1] if label != "www")
    return [key for key in keys if key]


# --- author -----------------------------------------------------------------------------------------


def _clean_author(value: object) -> str | None:
    """``value`` as a name, or ``None`` when it is not a string or is a URL, an email or too long."""
    if not isinstance(value, str):
        return None
    name = (_collapse(value) or "").strip(NAME_PUNCTUATION)
    if len(name) > MAX_AUTHOR_CHARS or not any(c.isalpha() for c in name):
        return None
    if name.startswith(("/", "www.")) or "://" in name or EMAIL.search(name):
        return None
    return name


def _headline_region(h1: Any, article: Any) -> Any:
    """The ``<article>`` around the first ``<h1>``, else a few levels above it, else the first article."""
    if h1 is None:
        return article
    region = h1
    for level, parent in enumerate(h1.iterancestors()):
        if parent.tag == "article":
            return parent
        if level < REGION_LEVELS:
            region = parent
    return region


def _byline_author(region: list[Any]) -> str | None:
    for element in islice(filter(_is_byline, region), MAX_CANDIDATES):
        author = _clean_author(_byline_text(element))
        if author:
            return author
    return None


def _is_byline(element: Any) -> bool:
    if "author" in (element.get("rel") or "").lower().split():
        return True
    if "author" in (element.get("itemprop") or "").split():
        return True
    return not BYLINE_CLASS_TOKENS.isdisjoint((element.get("class") or "").lower().split())


def _byline_text(element: Any) -> str | None:
    """The name in a byline element: its ``itemprop=name`` part, else its short text."""
    named = element.find(".//*[@itemprop='name']")
    source = named if named is not None else element
    text = _collapse(source.get("content") or _text(source))
    if not text or len(text) > MAX_BYLINE_CHARS:
        return None
    name = BYLINE_CUT.split(BYLINE_PREFIX.sub("", text), maxsplit=1)[0].strip(" ,:")
    if any(c.isdigit() for c in name) or "author" in name.lower() or len(name.split()) > MAX_BYLINE_WORDS:
        return None
    return name


# --- JSON-LD ----------------------------------------------------------------------------------------


def _linked_nodes(scripts: Iterable[str]) -> list[_LinkedNode]:
    """The ranked objects of a page's JSON-LD: top level, ``@graph`` and ``mainEntity``, bounded."""
    found: list[_LinkedNode] = []
    budget = MAX_LD_NODES
    for data in _load_json(scripts):
        stack: list[tuple[object, bool]] = [(data, True)]
        while stack and budget > 0:
            node, top = stack.pop()
            budget -= 1
            if isinstance(node, list):
                stack.extend((item, top) for item in reversed(node[:MAX_LD_LIST_ITEMS]))
            elif isinstance(node, dict):
                _add_linked(found, node, top)
                stack.extend((node[key], key == "@graph") for key in LINKED_CHILD_KEYS if key in node)
    return found


def _load_json(scripts: Iterable[str]) -> Iterator[object]:
    for text in scripts:
        if len(text) > MAX_LD_CHARS:
            continue
        try:
            yield json.loads(text)
        except (ValueError, RecursionError):
            continue


def _add_linked(found: list[_LinkedNode], node: dict[str, Any], top: bool) -> None:
    types = _linked_types(node.get("@type"))
    if any(t in ARTICLE_TYPES or t.endswith("Article") for t in types):
        found.append(_LinkedNode(RANK_ARTICLE, types, node))
    elif any(t.endswith("Page") for t in types):
        found.append(_LinkedNode(RANK_PAGE, types, node))
    elif top:
        found.append(_LinkedNode(RANK_OTHER, types, node))


def _linked_types(value: object) -> frozenset[str]:
    """``@type`` as bare names: ``"schema:NewsArticle"`` and ``"https://schema.org/NewsArticle"`` alike."""
    values = value if isinstance(value, list) else [value]
    return frozenset(TYPE_PREFIX.sub("", v) for v in values[:MAX_LD_LIST_ITEMS] if isinstance(v, str))


def _first(nodes: list[_LinkedNode], max_rank: int, value: Callable[[_LinkedNode], str | None]) -> str | None:
    """The value of the best-ranked node that has one (document order among equals)."""
    best, best_rank = None, max_rank + 1
    for node in nodes:
        if node.rank < best_rank:
            found = value(node)
            if found:
                best, best_rank = found, node.rank
    return best


def _linked_url(data: dict[str, Any]) -> str | None:
    for value in (data.get("url"), data.get("mainEntityOfPage")):
        url = value.get("@id") or value.get("url") if isinstance(value, dict) else value
        if isinstance(url, str):
            return url
    return None


def _linked_names(value: object) -> str | None:
    """An author value as names: a string, a ``{"name": ...}`` object, or a list of them."""
    values = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in values[:MAX_LD_LIST_ITEMS]:
        name = item.get("name") if isinstance(item, dict) else item
        name = _clean_author(name)
        if name and name not in names:
            names.append(name)
    return ", ".join(names) or None


# --- values -----------------------------------------------------------------------------------------


def parse_date(value: object) -> str | None:
    """A date in ``value`` as ``YYYY-MM-DD``: ISO forms, ``YYYY/MM/DD``, RFC 2822,
    "March 3, 2021" or "3 March 2021"; ``None`` when absent or outside 1990-2100."""
    if not isinstance(value, str) or len(value) > MAX_DATE_CHARS:
        return None
    match = ISO_DATE.search(value) or ISO_BASIC_DATE.match(value.strip())
    if match:
        return _valid_date(match.group(1), match.group(2), match.group(3))
    try:
        parsed = parsedate_tz(value)
    except (ValueError, IndexError, TypeError, OverflowError):
        parsed = None
    if parsed:
        return _valid_date(parsed[0], parsed[1], parsed[2])
    match = MONTH_DAY_YEAR.search(value)
    if match and match.group(1).lower() in MONTHS:
        return _valid_date(match.group(3), MONTHS[match.group(1).lower()], match.group(2))
    match = DAY_MONTH_YEAR.search(value)
    if match and match.group(2).lower() in MONTHS:
        return _valid_date(match.group(3), MONTHS[match.group(2).lower()], match.group(1))
    return None


def _valid_date(year: str | int, month: str | int, day: str | int) -> str | None:
    try:
        parsed = date(int(year), int(month), int(day))
    except (ValueError, OverflowError):
        return None
    return parsed.isoformat() if MIN_YEAR <= parsed.year <= MAX_YEAR else None


def _absolute_url(value: str | None) -> str | None:
    """``value`` stripped when it is an absolute http(s) URL, else ``None``."""
    url = (value or "").strip()
    return url if len(url) <= MAX_URL_CHARS and HTTP_URL.fullmatch(url) else None


def _text(element: etree._Element) -> str:
    """All text inside ``element``."""
    return "".join(element.itertext())


def _collapse(text: str | None) -> str | None:
    collapsed = SPACE.sub(" ", text).strip() if text else ""
    return collapsed or None


def _squash(text: str) -> str:
    return NON_ALNUM.sub("", text.lower())
