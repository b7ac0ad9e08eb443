"""How long does the study take, and does it reproduce? Goals (issue #4), on the 2-core CPU machine:

- the default `usability-score` run over the whole catalog: <= 5 min with cold caches, <= 2 min with warm ones;
- every mode on every task (`usability-score run -m eager -m compiled`): <= 15 min with cold caches;
- two back-to-back runs agree within 5% on the median of each task.

Agreement is reported for the median and for the fastest sample (min), with each study's machine interference (how
much slower than its fastest the machine probe ran while the timings were taken: see benchmarks/machine_noise.py
for what this machine allows at all).

"Cold" means fresh compiler caches (TORCHINDUCTOR_CACHE_DIR) and a fresh static-analysis cache; "warm" runs again
with the caches the cold run filled. The operating system's file cache is left alone.

    python benchmarks/study_runs.py [--all-modes] [--rounds N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.execution.stats import describe_interference, interference  # noqa: E402
from analyzer.model import RunRecord  # noqa: E402
from analyzer.rounds import combine_rounds  # noqa: E402
from analyzer.store import RUNS_FILE, load_runs  # noqa: E402


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def timed_runs(folder: Path) -> list[RunRecord]:
    return [r for r in combine_rounds(load_runs(folder / RUNS_FILE)) if r.timing]


def agreement(first: list[RunRecord], second: list[RunRecord], figure: str) -> str:
    old = {r.key: getattr(r.timing, figure) for r in first}
    new = {r.key: getattr(r.timing, figure) for r in second}
    diffs = {key: abs(new[key] - old[key]) / old[key] * 100 for key in old.keys() & new.keys()}
    within = sum(d <= 5 for d in diffs.values())
    return (f"{within}/{len(diffs)} task {figure} within 5%; median difference "
            f"{statistics.median(diffs.values()):.1f}%, {sum(d <= 10 for d in diffs.values())} within 10%, "
            f"worst {max(diffs.values()):.1f}% "
            f"({' '.join(max(diffs, key=diffs.get))})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all-modes", action="store_true", help="also time every mode on every task, cold")
    parser.add_argument("--keep", type=Path, help="keep the result folders here")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of each default study (its --rounds)")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="usability-score-bench-"))
    caches = Path(tempfile.mkdtemp(prefix="usability-score-caches-"))
    env = {**os.environ, "TORCHINDUCTOR_CACHE_DIR": str(caches / "inductor"),
           "USABILITY_SCORE_CACHE_DIR": str(caches / "static")}
    exe = [sys.executable, "-m", "analyzer"]
    rounds = ["--rounds", str(args.rounds)]
    cold = timed([*exe, "--out", str(base / "cold"), *rounds], env)
    warm = timed([*exe, "--out", str(base / "warm"), *rounds], env)
    print(f"default study, cold caches: {cold:6.1f} s  goal <= 300 s  {'OK' if cold <= 300 else 'MISSED'}")
    print(f"default study, warm caches: {warm:6.1f} s  goal <= 120 s  {'OK' if warm <= 120 else 'MISSED'}")
    first, second = timed_runs(base / "cold"), timed_runs(base / "warm")
    for figure in ("median_s", "min_s"):
        print(f"back-to-back agreement: {agreement(first, second, figure)}")
    for name, runs in (("cold", first), ("warm", second)):
        print(f"interference, {name} study: {describe_interference(interference([r.timing for r in runs]))}")
    if args.all_modes:
        env["TORCHINDUCTOR_CACHE_DIR"] = str(caches / "inductor-all")
        every = timed([*exe, "run", "-m", "eager", "-m", "compiled", "--out", str(base / "all")], env)
        print(f"every mode, cold caches:    {every:6.1f} s  goal <= 900 s  {'OK' if every <= 900 else 'MISSED'}")
    print(f"results in {base}")


if __name__ == "__main__":
    main()
