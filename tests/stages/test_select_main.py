"""Stage ``select_main``: outside the page's main content region, what is not prose is removed.

The region is, in order: the prose core when it holds at least half of the
page's characters (an article's body); else the outermost landmarks
(``<main>``, ``role=main``, ``itemprop=articleBody``) when they hold at least
a fifth; else a single ``<article>`` around the prose core holding a fifth.
Each source below has a page that takes it and a contrast page that does not.
"""

from __future__ import annotations

import pytest
from conftest import HTML_ARTICLE, HTML_PARAGRAPHS, assert_removals_explained, text_record

from pipeline.model import Block, Category, Doc, Element
from pipeline.runner import Pipeline
from pipeline.segment.html import segment_html
from pipeline.stages.layout import prose_core
from pipeline.stages.select_main import (
    CORE_REGION_MIN_SHARE,
    MIN_REGION_SHARE,
    TITLE_COPY_RULE,
    SelectMain,
    main_region,
)

PARAGRAPHS = HTML_PARAGRAPHS
ARTICLE = HTML_ARTICLE
#: Prose outside the region: short enough to leave the core where the article is.
INTRO = "Our reporters followed the ferry on its last evening crossing of the summer."
#: A listing page's introduction: prose, but far less of the page than its grid.
LISTING_INTRO = (
    "Every week our reporters follow the boats, the markets and the people who keep the north shore "
    "working through the winter."
)
PRODUCTS = [f"Harbour print number {i}" for i in range(1, 13)]
GRID = "<ul class='grid'>" + "".join(f"<li>{p}</li>" for p in PRODUCTS) + "</ul>"
TEASERS = [f"More from the harbour, part {i}" for i in range(1, 13)]
MORE = (
    "<div class='more'>" + "".join(f"<p><a href='/{i}'>{t}</a></p>" for i, t in enumerate(TEASERS)) + "</div>"
)
TITLE = "Ferry cuts"
HEAD = f"<head><title>{TITLE} | Harbour Gazette</title></head>"


def select(markup: str) -> Doc:
    doc = Pipeline([SelectMain()]).clean(text_record(markup, kind="html", path="page.html"))
    assert_removals_explained(doc)
    return doc


def verdicts(doc: Doc) -> dict[str, tuple[str | None, str | None]]:
    return {b.text: (b.rule_id, b.detail) for b in doc.blocks}


BEFORE = ("nav.outside-main", "before the main content region")
AFTER = ("footer.outside-main", "after the main content region")
TITLE_COPY = (TITLE_COPY_RULE, "the page's headline, in the title column")
KEPT = (None, None)


def elements(blocks: list[Block]) -> dict[str, Element]:
    """Every element of the page by its short name (the pages below name them uniquely)."""
    return {e.describe(): e for b in blocks if b.element for e in b.element.ancestors()}


def region_tags(markup: str) -> set[str]:
    blocks = segment_html(markup)[0]
    by_id = {id(e): e for b in blocks if b.element for e in b.element.ancestors()}
    return {by_id[key].describe() for key in main_region(blocks)}


def shares(markup: str) -> dict[str, float]:
    """Each element's share of the page's characters, and ``core``: the prose core's."""
    blocks = segment_html(markup)[0]
    found = elements(blocks)
    top = found["html"].chars
    result = {name: e.chars / top for name, e in found.items()}
    core = prose_core(blocks)
    result["core"] = core[0].chars / top if core else 0.0
    return result


# 1. The prose core


def news_page(main_extra: str = "") -> str:
    return (
        f"<html>{HEAD}<body><header><a href='/'>Harbour Gazette</a><ul><li>News</li><li>Sport</li></ul>"
        f"</header><main><h1>{TITLE}</h1><p class='date'>Tuesday 4 March</p>"
        f"<div class='post'>{ARTICLE}</div><div class='share'><p>Share</p></div>{main_extra}</main>"
        "<footer><p>Contact the newsroom</p></footer></body></html>"
    )


def test_an_article_body_holding_half_the_page_is_the_region_even_inside_main() -> None:
    page = news_page()
    assert shares(page)["core"] >= CORE_REGION_MIN_SHARE
    assert region_tags(page) == {"div.post"}
    doc = select(page)
    assert verdicts(doc) == {
        "Harbour Gazette": BEFORE,
        "News": BEFORE,
        "Sport": BEFORE,
        TITLE: TITLE_COPY,
        "Tuesday 4 March": BEFORE,  # inside <main> but outside the core: the core comes first
        **dict.fromkeys(PARAGRAPHS, KEPT),
        "Share": AFTER,
        "Contact the newsroom": AFTER,
    }
    removed = [b for b in doc.blocks if not b.kept]
    assert {b.category for b in removed} == {Category.NAV, Category.DUPLICATE, Category.FOOTER}
    assert {b.stage for b in removed} == {"select_main"}
    assert doc.title == TITLE  # the headline's text is still there, in the title column


