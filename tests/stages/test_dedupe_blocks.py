"""Stage ``dedupe_blocks``: a block repeated within the page is kept once, the first time."""

from __future__ import annotations

from conftest import ARTICLE, PROSE, Clean, assert_removals_explained, kept_texts

from pipeline.model import Category, Doc
from pipeline.segment.text import segment_text
from pipeline.stages.dedupe_blocks import DedupeBlocks

CAPTION = "Ukraine says any peace agreement would require a robust force on the ground © Mena Today"


def test_a_repeated_paragraph_is_kept_once(clean: Clean) -> None:
    doc = clean(f"{ARTICLE}\n{PROSE[0]}\n", stages=["dedupe_blocks"])
    assert kept_texts(doc) == list(PROSE)
    copy = doc.blocks[-1]
    assert (copy.category, copy.rule_id, copy.stage) == (
        Category.DUPLICATE,
        "duplicate.repeated-block",
        "dedupe_blocks",
    )
    assert "0" in (copy.detail or "")  # names the block it repeats
    assert_removals_explained(doc)


def test_copies_differing_in_case_punctuation_and_space_are_duplicates(clean: Clean) -> None:
    doc = clean(f"{CAPTION}\n{ARTICLE}\n  {CAPTION.upper()}!\n", stages=["dedupe_blocks"])
    assert kept_texts(doc) == [CAPTION, *PROSE]


def test_every_later_copy_goes(clean: Clean) -> None:
    doc = clean(f"{CAPTION}\n{PROSE[0]}\n{CAPTION}\n{PROSE[1]}\n{CAPTION}\n", stages=["dedupe_blocks"])
    assert kept_texts(doc) == [CAPTION, PROSE[0], PROSE[1]]
    copies = [b for b in doc.blocks if not b.kept]
    assert [b.index for b in copies] == [2, 4]
    assert copies[0].detail == copies[1].detail  # both point at the first occurrence


def test_short_repeats_are_kept(clean: Clean) -> None:
    # A one- or two-word line that repeats (a price, a step label) is cheap and often content.
    doc = clean(f"Step one\n{PROSE[0]}\nStep one\n{PROSE[1]}\n", stages=["dedupe_blocks"])
    assert kept_texts(doc) == ["Step one", PROSE[0], "Step one", PROSE[1]]


def test_a_copy_of_a_removed_block_is_kept() -> None:
    # Only kept blocks count: a headline first seen in a menu that was removed stays in the content.
    headline = "Farmers across Spain turn to hardier wheat"
    doc = Doc(
        "d", "page.txt", 0, "0" * 64, "text", blocks=segment_text(f"{headline}\n{ARTICLE}\n{headline}\n")
    )
    doc.blocks[0].remove(Category.NAV, "nav.among-boilerplate", "in the menu")
    DedupeBlocks()(doc)
    assert doc.blocks[-1].kept
    assert doc.blocks[0].category is Category.NAV


def test_a_page_without_repeats_is_untouched(clean: Clean) -> None:
    doc = clean(ARTICLE, stages=["dedupe_blocks"])
    assert kept_texts(doc) == list(PROSE)
