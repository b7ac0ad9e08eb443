"""Properties of the scorecard that must hold for any data (hypothesis)."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.model import FileMetrics, RunRecord, StaticReport, StudyResults
from analyzer.scoring import DIMENSIONS, Scorecard, ScoringSettings, score_study
from tests.test_scoring import FRAMEWORKS, figures_study

FAST = ScoringSettings(resamples=100, weightings=100)
EQUAL = {dimension: 1.0 for dimension in DIMENSIONS}
FIGURES = {
    "sloc": st.integers(5, 80), "cognitive": st.integers(0, 6), "api_distinct": st.integers(1, 30),
    "ceremony": st.integers(0, 9), "eager_s": st.floats(1e-4, 1.0), "compiled_s": st.floats(1e-4, 1.0),
    "compile_s": st.floats(0.0, 30.0), "memory_mb": st.floats(50.0, 4000.0), "import_s": st.floats(0.1, 6.0),
}


@st.composite
def figures(draw, min_tasks: int = 3, max_tasks: int = 7) -> dict:
    n = draw(st.integers(min_tasks, max_tasks))
    return {f"task_{i}": {fw: {name: draw(strategy) for name, strategy in FIGURES.items()} for fw in FRAMEWORKS}
            for i in range(n)}


def shuffled(study: StudyResults, seed: int) -> StudyResults:
    rng = random.Random(seed)
    files, runs = list(study.static.files), list(study.runs)
    rng.shuffle(files)
    rng.shuffle(runs)
    return StudyResults(static=StaticReport(study.static.corpus, tuple(files)), runs=tuple(runs))


def relabel(study: StudyResults, mapping: dict[str, str]) -> StudyResults:
    def swap(record: FileMetrics | RunRecord):
        return dataclasses.replace(record, framework=mapping.get(record.framework, record.framework))
    return StudyResults(static=StaticReport(study.static.corpus, tuple(swap(f) for f in study.static.files)),
                        runs=tuple(swap(r) for r in study.runs))


def summary(card: Scorecard) -> dict[tuple[str, str], float]:
    """Every figure that does not depend on the raw unit: composites, intervals, P(first), dimension scores."""
    out = {}
    for c in card.composites:
        out.update({(c.framework, "composite"): c.composite, (c.framework, "low"): c.ci_low,
                    (c.framework, "high"): c.ci_high, (c.framework, "p_first"): c.p_first})
    out.update({(d.framework, d.dimension): d.score for d in card.dimensions})
    out.update({(f"{t.a}-{t.b}", t.dimension): t.p_value for t in card.tests})
    return out


@settings(max_examples=25, deadline=None)
@given(figures(), st.integers(0, 1000))
def test_the_order_of_tasks_and_frameworks_in_the_input_changes_nothing(data: dict, seed: int) -> None:
    study = figures_study(data)
    assert score_study(shuffled(study, seed), EQUAL, settings=FAST) == score_study(study, EQUAL, settings=FAST)


@settings(max_examples=25, deadline=None)
@given(figures())
def test_renaming_frameworks_moves_their_scores_with_them(data: dict) -> None:
    study = figures_study(data)
    mapping = {"torch": "jax", "jax": "torch"}
    before, after = summary(score_study(study, EQUAL, settings=FAST)), summary(
        score_study(relabel(study, mapping), EQUAL, settings=FAST))
    moved = {(mapping.get(fw, fw), what): v for (fw, what), v in before.items() if "-" not in fw}
    assert {k: v for k, v in after.items() if "-" not in k[0]} == pytest.approx(moved)


@settings(max_examples=25, deadline=None)
@given(figures(), st.sampled_from(["eager_s", "sloc"]), st.sampled_from([0.001, 3.0, 1000.0]))
def test_changing_the_unit_of_a_metric_changes_nothing(data: dict, figure: str, factor: float) -> None:
    # Holds for metrics without an offset; an offset (memory's 10 MiB, compile latency's 10 ms) is stated in a unit.
    scaled = {t: {fw: {**f, figure: f[figure] * factor} for fw, f in per.items()} for t, per in data.items()}
    if figure == "eager_s":  # both modes of the speed dimension share the unit
        scaled = {t: {fw: {**f, "compiled_s": f["compiled_s"] * factor} for fw, f in per.items()}
                  for t, per in scaled.items()}
    if figure == "sloc":  # counts are whole numbers; scale by whole factors only
        factor = 3.0
        scaled = {t: {fw: {**f, "sloc": f["sloc"] * 3} for fw, f in per.items()} for t, per in data.items()}
    before = summary(score_study(figures_study(data), EQUAL, settings=FAST))
    after = summary(score_study(figures_study(scaled), EQUAL, settings=FAST))
    assert after == pytest.approx(before, rel=1e-9, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(figures(), st.sampled_from(FRAMEWORKS))
def test_a_framework_best_on_every_task_ranks_first(data: dict, winner: str) -> None:
    for per in data.values():
        best = {name: min(f[name] for f in per.values()) for name in FIGURES}
        per[winner] = best
    card = score_study(figures_study(data), EQUAL, settings=FAST)
    assert card.composite(winner).rank == 1
    assert card.composite(winner).composite == pytest.approx(100.0)
    assert card.composite(winner).p_first == max(c.p_first for c in card.composites)


@settings(max_examples=25, deadline=None)
@given(figures(), figures(), st.sampled_from(["speed", "memory", "conciseness"]))
def test_a_dimension_with_zero_weight_is_irrelevant(data: dict, other: dict, ignored: str) -> None:
    figure = {"speed": ("eager_s", "compiled_s"), "memory": ("memory_mb",), "conciseness": ("sloc",)}[ignored]
    changed = {t: {fw: {**f, **{name: list(other.values())[i % len(other)][fw][name] for name in figure}}
                   for fw, f in per.items()} for i, (t, per) in enumerate(data.items())}
    weights = {**EQUAL, ignored: 0.0}
    before, after = (score_study(figures_study(d), weights, settings=FAST) for d in (data, changed))
    def figures_of(card: Scorecard) -> list[float]:
        return [x for c in card.composites for x in (c.composite, c.ci_low, c.ci_high, c.rank)]
    assert figures_of(after) == pytest.approx(figures_of(before))
