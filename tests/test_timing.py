"""Timing statistics and the calibrated, synchronised measuring loop (no framework needed)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from analyzer.execution.measure import PeakMemory, TimingPolicy, time_run
from analyzer.execution.stats import bootstrap_median_interval, summarize
from analyzer.model import RunRecord, Timing
from analyzer.study import combine_rounds


def test_summary_figures() -> None:
    timing = summarize([1.0, 2.0, 3.0, 4.0, 100.0], loops=8)
    assert (timing.median_s, timing.iqr_s, timing.mean_s, timing.loops) == (3.0, 2.0, 22.0, 8)
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


def test_peak_memory_sees_an_allocation() -> None:
    with PeakMemory() as memory:
        block = np.ones(64 * 2**20 // 8)  # 64 MiB, touched
        time.sleep(0.02)
        del block
    assert memory.growth_mb > 48


def _record(round_: int, samples: tuple[float, ...], status: str = "passed") -> RunRecord:
    timing = summarize(samples, loops=1) if samples else None
    return RunRecord(task="t", framework="jax", variant="default", mode="eager", device="cpu", size="small",
                     status=status, timing=timing, round=round_, compile_s=0.5 + round_, peak_host_mb=10.0 * round_)


def test_rounds_pool_their_samples() -> None:
    (combined,) = combine_rounds([_record(0, (1.0, 1.0, 1.0)), _record(1, (3.0, 3.0, 3.0))])
    assert isinstance(combined.timing, Timing)
    assert combined.timing.samples == (1.0, 1.0, 1.0, 3.0, 3.0, 3.0) and combined.timing.median_s == 2.0
    assert combined.round == -1 and combined.peak_host_mb == 10.0 and combined.compile_s == 1.5


def test_a_failed_round_fails_the_whole() -> None:
    (combined,) = combine_rounds([_record(0, (1.0,)), _record(1, (), status="crashed")])
    assert combined.status == "crashed"
