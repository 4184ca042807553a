"""Page metadata: title, canonical URL, author and publication date from meta, JSON-LD and the page."""

from __future__ import annotations

import json

import lxml.html
import pytest

from pipeline.metadata import (
    MAX_CANDIDATES,
    MAX_LD_CHARS,
    MAX_LD_LIST_ITEMS,
    MAX_LD_NODES,
    PageMeta,
    page_metadata,
    parse_date,
)

ARTICLE_BODY = """
<body>
  <header class="site-header"><a href="/">The Valley Courier</a><nav><a href="/news">News</a></nav></header>
  <main>
    <article>
      <h1>Night trains return to the Alps</h1>
      <p>The first sleeper train in a decade will leave Zurich for Vienna on Sunday evening.</p>
    </article>
  </main>
</body>
"""


def with_byline(markup: str) -> str:
    """The article page with ``markup`` between its headline and its first paragraph."""
    return ARTICLE_BODY.replace("<p>The first", f"{markup}<p>The first")


def meta_of(head: str, body: str = ARTICLE_BODY) -> PageMeta:
    html = f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head>{body}</html>"
    return page_metadata(lxml.html.document_fromstring(html))


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


# --- title ------------------------------------------------------------------------------------------


def test_og_title_comes_before_the_title_element() -> None:
    head = (
        "<title>Sleeper trains are back | The Valley Courier</title>"
        '<meta property="og:title" content="Night trains return to the Alps">'
        '<meta name="twitter:title" content="Night trains: a comeback">'
    )
    assert meta_of(head).title == "Night trains return to the Alps"


def test_twitter_title_when_there_is_no_og_title() -> None:
    head = '<title>Home</title><meta name="twitter:title" content="Night trains: a comeback">'
    assert meta_of(head).title == "Night trains: a comeback"


# A one-word title before a longer suffix: not a short tail, so only the site's name can remove it.
TIMETABLES = "<title>Timetables | The Valley Courier Online</title>"


def test_title_suffix_naming_the_site_is_removed() -> None:
    assert meta_of(TIMETABLES).title == "Timetables | The Valley Courier Online"
    head = '<meta property="og:site_name" content="The Valley Courier">' + TIMETABLES
    assert meta_of(head).title == "Timetables"


def test_title_suffix_matching_the_host_or_its_acronym_is_removed() -> None:
    head = '<link rel="canonical" href="https://www.valleycourier.example/timetables">' + TIMETABLES
    assert meta_of(head).title == "Timetables"
    acronym = "<title>Timetables :: Harbour Lights Gazette</title>"
    assert meta_of(acronym).title == "Timetables :: Harbour Lights Gazette"
    assert meta_of('<link rel="canonical" href="https://hlg.example/rail">' + acronym).title == "Timetables"


def test_short_tail_after_a_longer_title_is_removed() -> None:
    title = "<title>Why the night train is back on the timetable this winter - Courier Travel</title>"
    assert meta_of(title).title == "Why the night train is back on the timetable this winter"


def test_site_name_and_tagline_are_both_removed() -> None:
    head = "<title>Packing for a week in the mountains – Alpine Rambles – Walk further, carry less</title>"
    assert meta_of(head).title == "Packing for a week in the mountains"


def test_a_long_suffix_that_does_not_name_the_site_stays() -> None:
    title = "Night trains - why a forgotten way of travelling across Europe is suddenly booked out"
    assert meta_of(f"<title>{title}</title>").title == title


def test_a_title_that_is_only_a_site_suffix_is_kept_raw() -> None:
    assert meta_of("<title> | The Valley Courier</title>").title == "| The Valley Courier"


def test_first_h1_when_the_page_declares_no_title() -> None:
    assert meta_of("").title == "Night trains return to the Alps"


def test_title_whitespace_is_collapsed_and_svg_titles_are_not_the_page_title() -> None:
    body = "<body><svg><title>Close menu</title></svg><p>Text</p></body>"
    assert meta_of("<title>\n  Night   trains\treturn </title>", body).title == "Night trains return"
    assert meta_of("", body).title is None


# --- url --------------------------------------------------------------------------------------------


