"""Summaries of timed samples: median, spread, a bootstrap interval and the instability flag. Pure NumPy."""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from analyzer.model import Timing

#: IQR / median above this marks a timing unstable (torch.utils.benchmark warns at the same 10%).
UNSTABLE_IQR_RATIO = 0.10
BOOTSTRAP_RESAMPLES = 2000


def summarize(samples: Sequence[float], loops: int, *, seed: int = 0, probes: Sequence[float] = ()) -> Timing:
    """Timing of per-call samples: median, IQR, a seeded 95% percentile-bootstrap interval of the median;
    `probes` (the machine probe's seconds before each sample) are kept as they are."""
    values = np.asarray(samples, dtype=np.float64)
    if values.size == 0:
        raise ValueError("no samples to summarise")
    median = float(np.median(values))
    q1, q3 = np.percentile(values, [25, 75])
    low, high = bootstrap_median_interval(values, seed=seed)
    return Timing(
        median_s=median, iqr_s=float(q3 - q1), ci_low_s=low, ci_high_s=high, mean_s=float(values.mean()),
        stdev_s=float(values.std(ddof=1)) if values.size > 1 else 0.0, samples=tuple(float(v) for v in values),
        loops=loops, unstable=bool(median > 0 and (q3 - q1) / median > UNSTABLE_IQR_RATIO),
        probes=tuple(float(p) for p in probes),
    )


def bootstrap_median_interval(values: np.ndarray, *, seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """Percentile-bootstrap interval of the median; a single sample gives a zero-width interval."""
    if values.size < 2:
        return float(values[0]), float(values[0])
    rng = np.random.default_rng(seed)
    resampled = np.median(rng.choice(values, size=(BOOTSTRAP_RESAMPLES, values.size), replace=True), axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(resampled, [tail, 100 - tail])
    return float(low), float(high)


def relative_spread(timing: Timing) -> float:
    """IQR / median: the figure the instability flag is based on."""
    return timing.iqr_s / timing.median_s if timing.median_s > 0 else 0.0


#: A timing whose probe ran this much slower than the fastest probe of its study was taken on a disturbed machine.
DISTURBED_RATIO = 1.2


def interference(timings: Sequence[Timing | None]) -> list[float | None]:
    """For each timing, its median probe time over the fastest probe of them all (None where it has no probes).
    1.0 is the quietest the machine was during the study; 1.5 means the probe, and Python-heavy code with it, ran
    half as slow again while this timing was taken."""
    probes = [t.probes if t is not None else () for t in timings]
    present = [min(p) for p in probes if p]
    if not present:
        return [None] * len(probes)
    fastest = min(present)
    return [float(np.median(p)) / fastest if p else None for p in probes]


def disturbed(timings: Sequence[Timing | None]) -> list[bool]:
    """For each timing, whether it was taken on a disturbed machine: its probe ran more than DISTURBED_RATIO times
    slower than the fastest probe of them all (interference); False where it has no probes."""
    return [ratio is not None and ratio > DISTURBED_RATIO for ratio in interference(timings)]


def describe_interference(ratios: Iterable[float | None]) -> str:
    """One line for a study's environment: how disturbed the machine was while its runs were timed."""
    values = np.asarray([r for r in ratios if r is not None], dtype=np.float64)
    if values.size == 0:
        return "not measured"
    disturbed = int((values > DISTURBED_RATIO).sum())
    return (f"machine probe at a median {np.median(values):.2f}x its fastest time during a timing (90th percentile "
            f"{np.percentile(values, 90):.2f}x, worst {values.max():.2f}x); {disturbed} of {values.size} timings "
            f"disturbed (> {DISTURBED_RATIO:g}x)")
