"""Timing statistics and the calibrated, synchronised measuring loop (no framework needed)."""

from __future__ import annotations

import sys
import threading
import time

import numpy as np
import pytest

from analyzer.worker import measure
from analyzer.worker.measure import PeakMemory, TimingPolicy, probe, time_run
from analyzer.execution.stats import bootstrap_median_interval, describe_interference, interference, summarize
from analyzer.model import RunRecord, Timing
from analyzer.rounds import combine_rounds


def test_summary_figures() -> None:
    timing = summarize([1.0, 2.0, 3.0, 4.0, 100.0], loops=8)
    assert (timing.median_s, timing.iqr_s, timing.mean_s, timing.loops, timing.min_s) == (3.0, 2.0, 22.0, 8, 1.0)
    assert timing.unstable  # IQR 2 is 67% of the median
    assert timing.ci_low_s <= 3.0 <= timing.ci_high_s


def test_stable_samples_are_not_flagged() -> None:
    timing = summarize([1.00, 1.01, 1.02, 0.99, 1.00], loops=1)
    assert not timing.unstable and timing.iqr_s == pytest.approx(0.01)


def test_bootstrap_interval_is_seeded_and_contains_the_median() -> None:
    values = np.random.default_rng(1).normal(10, 1, 50)
    first, second = bootstrap_median_interval(values, seed=3), bootstrap_median_interval(values, seed=3)
    assert first == second and first[0] < np.median(values) < first[1]
    assert bootstrap_median_interval(np.array([2.0])) == (2.0, 2.0)


def test_time_run_calibrates_loops_and_syncs_each_sample() -> None:
    calls, syncs = [], []

    def run(state):
        calls.append(1)
        end = time.perf_counter() + 0.0005
        while time.perf_counter() < end:
            pass
        return len(calls)

    timing = time_run(run, None, syncs.append, TimingPolicy(warmup_calls=2, min_sample_s=0.01, min_samples=4,
                                                            max_samples=6, budget_s=0.05))
    assert timing.loops >= 20  # 0.5 ms calls need ~20 per 10 ms sample
    assert 0.0004 < timing.median_s < 0.002
    assert 4 <= len(timing.samples) <= 6
    # one sync per warm-up call, per calibration attempt and per sample: never one per call
    assert len(syncs) < len(calls) / 5
    # one machine probe before each sample, each far shorter than the sample it precedes
    assert len(timing.probes) == len(timing.samples)
    assert 0 < min(timing.probes) and max(timing.probes) < 0.1 * timing.loops * timing.median_s


def test_the_probe_does_fixed_work() -> None:
    # 10x the iterations take several times as long: the probe's time is its work, not timer overhead
    short, long = min(probe(200) for _ in range(20)), min(probe(2000) for _ in range(20))
    assert 3 < long / short < 30


def _probed(*probes: float) -> Timing:
    return summarize([1.0] * len(probes), loops=1, probes=probes)


def test_interference_is_each_timings_median_probe_over_the_fastest_probe() -> None:
    quiet, busy = _probed(1.0, 1.1, 1.0), _probed(1.5, 2.0, 2.5)
    assert interference([quiet, None, busy, summarize([1.0], loops=1)]) == [1.0, None, 2.0, None]
    assert interference([None]) == [None]


def test_the_study_line_counts_disturbed_timings() -> None:
    assert describe_interference([1.0, 1.1, 1.3, 2.0, None]) == (
        "machine probe at a median 1.20x its fastest time during a timing (90th percentile 1.79x, worst 2.00x); "
        "2 of 4 timings disturbed (> 1.2x)")
    assert describe_interference([None]) == "not measured"


