"""How reproducible can a timing be on this machine? The limit below which the study's agreement goal is noise.

The harness's own loop (analyzer.worker.measure.time_run, default policy: the windows the study uses) times one
fixed, framework-free workload again and again for a while: a small NumPy MLP forward pass, dispatch-bound like the
catalog's small tasks, and the machine probe alone (a pure-Python loop). Nothing about the workload changes between
windows, so whatever separates two consecutive windows' figures is the machine. Reported for the median and the
fastest sample (min): the share of consecutive windows within 5% of each other (issue #4's goal for two studies),
their median and worst difference, and the probe's spread over the whole run.

    python benchmarks/machine_noise.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one thread, as the study's default

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.worker.measure import TimingPolicy, probe, time_run  # noqa: E402
from analyzer.model import Timing  # noqa: E402


def mlp_forward() -> tuple[object, object]:
    rng = np.random.default_rng(0)
    w1, w2 = rng.standard_normal((64, 128), np.float32), rng.standard_normal((128, 10), np.float32)
    x = rng.standard_normal((32, 64), np.float32)

    def run(_: object) -> np.ndarray:
        return np.maximum(x @ w1, 0.0) @ w2

    return run, None


def probe_only() -> tuple[object, object]:
    return (lambda _: probe()), None


WORKLOADS = {"numpy MLP forward": mlp_forward, "machine probe": probe_only}


def agreement(values: list[float]) -> tuple[float, float, float]:
    """Share of consecutive windows within 5%, median and worst relative difference (percent)."""
    diffs = [abs(b - a) / a * 100 for a, b in zip(values, values[1:])]
    return sum(d <= 5 for d in diffs) / len(diffs) * 100, statistics.median(diffs), max(diffs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to measure each workload")
    args = parser.parse_args()
    policy = TimingPolicy()
    probes: list[float] = []
    for name, make in WORKLOADS.items():
        run, state = make()
        timings: list[Timing] = []
        end = time.monotonic() + args.seconds
        while time.monotonic() < end or len(timings) < 3:
            timings.append(time_run(run, state, lambda _: None, policy))
            probes += timings[-1].probes
        for figure in ("median_s", "min_s"):
            within, median, worst = agreement([getattr(t, figure) for t in timings])
            print(f"{name:18s} {figure:8s} {len(timings):4d} windows: {within:5.1f}% of consecutive pairs within 5%;"
                  f" difference median {median:5.1f}%, worst {worst:5.1f}%")
    fastest = min(probes)
    p5, p50, p95 = np.percentile(probes, [5, 50, 95]) / fastest
    print(f"machine probe over {len(probes)} samples: p5 {p5:.2f}x, median {p50:.2f}x, p95 {p95:.2f}x its fastest "
          f"({fastest * 1e6:.0f} us)")


if __name__ == "__main__":
    main()
