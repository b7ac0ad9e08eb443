"""Parent side: run a pass's jobs on a Ray cluster (`--executor ray`), one Ray task per job, records streamed back.

Each job becomes a Ray task that asks for what it needs: `threads` CPUs, one GPU for a cuda job, and one unit of a
custom resource when the user names a hardware kind (`--ray-resource h100` runs every job on nodes started with
`ray start --resources '{"h100": 8}'`). On the node the task does exactly what the local executor does: a
WorkerPool starts the same sandboxed worker process with the same limits, environment whitelist and timing
policy, and the node's judge (the oracle in a process of its own) reaches the verdict from the outputs the worker
hands over. The Ray task is harness code: it never imports the implementation or a framework, so nothing a worker
says is believed on a node any more than it is here.

Timed jobs on one device never overlap: before its job, a task takes a per-device lock on its node (a file lock
named after the device: the node's CPUs, or the GPU Ray assigned), so that two jobs Ray places side by side on a
16-core node or on one GPU take turns instead of disturbing each other's timing. Jobs of other devices run at the
same time. Declaring one unit of a custom resource per node and naming it with `--ray-resource` gives Ray the same
limit up front.

The nodes receive the catalog of the pass as Ray's `working_dir` (the task folders and the implementation folders
of the jobs, nothing else); usability-score itself and the frameworks must be installed on every node, at the
same usability-score version as here (a node with another version records its jobs as crashed, saying so).

A Ray task whose node dies or whose process is killed is retried once by Ray (`max_retries=1`); if the retry fails
too, the job is recorded as crashed with Ray's reason. An error inside the harness on the node is not retried (it
would fail again) and is recorded as crashed with its message. Records come back in the order jobs finish; each
is written to runs.jsonl as it arrives, so an interrupted pass keeps them and `--resume` continues it.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from analyzer.execution.runner import Job, Limits, WorkerPool

#: Ray retries a task whose worker or node died this many times before the job is recorded as crashed.
RETRIES = 1
LOCK_PREFIX = "usability-score-device-"


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster cannot be reached; the message says which and what to do."""


@dataclass(frozen=True)
class RaySettings:
    """Where and how a pass runs on Ray."""

    address: str | None = None  #: a cluster ("ray://host:10001", "host:6379", "auto"); None starts a local instance
    resource: str = ""  #: a custom resource naming the hardware kind every job must run on ("" for any node)


def available() -> str | None:
    """None when Ray can be imported, else why not (with the install command)."""
    try:
        import ray  # noqa: F401
    except ImportError as exc:
        return f"Ray is not installed ({exc}); pip install 'usability-score[ray]'"
    return None


def task_options(job: Job, settings: RaySettings) -> dict[str, Any]:
    """The resources one job's Ray task asks for."""
    options: dict[str, Any] = {"num_cpus": max(job.threads, 1), "max_retries": RETRIES, "retry_exceptions": False}
    if job.device == "cuda":
        options["num_gpus"] = 1
    if settings.resource:
        options["resources"] = {settings.resource: 1}
    return options


def bundle(jobs: Iterable[Job], folder: Path) -> dict[str, Job]:
    """Copy what the nodes need (each job's task folder and implementation folder) under `folder`, and return the
    jobs with their paths made relative to it (a node resolves them against its copy of the folder)."""
    rebased: dict[str, Job] = {}
    for job in jobs:
        task_dir, impl = Path(job.task_dir), Path(job.impl_path)
        task_rel = Path("tasks") / _slot(task_dir)
        impl_rel = Path("impls") / _slot(impl.parent) / impl.name
        for source, target in ((task_dir, folder / task_rel), (impl.parent, folder / impl_rel.parent)):
            if not target.exists():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        rebased[job.id] = dataclasses.replace(job, task_dir=str(task_rel), impl_path=str(impl_rel),
                                              device="cuda" if job.device == "cuda" else "cpu")
    return rebased


def _slot(path: Path) -> Path:
    """Where a source folder goes in the bundle: under a folder of its own (two source folders of the same name
    stay apart), with its own name (a task folder's name is its id)."""
    import hashlib

    return Path(hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]) / path.name


def run_jobs_ray(jobs: Iterable[Job], *, limits: Limits | None = None, settings: RaySettings = RaySettings(),
                 on_start: Callable[[Job], None] = lambda job: None) -> Iterator[dict[str, Any]]:
    """Run jobs on Ray, yielding one raw record per job as it finishes (in the order they finish, each with the
    job's id under "job" and the machine of the node that ran it under "machine")."""
    jobs = list(jobs)
    if not jobs:
        return
    if (why := available()) is not None:
        raise RayUnavailable(why)
    import ray

    from analyzer._version import __version__

    limits = limits or Limits()
    folder = Path(tempfile.mkdtemp(prefix="usability-score-ray-"))
    started_here = False
    try:
        rebased = bundle(jobs, folder)
        if not ray.is_initialized():
            try:
                ray.init(address=settings.address, include_dashboard=False, log_to_driver=False,
                         configure_logging=False, runtime_env={"working_dir": str(folder)})
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise RayUnavailable(f"Ray: cannot start or reach {settings.address or 'a local instance'}: "
                                     f"{exc}") from None
            started_here = True
        remote = ray.remote(run_on_node)
        pending = {}
        for job in jobs:
            ref = remote.options(**task_options(job, settings)).remote(
                dataclasses.asdict(rebased[job.id]), _limits_for_node(limits), __version__)
            pending[ref] = job
        try:
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                job = pending.pop(done[0])
                on_start(job)
                yield _collect(ray, done[0], job)
        finally:
            for ref in pending:  # interrupted: nothing keeps running on the cluster for a pass that has ended
                ray.cancel(ref, force=True)
    finally:
        if started_here:
            ray.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


