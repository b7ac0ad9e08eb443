"""Parent side: keep one worker per framework, hand it jobs one at a time, and turn whatever happens into a record.

The parent never imports a framework. Jobs run strictly one after another (two workers computing at once would
disturb each other's timings), in the order given, so the caller interleaves frameworks. For each job the parent
owns the limits: wall time, resident memory and output size. A worker that dies, hangs or breaks a limit is killed
with its whole process group, its job is recorded with the reason (exit code or signal, the end of its output, the
limit), and a fresh worker takes the next job: one task's crash never costs another's result.

Three kinds of job share this machinery: "run" (check and time an implementation), "export" (write a deployment
artifact, in the framework's worker) and "reload" (load an artifact and check it, in a worker of its own that never
imports an implementation: by default started for that one job and closed after it).
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from analyzer.execution import sandbox as sandboxing
from analyzer.execution.child import confined_env, worker_env
from analyzer.execution.judge import Judge
from analyzer.execution.protocol import Job, checked_reply, job_line

OUTPUT_TAIL = 800
POLL_S = 0.02


@dataclass(frozen=True)
class Limits:
    """What one job may use before the parent stops it."""

    timeout_s: float = 300.0  #: wall time of one job
    memory_mb: float = 0.6 * (os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")) / 2**20  #: worker RSS
    output_mb: float = 20.0  #: everything the worker writes to stdout and stderr
    cpu_s: float | None = None  #: CPU seconds of one job (all threads); None: four times the wall time
    sandbox: bool = True  #: run workers in the namespace sandbox where it is available (analyzer.execution.sandbox)
    fresh_workers: bool = False  #: a new worker for every job: nothing one job changes in a worker reaches another

    @property
    def cpu_seconds(self) -> float:
        return self.cpu_s if self.cpu_s is not None else 4 * self.timeout_s


class WorkerProcess:
    """One live worker of one framework (or the reload worker)."""

    def __init__(self, framework: str, *, sandbox: bool = True, writable: tuple[str, ...] = ()) -> None:
        self.framework = framework
        self.dir = Path(tempfile.mkdtemp(prefix=f"{framework}-", dir=run_folder()))
        self.results = self.dir / "results.jsonl"
        self.results.touch()
        self.output = self.dir / "output.txt"
        self._output_file = open(self.output, "wb")
        argv = [sys.executable, "-m", "analyzer.worker.main", framework, str(self.results)]
        env = self._env()
        self.sandboxed = sandbox and not sandboxing.available()
        if self.sandboxed:
            argv = sandboxing.command(argv, [str(self.dir), *writable, *shared_caches(env)], [str(run_folder())])
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=self._output_file, stderr=subprocess.STDOUT,
                                     cwd=self.dir, env=env, start_new_session=True)
        self.tree = ProcessTree(self.proc.pid)
        self.seen = 0
        self.observed: dict[str, float] = {}  #: when the parent saw this job's events and record (monotonic s)

    def submit(self, job: Job) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(job_line(job))
        self.proc.stdin.flush()

    def wait(self, limits: Limits, job_id: str, kind: str = "run") -> dict[str, Any]:
        """The job's record (its fields checked against the reply type of the job's `kind`), or a crashed/timed_out
        record once the worker dies, breaks a limit or writes a line that is not this job's record."""
        deadline = time.monotonic() + limits.timeout_s
        self.observed = {}
        written_before = self.output.stat().st_size  # the output limit is per job, not per worker
        while True:
            record = self._next_record(job_id, kind)
            if self.output.stat().st_size - written_before > limits.output_mb * 2**20:
                # Checked before a finished record is accepted: a job that floods and finishes between two polls
                # is still this job's fault, not the next one's.
                self.kill()
                return {"status": "crashed", "reason": f"wrote more than {limits.output_mb:g} MB of output"}
            if record is not None:
                return record
            if self.proc.poll() is not None:
                record = self._next_record(job_id, kind)  # it may have written its line just before exiting
                code = self.proc.returncode
                code = sandboxing.exit_status(code) if self.sandboxed else code
                return record or {"status": "crashed", "reason": f"worker {exit_reason(code)}; "
                                                                  f"output: {self.tail()}"}
            if time.monotonic() > deadline:
                self.kill()
                return {"status": "timed_out", "reason": f"no result within {limits.timeout_s:g} s"}
            rss = self.tree.rss_mb()
            if rss > limits.memory_mb:
                self.kill()
                return {"status": "crashed", "reason": f"exceeded the memory limit ({rss:.0f} MiB > "
                                                       f"{limits.memory_mb:.0f} MiB resident)"}
            time.sleep(POLL_S)

    def _next_record(self, job_id: str, kind: str) -> dict[str, Any] | None:
        """The job's record once the worker has written it, or a crashed one that says why a line is not (the
        worker runs contributed code, which can write anything there). An event line of this job (the samples
        beginning) is noted with the parent's clock."""
        lines = self.results.read_bytes().splitlines()
        while len(lines) > self.seen:
            self.seen += 1
            try:
                record = json.loads(lines[self.seen - 1].decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                record = None
            if not isinstance(record, dict) or not isinstance(record.get("status", record.get("event")), str):
                return {"status": "crashed", "reason": "the worker wrote a malformed record"}
            if record.get("job") != job_id:
                return {"status": "crashed", "reason": "the worker wrote a record that is not this job's"}
            if "event" not in record:
                self.observed["record"] = time.monotonic()
                try:
                    return checked_reply(record, kind)
                except ValueError as exc:
                    return {"status": "crashed", "reason": f"the worker wrote a malformed record ({exc})"[:500]}
            self.observed.setdefault(str(record["event"]), time.monotonic())
        return None

    @property
    def sampling_s(self) -> float | None:
        """The parent's view of the last job's sampling: from the worker's word that it began to its record."""
        if "sampling" in self.observed and "record" in self.observed:
            return self.observed["record"] - self.observed["sampling"]
        return None

    def tail(self) -> str:
        self._output_file.flush()
        with open(self.output, "rb") as output:
            output.seek(max(self.output.stat().st_size - OUTPUT_TAIL, 0))
            text = output.read().decode("utf-8", errors="replace").strip()
        return text.replace("\n", " | ") if text else "(none)"

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """Kill the worker and every process it started (it leads its own process group)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()

    def close(self) -> None:
        if self.alive:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (subprocess.TimeoutExpired, BrokenPipeError, OSError):
                pass
        self.kill()  # also reaps children a worker left behind
        self._output_file.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _env(self) -> dict[str, str]:
        """The whitelisted environment, with compiler caches of this worker's own: every framework compiles from
        cold (XLA keeps no cache on disk by default; Inductor and Triton would otherwise reuse earlier runs' work
        and report a compile latency no new user sees). A cache folder set by the user is kept."""
        env = confined_env(worker_env(), str(self.dir))
        env.setdefault("TORCHINDUCTOR_CACHE_DIR", str(self.dir / "inductor-cache"))
        env.setdefault("TRITON_CACHE_DIR", str(self.dir / "triton-cache"))
        return env


class WorkerPool:
    """At most one live worker per framework, replaced after any failure. Run jobs are judged in the parent
    (analyzer.execution.judge) from the outputs their worker hands over."""

    def __init__(self, limits: Limits, *, writable: tuple[str, ...] = ()) -> None:
        self.limits = limits
        self.writable = writable  #: folders a sandboxed worker may write besides its own (deployment artifacts)
        self.workers: dict[str, WorkerProcess] = {}
        self.folder = Path(tempfile.mkdtemp(prefix="judge-", dir=run_folder()))
        self.judge = Judge(self.folder, timeout_s=limits.timeout_s, env=worker_env(), sandbox=limits.sandbox,
                           hidden=(str(run_folder()),))
        self.jobs = 0

    def run(self, job: Job) -> dict[str, Any]:
        name = job.worker
        worker = self.workers.get(name)
        isolated = job.isolated or self.limits.fresh_workers
        if worker is None or not worker.alive or isolated:
            if worker is not None:
                worker.close()
            worker = self.workers[name] = WorkerProcess(name, sandbox=self.limits.sandbox, writable=self.writable)
        self.jobs += 1
        arrays = worker.dir / f"outputs-{self.jobs}"
        arrays.mkdir()
        try:
            worker.submit(replace(job, cpu_s=self.limits.cpu_seconds, arrays_dir=str(arrays)))
        except (BrokenPipeError, OSError):
            pass  # the worker died between jobs; wait() reports how
        claimed = worker.wait(self.limits, job.id, job.kind)
        if job.kind == "run":
            record = self.judge.verdict(job, claimed, arrays, worker.sampling_s)
        elif job.kind == "fault":
            record = self.judge.fault_verdict(job, claimed, arrays)
        else:
            record = claimed
        shutil.rmtree(arrays, ignore_errors=True)
        # A worker that failed, or that the judge overruled, is not trusted with another job: whatever its job
        # changed in it (patched modules, threads, a record file with lines of its own) goes with it.
        overruled = record.get("status") != claimed.get("status")
        if record.get("status") in ("crashed", "timed_out") or overruled:
            worker.kill()
        if isolated or not worker.alive:
            worker.close()
            del self.workers[name]
        record["job"] = job.id
        record.pop("machine", None)  # which machine measured it is the executor's word, never the worker's
        return record

    def close(self) -> None:
        for worker in self.workers.values():
            worker.close()
        self.workers.clear()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is not None:  # Ctrl-C, SIGTERM, an error: no waiting for busy workers to finish their job
            for worker in self.workers.values():
                worker.kill()
        self.close()


def run_jobs(jobs: Iterable[Job], *, limits: Limits | None = None,
             on_start: Callable[[Job], None] = lambda job: None) -> Iterator[dict[str, Any]]:
    """Run jobs in order, yielding one record per job as it finishes."""
    with WorkerPool(limits or Limits()) as pool:
        for job in jobs:
            on_start(job)
            yield pool.run(job)


def run_jobs_in_lanes(jobs: Iterable[Job], *, limits: Limits | None = None, lanes: int = 2,
                      on_start: Callable[[Job], None] = lambda job: None) -> Iterator[dict[str, Any]]:
    """Run jobs in `lanes` concurrent lanes, each a WorkerPool of its own fed from a balanced part of the list
    (analyzer.sharding's deal, by expected cost), yielding records as they finish. Faster on a machine with a core
    per lane, at a price the records show: a job timed beside another is disturbed by it (the machine probe before
    each sample measures how much). Interrupted, every lane's workers are killed and no further job starts."""
    import queue
    import threading

    from analyzer.sharding import assign, run_cost

    jobs = list(jobs)
    if lanes <= 1 or len(jobs) < 2:
        yield from run_jobs(jobs, limits=limits, on_start=on_start)
        return
    owners = assign([job.id for job in jobs], [run_cost(job.mode, job.size, {}, ()) for job in jobs], lanes)
    events: queue.Queue = queue.Queue()
    stop = threading.Event()
    pools = [WorkerPool(limits or Limits()) for _ in range(lanes)]

    def lane(index: int) -> None:
        try:
            for job, owner in zip(jobs, owners):
                if owner == index and not stop.is_set():
                    events.put(("start", job))
                    events.put(("record", pools[index].run(job)))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            events.put(("error", exc))
        finally:
            events.put(("done", index))

    threads = [threading.Thread(target=lane, args=(i,), daemon=True, name=f"lane-{i + 1}") for i in range(lanes)]
    for thread in threads:
        thread.start()
    try:
        running = lanes
        while running:
            kind, value = events.get()
            if kind == "start":
                on_start(value)
            elif kind == "record":
                yield value
            elif kind == "error":
                raise value
            else:
                running -= 1
    finally:
        stop.set()
        for pool in pools:  # a lane still inside a job sees its worker die and ends after that job
            for worker in list(pool.workers.values()):
                worker.kill()
        for thread in threads:
            thread.join(timeout=30)
        for pool in pools:
            pool.close()


#: Compiler caches a user may point every worker at (by default each worker has its own, in its folder).
CACHE_VARS = ("TORCHINDUCTOR_CACHE_DIR", "TRITON_CACHE_DIR")


def shared_caches(env: dict[str, str]) -> list[str]:
    """The compiler-cache folders the user chose, made if need be: a sandboxed worker may write them (what one
    worker writes there, a later one runs: the user who shares a cache accepts that)."""
    shared = []
    for var in CACHE_VARS:
        folder = env.get(var)
        if folder and not Path(folder).resolve().is_relative_to(run_folder().resolve()):
            Path(folder).mkdir(parents=True, exist_ok=True)
            shared.append(str(Path(folder).resolve()))
    return shared


@functools.lru_cache(maxsize=1)
def run_folder() -> Path:
    """This process's folder for its workers' folders (one tree, which the sandbox hides from each worker but for
    its own folder), removed when the process exits."""
    folder = Path(tempfile.mkdtemp(prefix="usability-score-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


#: How often the parent looks for the processes a worker started (a scan of /proc; each poll reads only their RSS).
TREE_SCAN_S = 0.25


class ProcessTree:
    """A process and its descendants, as the parent sees them: a worker's memory is that of every process it
    started (a child holding a GiB counts), and in the sandbox the worker itself is a child of `unshare`."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.pids: set[int] = {pid}
        self.scanned = 0.0

    def rss_mb(self) -> float:
        if time.monotonic() - self.scanned > TREE_SCAN_S:
            self.pids = descendants(self.pid) | {self.pid}
            self.scanned = time.monotonic()
        return sum(rss_mb(pid) for pid in self.pids)


def descendants(root: int) -> set[int]:
    """Every live descendant of `root`, from the parent links in /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                text = stat.read()
            parent = int(text[text.rindex(b")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def exit_reason(code: int) -> str:
    if code == -signal.SIGXCPU:
        return "exceeded its CPU-time limit (killed by signal SIGXCPU)"
    if code < 0:
        return f"was killed by signal {signal.Signals(-code).name}"
    return f"exited with code {code}"
