"""Does the harness agree with torch.utils.benchmark.Timer? Goal (issue #4): medians within 5%.

For the catalog's PyTorch matmul and its MLP training step (sgd_training: one run() is its 8 SGD steps), the
harness's own loop (analyzer.execution.measure.time_run) and torch.utils.benchmark.Timer.blocked_autorange time the
same run(state) callable in the same process, alternately, several times; the medians of each are compared.

    python benchmarks/harness_vs_torch_timer.py [--repeats 11] [--threads N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.catalog import IMPLS_DIR, TASKS_DIR  # noqa: E402
from analyzer.execution.harness import CONTRACT, import_file, make_case  # noqa: E402
from analyzer.execution.measure import TimingPolicy, time_run  # noqa: E402
from analyzer.frameworks.adapters import TorchAdapter  # noqa: E402
from analyzer.spec import load_spec  # noqa: E402

TASKS = ("matmul", "sgd_training")


def measure(task: str, threads: int, repeats: int) -> tuple[list[float], list[float]]:
    from torch.utils.benchmark import Timer

    spec = load_spec(TASKS_DIR / task)
    module = import_file(IMPLS_DIR / task / "torch.py", CONTRACT)
    state = module.setup(make_case(spec, "small").inputs, "cpu")
    adapter = TorchAdapter()
    module.run(state)
    harness, timer = [], []
    for repeat in range(repeats):
        order = ("harness", "timer") if repeat % 2 == 0 else ("timer", "harness")
        for which in order:
            if which == "harness":
                harness.append(time_run(module.run, state, adapter.sync, TimingPolicy()).median_s)
            else:
                measurement = Timer(stmt="run(state)", globals={"run": module.run, "state": state},
                                    num_threads=threads).blocked_autorange(min_run_time=1.0)
                timer.append(measurement.median)
    return harness, timer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11,
                        help="alternations; more cancel more of a noisy machine's drift")
    parser.add_argument("--threads", type=int, default=0, help="default: every available core")
    args = parser.parse_args()
    from analyzer.environment import available_cores

    threads = args.threads or available_cores()
    TorchAdapter().configure(mode="eager", device="cpu", threads=threads)
    print(f"threads: {threads}; eager mode; small size; {args.repeats} alternating repeats")
    for task in TASKS:
        harness, timer = measure(task, threads, args.repeats)
        h, t = statistics.median(harness), statistics.median(timer)
        diff = (h - t) / t * 100
        print(f"{task:14s} harness {h * 1e3:8.4f} ms   Timer {t * 1e3:8.4f} ms   difference {diff:+5.1f}%   "
              f"{'OK' if abs(diff) <= 5 else 'MISSED'} (goal within 5%)")


if __name__ == "__main__":
    main()
