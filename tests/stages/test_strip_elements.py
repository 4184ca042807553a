"""Stage ``strip_elements``: the innermost element an element rule names removes its blocks, within guards."""

from __future__ import annotations

import pytest
from conftest import HTML_ARTICLE, HTML_PARAGRAPHS, assert_removals_explained, text_record

from pipeline.model import Category, Doc
from pipeline.rules import RuleSet, load_rules
from pipeline.runner import Pipeline
from pipeline.stages import strip_elements
from pipeline.stages.strip_elements import MAX_ELEMENT_SHARE, StripElements

PARAGRAPHS = HTML_PARAGRAPHS
ARTICLE = HTML_ARTICLE


def strip(markup: str, rules: RuleSet, url: str | None = None) -> Doc:
    """The document after ``strip_elements`` alone (selector rules run as the default pipeline runs them)."""
    pipe = Pipeline([StripElements(rules)], selectors=rules.selectors)
    doc = pipe.clean(text_record(markup, kind="html", url=url, path="page.html"))
    assert_removals_explained(doc)
    return doc


def verdicts(doc: Doc) -> dict[str, str | None]:
    """Each block's text and the rule that removed it (None: kept)."""
    return {b.text: b.rule_id for b in doc.blocks}


def test_named_containers_are_removed_with_rule_category_and_detail(rules: RuleSet) -> None:
    doc = strip(
        "<html><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
        f"<article><h1>Ferry cuts evening sailings</h1>{ARTICLE}"
        "<div class='related-posts'><h3>More from the harbour</h3></div></article>"
        "<div id='cookie-notice'><p>We use cookies.</p><button>Accept</button></div>"
        "</body></html>",
        rules,
    )
    by_text = {b.text: b for b in doc.blocks}
    assert verdicts(doc) == {
        "Home": "nav.nav-element",
        "News": "nav.nav-element",
        "Ferry cuts evening sailings": None,
        **dict.fromkeys(PARAGRAPHS),
        "More from the harbour": "related.related-class",
        "We use cookies.": "cookie.consent-class",
        "Accept": "cookie.consent-class",
    }
    related = by_text["More from the harbour"]
    assert (related.category, related.stage) == ("related", "strip_elements")
    assert related.detail == "<div> class/id 'related'"  # what the rule's pattern found in 'related posts'
    assert by_text["Home"].detail == "<nav> element"
    assert by_text["Accept"].detail == "<div> class/id 'cookie'"


def test_the_innermost_named_element_decides(rules: RuleSet) -> None:
    # A newsletter form inside a sidebar is newsletter; the rest of the sidebar is sidebar.
    doc = strip(
        f"<body><main><article>{ARTICLE}</article></main>"
        "<aside id='secondary' class='widget-area'>"
        "<section class='widget widget_archive'><h2>Archives</h2><ul><li>March 2025</li></ul></section>"
        "<section class='widget'><form class='mc4wp-form'><p>Get the Tuesday letter</p>"
        "<button type='submit'>Sign me up</button></form></section>"
        "</aside></body>",
        rules,
    )
    found = verdicts(doc)
    assert found["Archives"] == found["March 2025"] == "sidebar.aside-element"
    assert found["Get the Tuesday letter"] == found["Sign me up"] == "newsletter.signup-class"
    assert all(found[p] is None for p in PARAGRAPHS)


def test_outside_main_rules_spare_the_articles_own_header_and_aside(rules: RuleSet) -> None:
    doc = strip(
        "<body><header class='site'><p>Harbour Gazette</p></header>"
        "<article><header><h1>Ferry cuts evening sailings</h1><p>A short summary of it.</p></header>"
        f"{ARTICLE}<aside><p>Did you know? The pier opened in 1921.</p></aside></article>"
        "<aside><h3>Archives</h3></aside></body>",
        rules,
    )
    assert verdicts(doc) == {
        "Harbour Gazette": "nav.page-header",
        "Ferry cuts evening sailings": None,
        "A short summary of it.": None,
        **dict.fromkeys(PARAGRAPHS),
        "Did you know? The pier opened in 1921.": None,
        "Archives": "sidebar.aside-element",
    }


