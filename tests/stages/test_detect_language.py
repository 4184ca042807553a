"""Stage ``detect_language``: the language of the clean text, deterministic, ``und`` when unsure."""

from __future__ import annotations

import pytest
from conftest import ARTICLE, Clean

from pipeline.model import Category
from pipeline.stages.detect_language import SAMPLE_CHARS, UNDETERMINED, detect_language, sample_text

SAMPLES = {
    "en": ARTICLE,
    "de": (
        "Auf den Feldern Zentralspaniens pflanzen Landwirte neue Weizensorten, die lange Trockenperioden "
        "und Rekordhitze überstehen sollen. Die Erträge sind im vergangenen Jahr um fast ein Drittel "
        "gesunken, und viele Bauern sagen, dass sie sich eine weitere solche Ernte nicht leisten können."
    ),
    "fr": (
        "Dans les plaines du centre de l'Espagne, les agriculteurs plantent de nouvelles variétés de blé "
        "capables de résister aux longues sécheresses et aux chaleurs record. Les rendements ont chuté "
        "de près d'un tiers l'an dernier, et beaucoup disent qu'ils ne pourront pas supporter une autre "
        "récolte de ce genre."
    ),
}


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_detects_the_language_with_high_probability(language: str) -> None:
    detected, score = detect_language(SAMPLES[language])
    assert detected == language
    assert score > 0.9


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_stage_sets_language_and_score_on_the_doc(clean: Clean, language: str) -> None:
    doc = clean(SAMPLES[language], stages=["detect_language"])
    assert doc.language == language
    assert 0.9 < doc.language_score <= 1.0


@pytest.mark.parametrize("text", ["", "Home", "OK 42", "1234567890 1234567890 !!!"])
def test_too_short_text_is_undetermined(text: str) -> None:
    assert detect_language(text) == (UNDETERMINED, 0.0)


def test_same_input_gives_the_same_answer() -> None:
    # A short mixed-language text is where an unseeded detector wavers between answers.
    text = "Bonjour, hello, guten Tag: the café is open jeden Tag."
    answers = {detect_language(text) for _ in range(5)}
    assert len(answers) == 1


def test_only_kept_text_is_read(clean: Clean) -> None:
    # A German cookie banner on an English page does not make the page German.
    banner = "Diese Website verwendet Cookies, um Ihnen das beste Erlebnis auf unserer Website zu bieten."
    doc = clean(f"{banner}\n{ARTICLE}\n", stages=["strip_rules", "detect_language"])
    assert doc.blocks[0].category is Category.COOKIE
    assert doc.language == "en"


def test_a_page_with_nothing_kept_is_undetermined(clean: Clean) -> None:
    doc = clean("Home\nAbout us\nContact us\n", stages=["strip_rules", "detect_language"])
    assert (doc.language, doc.language_score) == (UNDETERMINED, 0.0)


def test_sample_is_a_bounded_prefix_of_the_kept_text(clean: Clean) -> None:
    doc = clean("\n".join([ARTICLE] * 20), stages=[])
    sample = sample_text(doc)
    assert len(sample) <= SAMPLE_CHARS
    full = " ".join(b.text for b in doc.blocks)
    assert len(full) > SAMPLE_CHARS
    assert full.startswith(sample)
    assert full[len(sample)] == " "  # cut between words, not inside one
