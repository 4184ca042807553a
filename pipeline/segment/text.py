"""Segment a plain-text dump (the visible text of a page) into line blocks.

Every non-blank line is a block. What the line still tells about its role
once the markup is gone is kept as :class:`~pipeline.model.LineFeatures`: its
length, words, indentation (inscriptis dumps indent by DOM depth), bullet
marker (w3m renders list items as ``•``, inscriptis as ``*``), whether it ends
like a sentence or reads like a link, and, once the whole page is known, the
run of short lines it belongs to and how often it repeats.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.model import Block, LineFeatures
from pipeline.spans import true_runs

#: List markers: w3m (•, □, ◦, ☆), inscriptis (*, +, -), any other lone symbol
#: before a space, and ordered items ("1.", "2)").
BULLET = re.compile(r"^(?:[^\w\s\"'“‘«(\[<$€£#@&%]|\d{1,3}[.)])(?=\s)")
WORD = re.compile(r"\w+")
#: How a sentence or a sentence-like block ends (quotes and brackets allowed after).
SENTENCE_END = re.compile(r"[.!?…:;。！？][\"'”’»)\]]*$")
#: A line made only of w3m's bracketed images, buttons and form fields.
MARKUP_ONLY = re.compile(r"^(?:\[[^\]]*\]\s*)+$")

#: A line of at most this many words without a sentence end reads like a link
#: or a menu item: navigation labels are one to five words (Home, Contact us,
#: Terms of Service, Frequently Asked Questions).
LINK_LIKE_MAX_WORDS = 6
TAB_WIDTH = 8


def segment_text(text: str) -> list[Block]:
    """One block per non-blank line, with its line number and features."""
    blocks: list[Block] = []
    blank_before = True
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            blank_before = True
            continue
        features = line_features(line, stripped, blank_before)
        blocks.append(Block(len(blocks), stripped, line_start=number, line_end=number, features=features))
        blank_before = False
    add_page_features(blocks)
    return blocks


def line_features(line: str, stripped: str, blank_before: bool) -> LineFeatures:
    """The features of one line alone; ``stripped`` is ``line`` without surrounding space."""
    bullet_match = BULLET.match(stripped)
    words = WORD.findall(stripped)
    ends_sentence = SENTENCE_END.search(stripped) is not None
    return LineFeatures(
        chars=len(stripped),
        words=len(words),
        indent=0 if line is stripped else _indent(line),
        bullet=bullet_match.group() if bullet_match else "",
        ends_sentence=ends_sentence,
        link_like=len(words) <= LINK_LIKE_MAX_WORDS and not ends_sentence,
        blank_before=blank_before,
        capitalised=_capitalised_share(words),
        markup_only=MARKUP_ONLY.match(stripped) is not None,
        repeat_key=" ".join(words).casefold(),
    )


def _indent(line: str) -> int:
    expanded = line.expandtabs(TAB_WIDTH)
    return len(expanded) - len(expanded.lstrip())


def _capitalised_share(words: list[str]) -> float:
    initials = [w[0] for w in words if w[0].isalpha()]
    if not initials:
        return 0.0
    return sum(map(str.isupper, initials)) / len(initials)


def add_page_features(blocks: list[Block]) -> None:
    """Fill the features that depend on the whole page: short-line runs and repeats."""
    _mark_short_runs([b.features for b in blocks if b.features is not None])
    keys = [b.features.repeat_key if b.features else repeat_key(b.text) for b in blocks]
    counts = Counter(keys)
    for block, key in zip(blocks, keys, strict=True):
        if block.features is not None:
            block.features.repeats = counts[key]


def repeat_key(text: str) -> str:
    """What two blocks share when one repeats the other: words, case folded
    (a block's is in its features)."""
    return " ".join(WORD.findall(text)).casefold()


def _mark_short_runs(features: list[LineFeatures]) -> None:
    for start, end in true_runs([f.link_like for f in features]):
        for f in features[start:end]:
            f.short_run = end - start
