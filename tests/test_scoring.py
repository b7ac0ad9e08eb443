"""Scoring: relative values, paired exclusion, dimension scores, composites, weights files, honesty figures.

The builders at the top make small synthetic studies; the claims and report tests import them from here.
"""

from __future__ import annotations

import json
import math
from typing import Mapping, Sequence

import numpy as np
import pytest

from analyzer.model import FileMetrics, RunRecord, StaticReport, StudyResults, Timing
from analyzer.scoring import (
    DIMENSIONS, METRICS, Metric, Scorecard, ScoringError, ScoringSettings, WeightsError, default_weights_path, holm,
    load_weights, measurements, paired_test, parse_weights, relative_values, resolve_metrics, score_study,
)

FRAMEWORKS = ("torch", "tensorflow", "jax")
FAST = ScoringSettings(resamples=300, weightings=300)
EQUAL = {dimension: 1.0 for dimension in DIMENSIONS}


# ---------------------------------------------------------------------------------------------------- builders


def make_file(task: str, framework: str, variant: str = "default", *, sloc: int = 20, cognitive: int = 1,
              api_distinct: int = 8, ceremony: int = 2) -> FileMetrics:
    """A FileMetrics with the scored figures given and plausible others."""
    suffix = "" if variant == "default" else f"__{variant}"
    return FileMetrics(
        task=task, framework=framework, variant=variant, path=f"impls/{task}/{framework}{suffix}.py", sloc=sloc,
        statements=sloc, tokens=sloc * 6, cyclomatic=1, cognitive=cognitive, max_nesting=1, api_calls=api_distinct,
        api_distinct=api_distinct, api_unresolved=0, api_keywords=0, api_string_args=0,
        api_names=tuple(f"{framework}.api{i}" for i in range(api_distinct)), unresolved_calls=(),
        imports=(framework,), ceremony={"idiom": ceremony} if ceremony else {},
    )


def make_timing(median_s: float, *, unstable: bool = False) -> Timing:
    return Timing(median_s=median_s, iqr_s=median_s * 0.02, ci_low_s=median_s * 0.99, ci_high_s=median_s * 1.01,
                  mean_s=median_s, stdev_s=median_s * 0.01, samples=(median_s,) * 5, loops=10, unstable=unstable)


def make_run(task: str, framework: str, mode: str = "eager", *, median_s: float | None = 0.01,
             status: str = "passed", compile_s: float | None = None, peak_host_mb: float = 500.0,
             import_s: float = 1.0, first_result_s: float = 0.2, unstable: bool = False,
             nondeterministic: bool = False, variant: str = "default", device: str = "cpu",
             round: int = 0, size: str = "small") -> RunRecord:
    """A RunRecord; compiled runs get a compile latency of 1 s unless told."""
    if compile_s is None and mode == "compiled":
        compile_s = 1.0
    return RunRecord(
        task=task, framework=framework, variant=variant, mode=mode, device=device, size=size, status=status,
        reason="" if status == "passed" else "boom", max_abs_err=1e-6, max_rel_err=1e-6,
        nondeterministic=nondeterministic, import_s=import_s, first_result_s=first_result_s, compile_s=compile_s,
        timing=make_timing(median_s, unstable=unstable) if median_s is not None else None,
        peak_host_mb=peak_host_mb, round=round,
    )


def make_study(files: Sequence[FileMetrics], runs: Sequence[RunRecord] = ()) -> StudyResults:
    return StudyResults(static=StaticReport(corpus="impls", files=tuple(files)), runs=tuple(runs),
                        environment={"python": "3.11", "torch": "2.9.0"}, created="2026-01-01T00:00:00")


def figures_study(figures: Mapping[str, Mapping[str, Mapping[str, float]]]) -> StudyResults:
    """A study from {task: {framework: {figure: value}}}; figures: sloc, cognitive, api_distinct, ceremony,
    eager_s, compiled_s, compile_s, memory_mb, import_s; anything left out gets a common default."""
    files, runs = [], []
    for task, per_framework in figures.items():
        for framework, f in per_framework.items():
            files.append(make_file(task, framework, sloc=int(f.get("sloc", 20)), cognitive=int(f.get("cognitive", 1)),
                                   api_distinct=int(f.get("api_distinct", 8)), ceremony=int(f.get("ceremony", 2))))
            common = dict(peak_host_mb=f.get("memory_mb", 500.0), import_s=f.get("import_s", 1.0))
            runs.append(make_run(task, framework, "eager", median_s=f.get("eager_s", 0.01), **common))
            runs.append(make_run(task, framework, "compiled", median_s=f.get("compiled_s", 0.005),
                                 compile_s=f.get("compile_s", 1.0), **common))
    return make_study(files, runs)


