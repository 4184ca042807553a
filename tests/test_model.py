"""The data model: blocks are marked, never deleted, and the document derives its text from them."""

from __future__ import annotations

import pytest

from pipeline.model import Block, Category, Doc, Record, Status


def make_doc(*texts: str) -> Doc:
    doc = Doc(doc_id="d", source_path="page.txt", record=0, source_sha256="0" * 64, source_kind="text")
    doc.blocks = [Block(i, text) for i, text in enumerate(texts)]
    return doc


def record(sha: str = "a" * 64, index: int = 0) -> Record:
    return Record(source_path="page.txt", record=index, source_sha256=sha, source_kind="text", data=b"x")


def test_remove_marks_the_block_with_its_reason() -> None:
    block = Block(0, "Accept all")
    assert block.remove(Category.COOKIE, "cookie.consent-button", "text matched 'Accept all'")
    assert not block.kept
    assert (block.category, block.rule_id, block.detail) == (
        Category.COOKIE,
        "cookie.consent-button",
        "text matched 'Accept all'",
    )


def test_remove_keeps_the_first_reason() -> None:
    block = Block(0, "Home")
    block.remove(Category.NAV, "nav.site-link", "first")
    block.stage = "strip_rules"
    assert not block.remove(Category.FOOTER, "footer.among-boilerplate", "second")
    assert (block.category, block.rule_id, block.detail, block.stage) == (
        Category.NAV,
        "nav.site-link",
        "first",
        "strip_rules",
    )


def test_restore_undoes_a_removal_completely() -> None:
    block = Block(0, "Home")
    block.remove(Category.NAV, "nav.site-link", "text matched 'Home'")
    block.stage = "strip_rules"
    block.restore()
    assert block.kept
    assert (block.category, block.rule_id, block.stage, block.detail) == (None, None, None, None)
    # Once restored it can be removed again, for a new reason.
    assert block.remove(Category.FOOTER, "footer.legal-link", "again")
    assert block.category is Category.FOOTER


def test_text_joins_kept_blocks_with_a_blank_line() -> None:
    doc = make_doc("Menu", "First paragraph.", "Share", "Second paragraph.")
    doc.blocks[0].remove(Category.NAV, "nav.menu-toggle", "d")
    doc.blocks[2].remove(Category.SOCIAL, "social.share-label", "d")
    assert doc.text == "First paragraph.\n\nSecond paragraph."
    assert [b.text for b in doc.kept_blocks] == ["First paragraph.", "Second paragraph."]


def test_text_of_a_document_with_nothing_kept_is_empty() -> None:
    doc = make_doc("Home", "Contact")
    for block in doc.blocks:
        block.remove(Category.NAV, "nav.site-link", "d")
    assert doc.text == ""
    assert make_doc().text == ""


def test_chars_in_and_out_count_block_characters() -> None:
    doc = make_doc("Home", "A paragraph of text.", "© 2025 Acme")
    doc.blocks[0].remove(Category.NAV, "nav.site-link", "d")
    doc.blocks[2].remove(Category.FOOTER, "footer.copyright", "d")
    assert doc.chars_in == len("Home") + len("A paragraph of text.") + len("© 2025 Acme")
    assert doc.chars_out == len("A paragraph of text.")


def test_removed_chars_has_every_category_and_sums_per_category() -> None:
    doc = make_doc("Home", "News", "Body text stays.", "Accept all")
    doc.blocks[0].remove(Category.NAV, "nav.site-link", "d")
    doc.blocks[1].remove(Category.NAV, "nav.site-link", "d")
    doc.blocks[3].remove(Category.COOKIE, "cookie.consent-button", "d")
    removed = doc.removed_chars()
    assert set(removed) == set(Category)
    assert removed[Category.NAV] == len("Home") + len("News")
    assert removed[Category.COOKIE] == len("Accept all")
    assert all(n == 0 for c, n in removed.items() if c not in (Category.NAV, Category.COOKIE))
    assert sum(removed.values()) == doc.chars_in - doc.chars_out


def test_doc_id_is_stable_for_the_same_bytes_and_record() -> None:
    assert record().doc_id == record().doc_id
    assert Doc.from_record(record()).doc_id == record().doc_id


def test_doc_id_differs_by_record_index_and_by_content() -> None:
    ids = {record(index=0).doc_id, record(index=1).doc_id, record(sha="b" * 64).doc_id}
    assert len(ids) == 3


def test_from_record_carries_provenance() -> None:
    rec = Record("sub/page.html", 2, "c" * 64, "html", b"<p>x</p>", url="https://example.com/a")
    doc = Doc.from_record(rec)
    assert (doc.source_path, doc.record, doc.source_sha256, doc.source_kind, doc.url) == (
        "sub/page.html",
        2,
        "c" * 64,
        "html",
        "https://example.com/a",
    )
    assert doc.blocks == []
    assert doc.status is Status.OK


def test_fail_turns_the_document_into_an_error_row() -> None:
    doc = make_doc("Some text.")
    assert doc.fail("binary content") is doc
    assert doc.status is Status.ERROR
    assert doc.error == "binary content"
    assert doc.blocks == []
    assert doc.text == ""


@pytest.mark.parametrize("category", list(Category))
def test_categories_are_lowercase_words(category: Category) -> None:
    # Categories are the first part of rule ids and the labels of the seeds.
    assert category.value == category.value.lower()
    assert category.value.replace("_", "").isalpha()
