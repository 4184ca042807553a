"""Stage ``detect_language``: the language of the clean text, deterministic.

langdetect with a fixed seed (``DetectorFactory.seed = 0``; without it the
same text can get different answers) on a bounded sample of the kept text.
``und`` (score 0) when the text is too short or the detector unsure.
"""

from __future__ import annotations

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from pipeline.model import Doc

#: Characters of clean text the detector reads: langdetect is accurate on a
#: paragraph, and its cost grows with the text (about 5 ms per 1,000 chars).
SAMPLE_CHARS = 1500
#: Below this many letters the answer is a guess: report ``und``.
MIN_LETTERS = 20
#: Below this probability the detector is unsure: report ``und``.
MIN_PROBABILITY = 0.70
UNDETERMINED = "und"

DetectorFactory.seed = 0


class DetectLanguage:
    """Set ``doc.language`` (ISO 639-1, or ``und``) and ``doc.language_score``."""

    name = "detect_language"
    guarded = False

    def __call__(self, doc: Doc) -> Doc:
        doc.language, doc.language_score = detect_language(sample_text(doc))
        return doc


def sample_text(doc: Doc) -> str:
    """The first ``SAMPLE_CHARS`` characters of the kept text, cut at a space."""
    parts: list[str] = []
    size = 0
    for block in doc.blocks:
        if block.kept:
            parts.append(block.text)
            size += len(block.text) + 1
            if size >= SAMPLE_CHARS:
                break
    text = " ".join(parts)
    if len(text) <= SAMPLE_CHARS:
        return text
    cut = text.rfind(" ", 0, SAMPLE_CHARS)
    return text[: cut if cut > 0 else SAMPLE_CHARS]


def detect_language(text: str) -> tuple[str, float]:
    """``(language, probability)`` of ``text``; ``("und", p)`` when too short or unsure."""
    if sum(c.isalpha() for c in text) < MIN_LETTERS:
        return UNDETERMINED, 0.0
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return UNDETERMINED, 0.0
    language = best.lang.split("-", 1)[0]  # zh-cn, zh-tw -> zh: ISO 639-1
    if best.prob < MIN_PROBABILITY:
        return UNDETERMINED, 0.0
    return language, float(best.prob)