def _collect(ray: Any, ref: Any, job: Job) -> dict[str, Any]:
    """The record a task returned, or a crashed record that says what Ray reported."""
    try:
        record = ray.get(ref)
    except ray.exceptions.RayTaskError as exc:  # the harness on the node raised: retrying would fail again
        cause = exc.cause if getattr(exc, "cause", None) is not None else exc
        record = {"status": "crashed", "reason": f"the harness on the Ray node failed: "
                                                 f"{type(cause).__name__}: {_first_line(cause)}"}
    except ray.exceptions.RayError as exc:  # the node or its process died, the task was cancelled, ...
        record = {"status": "crashed", "reason": f"the Ray task failed after {RETRIES + 1} attempts "
                                                 f"({type(exc).__name__}): {_first_line(exc)}"}
    if not isinstance(record, dict):
        record = {"status": "crashed", "reason": "the Ray task returned no record"}
    record["job"] = job.id
    return record


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines() or [""])[0][:300]


def _limits_for_node(limits: Limits) -> dict[str, Any]:
    """The limits a node applies: ours, except the memory cap, which each node derives from its own memory unless
    it was set below that default here."""
    values = dataclasses.asdict(limits)
    if limits.memory_mb == Limits().memory_mb:
        values.pop("memory_mb")
    return values


def run_on_node(job_fields: dict[str, Any], limits_fields: dict[str, Any], version: str) -> dict[str, Any]:
    """The Ray task: run one job on this node exactly as the local executor would, and say which machine ran it."""
    from analyzer._version import __version__

    machine = node_machine()
    if version != __version__:
        return {"status": "crashed", "machine": machine,
                "reason": f"the Ray node runs usability-score {__version__}, the driver {version}: install the same "
                          f"version on every node"}
    job = Job(**{**job_fields, "task_dir": str(Path(job_fields["task_dir"]).resolve()),
                 "impl_path": str(Path(job_fields["impl_path"]).resolve())})
    if job.device != "cuda":  # a CPU job sees no GPU, whatever Ray's defaults are for tasks that asked for none
        os.environ["CUDA_VISIBLE_DEVICES"] = ""
    with device_lock(job.device):
        record = _pool(limits_fields).run(job)
    record["machine"] = machine
    return record


#: The WorkerPool of this Ray worker process, kept between its tasks as the local executor keeps its pool between
#: jobs (a framework's worker is reused until a job fails in it; with fresh_workers every job gets a new one). Ray
#: ends its worker processes when the pass's driver disconnects, and the framework workers die with them.
_POOLS: dict[tuple[str, str], WorkerPool] = {}


def _pool(limits_fields: dict[str, Any]) -> WorkerPool:
    """This process's pool for these limits and the GPUs Ray gave this task (a pool started for other GPUs is
    closed: its workers hold those)."""
    import json

    key = (json.dumps(limits_fields, sort_keys=True), os.environ.get("CUDA_VISIBLE_DEVICES", ""))
    if key not in _POOLS:
        for pool in _POOLS.values():
            pool.close()
        _POOLS.clear()
        _POOLS[key] = WorkerPool(Limits(**limits_fields))
    return _POOLS[key]


@functools.lru_cache(maxsize=None)
def node_machine() -> str:
    """This node's machine, named as analyzer.model.machine_of names a study's: CPU model and GPUs."""
    from analyzer.environment import cpu_model, gpus

    return " + ".join(filter(None, [cpu_model(), *(g["name"] for g in gpus())]))


class device_lock:
    """An exclusive lock on this node's device for the duration of one job: the node's CPUs for a CPU job, the GPU
    Ray assigned for a cuda job (a file lock: released by the kernel if the task dies)."""

    def __init__(self, device: str) -> None:
        gpu = (os.environ.get("CUDA_VISIBLE_DEVICES", "") or "0").replace(",", "_")
        name = f"cuda-{gpu}" if device == "cuda" else "cpu"
        self.path = Path(tempfile.gettempdir()) / f"{LOCK_PREFIX}{name}.lock"

    def __enter__(self) -> "device_lock":
        import fcntl

        self.file = open(self.path, "a")
        fcntl.flock(self.file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()  # closing releases the lock
