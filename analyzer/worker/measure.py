"""Worker-side measurement: calibrated, synchronised timing of run() and the memory a job uses.

Timing follows timeit/pyperf/torch.utils.benchmark: warm-up calls first (excluded), then a loop count calibrated so
that one sample lasts at least `min_sample_s` (timer overhead and scheduler noise become negligible), then samples
until the spread is small or the time budget is spent. The device is synchronised at the end of each sample:
JAX and CUDA dispatch asynchronously, and a clock read before the work is done measures nothing.

Before each sample the machine probe runs: a fixed pure-Python loop whose work never changes, so when it runs
slower than its fastest, something else was competing for the machine (on a shared virtual machine, neighbours
contending for caches and memory slow Python-heavy code by up to 2x while a register-only loop keeps its speed).
Its times travel with the samples, and reports say from them how disturbed the machine was during each timing.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from analyzer.execution.stats import UNSTABLE_IQR_RATIO, summarize
from analyzer.model import Timing


@dataclass(frozen=True)
class TimingPolicy:
    """How long and how often to measure one job's steady state."""

    warmup_calls: int = 1  #: calls made and discarded before calibration (the state arrives after one call)
    min_sample_s: float = 0.02  #: a sample (`loops` calls) lasts at least this long
    min_samples: int = 5  #: never fewer samples than this
    max_samples: int = 25  #: never more
    budget_s: float = 1.0  #: stop sampling once this much time went into samples (after min_samples)
    max_loops: int = 1_000_000


def time_run(run: Callable[[Any], Any], state: Any, sync: Callable[[Any], None], policy: TimingPolicy,
             on_sampling: Callable[[], None] = lambda: None) -> Timing:
    """Steady-state seconds per run(state) call, summarised over calibrated samples. `on_sampling` is called
    once the samples begin (the worker tells the parent, whose clock then checks what the samples claim)."""
    for _ in range(policy.warmup_calls):
        sync(run(state))
    loops = _calibrate(run, state, sync, policy)
    on_sampling()
    samples: list[float] = []
    probes: list[float] = []
    spent = 0.0
    while len(samples) < policy.max_samples:
        probes.append(probe())
        seconds = _sample(run, state, sync, loops)
        samples.append(seconds / loops)
        spent += seconds
        if len(samples) >= policy.min_samples and (spent >= policy.budget_s or _stable(samples)):
            break
    return summarize(samples, loops, probes=probes)


#: Iterations of the machine probe: about 0.1 ms, under 1% of a 20 ms sample.
PROBE_ITERATIONS = 2000


def probe(iterations: int = PROBE_ITERATIONS) -> float:
    """Seconds of a fixed pure-Python loop: the same work on every call, in every worker and every study."""
    start = time.perf_counter()
    total = 0
    for i in range(iterations):
        total += i * i
    return time.perf_counter() - start


def _sample(run: Callable[[Any], Any], state: Any, sync: Callable[[Any], None], loops: int) -> float:
    output = None
    start = time.perf_counter()
    for _ in range(loops):
        output = run(state)
    sync(output)
    return time.perf_counter() - start


def _calibrate(run: Callable[[Any], Any], state: Any, sync: Callable[[Any], None], policy: TimingPolicy) -> int:
    """The smallest power-of-two-ish loop count whose sample lasts min_sample_s."""
    loops = 1
    while loops < policy.max_loops:
        seconds = _sample(run, state, sync, loops)
        if seconds >= policy.min_sample_s:
            return loops
        # Jump straight to the estimated count (with a margin) rather than doubling many times.
        estimate = int(loops * policy.min_sample_s / max(seconds, 1e-9) * 1.2) + 1
        loops = max(loops * 2, min(estimate, policy.max_loops))
    return policy.max_loops


def _stable(samples: list[float]) -> bool:
    ordered = sorted(samples)
    n = len(ordered)
    median = ordered[n // 2]
    iqr = ordered[(3 * n) // 4] - ordered[n // 4]
    return median > 0 and iqr / median <= UNSTABLE_IQR_RATIO / 2


class PeakMemory:
    """The peak of this process's resident set over a `with` block, as growth over its start (`growth_mb`).

    A worker serves several jobs, so the absolute peak would carry earlier jobs' leftovers and the framework's own
    footprint (reported apart, as import cost); the growth is what this job needed on top.

    On Linux the kernel keeps the peak itself (VmHWM), reset to the current resident set on entry (writing 5 to
    /proc/self/clear_refs): the figure is exact and nothing runs beside the code being timed. Only where that reset
    is refused does a thread sample the resident set every `interval_s`: such a thread wakes hundreds of times a
    second and takes the GIL each time, and while it ran, samples of the catalog's small PyTorch tasks (interleaved
    with samples taken without it) were 15-20% slower on a busy machine (issue 11).
    """

    def __init__(self, interval_s: float = 0.002) -> None:
        self.interval_s = interval_s
        self.start = self.peak = 0  # bytes, read on entry
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "PeakMemory":
        self.start = self.peak = _rss_bytes()
        if not _reset_kernel_peak():
            self._thread = threading.Thread(target=self._watch, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread is None:
            self.peak = max(self.peak, _kernel_peak_bytes())
        else:
            self._stop.set()
            self._thread.join()
        self.peak = max(self.peak, _rss_bytes())

    def _watch(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.peak = max(self.peak, _rss_bytes())

    @property
    def growth_mb(self) -> float:
        return max(self.peak - self.start, 0) / 2**20


def _reset_kernel_peak() -> bool:
    """Reset the kernel's record of this process's peak resident set (Linux 4.0+); False where it cannot."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
        return _kernel_peak_bytes() > 0
    except OSError:
        return False


def _kernel_peak_bytes() -> int:
    """VmHWM, the peak resident set the kernel recorded since the last reset; 0 when it cannot be read."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024  # reported in kB
    except (OSError, ValueError, IndexError):
        pass
    return 0


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except OSError:  # not Linux: fall back to the lifetime peak, which only grows
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
