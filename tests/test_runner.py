"""The runner: ordered named stages, errors as rows, the over-pruning guard and per-stage stats."""

from __future__ import annotations

import gc
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

import pytest
from conftest import ARTICLE, PROSE, MakeRecord

from pipeline import runner
from pipeline.model import Category, Doc, Record, Status
from pipeline.rules import RuleSet
from pipeline.runner import Pipeline, start_up_objects_frozen
from pipeline.stages import default_stages
from pipeline.stages.base import Stage


@dataclass
class RemoveMatching:
    """Removes kept blocks containing ``needle`` (every block when it is empty)."""

    name: str = "remove_matching"
    guarded: bool = True
    needle: str = ""

    def __call__(self, doc: Doc) -> Doc:
        for block in doc.kept_blocks:
            if self.needle in block.text:
                block.remove(Category.LOW_QUALITY, "low_quality.test-stage", f"contains {self.needle!r}")
        return doc


@dataclass
class Explode:
    """Raises on documents that contain ``trigger``."""

    name: str = "explode"
    guarded: bool = False
    trigger: str = "BOOM"

    def __call__(self, doc: Doc) -> Doc:
        if any(self.trigger in b.text for b in doc.blocks):
            raise ZeroDivisionError("the stage broke")
        return doc


@dataclass
class ReturnNothing:
    name: str = "return_nothing"
    guarded: bool = False

    def __call__(self, doc: Doc) -> Doc:
        return None  # type: ignore[return-value]  # the contract breach under test


@dataclass
class Sleep:
    """Sleeps ``seconds`` on documents that contain ``trigger``; remembers the SIGALRM handler it saw."""

    name: str = "sleep"
    guarded: bool = False
    trigger: str = "SLOW"
    seconds: float = 10.0
    handler_seen: object = None

    def __call__(self, doc: Doc) -> Doc:
        self.handler_seen = signal.getsignal(signal.SIGALRM)
        if any(self.trigger in b.text for b in doc.blocks):
            time.sleep(self.seconds)
        return doc


TINY_LIMIT = 0.05


def long_page() -> str:
    """A page long enough for the guard to act on."""
    copies = 1 + 2 * runner.GUARD_MIN_CHARS // len("".join(PROSE))
    return "\n".join(PROSE * copies)


# Order and names


def test_stages_run_in_the_order_given(make_record: MakeRecord) -> None:
    seen: list[str] = []

    @dataclass
    class Tracer:
        name: str
        guarded: bool = False

        def __call__(self, doc: Doc) -> Doc:
            seen.append(self.name)
            return doc

    pipe = Pipeline([Tracer("c"), Tracer("a"), Tracer("b")])
    assert pipe.names == ["c", "a", "b"]
    pipe.clean(make_record(ARTICLE))
    assert seen == ["c", "a", "b"]


def test_default_stages_are_stages_in_dependency_order(rules: RuleSet) -> None:
    stages = default_stages(rules)
    assert all(isinstance(s, Stage) for s in stages)
    names = [s.name for s in stages]
    assert len(names) == len(set(names))
    # strip_sections acts on headings strip_rules marked; language is read from the final text.
    assert names.index("strip_rules") < names.index("strip_sections")
    assert names.index("strip_rules") < names.index("classify_blocks")
    assert names[-1] == "detect_language"
    # Element rules name a container's category before select_main's generic outside-main
    # removals, and both act on the page's structure before text rules judge single lines.
    assert names.index("strip_elements") < names.index("select_main") < names.index("strip_rules")


def test_disabling_a_stage_by_name(rules: RuleSet, stage_names: list[str]) -> None:
    pipe = Pipeline.default(rules, disable=["dedupe_blocks"])
    assert pipe.names == [n for n in stage_names if n != "dedupe_blocks"]


def test_disabled_stage_does_not_run(make_record: MakeRecord, rules: RuleSet) -> None:
    page = f"{ARTICLE}\n{PROSE[0]}\n"
    with_dedupe = Pipeline.default(rules).clean(make_record(page))
    without = Pipeline.default(rules, disable=["dedupe_blocks"]).clean(make_record(page))
    assert "dedupe_blocks" in {b.stage for b in with_dedupe.blocks}
    assert "dedupe_blocks" not in {b.stage for b in without.blocks}


def test_unknown_stage_name_raises_listing_the_stages(rules: RuleSet, stage_names: list[str]) -> None:
    with pytest.raises(ValueError, match="strip_everything") as info:
        Pipeline.default(rules, disable=["strip_everything"])
    for name in stage_names:
        assert name in str(info.value)