def synthetic_study(n_tasks: int = 8, seed: int = 0, frameworks: Sequence[str] = FRAMEWORKS) -> StudyResults:
    """Random but plausible figures for every framework on n tasks."""
    rng = np.random.default_rng(seed)
    figures = {
        f"task_{i:02d}": {fw: {"sloc": int(rng.integers(10, 60)), "cognitive": int(rng.integers(0, 5)),
                               "api_distinct": int(rng.integers(3, 25)), "ceremony": int(rng.integers(0, 8)),
                               "eager_s": float(rng.uniform(1e-3, 1e-1)), "compiled_s": float(rng.uniform(1e-3, 1e-1)),
                               "compile_s": float(rng.uniform(0.1, 20.0)), "memory_mb": float(rng.uniform(200, 900)),
                               "import_s": float(rng.uniform(0.3, 5.0))}
                          for fw in frameworks}
        for i in range(n_tasks)
    }
    return figures_study(figures)


# ---------------------------------------------------------------------------------------------------- relative values

METRIC = {m.id: m for m in resolve_metrics(METRICS, ("small",))}


@pytest.mark.parametrize(("metric", "values", "expected"), [
    ("sloc", {"torch": 10, "jax": 20}, {"torch": 1.0, "jax": 0.5}),
    ("sloc", {"torch": 30, "jax": 30}, {"torch": 1.0, "jax": 1.0}),
    ("cognitive", {"torch": 0, "jax": 1}, {"torch": 1.0, "jax": 0.5}),  # (best + 1) / (value + 1)
    ("ceremony_total", {"torch": 0, "jax": 0}, {"torch": 1.0, "jax": 1.0}),
    ("ceremony_total", {"torch": 3, "jax": 7}, {"torch": 1.0, "jax": 0.5}),
    ("passed@eager@small", {"torch": 1, "jax": 0}, {"torch": 1.0, "jax": 0.5}),  # a failure halves the task's value
    ("passed@eager@small", {"torch": 0, "jax": 0}, {"torch": 1.0, "jax": 1.0}),
    ("compile_s@compiled", {"torch": 0.0, "jax": 0.99}, {"torch": 1.0, "jax": 0.01}),  # + 10 ms
    ("compile_s@compiled", {"torch": -0.002, "jax": 0.0}, {"torch": 1.0, "jax": 1.0}),  # noise below 0 is 0
    ("api_distinct", {"torch": 0, "jax": 3}, {"torch": 1.0, "jax": 0.25}),  # a zero best falls back to + 1
    ("best_s@small", {"torch": 0.004, "jax": 0.001, "tensorflow": 0.002}, {"torch": 0.25, "jax": 1.0,
                                                                           "tensorflow": 0.5}),
])
def test_relative_values(metric: str, values: dict, expected: dict) -> None:
    assert relative_values(METRIC[metric], values) == pytest.approx(expected)


def test_every_metric_feeds_a_known_dimension() -> None:
    assert {m.dimension for m in METRICS} == set(DIMENSIONS)
    assert [m.id for m in METRICS if m.dimension == "deployment"] == ["deploy_paths"]
    # Speed: each framework at its faster mode, one metric per input size present.
    assert [m.id for m in resolve_metrics(METRICS, ("small", "medium")) if m.dimension == "speed"] == [
        "best_s@small", "best_s@medium"]
    assert all(isinstance(m, Metric) for m in METRICS)


# ---------------------------------------------------------------------------------------------------- measurements


