"""Stage ``classify_blocks``: blocks no rule named are judged from their neighbours (jusText-style)."""

from __future__ import annotations

import itertools
import random

import pytest
from conftest import ARTICLE, PROSE, Clean, assert_removals_explained, kept_texts, removals, text_record

from pipeline.model import Block, Category, Doc
from pipeline.runner import Pipeline
from pipeline.segment.text import segment_text
from pipeline.stages.classify_blocks import (
    LITTLE_PROSE_SHARE,
    LITTLE_PROSE_SHARE_HTML,
    Class,
    ClassifyBlocks,
    anchor_short_pages,
    revise,
)

STAGES = ["strip_rules", "classify_blocks"]
#: Section names of a news site's menu: no rule names them, their run of short lines does.
MENU = ["World", "Politics", "Business", "Technology", "Science", "Health", "Sport", "Culture", "Travel"]
MENU += ["Opinion", "Video", "Podcasts", "Weather", "Crosswords"]
HEADLINE = "Farmers turn to hardier wheat"


def run(clean: Clean, *lines: str) -> Doc:
    return clean("\n".join(lines) + "\n", stages=STAGES)


def test_a_long_menu_before_the_article_is_removed_as_nav(clean: Clean) -> None:
    doc = run(clean, *MENU, "", HEADLINE, "", *PROSE)
    found = removals(doc)
    for item in MENU:
        category, rule_id, stage = found[item]
        assert category == "nav"
        assert stage in ("strip_rules", "classify_blocks")
        if stage == "classify_blocks":
            assert rule_id == "nav.among-boilerplate"
    assert kept_texts(doc) == [HEADLINE, *PROSE]
    assert_removals_explained(doc)


def test_short_lines_after_the_article_are_removed_as_footer(clean: Clean) -> None:
    tail = ["Our offices", "Jobs at the Journal", "Advertise with us"]
    doc = run(clean, HEADLINE, *PROSE, "", *tail)
    found = removals(doc)
    assert [found[t] for t in tail] == [("footer", "footer.among-boilerplate", "classify_blocks")] * 3
    assert kept_texts(doc) == [HEADLINE, *PROSE]
    assert_removals_explained(doc)


def test_lines_take_the_category_of_the_rule_removal_next_to_them(clean: Clean) -> None:
    teasers = ["Olive harvest falls again", "Rice growers watch the sea", "A bakery saves its village"]
    doc = run(clean, HEADLINE, *PROSE, "", "Related Posts", *teasers)
    found = removals(doc)
    assert found["Related Posts"] == ("related", "related.heading", "strip_rules")
    for teaser in teasers:
        assert found[teaser] == ("related", "related.among-boilerplate", "classify_blocks")
        assert "related.heading" in next(b.detail or "" for b in doc.blocks if b.text == teaser)
    assert_removals_explained(doc)


def test_a_heading_between_paragraphs_is_kept(clean: Clean) -> None:
    doc = run(clean, HEADLINE, PROSE[0], PROSE[1], "What the scientists say", PROSE[2], PROSE[3])
    assert "What the scientists say" in kept_texts(doc)


def test_a_short_list_inside_the_article_is_kept(clean: Clean) -> None:
    items = ["Bring water", "Wear a hat", "Start early"]
    doc = run(clean, HEADLINE, PROSE[0], PROSE[1], *items, PROSE[2], PROSE[3])
    assert kept_texts(doc) == [HEADLINE, PROSE[0], PROSE[1], *items, PROSE[2], PROSE[3]]


def test_a_placeholder_line_inside_the_article_is_removed(clean: Clean) -> None:
    doc = run(clean, HEADLINE, PROSE[0], PROSE[1], "[image]", PROSE[2], PROSE[3])
    assert "[image]" in removals(doc)
    assert kept_texts(doc) == [HEADLINE, *PROSE]
    assert_removals_explained(doc)


def test_headline_above_the_text_becomes_the_title_and_its_copy_goes(clean: Clean) -> None:
    doc = run(clean, "Home", "", HEADLINE, "By Jane Doe", HEADLINE, "", ARTICLE)
    assert doc.title == HEADLINE
    assert kept_texts(doc) == [HEADLINE, *PROSE]
    assert removals(doc)[HEADLINE] == ("duplicate", "duplicate.title-copy", "classify_blocks")
    assert_removals_explained(doc)


def test_a_long_headline_directly_above_the_text_becomes_the_title(clean: Clean) -> None:
    headline = "Farmers across central Spain turn to hardier wheat as the summers grow hotter"
    doc = run(clean, "Home", "News", "", headline, "", ARTICLE)
    assert headline in kept_texts(doc)
    assert doc.title == headline


def test_a_page_of_prose_is_left_alone(clean: Clean) -> None:
    doc = run(clean, *PROSE)
    assert kept_texts(doc) == list(PROSE)


# The context pass: two linear passes give what scanning from every block gave


def reference_revise(initial: list[Class]) -> list[Class]:
    """The context pass as it was first written: a scan from every block for its neighbours."""

    def neighbour(classes: list[Class], i: int, step: int, *, skip_neargood: bool = True) -> Class:
        j = i + step
        while 0 <= j < len(classes):
            c = classes[j]
            if c is Class.BAD or c is Class.GOOD or (c is Class.NEARGOOD and not skip_neargood):
                return c
            j += step
        return Class.BAD

    def revise_short(classes: list[Class], i: int) -> Class:
        before, after = neighbour(classes, i, -1), neighbour(classes, i, 1)
        if before is after:
            return before
        near_bad_side = -1 if before is Class.BAD else 1
        if neighbour(classes, i, near_bad_side, skip_neargood=False) is Class.NEARGOOD:
            return Class.GOOD
        return Class.BAD

    classes = list(initial)
    revised = list(classes)
    for i, c in enumerate(classes):
        if c is Class.SHORT:
            revised[i] = revise_short(classes, i)
    classes = revised
    revised = list(classes)
    for i, c in enumerate(classes):
        if c is Class.NEARGOOD:
            both_bad = neighbour(classes, i, -1) is Class.BAD and neighbour(classes, i, 1) is Class.BAD
            revised[i] = Class.BAD if both_bad else Class.GOOD
    return revised