def test_a_core_under_half_the_page_gives_way_to_the_landmark() -> None:
    # The same article with a long list of teasers inside <main>: the core is now a smaller part.
    page = news_page(MORE)
    found = shares(page)
    assert found["core"] < CORE_REGION_MIN_SHARE <= found["main"]
    assert region_tags(page) == {"main"}
    doc = select(page)
    assert verdicts(doc) == {
        "Harbour Gazette": BEFORE,
        "News": BEFORE,
        "Sport": BEFORE,
        TITLE: KEPT,  # inside the region
        "Tuesday 4 March": KEPT,
        **dict.fromkeys(PARAGRAPHS, KEPT),
        "Share": KEPT,
        **dict.fromkeys(TEASERS, KEPT),
        "Contact the newsroom": AFTER,
    }


def padded_core(extra_chars: int) -> str:
    """An unmarked page: the article in a div, then a list item as long as it plus ``extra_chars``."""
    first = segment_html(f"<body><div class='post'>{ARTICLE}</div></body>")[0][0].element
    assert first is not None and first.parent is not None and first.parent.tokens == "post"
    return (
        f"<body><div class='post'>{ARTICLE}</div>"
        f"<ul class='pad'><li>{'x' * (first.parent.chars + extra_chars)}</li></ul></body>"
    )


@pytest.mark.parametrize(("extra", "region"), [(0, {"div.post"}), (1, set())], ids=["half", "just-under"])
def test_the_core_is_the_region_from_exactly_half_the_page(extra: int, region: set[str]) -> None:
    page = padded_core(extra)
    core = shares(page)["core"]
    assert core == CORE_REGION_MIN_SHARE if extra == 0 else core < CORE_REGION_MIN_SHARE
    # Nothing else marks a region: no landmark, no article.
    assert region_tags(page) == region
    pad = next(b for b in select(page).blocks if b.text.startswith("xxx"))
    assert (pad.rule_id, pad.detail) == (AFTER if region else KEPT)


def test_an_unmarked_page_has_its_article_body_as_the_region() -> None:
    # Neither <main> nor <article>: the prose core alone says where the content is.
    doc = select(
        f"<body><ul><li>Home</li><li>News</li></ul><div class='post'>{ARTICLE}</div><p>Imprint</p></body>"
    )
    found = verdicts(doc)
    assert found["Home"] == found["News"] == BEFORE
    assert found["Imprint"] == AFTER
    assert all(found[p] == KEPT for p in PARAGRAPHS)


def test_a_page_with_no_large_core_no_landmark_and_no_article_is_left_alone() -> None:
    page = f"<body><ul><li>Home</li><li>News</li></ul><p class='intro'>{LISTING_INTRO}</p>{GRID}</body>"
    assert 0 < shares(page)["core"] < CORE_REGION_MIN_SHARE
    assert region_tags(page) == set()
    assert all(b.kept for b in select(page).blocks)


# 2. The landmarks


def listing(region: str) -> str:
    """A listing: a short introduction and a product grid inside ``region``, a menu and an imprint."""
    inner = f"<p class='intro'>{LISTING_INTRO}</p>{GRID}"
    return (
        f"<body><ul class='menu'><li>Home</li><li>Shop</li></ul>{region.format(inner)}<p>Imprint</p></body>"
    )


@pytest.mark.parametrize(
    "region",
    [
        "<main>{}</main>",
        "<div role='main'>{}</div>",
        "<div class='entry' itemprop='articleBody'>{}</div>",
        "<div class='wrap'><main><div class='inner'>{}</div></main></div>",
    ],
    ids=["main", "role-main", "itemprop-articlebody", "nested"],
)
def test_without_a_large_core_every_kind_of_landmark_marks_the_region(region: str) -> None:
    page = listing(region)
    assert shares(page)["core"] < CORE_REGION_MIN_SHARE
    doc = select(page)
    found = verdicts(doc)
    assert found["Home"] == found["Shop"] == BEFORE
    assert found["Imprint"] == AFTER
    assert found[LISTING_INTRO] == KEPT
    assert all(found[p] == KEPT for p in PRODUCTS)


