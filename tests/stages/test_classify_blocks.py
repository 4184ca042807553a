"""Stage ``classify_blocks``: blocks no rule named are judged from their neighbours (jusText-style)."""

from __future__ import annotations

from conftest import ARTICLE, PROSE, Clean, assert_removals_explained, kept_texts, removals

from pipeline.model import Doc

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
