"""What in the worker slows the timed samples? Samples interleaved finely enough that a busy machine cancels out.

In one process, for the catalog's PyTorch matmul, sgd_training and cnn_classifier (state built as the worker builds
it), four ways of taking one sample take turns, round after round (the order rotating), so that every way sees the
same machine within a few tens of milliseconds:

- plain: the worker's sample (analyzer.worker.measure._sample, the calibrated loop count), nothing beside it
- memory: the same, inside the worker's PeakMemory
- polling: the same, beside a thread reading /proc/self/statm every 2 ms, as PeakMemory did before issue 11
- timer: one block of torch.utils.benchmark.Timer (its own block size; it disables the garbage collector)

Each way's median per call is reported against Timer's. A way that disturbs the timing stands out however busy the
machine is; the spread of `plain` against `timer` is this run's noise.

    python benchmarks/timing_disturbance.py [--rounds 200] [--task matmul]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.catalog import IMPLS_DIR, TASKS_DIR  # noqa: E402
from analyzer.contract import REQUIRED  # noqa: E402
from analyzer.worker.harness import framework_inputs, import_file, make_case, run_once  # noqa: E402
from analyzer.worker.measure import PeakMemory, TimingPolicy, _calibrate, _rss_bytes, _sample  # noqa: E402
from analyzer.worker.adapters import TorchAdapter  # noqa: E402
from analyzer.spec import load_spec  # noqa: E402

TASKS = ("matmul", "sgd_training", "cnn_classifier")


class Polling:
    """A thread reading this process's resident set every 2 ms: the sampler PeakMemory used before issue 11."""

    def __enter__(self) -> "Polling":
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(0.002):
            _rss_bytes()


def ways(adapter: TorchAdapter, task: str) -> dict[str, Callable[[], float]]:
    """Each way of taking one sample, returning seconds per call."""
    from torch.utils.benchmark import Timer

    spec = load_spec(TASKS_DIR / task)
    module = import_file(IMPLS_DIR / task / "torch.py", REQUIRED)
    inputs = framework_inputs(make_case(spec, "small"), spec.layouts, adapter.layouts)
    _, state = run_once(module, inputs, "cpu", adapter.sync, adapter.to_numpy)
    run, sync = module.run, adapter.sync
    loops = _calibrate(run, state, sync, TimingPolicy())
    timer = Timer(stmt="run(state)", globals={"run": run, "state": state}, num_threads=1)
    number = timer._estimate_block_size(min_run_time=1.0)  # as blocked_autorange(min_run_time=1.0) chooses it

    def inside(context: Callable[[], Any]) -> Callable[[], float]:
        def sample() -> float:
            with context():
                time.sleep(0.004)  # let a thread started by the context settle into its rhythm
                return _sample(run, state, sync, loops) / loops
        return sample

    return {"plain": lambda: _sample(run, state, sync, loops) / loops, "memory": inside(PeakMemory),
            "polling": inside(Polling), "timer": lambda: timer._timeit(number) / number}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--task", action="append", choices=TASKS, help="only these tasks (repeatable)")
    args = parser.parse_args()
    adapter = TorchAdapter()
    adapter.configure(mode="eager", device="cpu", threads=1)
    for task in args.task or TASKS:
        takes = ways(adapter, task)
        names = list(takes)
        samples: dict[str, list[float]] = {name: [] for name in names}
        for index in range(args.rounds):
            turn = index % len(names)
            for name in names[turn:] + names[:turn]:
                samples[name].append(takes[name]())
        timer = statistics.median(samples["timer"])
        print(task + ": " + "   ".join(f"{name} {statistics.median(values) * 1e3:.4f} ms "
                                       f"({(statistics.median(values) / timer - 1) * 100:+.1f}%)"
                                       for name, values in samples.items()), flush=True)


if __name__ == "__main__":
    main()