def test_canonical_link_comes_before_og_url() -> None:
    head = (
        '<meta property="og:url" content="https://valleycourier.example/share/8812">'
        '<link rel="Alternate CANONICAL" href="  https://valleycourier.example/travel/night-trains\n">'
    )
    assert meta_of(head).url == "https://valleycourier.example/travel/night-trains"


def test_relative_canonical_is_rejected_for_og_url() -> None:
    head = (
        '<link rel="canonical" href="/travel/night-trains">'
        '<meta property="og:url" content="https://valleycourier.example/travel/night-trains">'
    )
    assert meta_of(head).url == "https://valleycourier.example/travel/night-trains"


@pytest.mark.parametrize(
    "href",
    ["//valleycourier.example/a", "ftp://valleycourier.example/a", "javascript:void(0)", "https://", ""],
)
def test_only_absolute_http_urls_are_kept(href: str) -> None:
    assert meta_of(f'<link rel="canonical" href="{href}">').url is None


def test_json_ld_url_and_main_entity_of_page() -> None:
    page = {"@context": "https://schema.org", "@type": "WebPage", "url": "https://valleycourier.example/p/1"}
    assert meta_of(ld(page)).url == "https://valleycourier.example/p/1"
    article = {
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": "https://valleycourier.example/p/2"},
    }
    assert meta_of(ld(article)).url == "https://valleycourier.example/p/2"
    # A site's or publisher's url is its home page, not the page's address.
    site = {"@type": "Organization", "url": "https://valleycourier.example/"}
    assert meta_of(ld(site)).url is None


# --- author -----------------------------------------------------------------------------------------


def test_meta_author() -> None:
    assert meta_of('<meta name="author" content=" Mara  Lindqvist ">').author == "Mara Lindqvist"
    assert meta_of('<meta name="author" content=", Mara Lindqvist |">').author == "Mara Lindqvist"


def test_article_author_url_is_skipped_for_the_next_source() -> None:
    head = (
        '<meta property="article:author" content="https://social.example/mara.lindqvist">'
        '<meta name="parsely-author" content="Mara Lindqvist">'
    )
    assert meta_of(head).author == "Mara Lindqvist"


@pytest.mark.parametrize(
    "author",
    [
        {"@type": "Person", "name": "Mara Lindqvist"},
        [{"@type": "Person", "name": "Mara Lindqvist"}],
        "Mara Lindqvist",
    ],
)
def test_json_ld_author_forms(author: object) -> None:
    head = ld({"@type": "NewsArticle", "headline": "Night trains", "author": author})
    assert meta_of(head).author == "Mara Lindqvist"


def test_json_ld_authors_are_joined_and_deduplicated() -> None:
    authors = [{"name": "Mara Lindqvist"}, {"name": "Tomás Ferreira"}, "Mara Lindqvist"]
    assert meta_of(ld({"@type": "BlogPosting", "author": authors})).author == "Mara Lindqvist, Tomás Ferreira"


def test_json_ld_graph_prefers_the_article_over_other_objects() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "The Valley Courier", "author": "Courier Web Team"},
            {"@type": "WebPage", "author": {"name": "Desk Editor"}, "datePublished": "2021-02-01"},
            {
                "@type": ["schema:BlogPosting"],
                "author": {"name": "Mara Lindqvist"},
                "datePublished": "2021-03-03",
            },
        ],
    }
    found = meta_of(ld(graph))
    assert found.author == "Mara Lindqvist"
    assert found.published == "2021-03-03"


def test_only_json_ld_scripts_are_read() -> None:
    article = json.dumps({"@type": "Article", "author": "Mara Lindqvist"})
    assert meta_of(f'<script type="application/json">{article}</script>').author is None
    typed = f'<script type=" Application/LD+JSON; charset=utf-8">{article}</script>'
    assert meta_of(typed).author == "Mara Lindqvist"


def test_broken_json_ld_is_skipped() -> None:
    broken = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"name": "Ghost",}</script>'
    )
    valid = ld({"@type": "NewsArticle", "author": {"name": "Mara Lindqvist"}})
    assert meta_of(broken + valid).author == "Mara Lindqvist"
    assert meta_of(broken) == PageMeta(title="Night trains return to the Alps")


