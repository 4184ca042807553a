"""Segmenting HTML: blocks of visible text in reading order, each with its xpath and element."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from cssselect import HTMLTranslator
from lxml import etree

from pipeline.errors import InputError
from pipeline.metadata import PageMeta
from pipeline.model import Block, Element
from pipeline.segment.html import class_id_tokens, parse_html, segment_html, segment_tree, xpath_of

PAGE = """<!DOCTYPE html>
<html><head>
  <title>  Night   trains return
  to the Alps </title>
  <style>p { color: red; } .hidden-style-text {}</style>
  <script>var secret = "script text must not appear";</script>
</head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
  <h1>Night trains return</h1>
  <p>For the first time in <b>ten</b> years, a <a href="/t">sleeper train</a> leaves Zurich.</p>
  <script>document.write("also hidden")</script>
  <noscript>Please enable JavaScript</noscript>
  <div>Loose text in a div<p>A paragraph inside it</p>and text after it</div>
  <p>Before a comment<!-- an HTML comment --> and after it.</p>
  <p>Line one<br>line two</p>
  <table><tr><td>Cell one</td><td>Cell two</td></tr></table>
  <footer><p>&copy; 2025 The Courier &amp; Co.</p></footer>
</body></html>
"""


Segmented = tuple[list[str], list[str], str | None]


@pytest.fixture(scope="module")
def segmented() -> Segmented:
    blocks, meta = segment_html(PAGE)
    return [b.text for b in blocks], [b.xpath or "" for b in blocks], meta.title


def test_blocks_come_in_reading_order(segmented: Segmented) -> None:
    texts, _, _ = segmented
    assert texts == [
        "Home",
        "News",
        "Night trains return",
        "For the first time in ten years, a sleeper train leaves Zurich.",
        "Please enable JavaScript",
        "Loose text in a div",
        "A paragraph inside it",
        "and text after it",
        "Before a comment and after it.",
        "Line one line two",
        "Cell one",
        "Cell two",
        "© 2025 The Courier & Co.",
    ]


def test_script_and_style_are_skipped(segmented: Segmented) -> None:
    texts, _, _ = segmented
    joined = " ".join(texts)
    for hidden in ("secret", "script text", "also hidden", "color: red", "hidden-style-text"):
        assert hidden not in joined


def test_noscript_text_is_visible() -> None:
    # Forum software puts the whole thread in <noscript>; the "enable JavaScript"
    # notices that also live there are left to the rules (ui.browser-notice).
    blocks, _ = segment_html(
        "<body><noscript><div class='thread'><p>First post of the thread.</p>"
        "<p>A reply to it.</p></div></noscript><p>After.</p></body>"
    )
    assert [b.text for b in blocks] == ["First post of the thread.", "A reply to it.", "After."]
    assert blocks[0].element is not None and blocks[0].element.parent is not None
    assert blocks[0].element.parent.tokens == "thread"


def test_comment_text_is_dropped_but_its_tail_kept(
    segmented: Segmented,
) -> None:
    texts, _, _ = segmented
    assert "Before a comment and after it." in texts
    assert not any("an HTML comment" in t for t in texts)


def test_text_on_both_sides_of_a_comment_joins_as_written() -> None:
    blocks, _ = segment_html("<p>sign<!-- split -->post and <?php echo 1; ?>more</p>")
    assert [b.text for b in blocks] == ["signpost and more"]


@pytest.mark.parametrize(
    "declaration",
    [
        '<meta charset="windows-1252">',
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
        '<?xml version="1.0" encoding="iso-8859-1"?>',
    ],
)
def test_an_already_decoded_page_is_not_decoded_again_by_its_declaration(declaration: str) -> None:
    markup = f"{declaration}<html><body><p>Café – naïve “quoted” 東京</p></body></html>"
    blocks, _ = segment_html(markup)
    assert [b.text for b in blocks] == ["Café – naïve “quoted” 東京"]


def test_tail_text_after_a_skipped_element_is_kept() -> None:
    blocks, _ = segment_html("<p>Before <script>var x = 1;</script>after the script.</p>")
    assert [b.text for b in blocks] == ["Before after the script."]


def test_every_block_has_an_xpath_to_its_element(segmented: Segmented) -> None:
    texts, xpaths, _ = segmented
    root = lxml.html.document_fromstring(PAGE)
    for text, xpath in zip(texts, xpaths, strict=True):
        assert xpath.startswith("/html/body")
        found = root.xpath(xpath)
        assert len(found) == 1, xpath
        assert text.split()[0] in found[0].text_content()


def test_blocks_carry_line_features() -> None:
    blocks, _ = segment_html(
        "<ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul>"
        "<p>It rained all day in the valley.</p>"
    )
    assert all(b.features is not None for b in blocks)
    menu, _, sentence = (b.features for b in blocks)
    assert menu is not None and sentence is not None
    assert menu.link_like and menu.short_run == 2
    assert sentence.ends_sentence and sentence.words == 7
    assert all(b.line_start is None for b in blocks)


def test_in_html_short_text_is_link_like_only_when_it_is_mostly_links() -> None:
    # A menu item links somewhere; a table cell or a label of the same length does not.
    blocks, _ = segment_html(
        "<table><tr><td>Monday</td><td>9 to 5</td></tr></table>"
        "<ul><li><a href='/'>Home</a></li><li><a href='/a'>About</a> us</li>"
        "<li>Contact <a href='/c'>us</a></li></ul>"
    )
    link_like = {b.text: b.features.link_like for b in blocks if b.features is not None}
    assert link_like == {
        "Monday": False,
        "9 to 5": False,
        "Home": True,
        "About us": True,
        "Contact us": False,
    }


def test_title_is_returned_with_whitespace_collapsed(segmented: Segmented) -> None:
    _, _, title = segmented
    assert title == "Night trains return to the Alps"


def test_page_metadata_comes_with_the_blocks() -> None:
    page = (
        "<html><head><title>Harbour reopens | Harbour Gazette</title>"
        '<meta property="og:title" content="Harbour reopens after the storm">'
        '<link rel="canonical" href="https://harbourgazette.example/news/harbour-reopens">'
        '<meta name="author" content="Ines Hartmann">'
        '<meta property="article:published_time" content="2025-01-12T08:00:00Z">'
        "</head><body><p>The harbour reopened on Sunday.</p></body></html>"
    )
    blocks, meta = segment_html(page)
    assert [b.text for b in blocks] == ["The harbour reopened on Sunday."]
    assert meta == PageMeta(
        title="Harbour reopens after the storm",
        url="https://harbourgazette.example/news/harbour-reopens",
        author="Ines Hartmann",
        published="2025-01-12",
    )


@pytest.mark.parametrize("markup", ["<p>No head</p>", "<html><head><title>  </title></head><p>x</p></html>"])
def test_missing_or_blank_title_is_none(markup: str) -> None:
    assert segment_html(markup)[1].title is None


def test_entities_are_decoded(segmented: Segmented) -> None:
    texts, _, _ = segmented
    assert texts[-1] == "© 2025 The Courier & Co."


def test_broken_markup_still_segments() -> None:
    blocks, _ = segment_html("<div><p>Unclosed paragraph<p>Another one<li>A stray item</div></span>")
    assert [b.text for b in blocks] == ["Unclosed paragraph", "Another one", "A stray item"]


def test_a_page_with_no_visible_text_has_no_blocks() -> None:
    assert segment_html("<html><head><title>Only a title</title></head><body> </body></html>") == (
        [],
        PageMeta(title="Only a title"),
    )


DEPTH = 5000


def deep_page(depth: int) -> str:
    return (
        "<html><body><p>Before the nesting.</p>"
        + "<div>" * depth
        + "<p>Deep inside.</p>"
        + "</div>" * depth
        + "<p>After the nesting.</p></body></html>"
    )


def test_moderate_nesting_keeps_all_text() -> None:
    blocks, _ = segment_html(deep_page(200))
    assert [b.text for b in blocks] == ["Before the nesting.", "Deep inside.", "After the nesting."]


def test_nesting_deeper_than_the_parser_reads_is_an_input_error() -> None:
    with pytest.raises(InputError, match="nested deeper than"):
        segment_html(deep_page(DEPTH))


def test_nesting_below_the_parser_limit_keeps_the_text_inside_and_after_it() -> None:
    blocks, _ = segment_html(deep_page(1000))
    assert [b.text for b in blocks] == ["Before the nesting.", "Deep inside.", "After the nesting."]


def test_fixture_page_segments(pages_dir: Path) -> None:
    blocks, meta = segment_html((pages_dir / "article.html").read_text(encoding="utf-8"))
    texts = [b.text for b in blocks]
    assert meta.title == "Night trains return to the Alps"  # " | The Valley Courier" is the site's
    assert texts[0] == "Skip to main content"
    assert "Night trains return to the Alps after a decade away" in texts
    assert not any("dataLayer" in t or "display: flex" in t for t in texts)


# Elements: what element rules and layout heuristics see of each block's container


def block_by_text(blocks: list[Block], text: str) -> Block:
    found = [b for b in blocks if b.text == text]
    assert len(found) == 1, [b.text for b in blocks]
    return found[0]


def element_of(blocks: list[Block], text: str) -> Element:
    element = block_by_text(blocks, text).element
    assert element is not None
    return element


@pytest.mark.parametrize(
    ("raw", "tokens"),
    [
        ("relatedPosts nav_main", "related posts nav main"),
        ("widget widget_recent_entries", "widget widget recent entries"),
        ("jp-relatedposts-post0", "jp relatedposts post0"),
        ("  cookieNotice--visible  ", "cookie notice visible"),
        ("c-share__item", "c share item"),
        ("col-md-4", "col md 4"),
        ("", ""),
    ],
)
def test_class_id_tokens_are_lowercase_words(raw: str, tokens: str) -> None:
    assert class_id_tokens(raw) == tokens


def test_an_element_has_its_class_and_id_words_and_role() -> None:
    blocks, _ = segment_html(
        '<div class="sidebarWidget post_list" id="Recent-Posts" role=" Complementary "><p>Latest</p></div>'
    )
    p = element_of(blocks, "Latest")
    assert (p.tag, p.tokens, p.role) == ("p", "", "")
    div = p.parent
    assert div is not None
    assert (div.tag, div.tokens, div.role) == (
        "div",
        "sidebar widget post list recent posts",
        "complementary",
    )
    assert div.describe() == "div.sidebar.widget.post.list"
    assert p.describe() == "p"


def test_elements_chain_up_to_the_document_root() -> None:
    blocks, _ = segment_html("<html><body><section><div><p>Deep text.</p></div></section></body></html>")
    chain = element_of(blocks, "Deep text.").ancestors()
    assert [e.tag for e in chain] == ["p", "div", "section", "body", "html"]
    assert [e.depth for e in chain] == [4, 3, 2, 1, 0]
    assert chain[-1].parent is None


def test_blocks_of_one_element_share_it() -> None:
    blocks, _ = segment_html("<div>Loose text<p>Inside.</p>tail text</div>")
    loose, inside, tail = (b.element for b in blocks)
    assert loose is tail
    assert inside is not None and inside.parent is loose


@pytest.mark.parametrize("tag", ["my-widget", "cookie-consent", "amp-ad", "x"])
def test_custom_and_unknown_elements_start_blocks(tag: str) -> None:
    blocks, _ = segment_html(f"<p>Intro text <{tag} class='inner'>Widget text</{tag}> outro text.</p>")
    assert [b.text for b in blocks] == ["Intro text", "Widget text", "outro text."]
    widget = element_of(blocks, "Widget text")
    assert (widget.tag, widget.tokens) == (tag, "inner")


def test_inline_elements_do_not_start_blocks() -> None:
    blocks, _ = segment_html(
        "<p>A <span class='x'>span</span>, <em>emphasis</em>, <code>code</code>, <a href='/'>a link</a>, "
        "<label>a label</label>, <time>today</time> and <abbr>abbr</abbr> in one line.</p>"
    )
    assert [b.text for b in blocks] == [
        "A span, emphasis, code, a link, a label, today and abbr in one line."
    ]
    assert element_of(blocks, blocks[0].text).tag == "p"


MAIN_PAGE = """<html><body>
<header><p>Site name</p></header>
<div class="layout"><main><div class="content"><p>In main.</p></div></main></div>
<article><p>In an article.</p></article>
<div role="main"><p>In a main role.</p></div>
<div class="entry" itemprop="articleBody"><p>In the article body.</p></div>
<aside><p>Beside it all.</p></aside>
</body></html>"""


@pytest.fixture(scope="module")
def main_blocks() -> list[Block]:
    return segment_html(MAIN_PAGE)[0]


@pytest.mark.parametrize(
    ("text", "in_main"),
    [
        ("Site name", False),
        ("In main.", True),
        ("In an article.", True),
        ("In a main role.", True),
        ("In the article body.", False),  # itemprop marks the main region, not a main landmark
        ("Beside it all.", False),
    ],
)
def test_in_main_under_main_article_and_role_main(main_blocks: list[Block], text: str, in_main: bool) -> None:
    element = element_of(main_blocks, text)
    assert element.in_main is in_main
    if in_main:
        assert any(e.tag in ("main", "article") or e.role == "main" for e in element.ancestors())


def test_landmarks_and_the_elements_that_hold_them(main_blocks: list[Block]) -> None:
    p = element_of(main_blocks, "In main.")
    content, main, layout, body = p.ancestors()[1:5]
    assert (main.tag, main.landmark, main.holds_main) == ("main", True, True)
    assert (layout.tokens, layout.landmark, layout.holds_main) == ("layout", False, True)
    assert body.holds_main and not body.landmark
    # Inside the landmark, nothing holds it.
    assert not content.holds_main and not p.holds_main
    role_main = element_of(main_blocks, "In a main role.").parent
    assert role_main is not None and role_main.landmark and role_main.holds_main
    article_body = element_of(main_blocks, "In the article body.").parent
    assert article_body is not None and article_body.landmark and article_body.holds_main
    # An <article> is main content but not a landmark; the header and aside hold nothing.
    article = element_of(main_blocks, "In an article.").parent
    assert article is not None and article.tag == "article"
    assert not article.landmark and not article.holds_main
    for text in ("Site name", "Beside it all."):
        assert not any(e.holds_main for e in element_of(main_blocks, text).ancestors()[:2])


def test_chars_and_link_chars_add_up_the_tree() -> None:
    blocks, _ = segment_html(
        "<div id='box'><p>Hello <a href='/w'>world</a></p>"
        "<ul><li><a href='/'>Home</a></li><li>Plain item</li></ul>tail</div>"
    )
    p = element_of(blocks, "Hello world")
    assert (p.chars, p.link_chars) == (10, 5)  # visible characters: whitespace does not count
    li_link, li_plain = element_of(blocks, "Home"), element_of(blocks, "Plain item")
    assert (li_link.chars, li_link.link_chars) == (4, 4)
    assert (li_plain.chars, li_plain.link_chars) == (9, 0)
    ul = li_link.parent
    assert ul is not None and (ul.chars, ul.link_chars) == (13, 4)
    div = p.parent
    assert div is not None and div.tokens == "box"
    assert (div.chars, div.link_chars) == (10 + 13 + 4, 5 + 4)
    root = div.ancestors()[-1]
    assert (root.chars, root.link_chars) == (div.chars, div.link_chars)


def test_link_density_of_each_block() -> None:
    blocks, _ = segment_html(
        "<p>No links in this line.</p>"
        "<p>Half <a href='/x'>link</a></p>"
        "<li><a href='/'>All link</a></li>"
        "<a href='/card'><div class='card'>A card that is a link</div></a>"
        "<p><a href='/a'>One</a> <a href='/b'>Two</a> and three</p>"
    )
    density = {b.text: b.features.link_density for b in blocks if b.features is not None}
    assert density == pytest.approx(
        {
            "No links in this line.": 0.0,
            "Half link": 0.5,
            "All link": 1.0,
            "A card that is a link": 1.0,
            "One Two and three": 6 / 14,
        }
    )


def test_selected_elements_carry_the_ids_of_the_selectors_that_chose_them() -> None:
    def css(selector: str) -> etree.XPath:
        return etree.XPath(HTMLTranslator().css_to_xpath(selector))

    selectors = {
        "ad.partner-strip": css("div.partner-strip"),
        "related.more-box": css("#more, .partner-strip"),
    }
    blocks, _ = segment_html(
        "<div class='partner-strip'><p>Offers</p></div><div id='more'>More</div>"
        "<p>Article text <span class='partner-strip'>with a span</span>.</p>",
        selectors,
    )
    strip = element_of(blocks, "Offers").parent
    assert strip is not None and strip.selected == ("ad.partner-strip", "related.more-box")
    assert element_of(blocks, "Offers").selected == ()  # the selector chose the div, not what is inside
    assert element_of(blocks, "More").selected == ("related.more-box",)
    article = block_by_text(blocks, "Article text with a span.")  # the inline span is no element of its own
    assert article.element is not None and article.element.selected == ()


def test_without_selectors_nothing_is_selected(main_blocks: list[Block]) -> None:
    for block in main_blocks:
        assert block.element is not None
        assert all(e.selected == () for e in block.element.ancestors())


# XPaths: built during the walk, every step below the root indexed; xpath_of gives the same for an element

#: Many siblings of several tags, custom elements (one with a colon, as Facebook's
#: and Word's exports have them), a table and nesting: each block's path is checked.
XPATH_PAGE = (
    "<html><body><div class='top'><p>First</p><p>Second</p></div>"
    + "".join(f"<p>Para {i}</p><div>Div {i}</div>" for i in range(300))
    + "<fb:like>Like one</fb:like><section><fb:like>Like two</fb:like><fb:like>Like three</fb:like>"
    "<o:p>Word export</o:p><my-widget><p>In a widget</p></my-widget></section>"
    "<table><tr><td>Cell one</td><td>Cell two</td></tr><tr><td>Cell three</td></tr></table>"
    "<ul><li>Item one</li><li>Item two<ul><li>Nested item</li></ul></li></ul></body></html>"
)


def test_every_step_below_the_root_is_indexed() -> None:
    blocks, _ = segment_html(
        "<html><body><div><p>One</p></div><div><p>Two</p><p>Three</p></div></body></html>"
    )
    assert [b.xpath for b in blocks] == [
        "/html/body[1]/div[1]/p[1]",
        "/html/body[1]/div[2]/p[1]",
        "/html/body[1]/div[2]/p[2]",
    ]


def test_a_tag_with_a_colon_is_named_by_a_predicate() -> None:
    blocks, _ = segment_html(
        "<body><fb:like>Like</fb:like><div>Between</div><fb:like>Like two</fb:like></body>"
    )
    assert [b.xpath for b in blocks] == [
        "/html/body[1]/*[name()='fb:like'][1]",
        "/html/body[1]/div[1]",
        "/html/body[1]/*[name()='fb:like'][2]",
    ]


def test_each_block_xpath_finds_exactly_its_element_and_is_its_xpath_of() -> None:
    root = parse_html(XPATH_PAGE)
    blocks = segment_tree(root)
    assert len(blocks) == 2 + 600 + 5 + 3 + 3
    for block in blocks:
        assert block.xpath is not None
        found = root.xpath(block.xpath)
        assert len(found) == 1, block.xpath
        assert xpath_of(found[0]) == block.xpath
        assert block.text.split()[0] in "".join(found[0].itertext())
    paths = {b.text: b.xpath for b in blocks}
    assert paths["Div 299"] == "/html/body[1]/div[301]"  # after the top div
    assert paths["Para 299"] == "/html/body[1]/p[300]"
    assert paths["Like three"] == "/html/body[1]/section[1]/*[name()='fb:like'][2]"
    assert paths["Word export"] == "/html/body[1]/section[1]/*[name()='o:p'][1]"
    assert paths["Nested item"] == "/html/body[1]/ul[1]/li[2]/ul[1]/li[1]"


@pytest.mark.parametrize(
    "markup",
    [
        XPATH_PAGE,
        "<body><div><a href='/c'><div class='card'>Card</div></a><span><p>In a span</p></span></div></body>",
    ],
    ids=["page", "inline-wrappers"],
)
def test_xpath_of_every_element_finds_that_element(markup: str) -> None:
    root = parse_html(markup)
    for element in root.iter(etree.Element):
        assert root.xpath(xpath_of(element)) == [element]
    assert xpath_of(root) == "/html"


@pytest.mark.parametrize(
    "markup",
    [
        "<body><div><a href='/card'><div class='card'>A card that is a link</div></a>"
        "<div>Next</div></div></body>",
        "<body><div><span class='wrap'><p>In a span</p></span><p>After the span</p></div></body>",
    ],
    ids=["div-in-a", "p-in-span"],
)
def test_a_block_inside_inline_markup_has_the_xpath_of_its_element(markup: str) -> None:
    root = parse_html(markup)
    for block in segment_tree(root):
        assert block.xpath is not None
        found = root.xpath(block.xpath)
        assert len(found) == 1 and xpath_of(found[0]) == block.xpath, block.xpath
        assert block.text in " ".join("".join(found[0].itertext()).split())


def test_a_tag_with_an_apostrophe_still_gives_a_valid_xpath() -> None:
    root = parse_html("<body><p'>Quoted tag</p'><p>After.</p></body>")
    for block in segment_tree(root):
        assert block.xpath is not None
        assert len(root.xpath(block.xpath)) == 1


def test_a_hundred_thousand_sibling_divs_get_their_own_indexed_xpaths() -> None:
    # Built from the parent's path during the walk: linear in the siblings (getpath was quadratic).
    n = 100_000
    blocks, _ = segment_html(
        "<html><body>" + "".join(f"<div>d{i}</div>" for i in range(n)) + "</body></html>"
    )
    assert len(blocks) == n
    assert blocks[0].xpath == "/html/body[1]/div[1]"
    assert blocks[-1].xpath == f"/html/body[1]/div[{n}]"
    assert blocks[-1].text == f"d{n - 1}"
    assert all(b.xpath == f"/html/body[1]/div[{i + 1}]" for i, b in enumerate(blocks))
