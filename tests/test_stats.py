"""Run statistics: counted per document, mergeable across workers, stored as plain JSON."""

from __future__ import annotations

import json

from pipeline.model import Block, Category, Doc, Status
from pipeline.stats import RunStats, StageStats


def doc(*blocks: tuple[str, Category | None, str | None], status: Status = Status.OK) -> Doc:
    d = Doc("d", "page.txt", 0, "0" * 64, "text", status=status)
    for i, (text, category, rule_id) in enumerate(blocks):
        block = Block(i, text)
        if category is not None and rule_id is not None:
            block.remove(category, rule_id, "d")
        d.blocks.append(block)
    return d


def sample_stats() -> RunStats:
    stats = RunStats()
    stats.add_doc(doc(("Home", Category.NAV, "nav.site-link"), ("Body text.", None, None)))
    stats.add_doc(
        doc(("Accept all", Category.COOKIE, "cookie.consent-button"), ("Home", Category.NAV, "nav.site-link"))
    )
    failed = doc()
    failed.fail("binary content")
    stats.add_doc(failed)
    stats.stage("strip_rules").merge(StageStats(docs=2, seconds=0.5, blocks_removed=3, chars_removed=18))
    return stats


def test_add_doc_counts_status_chars_and_removals() -> None:
    stats = sample_stats()
    assert stats.docs == 3
    assert stats.status == {"ok": 2, "error": 1}
    assert stats.chars_in == len("Home") * 2 + len("Body text.") + len("Accept all")
    assert stats.chars_out == len("Body text.")
    assert stats.removed_by_category == {"nav": 8, "cookie": 10}
    assert stats.removed_by_rule == {"nav.site-link": 8, "cookie.consent-button": 10}
    assert stats.blocks_by_rule == {"nav.site-link": 2, "cookie.consent-button": 1}
    assert stats.errors == [("page.txt", "binary content")]


def test_to_dict_is_json_and_round_trips() -> None:
    stats = sample_stats()
    data = json.loads(json.dumps(stats.to_dict()))
    assert RunStats.from_dict(data).to_dict() == stats.to_dict()


def test_merge_adds_up() -> None:
    total = RunStats()
    total.merge(sample_stats())
    total.merge(sample_stats())
    one = sample_stats()
    assert total.docs == 2 * one.docs
    assert total.chars_in == 2 * one.chars_in
    assert total.removed_by_rule == {k: 2 * v for k, v in one.removed_by_rule.items()}
    assert total.stage("strip_rules").blocks_removed == 2 * one.stage("strip_rules").blocks_removed
    assert len(total.errors) == 2


def test_equal_stats_give_equal_json_whatever_the_order() -> None:
    a, b = RunStats(), RunStats()
    d1 = doc(("Home", Category.NAV, "nav.site-link"))
    d2 = doc(("Accept all", Category.COOKIE, "cookie.consent-button"))
    a.add_doc(d1)
    a.add_doc(d2)
    b.add_doc(d2)
    b.add_doc(d1)
    assert json.dumps(a.to_dict()) == json.dumps(b.to_dict())
