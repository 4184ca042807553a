"""A regression gate on a fixed sample of the development benchmark (WCXB dev, text dumps).

Every ``SAMPLE_EVERY``-th page id of ``gold.json`` (sorted) is cleaned in-process with the
default pipeline, from each text dump, and scored with the benchmark's own word F1
(``word_scores`` of ``../shared/bench/score.py``). The mean must not fall below the floor.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline.api import clean_file
from pipeline.runner import Pipeline

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"
WCXB = BENCH / "wcxb-dev"
SAMPLE_EVERY = 10
#: Floors of mean word F1 on the sample, per dump. Measured by this test's own loop with the
#: default pipeline of version 0.1.0 (the text-dump cleaner of the first release), on every 10th
#: page id (150 pages per dump): w3m 0.7903, inscriptis 0.8083. Each floor is that value minus
#: 0.015, rounded down to two decimals. Raise a floor when the cleaner improves for good.
F1_FLOOR = {"dump-w3m": 0.77, "dump-inscriptis": 0.79}

pytestmark = pytest.mark.skipif(not BENCH.exists(), reason=f"the benchmark is not at {BENCH}")

WordScores = Callable[[str, str], tuple[float, float, float]]


@pytest.fixture(scope="module")
def gold() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads((WCXB / "gold.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def word_scores() -> WordScores:
    spec = importlib.util.spec_from_file_location("bench_score", BENCH / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scores: WordScores = module.word_scores
    return scores


@pytest.fixture(scope="module")
def sample(gold: dict[str, dict[str, Any]]) -> list[str]:
    return sorted(gold)[::SAMPLE_EVERY]


def test_scorer_behaves_as_documented(word_scores: WordScores) -> None:
    assert word_scores("the cat sat", "the cat sat") == (1.0, 1.0, 1.0)
    assert word_scores("the cat sat", "") == (0.0, 0.0, 0.0)
    precision, recall, f1 = word_scores("the cat sat on the mat", "the cat")
    assert (precision, recall) == (1.0, 2 / 6)
    assert f1 == pytest.approx(2 * precision * recall / (precision + recall))


@pytest.mark.parametrize("dump", sorted(F1_FLOOR))
def test_sample_mean_word_f1_is_at_least_the_floor(
    dump: str,
    gold: dict[str, dict[str, Any]],
    sample: list[str],
    word_scores: WordScores,
    default_pipeline: Pipeline,
) -> None:
    f1: dict[str, float] = {}
    errors: dict[str, str | None] = {}
    for page in sample:
        result = clean_file(WCXB / dump / f"{page}.txt.gz", default_pipeline)
        if result.status == "error":
            errors[page] = result.error
        f1[page] = word_scores(gold[page]["main_content"], result.text)[2]
    assert len(f1) >= 100
    assert errors == {}
    mean = sum(f1.values()) / len(f1)
    worst = sorted(f1, key=f1.__getitem__)[:5]
    assert mean >= F1_FLOOR[dump], (
        f"{dump}: mean word F1 {mean:.4f} on {len(f1)} pages is below the floor {F1_FLOOR[dump]}; "
        f"worst pages: {', '.join(f'{p} ({f1[p]:.2f})' for p in worst)}"
    )