def test_duplicate_stage_names_are_rejected() -> None:
    with pytest.raises(ValueError, match="remove_matching"):
        Pipeline([RemoveMatching(), Explode(), RemoveMatching(needle="x")])


# Errors become rows


def test_a_stage_that_raises_gives_an_error_row_and_the_next_document_cleans(make_record: MakeRecord) -> None:
    pipe = Pipeline([RemoveMatching(needle="zzz"), Explode()])
    bad = pipe.clean(make_record(f"{ARTICLE}\nBOOM\n"))
    assert bad.status is Status.ERROR
    assert bad.error is not None
    assert "explode" in bad.error
    assert "ZeroDivisionError" in bad.error
    assert bad.blocks == []
    assert bad.text == ""

    good = pipe.clean(make_record(ARTICLE))
    assert good.status is Status.OK
    assert good.text == "\n\n".join(PROSE)
    assert pipe.stats.status == {"error": 1, "ok": 1}


def test_a_stage_returning_something_else_gives_an_error_row(make_record: MakeRecord) -> None:
    doc = Pipeline([ReturnNothing()]).clean(make_record(ARTICLE))
    assert doc.status is Status.ERROR
    assert doc.error is not None
    assert "instead of a Doc" in doc.error
    assert "return_nothing" in doc.error


def test_an_unreadable_record_is_an_error_row_without_running_stages() -> None:
    record = Record("bad.bin", 0, "0" * 64, "text", error="binary content: 40% control bytes")
    pipe = Pipeline([Explode(trigger="")])  # would raise on any document it saw
    doc = pipe.clean(record)
    assert doc.status is Status.ERROR
    assert doc.error == "binary content: 40% control bytes"
    assert "explode" not in pipe.stats.stages


def test_html_without_visible_text_is_empty_not_an_error(
    make_record: MakeRecord, default_pipeline: Pipeline
) -> None:
    doc = default_pipeline.clean(
        make_record("<html><head><title>T</title></head><body> </body></html>", kind="html")
    )
    assert doc.status is Status.EMPTY
    assert doc.error is None
    assert doc.title == "T"


def test_a_page_with_nothing_left_is_empty(make_record: MakeRecord) -> None:
    doc = Pipeline([RemoveMatching(guarded=False)]).clean(make_record("Home\nAbout\n"))
    assert doc.status is Status.EMPTY
    assert doc.error is None
    assert doc.text == ""


# The over-pruning guard


def test_guard_undoes_a_guarded_stage_that_removes_nearly_everything(make_record: MakeRecord) -> None:
    pipe = Pipeline([RemoveMatching(guarded=True)])
    doc = pipe.clean(make_record(long_page()))
    assert all(b.kept for b in doc.blocks)
    assert all(b.category is None and b.rule_id is None and b.stage is None for b in doc.blocks)
    assert doc.status is Status.OK
    stats = pipe.stats.stage("remove_matching")
    assert stats.guard_undone == 1
    assert (stats.blocks_removed, stats.chars_removed) == (0, 0)


def test_guard_leaves_an_unguarded_stage_alone(make_record: MakeRecord) -> None:
    pipe = Pipeline([RemoveMatching(guarded=False)])
    doc = pipe.clean(make_record(long_page()))
    assert not any(b.kept for b in doc.blocks)
    assert doc.status is Status.EMPTY
    assert pipe.stats.stage("remove_matching").guard_undone == 0


def test_guard_leaves_a_stage_that_removes_a_part(make_record: MakeRecord) -> None:
    pipe = Pipeline([RemoveMatching(needle="Yields")])
    doc = pipe.clean(make_record(long_page()))
    assert [b.kept for b in doc.blocks] == ["Yields" not in b.text for b in doc.blocks]
    assert pipe.stats.stage("remove_matching").guard_undone == 0


def test_guard_spares_short_pages(make_record: MakeRecord) -> None:
    # A short page may rightly be all boilerplate.
    page = "Home\nAbout us\nContact"
    assert len(page) < runner.GUARD_MIN_CHARS
    doc = Pipeline([RemoveMatching(guarded=True)]).clean(make_record(page))
    assert doc.status is Status.EMPTY


def test_guard_only_undoes_the_stage_that_overpruned(make_record: MakeRecord) -> None:
    first = RemoveMatching(name="first", guarded=False, needle="Yields")
    everything = RemoveMatching(name="everything", guarded=True)
    pipe = Pipeline([first, everything])
    doc = pipe.clean(make_record(long_page()))
    removed = [b for b in doc.blocks if not b.kept]
    assert removed
    assert all("Yields" in b.text and b.stage == "first" for b in removed)


