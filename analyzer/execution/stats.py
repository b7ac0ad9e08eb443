"""Summaries of timed samples: median, spread, a bootstrap interval and the instability flag. Pure NumPy."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from analyzer.model import Timing

#: IQR / median above this marks a timing unstable (torch.utils.benchmark warns at the same 10%).
UNSTABLE_IQR_RATIO = 0.10
BOOTSTRAP_RESAMPLES = 2000


def summarize(samples: Sequence[float], loops: int, *, seed: int = 0) -> Timing:
    """Timing of per-call samples: median, IQR, a seeded 95% percentile-bootstrap interval of the median."""
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
