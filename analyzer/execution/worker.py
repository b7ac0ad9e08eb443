"""The worker process: runs jobs of one framework and writes one JSON line per finished job.

Invoked by the parent as `python -m analyzer.execution.worker FRAMEWORK RESULTS_FILE` with a JSON list of jobs on
stdin. Each line is flushed as soon as its job ends, so a worker that dies mid-way loses only the job it was on;
the parent records that one as crashed and starts a fresh worker for the rest.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any, TextIO

from analyzer.execution.checks import compare
from analyzer.execution.harness import CONTRACT, ContractError, import_file, make_case, run_once
from analyzer.frameworks.adapters import ADAPTERS
from analyzer.spec import load_spec


def run_job(job: dict[str, Any], adapter: Any) -> dict[str, Any]:
    """Run one implementation at one size and mode against the oracle; never raises."""
    record: dict[str, Any] = {"job": job["id"], "status": "crashed", "reason": ""}
    started = time.perf_counter()
    try:
        adapter.configure(mode=job["mode"], device=job["device"], threads=job["threads"])
        spec = load_spec(Path(job["task_dir"]))
        case = make_case(spec, job["size"])
        module = import_file(Path(job["impl_path"]), CONTRACT)
        first = time.perf_counter()
        got = run_once(module, case, job["device"], adapter.sync)
        record["first_result_s"] = time.perf_counter() - first
        verdict = compare(got, case.expected, spec.tolerance_for("float32"))
        record.update(max_abs_err=verdict.max_abs_err, max_rel_err=verdict.max_rel_err)
        record["status"], record["reason"] = ("passed", "") if verdict.ok else ("wrong_answer", verdict.reason)
    except ContractError as exc:
        record["reason"] = f"contract: {exc}"
    except Exception as exc:  # noqa: BLE001 - whatever the implementation raises is its result
        record["reason"] = _describe(exc, job["impl_path"])
    record["wall_s"] = time.perf_counter() - started
    return record


def _describe(exc: BaseException, impl_path: str) -> str:
    """One line: the exception and the deepest frame inside the implementation file, if any."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == impl_path]
    where = f" at {Path(impl_path).name}:{frames[-1].lineno}" if frames else ""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}{where}: {message}"[:500]


def main(argv: list[str] | None = None, stdin: TextIO = sys.stdin) -> int:
    framework, results_file = (argv or sys.argv[1:])[:2]
    jobs = json.load(stdin)
    adapter = ADAPTERS[framework]()
    with open(results_file, "a", encoding="utf-8") as out:
        for job in jobs:
            out.write(json.dumps(run_job(job, adapter)) + "\n")
            out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