def test_measurements_are_tidy_rows_with_their_sources() -> None:
    study = make_study([make_file("t", "torch", sloc=12)], [make_run("t", "torch", "eager", median_s=0.5)])
    rows = {(r.task, r.framework, r.variant, r.mode, r.metric): r for r in measurements(study)}
    sloc = rows[("t", "torch", "default", "static", "sloc")]
    assert (sloc.value, sloc.sources) == (12.0, ("static:impls/t/torch.py",))
    time = rows[("t", "torch", "default", "eager", "median_s")]
    assert (time.value, time.sources, time.size) == (0.5, ("run:t/torch/default/eager/small#0",), "small")
    best = rows[("t", "torch", "default", "best", "best_s")]
    assert (best.value, best.sources, best.size) == (0.5, ("run:t/torch/default/eager/small#0",), "small")
    assert rows[("t", "torch", "default", "eager", "cold_start_s")].value == pytest.approx(1.2)
    assert rows[("t", "torch", "default", "eager", "passed")].value == 1.0


def test_rounds_are_combined_and_a_failed_run_gives_only_its_verdict() -> None:
    runs = [make_run("t", "torch", median_s=0.1, round=0), make_run("t", "torch", median_s=0.3, round=1),
            make_run("t", "torch", median_s=0.2, round=2, unstable=True),
            make_run("t", "jax", status="wrong_answer", median_s=0.01)]
    rows = {(r.framework, r.metric): r for r in measurements(make_study([], runs))}
    assert rows[("torch", "median_s")].value == 0.2
    assert rows[("torch", "median_s")].sources == tuple(f"run:t/torch/default/eager/small#{i}" for i in range(3))
    assert rows[("torch", "median_s")].unstable
    assert rows[("jax", "passed")].value == 0.0
    assert ("jax", "median_s") not in rows  # the time of a wrong answer is not a time of the task
    runs.append(make_run("t", "torch", status="crashed", median_s=None, round=3))
    rows = {(r.framework, r.metric): r for r in measurements(make_study([], runs))}
    assert rows[("torch", "passed")].value == 0.0  # passed only if every round passed


def test_runs_from_several_devices_need_a_choice() -> None:
    runs = [make_run("t", "torch", device="cpu"), make_run("t", "torch", device="cuda", median_s=0.001)]
    with pytest.raises(ScoringError, match=r"records of several devices \(cpu, cuda\); choose one with device="):
        measurements(make_study([], runs))
    rows = measurements(make_study([], runs), device="cuda")
    assert [r.value for r in rows if r.metric == "median_s"] == [0.001]


# ---------------------------------------------------------------------------------------------------- scores


def test_dimension_score_is_the_geometric_mean_over_tasks_of_relative_values() -> None:
    study = figures_study({"a": {"torch": {"sloc": 10}, "jax": {"sloc": 20}},
                           "b": {"torch": {"sloc": 40}, "jax": {"sloc": 10}},
                           "c": {"torch": {"sloc": 30}, "jax": {"sloc": 30}}})
    card = score_study(study, EQUAL, settings=FAST)
    torch, jax = card.dimension("conciseness", "torch"), card.dimension("conciseness", "jax")
    assert [t.relative for t in torch.tasks] == [1.0, 0.25, 1.0]
    assert [t.relative for t in jax.tasks] == [0.5, 1.0, 1.0]
    assert torch.score == pytest.approx(0.25 ** (1 / 3))
    assert jax.score == pytest.approx(0.5 ** (1 / 3))
    trace = torch.tasks[1].metrics[0]
    assert (trace.metric, trace.value, trace.best, trace.sources) == ("sloc", 40.0, 10.0, ("static:impls/b/torch.py",))


def test_speed_takes_each_framework_at_its_faster_mode() -> None:
    study = figures_study({t: {"torch": {"eager_s": 0.01, "compiled_s": 0.02},
                               "jax": {"eager_s": 0.04, "compiled_s": 0.005}} for t in ("a", "b")})
    card = score_study(study, EQUAL, settings=FAST)
    jax, torch = card.dimension("speed", "jax"), card.dimension("speed", "torch")
    assert [m.metric for m in jax.tasks[0].metrics] == ["best_s@small"]
    assert (jax.tasks[0].metrics[0].value, torch.tasks[0].metrics[0].value) == (0.005, 0.01)  # compiled vs eager
    assert (jax.score, torch.score) == (pytest.approx(1.0), pytest.approx(0.5))


