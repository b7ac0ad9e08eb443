"""How long does the study take, and does it reproduce? Goals (issue #4), on the 2-core CPU machine:

- the default `usability-score` run over the whole catalog: <= 5 min with cold caches, <= 2 min with warm ones;
- every mode on every task (`usability-score run -m eager -m compiled`): <= 15 min with cold caches;
- two back-to-back runs agree within 5% on the median of each task.

"Cold" means fresh compiler caches (TORCHINDUCTOR_CACHE_DIR) and a fresh static-analysis cache; "warm" runs again
with the caches the cold run filled. The operating system's file cache is left alone.

    python benchmarks/study_runs.py [--all-modes] [--keep DIR]
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

from analyzer.study import RUNS_FILE, combine_rounds, load_runs  # noqa: E402


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def medians(folder: Path) -> dict[tuple[str, str, str, str], float]:
    return {r.key: r.timing.median_s for r in combine_rounds(load_runs(folder / RUNS_FILE)) if r.timing}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all-modes", action="store_true", help="also time every mode on every task, cold")
    parser.add_argument("--keep", type=Path, help="keep the result folders here")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="usability-score-bench-"))
    caches = Path(tempfile.mkdtemp(prefix="usability-score-caches-"))
    env = {**os.environ, "TORCHINDUCTOR_CACHE_DIR": str(caches / "inductor"),
           "USABILITY_SCORE_CACHE_DIR": str(caches / "static")}
    exe = [sys.executable, "-m", "analyzer"]
    cold = timed([*exe, "--out", str(base / "cold")], env)
    warm = timed([*exe, "--out", str(base / "warm")], env)
    print(f"default study, cold caches: {cold:6.1f} s  goal <= 300 s  {'OK' if cold <= 300 else 'MISSED'}")
    print(f"default study, warm caches: {warm:6.1f} s  goal <= 120 s  {'OK' if warm <= 120 else 'MISSED'}")
    first, second = medians(base / "cold"), medians(base / "warm")
    diffs = {key: abs(second[key] - first[key]) / first[key] * 100 for key in first.keys() & second.keys()}
    within = sum(d <= 5 for d in diffs.values())
    print(f"back-to-back agreement: {within}/{len(diffs)} task medians within 5%; median difference "
          f"{statistics.median(diffs.values()):.1f}%, worst {max(diffs.values()):.1f}% "
          f"({' '.join(max(diffs, key=diffs.get))})")
    if args.all_modes:
        env["TORCHINDUCTOR_CACHE_DIR"] = str(caches / "inductor-all")
        every = timed([*exe, "run", "-m", "eager", "-m", "compiled", "--out", str(base / "all")], env)
        print(f"every mode, cold caches:    {every:6.1f} s  goal <= 900 s  {'OK' if every <= 900 else 'MISSED'}")
    print(f"results in {base}")


if __name__ == "__main__":
    main()
