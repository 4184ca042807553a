"""Page layout measures that several stages share."""

from __future__ import annotations

from pipeline.model import Block


def kept_words(block: Block) -> int:
    """Words of a block that is still kept, else 0."""
    return block.features.words if block.kept and block.features else 0


def share_before(blocks: list[Block]) -> list[float]:
    """For every block, the share of the page's kept words that lie before it."""
    total = sum(kept_words(b) for b in blocks)
    shares: list[float] = []
    seen = 0
    for block in blocks:
        shares.append(seen / total if total else 0.0)
        seen += kept_words(block)
    return shares