def test_speed_covers_every_size_and_other_run_figures_the_smallest() -> None:
    runs = [make_run(t, fw, mode, size=size, median_s=time)
            for t in ("a", "b") for mode in ("eager", "compiled")
            for fw, size, time in (("torch", "small", 0.001), ("jax", "small", 0.004),
                                   ("torch", "medium", 0.020), ("jax", "medium", 0.010))]
    card = score_study(make_study([], runs), EQUAL, settings=FAST)
    torch = card.dimension("speed", "torch")
    assert [m.metric for m in torch.tasks[0].metrics] == ["best_s@small", "best_s@medium"]
    assert [m.relative for m in torch.tasks[0].metrics] == [1.0, 0.5]
    assert torch.score == pytest.approx(math.sqrt(0.5))
    assert [m.metric for m in card.dimension("correctness", "torch").tasks[0].metrics] == [
        "passed@eager@small", "passed@eager@medium", "passed@compiled@small", "passed@compiled@medium"]
    assert [m.metric for m in card.dimension("cold_start", "torch").tasks[0].metrics] == ["cold_start_s@eager"]
    assert card.dimension("cold_start", "torch").tasks[0].metrics[0].sources == ("run:a/torch/default/eager/small#0",)


def test_a_missing_measurement_drops_the_task_for_every_framework_of_that_dimension_only() -> None:
    study = synthetic_study(4)
    runs = tuple(r for r in study.runs if not (r.task == "task_01" and r.framework == "jax" and r.mode == "eager"))
    card = score_study(StudyResults(static=study.static, runs=runs), EQUAL, settings=FAST)
    for fw in FRAMEWORKS:
        speed = card.dimension("speed", fw)
        # jax's compiled run still gives task_01 a speed: each framework at its faster measured mode
        assert [t.task for t in speed.tasks] == ["task_00", "task_01", "task_02", "task_03"]
        assert [t.task for t in card.dimension("cold_start", fw).tasks] == ["task_00", "task_02", "task_03"]
        assert len(card.dimension("conciseness", fw).tasks) == 4


def test_variants_are_listed_but_not_scored() -> None:
    study = synthetic_study(4)
    variant = make_file("task_00", "tensorflow", "fit", sloc=1, cognitive=0, api_distinct=1, ceremony=0)
    with_variant = StudyResults(static=StaticReport("impls", study.static.files + (variant,)), runs=study.runs)
    assert score_study(with_variant, EQUAL, settings=FAST) == score_study(study, EQUAL, settings=FAST)
    assert any(r.variant == "fit" for r in measurements(with_variant))


def test_dimensions_without_data_are_skipped_not_zero() -> None:
    study = synthetic_study(4)
    card = score_study(StudyResults(static=study.static), EQUAL, settings=FAST)
    assert card.scored_dimensions == ("conciseness", "complexity", "api_surface", "ceremony")
    assert card.skipped["deployment"] == "no deploy_paths in this study"
    assert card.skipped["speed"] == "no best_s in this study"
    static_only = {d: card.dimension(d, "torch").score for d in card.scored_dimensions}
    assert card.composite("torch").composite == pytest.approx(100 * sum(static_only.values()) / 4)


def test_a_framework_best_everywhere_scores_100_and_wins_every_weighting() -> None:
    study = figures_study({t: {"torch": {"sloc": 10, "eager_s": 0.001, "compile_s": 0.1, "memory_mb": 100},
                               "tensorflow": {"sloc": 30}, "jax": {"sloc": 20, "eager_s": 0.02}}
                           for t in ("a", "b", "c", "d", "e")})
    card = score_study(study, EQUAL, settings=FAST)
    torch = card.composite("torch")
    assert (torch.composite, torch.rank, torch.p_first) == (pytest.approx(100.0), 1, 1.0)
    assert torch.ci_low == pytest.approx(100.0) and torch.ci_high == pytest.approx(100.0)
    assert sum(c.p_first for c in card.composites) == pytest.approx(1.0)


def test_composite_is_the_weighted_mean_of_the_dimensions_with_data() -> None:
    study = synthetic_study(6)
    weights = {**{d: 0.0 for d in DIMENSIONS}, "conciseness": 3.0, "speed": 1.0, "deployment": 5.0}
    card = score_study(study, weights, settings=FAST)
    for fw in FRAMEWORKS:
        expected = 100 * (3 * card.dimension("conciseness", fw).score + card.dimension("speed", fw).score) / 4
        assert card.composite(fw).composite == pytest.approx(expected)
        assert card.composite(fw).ci_low <= card.composite(fw).composite <= card.composite(fw).ci_high


