"""How much of a run() is the framework's kernels and how much is overhead around them, per input size.

The speed dimension scores each size separately: `small` is meant to be overhead-bound (Python dispatch, op
launch, graph entry) and `medium` compute-bound on one CPU core. This module checks that a study's sizes are
what they claim, from the measurements alone:

* **achieved FLOP/s**: the task spec's floating-point operations per run() (`flops` in task.toml) over the
  measured median;
* **overhead share**: a run's time is modelled as a fixed cost per call plus work at a steady rate,
  ``t = overhead + flops / rate``, fitted by least squares over the sizes measured (exact with two). The share
  of a size's time outside kernels is ``overhead / t`` at that size. The model assumes the per-call cost and
  the rate do not change with the size (caches and threading make it an estimate), and needs flops at two
  sizes and a time that grows with them; otherwise the share is unknown and says so.

Each framework is taken at the mode that is faster at the largest size measured (the mode the speed dimension
scores there), the default variant only.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from analyzer.model import RunRecord, StudyResults
from analyzer.scoring import DEFAULT_VARIANT, measurements, run_sizes


@dataclass(frozen=True)
class SizeProfile:
    """One framework on one task across the input sizes measured, at one mode."""

    task: str
    framework: str
    mode: str  #: the mode faster at the largest size measured
    seconds: Mapping[str, float]  #: size -> median time per run()
    flop_s: Mapping[str, float]  #: size -> achieved FLOP/s (sizes whose task declares flops)
    overhead_share: Mapping[str, float]  #: size -> estimated share of the time outside kernels, 0 to 1

    def share(self, size: str) -> float | None:
        return self.overhead_share.get(size)


def fit_overhead(flops: Sequence[float], seconds: Sequence[float]) -> tuple[float, float] | None:
    """(overhead seconds per call, FLOP/s) of ``t = overhead + flops / rate`` fitted by least squares, or None
    when it cannot be (fewer than two distinct flops, or a time that does not grow with them)."""
    if len(set(flops)) < 2:
        return None
    slope, intercept = np.polyfit(np.asarray(flops, float), np.asarray(seconds, float), 1)
    if slope <= 0:
        return None
    return max(float(intercept), 0.0), float(1.0 / slope)


def size_profiles(results: StudyResults, *, device: str = "", machine: str = "") -> tuple[SizeProfile, ...]:
    """Every task and framework with passed runs at two or more sizes, at the mode faster at the largest size."""
    rows = [r for r in measurements(results, device=device, machine=machine)
            if r.metric == "median_s" and r.variant == DEFAULT_VARIANT]
    sizes = run_sizes(rows)
    flops = _flops(results.runs)
    times: dict[tuple[str, str, str], dict[str, float]] = {}
    for row in rows:
        times.setdefault((row.task, row.framework, row.mode), {})[row.size] = row.value
    profiles = []
    for task, framework in sorted({(t, fw) for t, fw, _ in times}):
        modes = {mode: t for (tk, fw, mode), t in times.items() if (tk, fw) == (task, framework) and len(t) > 1}
        if not modes:
            continue
        largest = max((s for t in modes.values() for s in t), key=sizes.index)
        mode = min(modes, key=lambda m: modes[m].get(largest, float("inf")))
        seconds = {s: modes[mode][s] for s in sizes if s in modes[mode]}
        declared = {s: flops[(task, s)] for s in seconds if flops.get((task, s))}
        fitted = fit_overhead([declared[s] for s in declared], [seconds[s] for s in declared])
        shares = {s: min(fitted[0] / seconds[s], 1.0) for s in declared} if fitted else {}
        profiles.append(SizeProfile(task, framework, mode, seconds,
                                    {s: declared[s] / seconds[s] for s in declared}, shares))
    return tuple(profiles)


def median_share(profiles: Sequence[SizeProfile], framework: str, size: str) -> float | None:
    """The median over tasks of a framework's overhead share at a size; None when no task has one."""
    shares = [s for p in profiles if p.framework == framework and (s := p.share(size)) is not None]
    return statistics.median(shares) if shares else None


def _flops(runs: Sequence[RunRecord]) -> dict[tuple[str, str], float]:
    """(task, size) -> declared flops per run(), from the run records (the spec's figure at that size)."""
    return {(r.task, r.size): r.flops for r in runs if r.flops}