def test_peak_memory_sees_an_allocation() -> None:
    with PeakMemory() as memory:
        block = np.ones(64 * 2**20 // 8)  # 64 MiB, touched
        time.sleep(0.02)
        del block
    assert memory.growth_mb > 48


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's peak is read from /proc")
def test_peak_memory_runs_nothing_beside_the_timed_code_and_misses_no_brief_peak() -> None:
    # A sampling thread would slow the timed samples (issue 11) and miss a peak shorter than its interval.
    threads = threading.active_count()
    with PeakMemory() as memory:
        assert threading.active_count() == threads
        block = np.ones(64 * 2**20 // 8)  # 64 MiB, touched and freed at once
        del block
    assert memory.growth_mb > 48


def test_peak_memory_samples_where_the_kernel_peak_cannot_be_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(measure, "_reset_kernel_peak", lambda: False)
    with PeakMemory() as memory:
        block = np.ones(64 * 2**20 // 8)
        time.sleep(0.02)
        del block
    assert memory.growth_mb > 48


def _record(round_: int, samples: tuple[float, ...], status: str = "passed") -> RunRecord:
    timing = summarize(samples, loops=1, probes=[s / 10 for s in samples]) if samples else None
    return RunRecord(task="t", framework="jax", variant="default", mode="eager", device="cpu", size="small",
                     status=status, timing=timing, round=round_, compile_s=0.5 + round_, peak_host_mb=10.0 * round_)


def test_rounds_pool_their_samples() -> None:
    (combined,) = combine_rounds([_record(0, (1.0, 1.0, 1.0)), _record(1, (3.0, 3.0, 3.0))])
    assert isinstance(combined.timing, Timing)
    assert combined.timing.samples == (1.0, 1.0, 1.0, 3.0, 3.0, 3.0) and combined.timing.median_s == 2.0
    assert combined.timing.probes == (0.1, 0.1, 0.1, 0.3, 0.3, 0.3) and combined.timing.min_s == 1.0
    assert combined.round == -1 and combined.peak_host_mb == 10.0 and combined.compile_s == 1.5


def test_a_failed_round_fails_the_whole() -> None:
    (combined,) = combine_rounds([_record(0, (1.0,)), _record(1, (), status="crashed")])
    assert combined.status == "crashed"


def test_a_run_that_never_started_does_not_make_a_study_multi_device() -> None:
    from analyzer.model import StudyResults
    from analyzer.scoring import ScoringSettings, load_weights, score_study

    ran = [RunRecord(task=t, framework=fw, variant="default", mode="eager", device="cpu", size="small",
                     status="passed", timing=summarize((0.001 * (i + 1),), loops=1), import_s=1.0,
                     first_result_s=0.1, peak_host_mb=1.0)
           for t in ("a", "b") for i, fw in enumerate(("torch", "tensorflow", "jax"))]
    never = RunRecord(task="a", framework="jax", variant="default", mode="compiled", device="auto", size="small",
                      status="not_applicable", reason="declares modes eager")
    card = score_study(StudyResults(static=None, runs=(*ran, never)), load_weights(),
                       settings=ScoringSettings(resamples=50, weightings=50))
    assert card.frameworks


def test_a_run_that_does_not_apply_is_no_failure() -> None:
    from analyzer.model import StudyResults
    from analyzer.scoring import ScoringSettings, load_weights, score_study

    runs = [RunRecord(task=t, framework=fw, variant="default", mode="compiled", device="cpu", size="small",
                      status="passed", timing=summarize((0.001,), loops=1))
            for t in ("a", "b", "c", "d", "e") for fw in ("torch", "tensorflow", "jax")]
    runs[0] = RunRecord(task="a", framework="torch", variant="default", mode="compiled", device="cpu",
                        size="small", status="not_applicable", reason="eager-only")
    card = score_study(StudyResults(static=None, runs=tuple(runs)), load_weights(),
                       settings=ScoringSettings(resamples=50, weightings=50))
    correctness = {d.framework: d for d in card.dimensions if d.dimension == "correctness"}
    # task a is left out for every framework, not counted as torch failing
    assert [t.task for t in correctness["torch"].tasks] == ["b", "c", "d", "e"]
    assert correctness["torch"].score == 1.0