def test_no_weighted_dimension_with_data_is_an_error() -> None:
    study = synthetic_study(4)
    with pytest.raises(ScoringError, match="no weighted dimension has data .weighted: deployment; with data: "):
        score_study(study, {"deployment": 1.0}, settings=FAST, weights_source="w.toml")


def test_one_framework_is_not_a_comparison() -> None:
    with pytest.raises(ScoringError, match="scores compare frameworks; found only torch"):
        score_study(synthetic_study(3, frameworks=("torch",)), EQUAL, settings=FAST)
    with pytest.raises(ScoringError, match="no measurements of mxnet"):
        score_study(synthetic_study(3), EQUAL, settings=ScoringSettings(frameworks=("torch", "mxnet")))


def test_ranks_share_ties() -> None:
    study = figures_study({t: {"torch": {"sloc": 10}, "jax": {"sloc": 10}, "tensorflow": {"sloc": 20}}
                           for t in ("a", "b")})
    card = score_study(study, {"conciseness": 1.0}, settings=FAST)
    assert [(c.framework, c.rank) for c in card.composites] == [("torch", 1), ("tensorflow", 3), ("jax", 1)]
    assert [c.p_first for c in card.composites] == [0.5, 0.0, 0.5]


def test_bootstrap_and_weightings_are_seeded() -> None:
    study = synthetic_study(8)
    first, again = (score_study(study, EQUAL, settings=FAST) for _ in range(2))
    assert first == again
    other = score_study(study, EQUAL, settings=ScoringSettings(resamples=300, weightings=300, seed=7))
    assert [c.ci_low for c in other.composites] != [c.ci_low for c in first.composites]
    assert [c.composite for c in other.composites] == [c.composite for c in first.composites]


# ---------------------------------------------------------------------------------------------------- honesty


def test_a_metric_that_does_not_tell_frameworks_apart_is_flagged() -> None:
    card = score_study(synthetic_study(10), EQUAL, settings=FAST)
    flagged = {f.metric: (f.dimension, f.tied_share, f.tasks) for f in card.flags}
    assert flagged == {"passed@eager@small": ("correctness", 1.0, 10),
                       "passed@compiled@small": ("correctness", 1.0, 10)}


def test_flag_threshold_is_90_percent_of_tasks() -> None:
    def study(differing: int) -> StudyResults:
        return figures_study({f"t{i}": {"torch": {"sloc": 10}, "jax": {"sloc": 11 if i < differing else 10}}
                              for i in range(10)})
    assert "sloc" in {f.metric for f in score_study(study(1), EQUAL, settings=FAST).flags}
    assert "sloc" not in {f.metric for f in score_study(study(2), EQUAL, settings=FAST).flags}


def test_pair_tests_find_a_real_difference_and_say_so_when_there_is_none() -> None:
    rng = np.random.default_rng(3)
    figures = {f"t{i}": {"torch": {"sloc": 10 + int(rng.integers(0, 3)), "cognitive": i % 3},
                         "jax": {"sloc": 30 + int(rng.integers(0, 3)), "cognitive": (i + 1) % 3}}
               for i in range(12)}
    card = score_study(figures_study(figures), EQUAL, settings=FAST)
    (conciseness,) = card.tests_of("conciseness")
    assert (conciseness.a, conciseness.b, conciseness.n) == ("torch", "jax", 12)
    assert conciseness.significant and conciseness.better == "torch"
    assert conciseness.rank_biserial == 1.0 and conciseness.p_value < 0.001
    (complexity,) = card.tests_of("complexity")
    assert not complexity.significant and complexity.better is None
    (speed,) = card.tests_of("speed")  # every figure the same: no difference at all
    assert (speed.n, speed.p_value, speed.better) == (0, 1.0, None)