def test_the_same_listing_without_a_landmark_is_left_alone() -> None:
    assert all(b.kept for b in select(listing("<div class='content'>{}</div>")).blocks)


def test_the_region_is_the_outermost_landmarks() -> None:
    # Pages without prose: no core, so the landmarks decide.
    assert region_tags(
        f"<body><main class='site'><div itemprop='articleBody'>{GRID}</div></main><p>Imprint</p></body>"
    ) == {"main.site"}
    # Two landmarks side by side make one region.
    both = region_tags(
        f"<body><div role='main' class='a'>{GRID}</div><p>Between</p>"
        f"<div role='main' class='b'>{GRID}</div></body>"
    )
    assert both == {"div.a", "div.b"}


def test_blocks_between_two_parts_of_the_region_count_as_after_it() -> None:
    doc = select(
        f"<body><p>Menu</p><div role='main'>{GRID}</div>"
        "<p>Between</p><div role='main'><p>More prints</p></div></body>"
    )
    found = verdicts(doc)
    assert found["Menu"] == BEFORE and found["Between"] == AFTER
    assert found["More prints"] == KEPT


def padded_landmark(extra_chars: int) -> str:
    """A grid in <main> and, outside it, four times its characters plus ``extra_chars``."""
    main = segment_html(f"<body><main>{GRID}</main></body>")[0][0].element
    assert main is not None
    main = next(e for e in main.ancestors() if e.tag == "main")
    pad = "x" * (4 * main.chars + extra_chars)
    return f"<body><main>{GRID}</main><ul class='pad'><li>{pad}</li></ul></body>"


@pytest.mark.parametrize(("extra", "region"), [(0, {"main"}), (1, set())], ids=["a-fifth", "just-under"])
def test_a_landmark_is_trusted_from_a_fifth_of_the_page(extra: int, region: set[str]) -> None:
    page = padded_landmark(extra)
    share = shares(page)["main"]
    assert share >= MIN_REGION_SHARE if extra == 0 else share < MIN_REGION_SHARE
    assert region_tags(page) == region


def test_a_landmark_around_a_hero_banner_only_is_not_trusted() -> None:
    # The <main> holds a banner; the listing beside it is in plain divs and has no large core.
    page = (
        "<body><ul><li>Home</li><li>News</li></ul><main><p>Spring prints out now</p></main>"
        f"<div class='listing'><p class='intro'>{LISTING_INTRO}</p>{GRID}</div></body>"
    )
    found = shares(page)
    assert found["main"] < MIN_REGION_SHARE and found["core"] < CORE_REGION_MIN_SHARE
    assert all(b.kept for b in select(page).blocks)


# 3. A single <article> around the core


def article_page(wrapper: str = "article", teasers: int = 20) -> str:
    more = "".join(f"<li><a href='/{i}'>More from the harbour, part {i}</a></li>" for i in range(teasers))
    return (
        f"<body><ul><li>Home</li><li>News</li></ul><div class='wrap'><{wrapper}><h2>Ferry cuts</h2>"
        f"<div class='entry'>{ARTICLE}</div><p>Share</p></{wrapper}><ul class='more'>{more}</ul></div>"
        "<p>Imprint</p></body>"
    )


def test_without_a_large_core_or_a_landmark_the_article_around_the_core_is_the_region() -> None:
    page = article_page()
    found = shares(page)
    assert found["core"] < CORE_REGION_MIN_SHARE and found["article"] >= MIN_REGION_SHARE
    assert region_tags(page) == {"article"}
    found_verdicts = verdicts(select(page))
    assert found_verdicts["Home"] == found_verdicts["News"] == BEFORE
    assert found_verdicts["Ferry cuts"] == found_verdicts["Share"] == KEPT  # in the article, out of the core
    assert found_verdicts["More from the harbour, part 0"] == AFTER
    assert found_verdicts["Imprint"] == AFTER


def test_the_same_page_in_a_plain_div_is_left_alone() -> None:
    page = article_page("section")
    assert shares(page)["core"] < CORE_REGION_MIN_SHARE
    assert region_tags(page) == set()
    assert all(b.kept for b in select(page).blocks)


def padded_article(extra_chars: int) -> str:
    """The article alone and, outside it, four times its characters plus ``extra_chars``."""
    article = segment_html(f"<body><article><div class='entry'>{ARTICLE}</div></article></body>")[0][
        0
    ].element
    assert article is not None
    article = next(e for e in article.ancestors() if e.tag == "article")
    pad = "x" * (4 * article.chars + extra_chars)
    return (
        f"<body><article><div class='entry'>{ARTICLE}</div></article>"
        f"<ul class='pad'><li>{pad}</li></ul></body>"
    )


