"""What does `--executor ray` cost, and do its timings agree with the local executor's? (issue 16)

The same job list (catalog tasks, eager, small, default implementations) runs locally and through a Ray instance
started on this machine, alternately (local, Ray, local, Ray, ...), so that drift of the machine hits both alike.
Reported:

- each pass's wall time and the per-job overhead of the Ray path: (Ray pass - local pass) / jobs, per alternation,
  and its median. The Ray pass includes starting the local Ray instance and shipping the catalog to it (paid once
  per pass, spread over its jobs here; on a long-lived cluster the start is not paid at all);
- agreement of the recorded medians: for every job, the Ray median against the local median of the same
  alternation, beside the local-vs-local difference between two alternations (the machine's own noise). The two
  paths agree when their differences are no larger than the machine's.

    python benchmarks/ray_overhead.py [--tasks matmul softmax_logsumexp dense_layer] [--alternations 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.catalog import load_catalog  # noqa: E402
from analyzer.execution.ray_executor import RaySettings, available  # noqa: E402
from analyzer.frameworks import framework_installed  # noqa: E402
from analyzer.study import RunPlan, execute, plan  # noqa: E402

DEFAULT_TASKS = ("matmul", "softmax_logsumexp", "dense_layer", "mlp_classifier")


def one_pass(tasks: list, run_plan: RunPlan, folder: Path) -> tuple[float, dict]:
    planned = [p for p in plan(tasks, run_plan) if p.key[2] == "default"]
    folder.mkdir(parents=True)
    started = time.perf_counter()
    records = execute(planned, run_plan, out_dir=folder)
    wall = time.perf_counter() - started
    medians = {r.key: r.timing.median_s for r in records if r.status == "passed" and r.timing is not None}
    failed = [f"{'/'.join(r.key)}: {r.status}" for r in records if r.status not in ("passed", "not_applicable")]
    if failed:
        print("  not passed: " + "; ".join(failed))
    return wall, medians


def differences(a: dict, b: dict) -> list[float]:
    return [abs(b[k] - a[k]) / a[k] * 100 for k in a.keys() & b.keys()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", nargs="+", default=list(DEFAULT_TASKS))
    parser.add_argument("--frameworks", nargs="+", default=["torch", "tensorflow", "jax"])
    parser.add_argument("--alternations", type=int, default=2)
    args = parser.parse_args()
    if (why := available()) is not None:
        sys.exit(why)
    frameworks = tuple(fw for fw in args.frameworks if framework_installed(fw))
    catalog = load_catalog(ROOT / "tasks", ROOT / "reference_impls")
    tasks = [t for t in catalog.tasks if t.id in args.tasks]
    local = RunPlan(modes=("eager",), sizes=("small",), frameworks=frameworks, device="cpu")
    remote = RunPlan(modes=("eager",), sizes=("small",), frameworks=frameworks, device="cpu", ray=RaySettings())
    jobs = len([p for p in plan(tasks, local) if p.key[2] == "default" and p.job is not None])
    print(f"{jobs} jobs ({', '.join(t.id for t in tasks)} x {', '.join(frameworks)}, eager, small), "
          f"{args.alternations} alternations")
    rounds = []
    with tempfile.TemporaryDirectory() as scratch:
        for index in range(args.alternations):
            local_wall, local_medians = one_pass(tasks, local, Path(scratch) / f"local-{index}")
            ray_wall, ray_medians = one_pass(tasks, remote, Path(scratch) / f"ray-{index}")
            overhead = (ray_wall - local_wall) / jobs
            print(f"alternation {index + 1}: local {local_wall:.1f} s, Ray {ray_wall:.1f} s, "
                  f"overhead {overhead:+.2f} s per job")
            rounds.append((overhead, local_medians, ray_medians))
    print(f"Ray overhead per job: median {statistics.median(r[0] for r in rounds):+.2f} s "
          f"(local Ray instance started per pass)")
    ray_vs_local = [d for _, local_m, ray_m in rounds for d in differences(local_m, ray_m)]
    local_vs_local = [d for (_, a, _), (_, b, _) in zip(rounds, rounds[1:]) for d in differences(a, b)]
    print(f"medians, Ray vs local (same alternation): median difference {statistics.median(ray_vs_local):.1f}%, "
          f"{sum(d <= 5 for d in ray_vs_local)}/{len(ray_vs_local)} within 5%")
    if local_vs_local:
        print(f"medians, local vs local (consecutive alternations, the machine's noise): median difference "
              f"{statistics.median(local_vs_local):.1f}%, {sum(d <= 5 for d in local_vs_local)}/"
              f"{len(local_vs_local)} within 5%")


if __name__ == "__main__":
    main()