def test_holm_correction_within_a_dimension() -> None:
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5]) == [0.5]
    card = score_study(synthetic_study(8), EQUAL, settings=FAST)
    assert len(card.tests) == 3 * len(card.scored_dimensions)
    assert all(t.p_adjusted >= t.p_value for t in card.tests)
    uncorrected = score_study(synthetic_study(8), EQUAL, settings=ScoringSettings(resamples=50, weightings=50,
                                                                                  correction="none"))
    assert all(t.p_adjusted == t.p_value for t in uncorrected.tests)


def test_paired_test_effect_size() -> None:
    assert paired_test([1.0, 2.0, 3.0, 0.0]).rank_biserial == 1.0
    assert paired_test([-1.0, -2.0, 3.0]).rank_biserial == pytest.approx((3 - 3) / 6)
    assert paired_test([0.0, 0.0]).p_value == 1.0
    result = paired_test([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, -0.1])
    assert result.n == 7 and result.p_value == pytest.approx(0.03125)


# ---------------------------------------------------------------------------------------------------- weights files


def test_shipped_weights_cover_every_dimension() -> None:
    weights = load_weights()
    assert set(weights) == set(DIMENSIONS) and all(w == 1.0 for w in weights.values())
    assert load_weights(default_weights_path()) == weights


def test_a_file_states_the_whole_weighting(tmp_path) -> None:
    path = tmp_path / "w.toml"
    path.write_text("[weights]\nspeed = 2\nconciseness = 0.5\n", encoding="utf-8")
    weights = load_weights(path)
    assert weights["speed"] == 2.0 and weights["conciseness"] == 0.5 and weights["memory"] == 0.0


@pytest.mark.parametrize(("text", "field", "expected"), [
    ("[weights]\nsped = 1\n", "weights.sped", "unknown dimension; expected one of conciseness, complexity"),
    ("[weights]\nspeed = -1\n", "weights.speed", "expected a number >= 0, got -1"),
    ("[weights]\nspeed = 'fast'\n", "weights.speed", "expected a number >= 0, got 'fast'"),
    ("[weights]\nspeed = true\n", "weights.speed", "expected a number >= 0, got True"),
    ("[weights]\nspeed = nan\n", "weights.speed", "expected a number >= 0, got nan"),
    ("[weights]\nspeed = 0\nmemory = 0.0\n", "weights", "all weights are zero"),
    ("speed = 1\n", "speed", "unknown field"),
    ("weights = 3\n", "weights", "expected object, got int"),
    ("", "weights", "missing; it is required"),
    ("[weights\n", "weights", "expected valid TOML"),
])
def test_bad_weights_files_name_the_file_and_field(tmp_path, text: str, field: str, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WeightsError) as caught:
        load_weights(path)
    assert str(caught.value).startswith(f"{path}: field '{field}': ")
    assert expected in str(caught.value)


def test_a_missing_weights_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(WeightsError, match="nope.toml: field 'weights': cannot read the file"):
        load_weights(tmp_path / "nope.toml")
    with pytest.raises(WeightsError, match="<weights>: field 'weights.speed': expected a number"):
        parse_weights({"weights": {"speed": "x"}})


# ---------------------------------------------------------------------------------------------------- JSON


def test_scorecard_json_round_trip() -> None:
    card = score_study(synthetic_study(5), EQUAL, settings=FAST)
    data = json.loads(json.dumps(card.to_dict()))
    assert data["version"] == 2
    assert Scorecard.from_dict(data) == card
    data["version"] = 3
    with pytest.raises(ValueError, match="scores version 3 is not supported; expected one of 1, 2"):
        Scorecard.from_dict(data)


# ---------------------------------------------------------------------------------------------------- report study

HOSTILE = "<script>alert(1)</script>|[bold]x[/]"


def report_study() -> StudyResults:
    """Eight tasks, one with a hostile name; torch shortest everywhere, an unstable timing, a nondeterministic run,
    a failed compiled run and a variant."""
    tasks = ("attn", "conv", HOSTILE, "mlp", "rnn", "embed", "gru", "norm")
    files, runs = [], []
    for i, task in enumerate(tasks):
        for fw, sloc, eager in (("torch", 20 + i, 0.010), ("tensorflow", 30 + i, 0.020), ("jax", 25 + i, 0.005)):
            files.append(make_file(task, fw, sloc=sloc, cognitive=1, api_distinct=10, ceremony=2))
            failed = task == "rnn" and fw == "tensorflow"
            runs.append(make_run(task, fw, "eager", median_s=eager, unstable=task == "conv" and fw == "jax",
                                 nondeterministic=task == "attn" and fw == "torch"))
            runs.append(make_run(task, fw, "compiled", median_s=None if failed else eager / 2,
                                 status="crashed" if failed else "passed"))
    files.append(make_file("mlp", "tensorflow", "fit", sloc=12))
    return make_study(files, runs)