@pytest.mark.parametrize(("extra", "region"), [(0, {"article"}), (1, set())], ids=["a-fifth", "just-under"])
def test_an_article_is_trusted_from_a_fifth_of_the_page(extra: int, region: set[str]) -> None:
    page = padded_article(extra)
    found = shares(page)
    assert found["core"] < CORE_REGION_MIN_SHARE
    share = found["article"]
    assert share >= MIN_REGION_SHARE if extra == 0 else share < MIN_REGION_SHARE
    assert region_tags(page) == region


def test_prose_split_over_two_articles_has_no_single_article() -> None:
    # A listing of two teaser articles: the core is the list around them, not an article.
    more = "".join(f"<li><a href='/{i}'>More from the harbour, part {i}</a></li>" for i in range(12))
    page = (
        f"<body><div class='list'><article class='a'><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p></article>"
        f"<article class='b'><p>{PARAGRAPHS[2]}</p><p>{LISTING_INTRO}</p></article></div>"
        f"<ul class='more'>{more}{more}</ul></body>"
    )
    assert [e.tag for e in prose_core(segment_html(page)[0])][:1] == ["div"]
    assert shares(page)["core"] < CORE_REGION_MIN_SHARE
    assert region_tags(page) == set()


# The order: landmarks before an article


def review_page(grid_wrapper: str) -> str:
    """A product grid and, beside it, one review in an <article>: the grid is most of the page."""
    return (
        f"<body><p>Menu</p><{grid_wrapper} class='products'>{GRID}{GRID}</{grid_wrapper}>"
        f"<article><div class='entry'>{ARTICLE}</div><p>Rated 4 of 5</p></article><p>Imprint</p></body>"
    )


def test_landmarks_come_before_an_article() -> None:
    page = review_page("main")
    found = shares(page)
    assert found["core"] < CORE_REGION_MIN_SHARE
    assert found["main.products"] >= MIN_REGION_SHARE and found["article"] >= MIN_REGION_SHARE
    assert region_tags(page) == {"main.products"}
    doc = verdicts(select(page))
    assert doc["Menu"] == BEFORE
    assert doc[PRODUCTS[0]] == KEPT
    assert all(doc[p] == KEPT for p in PARAGRAPHS)  # prose outside the region is kept
    assert doc["Rated 4 of 5"] == doc["Imprint"] == AFTER


def test_without_the_landmark_the_article_is_the_region() -> None:
    page = review_page("div")
    assert region_tags(page) == {"article"}
    doc = verdicts(select(page))
    assert doc["Menu"] == doc[PRODUCTS[0]] == BEFORE
    assert doc["Rated 4 of 5"] == KEPT
    assert doc["Imprint"] == AFTER


# The headline that repeats the title


def headline_page(headline: str, *, after: bool = False, head: str = HEAD) -> str:
    before, behind = ("", headline) if after else (headline, "")
    return (
        f"<html>{head}<body><p>Menu</p>{before}<div class='post'>{ARTICLE}</div>{behind}"
        "<p>Imprint</p></body></html>"
    )


@pytest.mark.parametrize(
    ("headline", "text", "verdict"),
    [
        (f"<h1>{TITLE}</h1>", TITLE, TITLE_COPY),
        ("<h2 class='entry-title'>FERRY CUTS!</h2>", "FERRY CUTS!", TITLE_COPY),  # compared by repeat_key
        ("<h1 class='logo'>Harbour Gazette</h1>", "Harbour Gazette", BEFORE),  # an h1 that is not the title
        (f"<h1>{TITLE} and fares</h1>", f"{TITLE} and fares", BEFORE),
        (f"<h3>{TITLE}</h3>", TITLE, BEFORE),  # only h1 and h2 are the page's headline
        (f"<p class='kicker'>{TITLE}</p>", TITLE, BEFORE),
    ],
    ids=["h1", "h2-case-and-punctuation", "h1-not-the-title", "h1-longer", "h3", "p"],
)
def test_a_headline_outside_the_region_that_repeats_the_title_is_a_title_copy(
    headline: str, text: str, verdict: tuple[str, str]
) -> None:
    assert region_tags(headline_page(headline)) == {"div.post"}
    doc = select(headline_page(headline))
    assert doc.title == TITLE
    found = verdicts(doc)
    assert found[text] == verdict
    assert found["Menu"] == BEFORE and found["Imprint"] == AFTER
    block = next(b for b in doc.blocks if b.text == text)
    assert block.category is (Category.DUPLICATE if verdict == TITLE_COPY else Category.NAV)


