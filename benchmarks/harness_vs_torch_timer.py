"""Does the median `usability-score run` records agree with torch.utils.benchmark.Timer? Goal (issue 11): within 3%.

End to end, for the catalog's PyTorch matmul, sgd_training (one run() is its 8 SGD steps) and cnn_classifier:

- harness: the jobs `usability-score run --framework torch --device cpu` plans for these tasks
  (analyzer.execution.runner.Job: timing on, determinism check on), served in turn by one fresh worker process
  through analyzer.execution.runner.run_jobs, the parent polling it as in a study; the figure is each record's
  timing median.
- Timer: one fresh process of its own, with the worker's environment and the same adapter configuration (thread
  count, mode), builds each task's state exactly as the worker does (harness.framework_inputs, then
  harness.run_once: prepare() with load_weights() when the file has one, then the first run()), and times
  run(state) with torch.utils.benchmark.Timer(num_threads=threads).blocked_autorange(min_run_time=1.0); the figure
  is its median.

The two alternate (the order flips every time) for --alternations pairs; each pair gives each task a ratio
harness / Timer, and a task's verdict is the median of its ratios, so drift of a shared machine between pairs
cancels. Beside each pair: the machine probe (analyzer.worker.measure.probe), which sees neighbours contending
for caches, and the share of the time a runnable task waited for a CPU (/proc/pressure/cpu), which sees neighbours
taking the CPUs themselves; on a machine contended most of the time, pairs scatter by tens of percent and the
verdict is the machine's, which the summary then says. Exits 1 when a task misses the goal.

    python benchmarks/harness_vs_torch_timer.py [--alternations 11] [--threads 1] [--mode eager] [--size small]
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.catalog import IMPLS_DIR, TASKS_DIR  # noqa: E402
from analyzer.execution.runner import Job, run_jobs, worker_env  # noqa: E402

TASKS = ("matmul", "sgd_training", "cnn_classifier")
GOAL = 0.03
TIMER_MIN_RUN_S = 1.0
#: Above this share of time with a runnable task kept waiting for a CPU, a pair was taken on a contended machine.
CONTENDED = 0.10
Figures = tuple[float, float]  # a median and the machine probe beside it, seconds
Row = dict[str, float]


def cpu_waiting_us() -> float | None:
    """Microseconds during which some runnable task waited for a CPU since boot (Linux pressure stall
    information), None where the kernel does not report it. The machine probe cannot see this kind of contention:
    it lasts 0.3 ms and is seldom preempted, while a 1 s timing window shares its CPU with every neighbour."""
    try:
        with open("/proc/pressure/cpu", encoding="ascii") as pressure:
            return float(pressure.readline().rsplit("total=", 1)[1])
    except (OSError, IndexError, ValueError):
        return None


def contended_share(measure: Callable[[], Any]) -> tuple[Any, float]:
    """measure()'s result and the share of its wall time during which some task waited for a CPU (nan: unknown)."""
    started, waited = time.perf_counter(), cpu_waiting_us()
    result = measure()
    after = cpu_waiting_us()
    share = (after - waited) / 1e6 / (time.perf_counter() - started) if waited is not None and after else math.nan
    return result, share


def harness_job(task: str, *, mode: str, size: str, threads: int, index: int) -> Job:
    """The job `usability-score run --framework torch --device cpu` plans for this task (analyzer.study)."""
    return Job(id=f"{task}|torch|default|{mode}|{size}|{index}", task=task, framework="torch", variant="default",
               mode=mode, task_dir=str(TASKS_DIR / task), impl_path=str(IMPLS_DIR / task / "torch.py"), size=size,
               device="cpu", threads=threads, timing=True, check_determinism=True)


def harness_medians(tasks: list[str], *, mode: str, size: str, threads: int, index: int) -> dict[str, Figures]:
    """Each task's recorded median and the median probe of its timing, from one fresh worker serving them all in
    turn, as `usability-score run` does."""
    jobs = [harness_job(task, mode=mode, size=size, threads=threads, index=index) for task in tasks]
    figures = {}
    for task, record in zip(tasks, run_jobs(jobs)):
        if record["status"] != "passed":
            raise SystemExit(f"{task}: the harness's job {record['status']}: {record['reason']}")
        figures[task] = (record["timing"]["median_s"], statistics.median(record["timing"]["probes"]))
    return figures