def test_a_scorecard_says_what_it_covers_and_ranks_only_with_enough_evidence() -> None:
    from analyzer.reporting.scorecard import composite_rows

    full = score_study(synthetic_study(n_tasks=6), EQUAL, settings=FAST)
    # synthetic studies have 9 of the 11 dimensions: no deployment, no debuggability
    assert full.coverage.tasks == 6 and full.coverage.ranked
    assert full.coverage.describe() == "covers 9 of 11 weighted dimensions and 6 tasks (eager and compiled)"
    rows, best, worst = composite_rows(full)
    assert [row[0] for row in rows] == ["1", "2", "3"] and best and worst
    assert "composite" in full.verdicts

    few = score_study(synthetic_study(n_tasks=4), EQUAL, settings=FAST)
    assert few.coverage.tasks == 4 and not few.coverage.ranked
    assert few.coverage.describe().startswith("covers 9 of 11 weighted dimensions and 4 tasks (eager and compiled): too little for a rank")
    rows, best, worst = composite_rows(few)
    assert [(row[0], row[4]) for row in rows] == [("-", "-")] * 3 and not best and not worst
    assert "composite" not in few.verdicts and "speed" in few.verdicts

    # Half the weighted dimensions is enough; fewer is not.
    narrow = {d: 0.0 for d in DIMENSIONS} | {"conciseness": 1.0, "complexity": 1.0, "deployment": 1.0}
    two_of_three = score_study(synthetic_study(n_tasks=6), narrow, settings=FAST)
    assert two_of_three.coverage.scored == ("conciseness", "complexity") and two_of_three.coverage.ranked
    two_missing = {d: 0.0 for d in DIMENSIONS} | {"conciseness": 1.0, "deployment": 1.0, "debuggability": 1.0}
    assert not score_study(synthetic_study(n_tasks=6), two_missing, settings=FAST).coverage.ranked


def test_the_written_verdict_says_when_a_rank_is_not_significant() -> None:
    from analyzer.reporting.scorecard import verdict_text

    card = score_study(synthetic_study(n_tasks=8), EQUAL, settings=FAST)
    first = max(card.composites, key=lambda c: c.composite)
    text = verdict_text(card)
    assert text.startswith(f"Verdict: {first.framework} ranks first ({first.composite:.1f}, 95% interval "
                           f"{first.ci_low:.1f}–{first.ci_high:.1f})")
    overlapping = [c for c in card.composites if c is not first and c.ci_high >= first.ci_low]
    assert ("the rank is not significant" in text) == bool(overlapping)
    assert text.endswith("The scorecard covers 9 of 11 weighted dimensions and 8 tasks (eager and compiled).")
    few = score_study(synthetic_study(n_tasks=3), EQUAL, settings=FAST)
    assert verdict_text(few).startswith("Verdict: no rank. This scorecard covers 9 of 11 weighted dimensions and 3 "
                                        "tasks (eager and compiled): too little for a rank")


def test_a_clear_leader_is_called_significant() -> None:
    from analyzer.reporting.scorecard import verdict_text

    figures = {f"t{i}": {fw: {"sloc": base + i % 3, "cognitive": 1, "api_distinct": 5, "ceremony": 1,
                              "eager_s": 0.01, "compiled_s": 0.01, "compile_s": 1.0, "memory_mb": 300.0,
                              "import_s": 1.0} for fw, base in (("torch", 10), ("tensorflow", 40), ("jax", 40))}
               for i in range(6)}
    card = score_study(figures_study(figures), {d: 0.0 for d in DIMENSIONS} | {"conciseness": 1.0}, settings=FAST)
    assert card.coverage.ranked
    assert "torch ranks first" in verdict_text(card)
    assert "its interval clears every other framework's" in verdict_text(card)
