"""The worker process: runs jobs of one framework, one at a time, as the parent sends them.

    python -m analyzer.worker.main FRAMEWORK RESULTS_FILE
    python -m analyzer.worker.main reload-RUNTIME RESULTS_FILE  (reloads deployment artifacts; see deploy.py)

The parent writes one JSON job per line on stdin; for each, the worker appends one JSON record line to
RESULTS_FILE and flushes it. Results never travel on stdout, which belongs to the code under test (a task that
prints, even floods, cannot corrupt them). The worker exits at the end of stdin.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from analyzer.execution.child import cap_cpu_time, cap_file_size, die_with_parent
from analyzer.execution.protocol import Job, read_job
from analyzer.worker.session import Worker


def run_job(worker: Worker, job: Job) -> dict[str, Any]:
    """One job of any kind (a timed run, an export or a reload, a fault or the probe); never raises."""
    kind = job.kind
    if kind in ("fault", "probe"):
        from analyzer.worker import debug_job

        return debug_job.fault_job(worker, job) if kind == "fault" else debug_job.probe_job(worker, job)
    if kind != "run":
        from analyzer.worker import deploy

        return deploy.export_job(worker, job) if kind == "export" else deploy.reload_job(job)
    return worker.run_job(job)


def main(argv: list[str] | None = None, stdin: TextIO = sys.stdin) -> int:
    framework, results_file = (argv or sys.argv[1:])[:2]
    die_with_parent()
    cap_file_size()
    with open(results_file, "a", encoding="utf-8") as out:
        def notify(job_id: str, event: str) -> None:
            out.write(json.dumps({"job": job_id, "event": event}) + "\n")
            out.flush()

        worker = Worker(framework, notify)
        for line in stdin:
            if not line.strip():
                continue
            job = read_job(line)
            cap_cpu_time(job.cpu_s)
            out.write(json.dumps(run_job(worker, job)) + "\n")
            out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
