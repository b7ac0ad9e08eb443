"""Parent side: start a worker per framework, watch it, and turn whatever happens into one record per job.

The parent never imports a framework. A worker serves several jobs of one framework to save start-up time; when it
dies or stops making progress, the job it was on is recorded (exit code or signal, the end of stderr, or the
time-out) and a fresh worker takes the remaining jobs, so one task's crash never costs another's result.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator

#: Variables a worker inherits; everything else in the parent's environment stays behind.
ENV_WHITELIST = (
    "PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV", "CUDA_VISIBLE_DEVICES",
    "LD_LIBRARY_PATH", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "XDG_CACHE_HOME",
)
STDERR_TAIL = 800


@dataclass(frozen=True)
class Job:
    """One implementation to run once against its oracle."""

    id: str  #: unique within a run: task/framework/variant/mode
    task: str
    framework: str
    variant: str
    mode: str
    task_dir: str
    impl_path: str
    size: str = "small"
    device: str = "cpu"
    threads: int = 1


def run_jobs(jobs: list[Job], *, timeout_s: float = 300.0) -> Iterator[dict[str, Any]]:
    """Yield one record per job, framework by framework, as each finishes."""
    by_framework: dict[str, list[Job]] = {}
    for job in jobs:
        by_framework.setdefault(job.framework, []).append(job)
    for framework, group in by_framework.items():
        yield from _run_group(framework, group, timeout_s)


def _run_group(framework: str, jobs: list[Job], timeout_s: float) -> Iterator[dict[str, Any]]:
    pending = list(jobs)
    while pending:
        with tempfile.TemporaryDirectory(prefix="usability-score-") as workdir:
            results_path = Path(workdir) / "results.jsonl"
            results_path.touch()
            outcome = _supervise(framework, pending, results_path, Path(workdir), timeout_s)
            done = [json.loads(line) for line in results_path.read_text(encoding="utf-8").splitlines() if line]
        for record in done:
            yield record
        pending = pending[len(done):]
        if pending:
            status, reason = outcome or ("crashed", "worker exited without writing a result")
            yield {"job": pending[0].id, "status": status, "reason": reason}
            pending = pending[1:]


def _supervise(framework: str, jobs: list[Job], results: Path, workdir: Path, timeout_s: float) -> tuple[str, str] | None:
    """Run one worker over `jobs`; None if it finished them all, else (status, reason) for the job it was on."""
    stderr_path = workdir / "stderr.txt"
    with open(stderr_path, "wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "analyzer.execution.worker", framework, str(results)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr, cwd=workdir, env=_worker_env(),
            start_new_session=True,
        )
        assert proc.stdin is not None
        proc.stdin.write(json.dumps([asdict(job) for job in jobs]).encode())
        proc.stdin.close()
        seen, deadline = 0, time.monotonic() + timeout_s
        while proc.poll() is None:
            lines = results.read_bytes().count(b"\n")
            if lines != seen:
                seen, deadline = lines, time.monotonic() + timeout_s
            if time.monotonic() > deadline:
                _kill_group(proc)
                return "timed_out", f"no result within {timeout_s:g} s"
            time.sleep(0.05)
    if proc.returncode == 0:
        return None
    return "crashed", f"worker {_exit_reason(proc.returncode)}; stderr: {_tail(stderr_path)}"


def _worker_env() -> dict[str, str]:
    env = {key: os.environ[key] for key in ENV_WHITELIST if key in os.environ}
    project_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [project_root, env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # a run must not write into the corpus it runs
    return env


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the worker and any children it started (it leads its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _exit_reason(code: int) -> str:
    if code < 0:
        return f"killed by signal {signal.Signals(-code).name}"
    return f"exited with code {code}"


def _tail(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").strip()
    return (text[-STDERR_TAIL:] if text else "(empty)").replace("\n", " | ")