G, B, S, N, W = Class.GOOD, Class.BAD, Class.SHORT, Class.NEARGOOD, Class.INLINE  # W: a widget


@pytest.mark.parametrize(
    ("initial", "final"),
    [
        ([], []),
        ([S], [B]),  # the page edges count as bad
        ([N], [B]),
        ([W], [W]),  # inline blocks keep their class and are looked through
        ([G, S, S, G], [G, G, G, G]),
        ([B, S, S, B], [B, B, B, B]),
        ([G, S, B], [G, B, B]),  # between good and bad: bad ...
        ([G, S, N, B], [G, G, G, B]),  # ... unless a near-good block sits on the bad side
        ([B, N, S, G], [B, G, G, G]),
        ([G, N, S, B], [G, G, B, B]),  # a near-good block on the good side does not count
        ([G, W, S, W, G], [G, W, G, W, G]),
        ([B, W, N, W, B], [B, W, B, W, B]),
        ([B, N, S, S, B], [B, B, B, B, B]),
        ([N, S, G], [G, G, G]),  # the edge is the bad side, and a near-good block is on it
        ([S, N, G], [B, G, G]),
    ],
)
def test_the_context_pass_on_hand_made_pages(initial: list[Class], final: list[Class]) -> None:
    assert revise(initial) == final
    assert reference_revise(initial) == final


def test_the_context_pass_equals_the_scanning_definition_on_every_short_page() -> None:
    for n in range(7):
        for initial in itertools.product(list(Class), repeat=n):
            assert revise(list(initial)) == reference_revise(list(initial)), initial


def test_the_context_pass_equals_the_scanning_definition_on_random_pages() -> None:
    rng = random.Random(20251121)
    classes = list(Class)
    for _ in range(3000):
        # Long runs of one class too, as menus and articles make them.
        weights = [rng.random() for _ in classes]
        initial = rng.choices(classes, weights=weights, k=rng.randrange(1, 120))
        assert revise(initial) == reference_revise(initial), initial


def test_the_context_pass_on_a_page_of_a_hundred_thousand_short_blocks() -> None:
    # Scanning from every block was quadratic here; the answer is what matters.
    n = 100_000
    assert revise([G, *[S] * n, B]) == [G, *[B] * n, B]
    assert revise([G, *[S] * n, N, B]) == [G, *[G] * n, G, B]
    assert revise([*[S, W] * n]) == [*[B, W] * n]


# Pages with little prose: HTML pages have a larger share


def words_blocks(good_words: int, neargood_words: int) -> list[Block]:
    """A prose line of ``good_words`` words and a long line without a full stop of ``neargood_words``."""
    return segment_text(
        "\n".join([" ".join(["word"] * good_words) + ".", " ".join(["item"] * neargood_words)])
    )


@pytest.mark.parametrize(
    ("good", "share", "anchored"),
    [
        (15, LITTLE_PROSE_SHARE, False),  # exactly a quarter of 60 words
        (14, LITTLE_PROSE_SHARE, True),
        (21, LITTLE_PROSE_SHARE_HTML, False),  # exactly 35% of 60 words
        (20, LITTLE_PROSE_SHARE_HTML, True),
        (20, LITTLE_PROSE_SHARE, False),
    ],
)
def test_near_good_blocks_anchor_a_page_with_less_prose_than_the_share(
    good: int, share: float, anchored: bool
) -> None:
    blocks = words_blocks(good, 60 - good)
    classes = [G, N]
    expected = [G, G] if anchored else [G, N]
    assert anchor_short_pages(classes, blocks, share) == expected
    if share == LITTLE_PROSE_SHARE:
        assert anchor_short_pages(classes, blocks) == expected  # the default is the text share


#: 20 words of prose, a menu line an earlier stage removed, then 39 words of long lines
#: without a full stop: prose is 34% of the kept words, between the two shares.
LITTLE_PROSE_PAGE = [
    "Fishermen on the north shore say the new quotas leave them with too little work over the long "
    "winter months.",
    "Menu",
    "Harbour prints and posters from the archive of the gazette in three sizes",
    "Framed or unframed with free delivery to the islands and the mainland coast",
    "Gift cards for every occasion with a message printed on the back cover",
]


@pytest.mark.parametrize(("page_kind", "lines_kept"), [("html", True), ("text", False)])
def test_the_html_share_applies_to_html_pages_only(page_kind: str, lines_kept: bool) -> None:
    assert LITTLE_PROSE_SHARE < 20 / 59 < LITTLE_PROSE_SHARE_HTML
    doc = Doc.from_record(text_record("\n".join(LITTLE_PROSE_PAGE)))
    doc.blocks = segment_text("\n".join(LITTLE_PROSE_PAGE))
    doc.page_kind = "html" if page_kind == "html" else "text"
    doc.blocks[1].remove(Category.NAV, "nav.menu", "an earlier stage")
    doc.blocks[1].stage = "strip_rules"
    Pipeline([ClassifyBlocks()]).run(doc)
    assert [b.kept for b in doc.blocks] == [True, False, lines_kept, lines_kept, lines_kept]
    assert_removals_explained(doc)