def test_a_title_copy_after_the_region_is_a_title_copy_too() -> None:
    found = verdicts(select(headline_page(f"<h2>{TITLE}</h2>", after=True)))
    assert found[TITLE] == TITLE_COPY and found["Imprint"] == AFTER


def test_without_a_title_column_a_headline_is_just_outside_the_region() -> None:
    # No <title>, no og:title: the metadata take the first <h1>, so make it an h2.
    doc = select(headline_page(f"<h2>{TITLE}</h2>", head="<head></head>"))
    assert doc.title is None
    assert verdicts(doc)[TITLE] == BEFORE


def test_the_title_inside_the_region_is_kept() -> None:
    page = f"<html>{HEAD}<body><p>Menu</p><article><h1>{TITLE}</h1>{ARTICLE}</article></body></html>"
    assert region_tags(page) == {"article"}
    found = verdicts(select(page))
    assert found[TITLE] == KEPT and found["Menu"] == BEFORE


# Prose outside the region


@pytest.mark.parametrize(
    ("page", "prose", "region"),
    [
        (
            f"<body><p>Menu</p><div class='intro'><p>{INTRO}</p></div>"
            f"<div class='post'>{ARTICLE}</div></body>",
            INTRO,
            {"div.post"},
        ),
        (
            f"<body><p>Menu</p><main>{GRID}</main><div class='about'><p>{LISTING_INTRO}</p></div></body>",
            LISTING_INTRO,
            {"main"},
        ),
    ],
    ids=["intro-above-the-core", "description-below-a-landmark"],
)
def test_prose_outside_the_region_is_kept(page: str, prose: str, region: set[str]) -> None:
    assert region_tags(page) == region
    found = verdicts(select(page))
    assert found["Menu"] == BEFORE
    assert found[prose] == KEPT


def test_a_sentence_that_is_mostly_links_outside_the_region_is_not_prose() -> None:
    linked = f"<a href='/x'>{INTRO[:-1]}</a>."
    doc = select(f"<body><div class='intro'><p>{linked}</p></div><div class='post'>{ARTICLE}</div></body>")
    assert verdicts(doc)[INTRO] == BEFORE


# Pages the stage leaves alone


def test_no_region_without_elements_or_text() -> None:
    assert main_region([]) == set()
    assert main_region([Block(0, "A line of a text dump.")]) == set()
    text = Pipeline([SelectMain()]).clean(text_record("Home\nNews\n" + "\n".join(PARAGRAPHS)))
    assert all(b.kept for b in text.blocks)


def test_blocks_already_removed_keep_their_first_reason() -> None:
    doc = Pipeline([]).clean(
        text_record(f"<body><p>Menu</p><main>{ARTICLE}</main></body>", kind="html", path="page.html")
    )
    doc.blocks[0].remove(Category.UI, "ui.earlier", "an earlier stage")
    SelectMain()(doc)
    assert (doc.blocks[0].rule_id, doc.blocks[0].detail) == ("ui.earlier", "an earlier stage")
    assert doc.blocks[0].category is Category.UI


def test_a_prose_core_that_is_the_whole_page_gives_way_to_the_landmarks() -> None:
    # Prose on both sides of <main> puts the prose core at <body>: it says nothing about
    # where the content is, so the page's <main> is the region.
    intro = f"<div class='intro'><p>{PARAGRAPHS[0]}</p></div>"
    outro = f"<div class='outro'><p>{PARAGRAPHS[1]}</p></div>"
    markup = (
        f"<html>{HEAD}<body><div class='menu'><p>Boats</p><p>Markets</p></div>{intro}"
        f"<main><p>{PARAGRAPHS[2]}</p>{GRID}</main>{outro}</body></html>"
    )
    blocks, _ = segment_html(markup)
    assert prose_core(blocks)[0].tag == "body"
    assert {e.tag for e in _region_elements(blocks)} == {"main"}
    doc = select(markup)
    assert verdicts(doc)["Boats"][0] == "nav.outside-main"
    assert all(verdicts(doc)[p] == (None, None) for p in PARAGRAPHS)
    assert all(verdicts(doc)[p] == (None, None) for p in PRODUCTS)


def _region_elements(blocks: list[Block]) -> list[Element]:
    region = main_region(blocks)
    found = {id(e): e for b in blocks if b.element for e in b.element.ancestors() if id(e) in region}
    return list(found.values())
