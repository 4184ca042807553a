"""Stage ``select_main``: outside a page's marked main content, what is not prose is removed."""

from __future__ import annotations

import pytest
from conftest import assert_removals_explained, text_record

from pipeline.model import Block, Category, Doc
from pipeline.runner import Pipeline
from pipeline.segment.html import segment_html
from pipeline.stages.select_main import MIN_REGION_SHARE, SelectMain, main_region

PARAGRAPHS = (
    "The ferry company will run its last evening sailing from the north pier at half past six from "
    "November, an hour earlier than this summer.",
    "Commuters who work late shifts at the fish market say the change leaves them with a long walk "
    "around the bay, and a petition has gathered four hundred names.",
    "The operator says that crossing the channel after dark has become harder since the old harbour "
    "lights were switched off last spring.",
)
ARTICLE = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
#: Prose outside the main region: an introduction above it, a shop's description below it.
INTRO = (
    "Every week our reporters follow the boats, the markets and the people who keep the north shore "
    "working through the winter."
)


def select(markup: str) -> Doc:
    doc = Pipeline([SelectMain()]).clean(text_record(markup, kind="html", path="page.html"))
    assert_removals_explained(doc)
    return doc


def verdicts(doc: Doc) -> dict[str, tuple[str | None, str | None]]:
    return {b.text: (b.rule_id, b.detail) for b in doc.blocks}


BEFORE = ("nav.outside-main", "before the main content region")
AFTER = ("footer.outside-main", "after the main content region")
KEPT = (None, None)


def test_outside_main_what_is_not_prose_goes_as_nav_before_and_footer_after() -> None:
    doc = select(
        "<body><div class='top'><a href='/'>Harbour Gazette</a></div><p>Tuesday 4 March</p>"
        f"<div class='intro'><p>{INTRO}</p></div>"
        f"<main><h1>Ferry cuts</h1>{ARTICLE}<p>Share</p></main>"
        "<div class='bottom'><p>Contact the newsroom</p></div></body>"
    )
    assert verdicts(doc) == {
        "Harbour Gazette": BEFORE,
        "Tuesday 4 March": BEFORE,
        INTRO: KEPT,  # prose: left to the later stages
        "Ferry cuts": KEPT,
        **dict.fromkeys(PARAGRAPHS, KEPT),
        "Share": KEPT,  # inside the region: not this stage's business
        "Contact the newsroom": AFTER,
    }
    removed = [b for b in doc.blocks if not b.kept]
    assert {b.category for b in removed} == {Category.NAV, Category.FOOTER}
    assert {b.stage for b in removed} == {"select_main"}


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
def test_every_kind_of_main_landmark_marks_the_region(region: str) -> None:
    doc = select(f"<body><ul><li>Home</li><li>News</li></ul>{region.format(ARTICLE)}<p>Imprint</p></body>")
    found = verdicts(doc)
    assert found["Home"] == found["News"] == BEFORE
    assert found["Imprint"] == AFTER
    assert all(found[p] == KEPT for p in PARAGRAPHS)


def test_without_a_landmark_a_single_article_holding_the_prose_is_the_region() -> None:
    doc = select(
        f"<body><ul><li>Home</li><li>News</li></ul><article>{ARTICLE}</article><p>Imprint</p></body>"
    )
    found = verdicts(doc)
    assert found["Home"] == BEFORE and found["Imprint"] == AFTER


def test_a_page_that_marks_nothing_is_left_alone() -> None:
    doc = select(
        f"<body><ul><li>Home</li><li>News</li></ul><div class='post'>{ARTICLE}</div><p>Imprint</p></body>"
    )
    assert all(b.kept for b in doc.blocks)


def test_a_landmark_with_too_little_of_the_page_is_not_trusted() -> None:
    # A <main> around a hero banner only, the article beside it in a plain div.
    hero = "<main><p>Spring timetable out now</p></main>"
    doc = select(f"<body><ul><li>Home</li><li>News</li></ul>{hero}<div class='post'>{ARTICLE}</div></body>")
    assert all(b.kept for b in doc.blocks)
    blocks = segment_html(f"<body>{hero}<div class='post'>{ARTICLE}</div></body>")[0]
    p = next(b.element for b in blocks if b.text == "Spring timetable out now")
    main = p.parent if p is not None else None
    assert main is not None and main.tag == "main"
    assert main.chars < MIN_REGION_SHARE * main.ancestors()[-1].chars


def region_tags(markup: str) -> set[str]:
    blocks = segment_html(markup)[0]
    region = main_region(blocks)
    elements = {id(e): e for b in blocks if b.element for e in b.element.ancestors()}
    return {elements[key].describe() for key in region}


def test_the_region_is_the_outermost_landmarks() -> None:
    assert region_tags(
        f"<body><main class='site'><div itemprop='articleBody'>{ARTICLE}</div></main><p>Imprint</p></body>"
    ) == {"main.site"}
    # Two landmarks side by side make one region.
    both = region_tags(
        f"<body><div role='main' class='a'>{ARTICLE}</div><p>Between</p>"
        f"<div role='main' class='b'>{ARTICLE}</div></body>"
    )
    assert both == {"div.a", "div.b"}


def test_blocks_between_two_parts_of_the_region_count_as_after_it() -> None:
    doc = select(
        f"<body><p>Menu</p><div role='main'>{ARTICLE}</div>"
        "<p>Between</p><div role='main'><p>More.</p></div></body>"
    )
    found = verdicts(doc)
    assert found["Menu"] == BEFORE and found["Between"] == AFTER
    assert found["More."] == KEPT


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