def test_a_named_element_inside_the_article_is_removed(rules: RuleSet) -> None:
    doc = strip(
        f"<body><article><div class='entry-content'>{ARTICLE}"
        "<div class='sharedaddy'><h3>Share this:</h3><ul><li>Facebook</li><li>Email</li></ul></div>"
        "</div></article></body>",
        rules,
    )
    found = verdicts(doc)
    assert found["Share this:"] == found["Facebook"] == found["Email"] == "social.share-class"
    assert all(found[p] is None for p in PARAGRAPHS)


# Guards


def wrapper_page(landmark: str) -> str:
    """A small wrapper whose class says sidebar around a ``landmark`` div or <main>, beside the article."""
    opening, closing = (f"<div {landmark}>", "</div>") if landmark else ("<main>", "</main>")
    return (
        f"<body><div id='sidebar-layout'>{opening}<p>Opening hours: nine to five.</p>{closing}"
        "<p>Closed on public holidays.</p></div>"
        f"<section class='story'>{ARTICLE}</section></body>"
    )


@pytest.mark.parametrize(
    "landmark", ["", "role='main'", "itemprop='articleBody'"], ids=["main", "role-main", "articlebody"]
)
def test_an_element_holding_the_main_landmark_is_never_removed_whatever_its_class(
    rules: RuleSet, landmark: str
) -> None:
    held = strip(wrapper_page(landmark), rules)
    assert all(b.kept for b in held.blocks)


def test_without_the_landmark_the_same_wrapper_is_a_sidebar(rules: RuleSet) -> None:
    plain = strip(wrapper_page("class='opening-hours'"), rules)
    found = verdicts(plain)
    assert (
        found["Opening hours: nine to five."]
        == found["Closed on public holidays."]
        == "sidebar.sidebar-class"
    )
    assert all(found[p] is None for p in PARAGRAPHS)


def shop_page(products: int, intro_lines: int) -> str:
    """A product grid in a wrapper whose class says sidebar, and some lines outside it: no prose."""
    grid = "".join(f"<li>Waxed canvas tote, colour {i}: 38 euros</li>" for i in range(products))
    intro = "".join(f"<p>Free delivery over 50 euros, offer {i}</p>" for i in range(intro_lines))
    return f"<body><div class='shop-sidebar-layout'><ul class='products'>{grid}</ul></div>{intro}</body>"


def test_an_element_with_most_of_the_pages_text_is_never_removed(rules: RuleSet) -> None:
    big = strip(shop_page(products=20, intro_lines=2), rules)
    grid_chars = sum(len(b.text.replace(" ", "")) for b in big.blocks if "tote" in b.text)
    all_chars = sum(len(b.text.replace(" ", "")) for b in big.blocks)
    assert grid_chars > MAX_ELEMENT_SHARE * all_chars
    assert all(b.kept for b in big.blocks)
    # The same wrapper holding a small share of the page is removed.
    small = strip(shop_page(products=2, intro_lines=6), rules)
    assert {b.rule_id for b in small.blocks if "tote" in b.text} == {"sidebar.sidebar-class"}
    assert all(b.kept for b in small.blocks if "delivery" in b.text)


def test_a_misleading_body_class_does_not_take_the_page(rules: RuleSet) -> None:
    doc = strip(
        f"<html><body class='page has-sidebar right-sidebar'>{ARTICLE}<p>Short note.</p></body></html>", rules
    )
    assert all(b.kept for b in doc.blocks)


def core_page() -> str:
    """The article's wrapper says 'related' and holds under half the page: a long menu holds the rest."""
    menu = "".join(f"<li><a href='/s/{i}'>Section number {i}</a></li>" for i in range(40))
    return (
        f"<body><div class='menu-wrap'><ul>{menu}</ul></div>"
        f"<div class='post-related-layout'><div class='entry-content'>{ARTICLE}</div>"
        "<div class='share-buttons'><p>Facebook Email</p></div></div></body>"
    )