@pytest.mark.parametrize(
    "value",
    ["newsroom@valleycourier.example", "https://valleycourier.example/staff/mara", "M" * 101, "1729384756"],
)
def test_garbage_authors_are_rejected(value: str) -> None:
    assert meta_of(f'<meta name="author" content="{value}">').author is None


def test_byline_element_with_a_leading_by() -> None:
    body = with_byline('<p class="post-meta byline">By Mara Lindqvist</p>')
    assert meta_of("", body).author == "Mara Lindqvist"


@pytest.mark.parametrize(
    "byline",
    [
        '<a rel="author" href="/staff/mara">Mara Lindqvist</a>',
        '<span itemprop="author" itemscope><span itemprop="name">Mara Lindqvist</span>'
        '<span itemprop="jobTitle">Transport correspondent</span></span>',
        '<div class="Author-Name">von Mara Lindqvist</div>',
        '<span class="author">Mara Lindqvist | Vienna</span>',
    ],
)
def test_byline_element_forms(byline: str) -> None:
    assert meta_of("", with_byline(byline)).author == "Mara Lindqvist"


@pytest.mark.parametrize(
    "byline",
    [
        '<div class="author">Mara Lindqvist reports on rail and travel for the Courier from Vienna</div>',
        '<div class="author">Mara Lindqvist covers rail, roads and travel for the Valley Courier</div>',
        '<div class="byline">Correspondent for transportation, infrastructure, urbanisation and '
        "intergovernmental negotiations</div>",
        '<div class="author-bio">Mara Lindqvist</div>',
        '<h3 class="author">About the author</h3>',
    ],
)
def test_not_a_byline(byline: str) -> None:
    assert meta_of("", with_byline(byline)).author is None


def test_byline_candidates_are_bounded() -> None:
    avatar = '<span class="author"><img src="/staff/mara.jpg" alt=""></span>'
    byline = '<span class="author">Mara Lindqvist</span>'
    assert meta_of("", with_byline(avatar * (MAX_CANDIDATES - 1) + byline)).author == "Mara Lindqvist"
    assert meta_of("", with_byline(avatar * MAX_CANDIDATES + byline)).author is None


def test_twitter_creator_is_the_last_resort() -> None:
    assert meta_of('<meta name="twitter:creator" content="@maralind">').author == "@maralind"
    body = with_byline('<p class="byline">By Mara Lindqvist</p>')
    assert meta_of('<meta name="twitter:creator" content="@valleycourier">', body).author == "Mara Lindqvist"


# --- published --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-03-03", "2021-03-03"),
        ("2021-03-03T23:30:00-05:00", "2021-03-03"),
        ("20210303T101500Z", "2021-03-03"),
        ("2021/3/3", "2021-03-03"),
        ("Wed, 03 Mar 2021 10:15:00 GMT", "2021-03-03"),
        ("Wed, 3 Mar 21 10:15:00 +0100", "2021-03-03"),
        ("March 3, 2021", "2021-03-03"),
        ("Sept. 9th, 2020", "2020-09-09"),
        ("3 March 2021", "2021-03-03"),
        ("Published on 3rd Mar 2021 at 10:15", "2021-03-03"),
    ],
)
def test_date_formats(value: str, expected: str) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    ["1970-01-01", "2101-06-01", "2021-02-30", "03/04/2021", "1614769200", "yesterday", "", None, 20210303],
)
def test_dates_that_are_rejected(value: object) -> None:
    assert parse_date(value) is None


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="article:published_time" content="2021-03-03T10:15:00+01:00">',
        '<meta name="dc.date.issued" content="2021-03-03">',
        '<meta name="DC.Date" content="2021-03-03">',
        '<meta name="sailthru.date" content="Wed, 03 Mar 2021 10:15:00 -0000">',
        '<meta itemprop="datePublished" content="2021-03-03">',
        ld([{"@type": "BreadcrumbList"}, {"@type": "Article", "datePublished": "2021-03-03T10:15:00Z"}]),
    ],
)
def test_published_sources(head: str) -> None:
    assert meta_of(head).published == "2021-03-03"