# Stats


def test_stats_count_blocks_and_chars_per_stage(make_record: MakeRecord) -> None:
    pipe = Pipeline(
        [RemoveMatching(name="drop_yields", needle="Yields"), RemoveMatching(name="drop_x", needle="x!")]
    )
    doc = pipe.clean(make_record(ARTICLE))
    pipe.clean(make_record(ARTICLE))
    removed = [b for b in doc.blocks if not b.kept]
    assert [b.stage for b in removed] == ["drop_yields"]
    stats = pipe.take_stats()
    assert stats.stage("drop_yields").docs == 2
    assert stats.stage("drop_yields").blocks_removed == 2
    assert stats.stage("drop_yields").chars_removed == 2 * len(removed[0].text)
    assert stats.stage("drop_x").blocks_removed == 0
    assert stats.docs == 2
    assert stats.removed_by_rule == {"low_quality.test-stage": 2 * len(removed[0].text)}
    assert stats.removed_by_category == {"low_quality": 2 * len(removed[0].text)}
    assert stats.chars_in == 2 * doc.chars_in
    assert stats.chars_out == 2 * doc.chars_out
    # take_stats hands over the counters and starts afresh.
    assert pipe.take_stats().docs == 0


def test_stats_record_errors_with_their_source(make_record: MakeRecord) -> None:
    pipe = Pipeline([Explode()])
    pipe.clean(make_record("BOOM goes the page", path="sub/bad.txt"))
    stats = pipe.take_stats()
    assert len(stats.errors) == 1
    path, error = stats.errors[0]
    assert path == "sub/bad.txt"
    assert "explode" in error


def test_default_pipeline_cleans_an_article(make_record: MakeRecord, default_pipeline: Pipeline) -> None:
    doc = default_pipeline.clean(make_record(f"Skip to main content\n\n{ARTICLE}\n"))
    assert doc.status is Status.OK
    assert doc.text == "\n\n".join(PROSE)
    assert doc.language == "en"
    assert doc.blocks[0].stage == "strip_rules"


# The time limit


def test_a_document_over_the_time_limit_is_an_error_row_and_the_next_cleans(make_record: MakeRecord) -> None:
    pipe = Pipeline([RemoveMatching(needle="zzz"), Sleep()], time_limit=TINY_LIMIT)
    started = time.monotonic()
    slow = pipe.clean(make_record(f"{ARTICLE}\nSLOW\n", path="sub/slow.txt"))
    assert time.monotonic() - started < 2.0
    assert slow.status is Status.ERROR
    assert slow.error is not None
    assert slow.error.startswith("took longer than 0.05 s while running stage 'sleep'; the time limit is")
    assert (slow.source_path, slow.blocks, slow.text) == ("sub/slow.txt", [], "")
    assert slow.doc_id == make_record(f"{ARTICLE}\nSLOW\n", path="sub/slow.txt").doc_id

    good = pipe.clean(make_record(ARTICLE))
    assert good.status is Status.OK
    assert good.text == "\n\n".join(PROSE)
    stats = pipe.take_stats()
    assert stats.status == {"error": 1, "ok": 1}
    assert stats.errors == [("sub/slow.txt", slow.error)]


def test_off_the_main_thread_the_limit_acts_between_stages(make_record: MakeRecord) -> None:
    pipe = Pipeline([Sleep(seconds=2 * TINY_LIMIT), RemoveMatching(needle="zzz")], time_limit=TINY_LIMIT)
    docs: list[Doc] = []
    thread = threading.Thread(target=lambda: docs.append(pipe.clean(make_record(f"{ARTICLE}\nSLOW\n"))))
    thread.start()
    thread.join()
    assert docs[0].status is Status.ERROR
    assert docs[0].error is not None
    assert "while running stage 'sleep'" in docs[0].error
    assert "remove_matching" not in pipe.stats.stages  # the check stopped the document there


def test_no_time_limit_when_none(make_record: MakeRecord) -> None:
    sleep = Sleep(seconds=2 * TINY_LIMIT)
    doc = Pipeline([sleep], time_limit=None).clean(make_record(f"{ARTICLE}\nSLOW\n"))
    assert doc.status is Status.OK
    assert sleep.handler_seen is signal.getsignal(signal.SIGALRM)  # no timer was set


