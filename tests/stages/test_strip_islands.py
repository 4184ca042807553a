"""Stage ``strip_islands``: small islands of text stranded after the main text go."""

from __future__ import annotations

from conftest import ARTICLE, PROSE, Clean, assert_removals_explained, kept_texts, removals

from pipeline.stages.strip_islands import find_islands

STAGES = ["strip_rules", "classify_blocks", "strip_islands"]
FOOTER_LINKS = "\n".join(["About Us", "Contact", "Careers", "Privacy Policy", "Terms of Use", "Sitemap"])
BLURB = (
    "Daily Harvest is an independent magazine about farming, food and the people who grow it, "
    "published every week since 1998."
)


def test_a_small_blurb_cut_off_after_the_main_text_is_removed(clean: Clean) -> None:
    long_article = f"{ARTICLE}\n{ARTICLE}"  # the blurb is under a tenth of its words
    doc = clean(f"{long_article}\n{FOOTER_LINKS}\n{BLURB}\n", stages=STAGES)
    assert removals(doc)[BLURB] == ("footer", "footer.stranded-island", "strip_islands")
    assert BLURB not in kept_texts(doc)
    assert_removals_explained(doc)


def test_text_right_after_the_main_text_stays(clean: Clean) -> None:
    # No run of boilerplate between them: the blurb continues the main text.
    doc = clean(f"{ARTICLE}\n{BLURB}\n{FOOTER_LINKS}\n", stages=STAGES)
    assert BLURB in kept_texts(doc)


def test_a_large_island_after_the_main_text_stays(clean: Clean) -> None:
    # A second article after the links is as heavy as the first: not stranded.
    doc = clean(f"{ARTICLE}\n{FOOTER_LINKS}\n{ARTICLE}\n", stages=STAGES)
    assert kept_texts(doc) == [*PROSE, *PROSE]


def test_islands_before_the_main_text_stay(clean: Clean) -> None:
    doc = clean(f"{BLURB}\n{FOOTER_LINKS}\n{ARTICLE}\n", stages=STAGES)
    assert BLURB in kept_texts(doc)


def test_buttons_inside_content_do_not_split_an_island(clean: Clean) -> None:
    # "Learn more" is a ui rule: a widget inside the content, not a gap.
    page = "\n".join(f"{p}\nLearn more" for p in PROSE) + "\n"
    doc = clean(page, stages=["strip_rules"])
    assert len(find_islands(doc.blocks)) == 1
