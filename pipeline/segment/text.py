"""Segment a plain-text dump (the visible text of a page) into line blocks.

Every non-blank line is a block. What the line still tells about its role
once the markup is gone is kept as :class:`~pipeline.model.LineFeatures`:
its length, words, indentation (inscriptis dumps indent by DOM depth), bullet
marker (w3m renders list items as ``•``, inscriptis as ``*``), whether it ends
like a sentence, whether it reads like a link, and whether a blank line
precedes it.
"""

from __future__ import annotations

import re

from pipeline.model import Block, LineFeatures

#: List markers of text dumps: w3m (•, □, ◦, ■), inscriptis (*, +, -) and
#: ordered items ("1.", "2)").
BULLET = re.compile(r"^(?:[•◦▪▫‣∙·●○■□◆►▸»*+\-–—]|\d{1,3}[.)])(?=\s)")
WORD = re.compile(r"\w+")
#: How a sentence or a sentence-like block ends (quotes and brackets allowed after).
SENTENCE_END = re.compile(r"[.!?…:;。！？][\"'”’»)\]]*$")

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
    return blocks


def line_features(line: str, stripped: str, blank_before: bool) -> LineFeatures:
    """The features of one line; ``stripped`` is ``line`` without surrounding space."""
    bullet_match = BULLET.match(stripped)
    bullet = bullet_match.group() if bullet_match else ""
    words = len(WORD.findall(stripped))
    ends_sentence = SENTENCE_END.search(stripped) is not None
    expanded = line.expandtabs(TAB_WIDTH)
    return LineFeatures(
        chars=len(stripped),
        words=words,
        indent=len(expanded) - len(expanded.lstrip()),
        bullet=bullet,
        ends_sentence=ends_sentence,
        link_like=words <= LINK_LIKE_MAX_WORDS and not ends_sentence,
        blank_before=blank_before,
    )