def test_the_previous_sigalrm_handler_is_restored(make_record: MakeRecord) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        """The caller's own handler."""

    previous = signal.signal(signal.SIGALRM, handler)
    try:
        sleep = Sleep()
        pipe = Pipeline([sleep], time_limit=TINY_LIMIT)
        pipe.clean(make_record(ARTICLE))
        assert sleep.handler_seen is not handler  # the limit's own handler was in force
        assert signal.getsignal(signal.SIGALRM) is handler
        assert pipe.clean(make_record(f"{ARTICLE}\nSLOW\n")).status is Status.ERROR
        assert signal.getsignal(signal.SIGALRM) is handler
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("limit", [0, -1.0])
def test_a_time_limit_must_be_positive(limit: float) -> None:
    with pytest.raises(ValueError, match="time_limit"):
        Pipeline([Sleep()], time_limit=limit)


def test_the_default_pipeline_has_the_default_limit(rules: RuleSet) -> None:
    assert Pipeline.default(rules).time_limit == runner.DOC_TIME_LIMIT_SECONDS
    assert Pipeline.default(rules, time_limit=None).time_limit is None


# Pathological pages: each gives a row, ok or an error that says why, and never hangs the run

#: Time limit for the pathological pages: short, to keep the suite fast.
PATHOLOGICAL_LIMIT = 1.0
#: Past the limit, what a page may take at most: work in C (lxml parsing a 20 MB
#: page) finishes before the alarm is handled.
PATHOLOGICAL_BOUND = 15.0
PARAGRAPH = "<p>A sentence of ordinary prose, long enough to be kept, that runs on as articles do.</p>"


def sibling_divs() -> str:
    return "<html><body>" + "<div>An item</div>" * 200_000 + "</body></html>"


def nested_spans() -> str:
    return "<html><body>" + "<span>" * 100_000 + "Deep." + "</span>" * 100_000 + "</body></html>"


def twenty_megabytes() -> str:
    section = "<section><h2>A heading</h2>" + PARAGRAPH * 50 + "</section>"
    return "<html><body>" + section * (20 * 2**20 // len(section)) + "</body></html>"


@pytest.mark.parametrize("page", [sibling_divs, nested_spans, twenty_megabytes], ids=lambda f: f.__name__)
def test_a_pathological_page_gives_a_row_in_bounded_time(
    make_record: MakeRecord, rules: RuleSet, page: Callable[[], str]
) -> None:
    record = make_record(page(), kind="html", path="pathological.html")
    pipe = Pipeline.default(rules, time_limit=PATHOLOGICAL_LIMIT)
    started = time.monotonic()
    doc = pipe.clean(record)
    assert time.monotonic() - started < PATHOLOGICAL_LIMIT + PATHOLOGICAL_BOUND
    assert doc.source_path == "pathological.html"
    if doc.status is Status.ERROR:
        assert doc.error is not None
        assert "time limit" in doc.error or "nested deeper" in doc.error
    else:
        assert doc.blocks


def test_nesting_past_the_parser_depth_is_an_error_row(
    make_record: MakeRecord, default_pipeline: Pipeline
) -> None:
    doc = default_pipeline.clean(make_record(nested_spans(), kind="html"))
    assert doc.status is Status.ERROR
    assert doc.error is not None
    assert doc.error.startswith("HTML nested deeper than")


def test_start_up_objects_are_frozen_for_the_collector_only_inside_the_block() -> None:
    assert gc.get_freeze_count() == 0
    with start_up_objects_frozen():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), start_up_objects_frozen():
        raise RuntimeError("a failing batch")
    assert gc.get_freeze_count() == 0


# A block too long to be page text


@pytest.mark.parametrize(
    ("kind", "where"), [("text", f"at line {len(PROSE) + 1}"), ("html", "at /html/body[1]/p[2]")]
)
def test_a_block_longer_than_the_limit_is_an_error_row(
    default_pipeline: Pipeline, make_record: MakeRecord, kind: str, where: str
) -> None:
    line = "word " * (runner.MAX_BLOCK_CHARS // 5 + 1)
    page = (
        f"{ARTICLE}\n{line}\n"
        if kind == "text"
        else f"<html><body><p>{ARTICLE}</p><p>{line}</p></body></html>"
    )
    doc = default_pipeline.clean(make_record(page, kind=kind))
    assert doc.status is Status.ERROR
    assert doc.error is not None and where in doc.error and "not page text" in doc.error
    shorter = page.replace(line, line[: runner.MAX_BLOCK_CHARS // 2])
    assert default_pipeline.clean(make_record(shorter, kind=kind)).status is Status.OK