def test_json_ld_date_comes_before_meta() -> None:
    head = '<meta name="date" content="2020-01-01">' + ld({"@type": "Article", "datePublished": "2021-03-03"})
    assert meta_of(head).published == "2021-03-03"


def test_a_garbage_meta_date_falls_through_to_the_next_one() -> None:
    head = '<meta name="pubdate" content="0000-00-00"><meta name="publish-date" content="March 3, 2021">'
    assert meta_of(head).published == "2021-03-03"


def test_date_published_element_near_the_headline() -> None:
    body = with_byline('<span itemprop="datePublished" content="2021-03-03">3 March</span>')
    assert meta_of("", body).published == "2021-03-03"


def test_time_element_counts_inside_an_article_or_with_pubdate() -> None:
    inside = with_byline('<time datetime="2021-03-03">3 March</time>')
    assert meta_of("", inside).published == "2021-03-03"
    outside = "<body><p>Weather</p><time datetime='2021-03-03'>today</time></body>"
    assert meta_of("", outside).published is None
    flagged = "<body><p>Weather</p><time pubdate datetime='2021-03-03'>today</time></body>"
    assert meta_of("", flagged).published == "2021-03-03"


def test_a_comments_time_is_not_the_posts_date() -> None:
    comment = (
        '<div id="comments" class="comments-area"><ol class="comment-list"><li class="comment">'
        '<article id="div-comment-7" class="comment-body"><footer class="comment-meta">'
        '<time datetime="2025-01-09T08:14:00+00:00">January 9, 2025 at 8:14 am</time></footer>'
        "<div class='comment-content'><p>Lovely photos.</p></div></article></li></ol></div>"
    )
    body = ARTICLE_BODY.replace("</main>", f"{comment}</main>")
    assert meta_of("", body).published is None


# --- robustness -------------------------------------------------------------------------------------


def test_a_bare_page_has_no_metadata() -> None:
    assert meta_of("", "<body><p>Just a paragraph.</p></body>") == PageMeta()


def test_malformed_values_do_not_raise() -> None:
    head = (
        '<meta name="author"><meta property="og:title" content="   ">'
        '<meta content="2021-03-03"><link rel="canonical"><link href="https://x.example/">'
        '<script type="application/ld+json"></script>'
        + ld({"@type": None, "author": [None, 7, {"name": ["Mara"]}], "datePublished": 20210303, "url": {}})
        + ld({"@graph": {"@graph": {"@type": "Article", "datePublished": "2021-03-03"}}})
        + ld("just a string")
    )
    found = meta_of(head)
    assert found.title == "Night trains return to the Alps"
    assert found.author is None
    assert found.published == "2021-03-03"


ARTICLE = {"@type": "Article", "author": "Mara Lindqvist"}


def test_hostile_json_ld_is_bounded() -> None:
    deep = '<script type="application/ld+json">' + "[" * 100_000 + "</script>"
    huge = ld({**ARTICLE, "text": "x" * MAX_LD_CHARS})
    assert meta_of(deep + huge).author is None  # neither raises; the huge script is not read


def test_json_ld_lists_are_read_only_so_far() -> None:
    within = [{"@type": "Thing"}] * (MAX_LD_LIST_ITEMS - 1)
    assert meta_of(ld([*within, ARTICLE])).author == "Mara Lindqvist"
    assert meta_of(ld([*within, {"@type": "Thing"}, ARTICLE])).author is None


def test_json_ld_objects_visited_are_bounded_across_scripts() -> None:
    per_script = MAX_LD_LIST_ITEMS // 2
    scripts = ld([{"@type": "Thing"}] * per_script) * (MAX_LD_NODES // per_script)
    assert meta_of(scripts + ld(ARTICLE)).author is None
    assert meta_of(ld(ARTICLE) + scripts).author == "Mara Lindqvist"


def test_many_meta_elements_are_bounded() -> None:
    head = '<meta name="keywords" content="rail">' * 5_000 + '<meta name="author" content="Mara Lindqvist">'
    assert meta_of(head).author is None
