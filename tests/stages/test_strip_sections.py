"""Stage ``strip_sections``: a section heading after the main text cuts the page's tail."""

from __future__ import annotations

from conftest import ARTICLE, PROSE, Clean, assert_removals_explained, kept_texts, removals

STAGES = ["strip_rules", "strip_sections"]
HEADLINE = "Farmers turn to hardier wheat"
TEASERS = [
    "Olive harvest falls for a second year as heat scorches groves across the south",
    "Why rice growers in Valencia are watching the sea level closely this winter",
]
COMMENTS = [
    "Great article, my grandfather grew wheat near Toledo and always said the rain came later every year.",
    "Thanks for writing this, it is rare to read about farming without the usual clichés about rural life.",
]


def test_blocks_after_a_tail_heading_take_its_category(clean: Clean) -> None:
    page = f"{HEADLINE}\n\n{ARTICLE}\n\nRelated Posts\n" + "\n".join(TEASERS) + "\n"
    doc = clean(page, stages=STAGES)
    found = removals(doc)
    assert found["Related Posts"] == ("related", "related.heading", "strip_rules")
    for teaser in TEASERS:
        # Long teasers read like prose; only the section they are in says they are a list.
        assert found[teaser] == ("related", "related.heading", "strip_sections")
    assert kept_texts(doc) == [HEADLINE, *PROSE]
    assert_removals_explained(doc)


def test_detail_names_the_heading(clean: Clean) -> None:
    doc = clean(f"{ARTICLE}\nRelated Posts\n{TEASERS[0]}\n", stages=STAGES)
    assert "Related Posts" in (doc.blocks[-1].detail or "")


def test_a_later_section_heading_takes_over(clean: Clean) -> None:
    page = f"{ARTICLE}\nRelated Posts\n{TEASERS[0]}\n3 Comments\n" + "\n".join(COMMENTS) + "\n"
    doc = clean(page, stages=STAGES)
    found = removals(doc)
    assert found[TEASERS[0]][:2] == ("related", "related.heading")
    assert found["3 Comments"][:2] == ("comments", "comments.heading")
    for comment in COMMENTS:
        assert found[comment] == ("comments", "comments.heading", "strip_sections")
    assert kept_texts(doc) == list(PROSE)
    assert_removals_explained(doc)


def test_a_heading_above_the_main_text_removes_only_itself(clean: Clean) -> None:
    toc = ["Why the wheat fails", "What the scientists say"]
    doc = clean("Table of Contents\n" + "\n".join(toc) + f"\n{ARTICLE}\n", stages=STAGES)
    assert removals(doc) == {"Table of Contents": ("nav", "nav.toc-heading", "strip_rules")}
    assert kept_texts(doc) == [*toc, *PROSE]


def test_a_page_without_section_headings_is_untouched(clean: Clean) -> None:
    doc = clean(f"{HEADLINE}\n{ARTICLE}\n", stages=["strip_sections"])
    assert kept_texts(doc) == [HEADLINE, *PROSE]


def test_headings_need_strip_rules_to_have_run(clean: Clean) -> None:
    # The stage acts on headings strip_rules removed; without it, nothing marks a heading.
    page = f"{ARTICLE}\nRelated Posts\n{TEASERS[0]}\n"
    assert removals(clean(page, stages=["strip_sections"])) == {}
