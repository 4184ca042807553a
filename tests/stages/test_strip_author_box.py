"""Stage ``strip_author_box``: the author box in the page's tail goes, a bio in the body stays."""

from __future__ import annotations

from conftest import ARTICLE, PROSE, Clean, assert_removals_explained, kept_texts, removals

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