def timer_medians(tasks: list[str], *, mode: str, size: str, threads: int) -> dict[str, Figures]:
    """Each task's Timer median and the median probe around it, from one fresh process with the worker's
    environment."""
    command = [sys.executable, __file__, "--mode", mode, "--size", size, "--threads", str(threads)]
    command += [arg for task in tasks for arg in ("--timer-child", task)]
    done = subprocess.run(command, env=worker_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the Timer process failed: {done.stderr.strip()[-2000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {task: (figures[task]["median_s"], figures[task]["probe_s"]) for task in tasks}


def timer_child(task: str, *, mode: str, size: str, threads: int) -> dict[str, Any]:
    """Inside the Timer's process: state built as the worker builds it, then Timer.blocked_autorange."""
    from analyzer.contract import REQUIRED
    from analyzer.worker.harness import framework_inputs, import_file, make_case, run_once
    from analyzer.worker.measure import probe
    from analyzer.worker.adapters import TorchAdapter
    from analyzer.spec import load_spec

    adapter = TorchAdapter()
    adapter.configure(mode=mode, device="cpu", threads=threads)
    from torch.utils.benchmark import Timer

    spec = load_spec(TASKS_DIR / task)
    module = import_file(IMPLS_DIR / task / "torch.py", REQUIRED)
    inputs = framework_inputs(make_case(spec, size), spec.layouts, adapter.layouts)
    _, state = run_once(module, inputs, "cpu", adapter.sync, adapter.to_numpy)
    probes = [probe() for _ in range(5)]
    measurement = Timer(stmt="run(state)", globals={"run": module.run, "state": state},
                        num_threads=threads).blocked_autorange(min_run_time=TIMER_MIN_RUN_S)
    probes += [probe() for _ in range(5)]
    return {"median_s": measurement.median, "probe_s": statistics.median(probes)}


def compare(tasks: list[str], *, mode: str, size: str, threads: int, alternations: int) -> dict[str, list[Row]]:
    """`alternations` (harness, Timer) pairs, the order flipping every pair; per task, one row of figures a pair."""
    rows: dict[str, list[Row]] = {task: [] for task in tasks}
    measures = {"harness": harness_medians, "timer": timer_medians}
    for index in range(alternations):
        harness_first = index % 2 == 0
        measured: dict[str, dict[str, Figures]] = {}
        contended: dict[str, float] = {}
        for which in ("harness", "timer") if harness_first else ("timer", "harness"):
            extra = {"index": index} if which == "harness" else {}
            measure = functools.partial(measures[which], tasks, mode=mode, size=size, threads=threads, **extra)
            measured[which], contended[which] = contended_share(measure)
        for task in tasks:
            (harness, harness_probe), (timer, timer_probe) = measured["harness"][task], measured["timer"][task]
            row: Row = dict(harness=harness, timer=timer, ratio=harness / timer, harness_probe=harness_probe,
                            timer_probe=timer_probe, harness_contended=contended["harness"],
                            timer_contended=contended["timer"])
            rows[task].append(row)
            print(f"  pair {index + 1:2d} ({'harness first' if harness_first else 'Timer first  '}) {task:14s} "
                  f"harness {harness * 1e3:8.4f} ms  Timer {timer * 1e3:8.4f} ms  {(row['ratio'] - 1) * 100:+6.1f}%"
                  f"   probes {harness_probe * 1e3:.3f} / {timer_probe * 1e3:.3f} ms   CPU contended "
                  f"{contended['harness']:4.0%} / {contended['timer']:4.0%}", flush=True)
    return rows


def verdict(task: str, rows: list[Row], fastest_probe: float) -> bool:
    ratio = statistics.median(row["ratio"] for row in rows)
    diffs = " ".join(f"{(row['ratio'] - 1) * 100:+.1f}" for row in rows)
    busy = statistics.median(max(row["harness_probe"], row["timer_probe"]) for row in rows) / fastest_probe
    contended = [max(row["harness_contended"], row["timer_contended"]) for row in rows]
    quiet = [row["ratio"] for row, share in zip(rows, contended) if share <= CONTENDED]
    ok = abs(ratio - 1) <= GOAL
    print(f"{task:14s} harness {statistics.median(r['harness'] for r in rows) * 1e3:8.4f} ms   Timer "
          f"{statistics.median(r['timer'] for r in rows) * 1e3:8.4f} ms   median ratio {(ratio - 1) * 100:+5.1f}%   "
          f"{'OK' if ok else 'MISSED'} (goal within {GOAL:.0%})\n"
          f"{'':14s} per pair (%): {diffs}\n"
          f"{'':14s} machine probe at a median {busy:.2f}x its fastest; a task waited for a CPU a median "
          f"{statistics.median(contended):.0%} of the time; "
          + (f"the {len(quiet)} uncontended pair(s) (<= {CONTENDED:.0%}) give "
             f"{(statistics.median(quiet) - 1) * 100:+.1f}%" if quiet
             else f"no pair uncontended (<= {CONTENDED:.0%}): the machine, not the harness, decides this"))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alternations", type=int, default=11, help="(harness, Timer) pairs per task")
    parser.add_argument("--threads", type=int, default=1, help="threads of both, as `usability-score run --threads`")
    parser.add_argument("--mode", default="eager", choices=("eager", "compiled"))
    parser.add_argument("--size", default="small")
    parser.add_argument("--task", action="append", choices=TASKS, help="only these tasks (repeatable)")
    parser.add_argument("--timer-child", metavar="TASK", action="append", help=argparse.SUPPRESS)
    args = parser.parse_args()
    options = dict(mode=args.mode, size=args.size, threads=args.threads)
    if args.timer_child:
        print(json.dumps({task: timer_child(task, **options) for task in args.timer_child}))
        return 0
    tasks = args.task or list(TASKS)
    print(f"threads: {args.threads}; {args.mode} mode; {args.size} size; {args.alternations} alternating pairs; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores", flush=True)
    rows = compare(tasks, **options, alternations=args.alternations)
    fastest = min(min(r["harness_probe"], r["timer_probe"]) for task_rows in rows.values() for r in task_rows)
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ok = [verdict(task, task_rows, fastest) for task, task_rows in rows.items()]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
