"""How long would a study take on N devices? An estimate from measured per-job costs (issue 16).

Input: a study (study.json, report.json or a folder) whose run records give each job's measured cost: its first
call (setup and compilation) plus its samples, and each framework's import in a fresh worker. The job list to
estimate is the catalog's at the sizes and modes asked for (default: the study's own); a job the study did not
measure (another size, a shard's study) is costed at the median measured cost of its framework, mode and size,
or, where none of that size was measured, of its framework and mode at the largest measured size.

On N devices the jobs are dealt out exactly as `--shard K/N` deals them (longest expected job first, to the least
loaded device), every device pays each framework's import once, and the estimate is the slowest device's total.
With `--wall SECONDS` (the measured wall time of the study's own pass on one device), every cost is scaled by the
ratio of that wall time to the study's one-device estimate, which folds in what the records do not time (warm-ups,
the determinism re-run, the oracle and worker starts).

    python benchmarks/fleet_estimate.py reports --wall 378 --devices 1 2 4 8
    python benchmarks/fleet_estimate.py shard1/ --size full --mode eager --mode compiled --devices 1 4 8 16
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer import load  # noqa: E402
from analyzer.catalog import load_catalog  # noqa: E402
from analyzer.sharding import assign, earlier_costs  # noqa: E402
from analyzer.spec import SIZES  # noqa: E402
from analyzer.rounds import combine_rounds  # noqa: E402
from analyzer.study import RunPlan, plan  # noqa: E402


def job_costs(study, sizes: list[str], modes: list[str]) -> tuple[dict[tuple[str, ...], float], int]:
    """Every catalog job's cost in seconds (measured, or the median of its kind), and how many were measured."""
    runs = combine_rounds(study.runs)
    measured = earlier_costs(runs)
    largest = _largest(measured)
    kinds: dict[tuple[str, ...], list[float]] = {}
    for (task, framework, variant, mode, size), cost in measured.items():
        kinds.setdefault((framework, mode, size), []).append(cost)
        if size == largest:  # the stand-in for a size no record measured
            kinds.setdefault((framework, mode, "*"), []).append(cost)
    catalog = load_catalog(ROOT / "tasks", ROOT / "reference_impls")
    frameworks = tuple(sorted({r.framework for r in runs}))
    planned = plan(catalog.tasks, RunPlan(modes=tuple(modes), sizes=tuple(sizes), frameworks=frameworks))
    costs, found = {}, 0
    for item in planned:
        if item.job is None:
            continue
        key = item.key[:5]
        task, framework, variant, mode, size = key
        if key in measured:
            costs[key], found = measured[key], found + 1
        else:
            same = kinds.get((framework, mode, size)) or kinds.get((framework, mode, "*")) or [0.0]
            costs[key] = statistics.median(same)
    return costs, found


def _largest(measured: dict) -> str:
    present = {key[4] for key in measured}
    return max(present, key=SIZES.index) if present else ""


def makespan(costs: dict[tuple[str, ...], float], imports: dict[str, float], devices: int, scale: float) -> float:
    keys = sorted(costs)
    owners = assign(["|".join(k) for k in keys], [costs[k] for k in keys], devices)
    loads = [0.0] * devices
    frameworks: list[set[str]] = [set() for _ in range(devices)]
    for key, owner in zip(keys, owners):
        loads[owner] += costs[key]
        frameworks[owner].add(key[1])
    return max(scale * (load + sum(imports.get(fw, 0.0) for fw in fws)) for load, fws in zip(loads, frameworks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study", nargs="?", default=str(ROOT / "reports"))
    parser.add_argument("--size", action="append", help="sizes of the job list (default: the study's)")
    parser.add_argument("--mode", action="append", help="modes of the job list (default: the study's)")
    parser.add_argument("--devices", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--wall", type=float, help="measured wall time of the same pass on one device, seconds")
    args = parser.parse_args()
    study = load(args.study).study
    own_sizes = sorted({r.size for r in study.runs}, key=SIZES.index)
    own_modes = sorted({r.mode for r in study.runs})
    sizes, modes = args.size or own_sizes, args.mode or own_modes
    imports: dict[str, list[float]] = {}
    for run in study.runs:
        if run.import_s:
            imports.setdefault(run.framework, []).append(run.import_s)
    import_s = {fw: statistics.median(values) for fw, values in imports.items()}
    scale = 1.0
    if args.wall:  # calibrated on the pass the wall time was measured for: the study's own job list
        own, _ = job_costs(study, own_sizes, own_modes)
        scale = args.wall / makespan(own, import_s, 1, 1.0)
        print(f"the study's own pass on one device: {makespan(own, import_s, 1, 1.0):.0f} s from its records, "
              f"{args.wall:.0f} s measured: every cost scaled by {scale:.2f}")
    costs, found = job_costs(study, sizes, modes)
    print(f"{len(costs)} jobs ({', '.join(sizes)}; {', '.join(modes)}), {found} with a measured cost, the rest at "
          f"the median of their kind; imports per device: "
          + ", ".join(f"{fw} {s:.1f} s" for fw, s in sorted(import_s.items())))
    for devices in args.devices:
        print(f"{devices:>3} device(s): {makespan(costs, import_s, devices, scale):7.0f} s")


if __name__ == "__main__":
    main()