def test_the_prose_core_and_the_elements_around_it_are_never_removed(
    rules: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = strip(core_page(), rules)
    found = verdicts(doc)
    assert all(found[p] is None for p in PARAGRAPHS)
    # Inside the protected wrapper, what is not the core is still judged.
    assert found["Facebook Email"] == "social.share-class"
    # The menu holds more than half of the page: the size guard leaves it to later stages.
    assert found["Section number 0"] is None
    # Without the prose core's protection the wrapper's class would take the article.
    monkeypatch.setattr(strip_elements, "prose_core", lambda blocks: [])
    unprotected = verdicts(strip(core_page(), rules))
    assert all(unprotected[p] == "related.related-class" for p in PARAGRAPHS)


def test_pages_without_elements_are_left_alone(rules: RuleSet) -> None:
    pipe = Pipeline([StripElements(rules)])
    doc = pipe.clean(text_record("Home\nNews\nA sidebar widget\n"))
    assert all(b.kept for b in doc.blocks)
    assert StripElements(rules)(Doc("d", "p.html", 0, "0" * 64, "html")).blocks == []


def test_blocks_already_removed_keep_their_first_reason(rules: RuleSet) -> None:
    doc = Pipeline([]).clean(
        text_record(f"<body>{ARTICLE}<nav><p>Home</p></nav></body>", kind="html", path="page.html")
    )
    home = doc.blocks[-1]
    home.remove(Category.UI, "ui.earlier", "an earlier stage")
    StripElements(rules)(doc)
    assert (home.rule_id, home.detail) == ("ui.earlier", "an earlier stage")


# Site rules

SITE_RULES = """
[[rules]]
id = "ad.partner-strip"
why = "The partner offers strip under harbourgazette.example articles."
selector = 'div[data-module="partner-offers"]'
must_match = ['<div data-module="partner-offers"><ul><li>Offers</li></ul></div>']
must_not_match = ['<div data-module="weather"><p>Sunny</p></div>']
"""


@pytest.fixture(scope="module")
def site_rules(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    folder = tmp_path_factory.mktemp("rules")
    (folder / "sites").mkdir()
    (folder / "sites" / "harbourgazette.example.toml").write_text(SITE_RULES, encoding="utf-8")
    return load_rules(folder)


SITE_PAGE = (
    f"<body><article>{ARTICLE}</article>"
    "<div class='module' data-module='weather'><p>Sunny, 14 degrees</p></div>"
    "<div class='module' data-module='partner-offers'><h4>From our partners</h4>"
    "<ul><li>Half-price boat tours this weekend</li><li>Harbour view rooms from 60 euros</li></ul></div>"
    "</body>"
)
OFFERS = ("From our partners", "Half-price boat tours this weekend", "Harbour view rooms from 60 euros")


@pytest.mark.parametrize(
    ("url", "removed"),
    [
        ("https://harbourgazette.example/news/ferry", True),
        ("https://www.harbourgazette.example/news/ferry", True),
        ("https://harbourgazette.example.org/news/ferry", False),
        ("https://otherharbourgazette.example/news/ferry", False),
        (None, False),
    ],
)
def test_a_site_selector_rule_applies_only_to_its_host(
    site_rules: RuleSet, url: str | None, removed: bool
) -> None:
    doc = strip(SITE_PAGE, site_rules, url=url)
    found = {b.text: b for b in doc.blocks}
    for offer in OFFERS:
        block = found[offer]
        assert block.kept is not removed
        if removed:
            assert (block.category, block.rule_id) == ("ad", "ad.partner-strip")
            assert block.detail == "<div> selector 'div[data-module=\"partner-offers\"]'"
    # Its neighbour has the same classes: only the selector tells them apart.
    assert found["Sunny, 14 degrees"].kept
    assert all(found[p].kept for p in PARAGRAPHS)


def test_a_site_rule_applies_from_the_pages_canonical_link(site_rules: RuleSet) -> None:
    # A saved page has no URL of its own; its canonical link says which site it is.
    page = SITE_PAGE.replace(
        "<body>", "<head><link rel='canonical' href='https://harbourgazette.example/news/ferry'></head><body>"
    )
    doc = Pipeline.default(site_rules).clean(text_record(page, kind="html", path="saved.html"))
    assert doc.url == "https://harbourgazette.example/news/ferry"
    found = {b.text: b for b in doc.blocks}
    assert {found[o].rule_id for o in OFFERS} == {"ad.partner-strip"}


def test_without_the_site_rule_the_strip_stays(rules: RuleSet, site_rules: RuleSet) -> None:
    # Without the site rule, the strip is just a div: the shipped rules name nothing in it.
    doc = strip(SITE_PAGE, rules, url="https://harbourgazette.example/news/ferry")
    assert all(b.kept for b in doc.blocks)
    assert "ad.partner-strip" not in rules.selectors and "ad.partner-strip" in site_rules.selectors
