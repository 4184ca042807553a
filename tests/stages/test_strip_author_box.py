"""Stage ``strip_author_box``: the author box in the page's tail goes, a bio in the body stays."""

from __future__ import annotations

import pytest
from conftest import ARTICLE, PROSE, Clean, assert_removals_explained, kept_texts, removals, text_record

from pipeline.runner import Pipeline
from pipeline.stages.layout import prose_core, share_before
from pipeline.stages.strip_author_box import BIO_START, TAIL_MIN_SHARE, StripAuthorBox

HEADLINE = "Farmers turn to hardier wheat"
NAME = "Maria Santos"
BIO = (
    "Maria Santos is a reporter who covers agriculture and climate for the Journal, and previously "
    "worked for ten years at a regional radio station in Andalusia."
)
#: A bio no author_bio rule names (no profession noun): only the stage's shape finds it.
PLAIN_BIO = (
    "Tomás Ferrer grew up on a farm near Albacete, studied agronomy in Madrid and now divides his time "
    "between the Journal's newsroom and his family's olive groves."
)


def test_name_line_and_bio_after_the_article_are_removed(clean: Clean) -> None:
    doc = clean(f"{HEADLINE}\n\n{ARTICLE}\n\n{NAME}\n{BIO}\n", stages=["strip_rules", "strip_author_box"])
    found = removals(doc)
    assert found[NAME] == ("author_bio", "author_bio.name-and-bio", "strip_author_box")
    assert found[BIO][0] == "author_bio"
    assert kept_texts(doc) == [HEADLINE, *PROSE]
    assert_removals_explained(doc)


def test_the_stage_alone_finds_a_bio_by_its_shape(clean: Clean) -> None:
    doc = clean(f"{HEADLINE}\n\n{ARTICLE}\n\nTomás Ferrer\n{PLAIN_BIO}\n", stages=["strip_author_box"])
    found = removals(doc)
    expected = ("author_bio", "author_bio.name-and-bio", "strip_author_box")
    assert found == {"Tomás Ferrer": expected, PLAIN_BIO: expected}
    assert "Tomás Ferrer" in (doc.blocks[-1].detail or "")
    assert_removals_explained(doc)


def test_role_line_between_name_and_bio_goes_with_the_box(clean: Clean) -> None:
    page = f"{HEADLINE}\n\n{ARTICLE}\n\nAbout the Author\n{NAME}\nSenior reporter\n{BIO}\n"
    doc = clean(page, stages=["strip_rules", "strip_author_box"])
    found = removals(doc)
    assert found["About the Author"][:2] == ("author_bio", "author_bio.heading")
    assert found[NAME][0] == found["Senior reporter"][0] == found[BIO][0] == "author_bio"
    assert kept_texts(doc) == [HEADLINE, *PROSE]


def test_a_profile_at_the_top_of_the_article_is_content(clean: Clean) -> None:
    profile = (
        "Maria Santos is a farmer who has grown wheat near Toledo for thirty years, and this summer she "
        "planted a new variety for the first time in her life."
    )
    doc = clean(f"{HEADLINE}\n\n{profile}\n{ARTICLE}\n", stages=["strip_author_box"])
    assert kept_texts(doc) == [HEADLINE, profile, *PROSE]


def test_a_name_line_far_above_the_bio_is_not_part_of_the_box(clean: Clean) -> None:
    # The box runs from a name line just above the bio; a name in the page's header stays.
    page = f"{HEADLINE}\n{NAME}\n\n{ARTICLE}\n\n{BIO}\n"
    doc = clean(page, stages=["strip_author_box"])
    assert kept_texts(doc)[:2] == [HEADLINE, NAME]
    assert kept_texts(doc)[2 : 2 + len(PROSE)] == list(PROSE)


# HTML pages: a bio inside the element that holds the page's prose is content

#: A listicle: every item a name heading and a paragraph that reads like a bio ("Khan Academy is ...").
LISTICLE_INTRO = (
    "You do not need to pay for a course to learn something new this winter, and these sites prove it "
    "every single day."
)
LISTICLE = (
    (
        "Crash Course",
        "Crash Course is a series of lively ten minute videos on history, chemistry and literature that "
        "teachers often show in class.",
    ),
    (
        "Project Gutenberg",
        "Project Gutenberg is a library of more than seventy thousand free books whose copyright has "
        "expired, from Homer to Virginia Woolf.",
    ),
    (
        "Open Culture",
        "Open Culture is a collection of free online courses, audio books and films that its editors "
        "have gathered from across the web.",
    ),
    (
        "MIT OpenCourseWare",
        "MIT OpenCourseWare publishes the lecture notes, problem sets and exams of more than two "
        "thousand courses taught at the institute.",
    ),
    (
        "Khan Academy",
        "Khan Academy is a nonprofit that offers short video lessons and practice exercises in "
        "mathematics, science and history for every age.",
    ),
)
KHAN, KHAN_BIO = LISTICLE[-1]
AUTHOR_BIO = (
    "Maria Santos is a reporter who covers education and technology for the Journal, and previously "
    "taught mathematics at a school in Seville."
)


def listicle_page(author_box: bool) -> str:
    items = "".join(f"<h2>{name}</h2><p>{text}</p>" for name, text in LISTICLE)
    box = f"<div class='author-box'><h4>{NAME}</h4><p>{AUTHOR_BIO}</p></div>" if author_box else ""
    return (
        "<html><body><article><h1>Five free places to learn online</h1>"
        f"<div class='entry-content'><p>{LISTICLE_INTRO}</p>{items}</div></article>{box}</body></html>"
    )


def strip_html(markup: str) -> dict[str, tuple[str, str | None, str | None]]:
    doc = Pipeline([StripAuthorBox()]).clean(text_record(markup, kind="html", path="page.html"))
    assert_removals_explained(doc)
    return removals(doc)


@pytest.mark.parametrize("author_box", [False, True], ids=["alone", "with-an-author-box"])
def test_a_bio_inside_the_prose_core_of_an_html_page_is_content(author_box: bool) -> None:
    page = listicle_page(author_box)
    blocks = Pipeline([]).clean(text_record(page, kind="html", path="page.html")).blocks
    # Everything else about the last item says author box: in the tail, a bio's start, its name above.
    khan = next(i for i, b in enumerate(blocks) if b.text == KHAN_BIO)
    assert share_before(blocks)[khan] >= TAIL_MIN_SHARE
    assert BIO_START.match(KHAN_BIO) and blocks[khan - 1].text == KHAN
    core = prose_core(blocks)
    assert core and core[0].describe() == "div.entry.content"
    found = strip_html(page)
    assert KHAN not in found and KHAN_BIO not in found
    if author_box:
        # The author box after the article, outside the core, still goes.
        expected = ("author_bio", "author_bio.name-and-bio", "strip_author_box")
        assert found == {NAME: expected, AUTHOR_BIO: expected}
    else:
        assert found == {}


def test_the_same_listicle_as_a_text_dump_loses_its_last_item(clean: Clean) -> None:
    # Without elements there is no prose core: the shape alone decides, as before.
    lines = [LISTICLE_INTRO, *(line for item in LISTICLE for line in item)]
    found = removals(clean("\n".join(lines) + "\n", stages=["strip_author_box"]))
    assert set(found) == {KHAN, KHAN_BIO}
