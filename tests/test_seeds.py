"""The seeds gate: the labelled seed pages in data/raw are cleaned as their labels say.

Scoring as ``../shared/seeds/score.py`` does it, per page:

- keep: share of the characters of ``K`` lines found in the clean text;
- remove: share of the characters of ``D:<category>`` lines absent from it (a text that also has
  ``K`` or ``?`` lines may stay as often as those);
- category: share of the removed ``D`` characters whose removed block has the labelled category.

``?`` lines count for neither.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import SEEDS, FinishedRun

MIN_KEEP, MIN_REMOVE, MIN_CATEGORY = 1.0, 0.95, 0.90
SHARED_SCORER = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "score.py"
SPACE = re.compile(r"\s+")
LABEL_FILES = sorted(SEEDS.glob("*.labels.tsv"))


def norm(text: str) -> str:
    return SPACE.sub(" ", text).strip()


def read_labels(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if "\t" in line:
            label, text = line.split("\t", 1)
            if norm(text):
                rows.append((label, norm(text)))
    return rows


@dataclass(frozen=True, slots=True)
class Score:
    keep: float
    remove: float
    category: float


def score_page(labels: list[tuple[str, str]], clean: str, removed: list[tuple[str, str]]) -> Score:
    clean = norm(clean)
    may_stay = Counter(text for label, text in labels if label in ("K", "?"))
    kept_k = total_k = removed_d = total_d = right_category = 0
    for label, text in labels:
        found = clean.count(text)
        if label == "K":
            total_k += len(text)
            kept_k += len(text) if found else 0
        elif label.startswith("D:"):
            total_d += len(text)
            if found <= may_stay[text]:
                removed_d += len(text)
                categories = {c for t, c in removed if text in t or t in text}
                right_category += len(text) if label[2:] in categories else 0
    return Score(
        keep=kept_k / total_k if total_k else 1.0,
        remove=removed_d / total_d if total_d else 1.0,
        category=right_category / removed_d if removed_d else 1.0,
    )


def test_every_seed_page_is_labelled_and_in_the_sample_corpus(raw_dir: Path) -> None:
    assert len(LABEL_FILES) == 3
    for labels in LABEL_FILES:
        page = raw_dir / labels.name.replace(".labels.tsv", ".txt")
        assert page.exists(), page
        # Line N of the labels is line N of the dump.
        dump = page.read_text(encoding="utf-8").split("\n")
        labelled = labels.read_text(encoding="utf-8").split("\n")
        for n, line in enumerate(labelled):
            if "\t" in line:
                assert norm(line.split("\t", 1)[1]) == norm(dump[n]), f"{labels.name}:{n + 1}"


def test_scoring_counts_what_it_should() -> None:
    labels = [("K", "Kept text"), ("D:nav", "Home"), ("?", "Either"), ("D:cookie", "Cookie banner")]
    perfect = score_page(labels, "Kept text\n\nEither", [("Home", "nav"), ("Cookie banner", "cookie")])
    assert perfect == Score(1.0, 1.0, 1.0)
    sloppy = score_page(labels, "Kept text\n\nHome", [("Cookie banner", "footer")])
    assert sloppy.keep == 1.0
    assert sloppy.remove == len("Cookie banner") / len("HomeCookie banner")
    assert sloppy.category == 0.0
    assert score_page(labels, "", []).keep == 0.0


def page_of(run: FinishedRun, labels: Path) -> tuple[str, list[tuple[str, str]]]:
    """The clean text of the labelled page in ``run`` and its removed blocks: (text, category)."""
    stem = labels.name.split(".", 1)[0]
    docs, blocks = run.documents(), run.blocks()
    rows = docs[docs["source_path"].map(lambda p: Path(p).name.split(".", 1)[0]) == stem]
    assert len(rows) == 1, f"{stem} not in the run"
    doc = rows.iloc[0]
    assert doc["status"] == "ok"
    mine = blocks[(blocks["doc_id"] == doc["doc_id"]) & ~blocks["kept"]]
    return doc["text"], [(norm(t), c) for t, c in zip(mine["text"], mine["category"], strict=True)]


@pytest.mark.skipif(not SHARED_SCORER.exists(), reason=f"{SHARED_SCORER} is not there to compare with")
@pytest.mark.parametrize("labels", LABEL_FILES, ids=[p.name.split(".", 1)[0] for p in LABEL_FILES])
def test_scoring_agrees_with_the_shared_scorer(raw_run: FinishedRun, labels: Path) -> None:
    spec = importlib.util.spec_from_file_location("seeds_score", SHARED_SCORER)
    assert spec is not None and spec.loader is not None
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    text, removed = page_of(raw_run, labels)
    theirs = shared.score_page(shared.read_labels(labels), text, removed)
    assert score_page(read_labels(labels), text, removed) == Score(**theirs)


@pytest.mark.parametrize("labels", LABEL_FILES, ids=[p.name.split(".", 1)[0] for p in LABEL_FILES])
def test_seed_page_meets_the_gate(raw_run: FinishedRun, labels: Path) -> None:
    text, removed = page_of(raw_run, labels)
    score = score_page(read_labels(labels), text, removed)
    assert score.keep == MIN_KEEP, score
    assert score.remove >= MIN_REMOVE, score
    assert score.category >= MIN_CATEGORY, score
