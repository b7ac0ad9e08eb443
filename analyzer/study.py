"""Orchestration of a measured run: catalog in, run records out, one JSON line per record as each finishes.

Jobs are ordered so that machine drift hits every framework alike: for each round, task by task, the frameworks
take turns (their order rotates from task to task), each in every mode that applies. Records go to
<out>/runs.jsonl the moment they exist, so an interrupted run keeps what it measured and `resume` continues it.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from analyzer.catalog import CatalogTask, eager_only_reason
from analyzer.execution.ray_executor import RaySettings, run_jobs_ray
from analyzer.execution.runner import Job, Limits, run_jobs, run_jobs_in_lanes
from analyzer.frameworks import FRAMEWORKS, framework_installed
from analyzer.model import RunRecord, run_record_from_dict
from analyzer.store import RUNS_FILE, RunLog, load_runs
from analyzer.text import printable

#: The conditions the records of runs.jsonl were taken under; --resume adds records only under the same ones.
CONDITIONS_FILE = "conditions.json"


class ResumeError(ValueError):
    """--resume asked for conditions other than those the folder's records were taken under."""



@dataclass(frozen=True)
class RunPlan:
    """What to run and how."""

    modes: tuple[str, ...] = ("eager",)
    frameworks: tuple[str, ...] = tuple(FRAMEWORKS)
    device: str = "auto"
    sizes: tuple[str, ...] = ("small",)  #: input sizes (analyzer.spec.SIZES), each a separate set of jobs
    threads: int = 1
    rounds: int = 1
    limits: Limits = Limits()
    policy: dict[str, Any] = dataclasses.field(default_factory=dict)
    timing: bool = True  #: time each passing run (validate only checks against the oracle)
    check_determinism: bool = True  #: compare a second fresh run with the first
    shard: str = ""  #: "K/N" when this machine runs one part of the job list (analyzer.sharding); "" for all
    ray: RaySettings | None = None  #: run the jobs on a Ray cluster (analyzer.execution.ray_executor); None: here
    lanes: int = 1  #: jobs run at once on this machine (analyzer.execution.runner.run_jobs_in_lanes); 1: one by one


@dataclass(frozen=True)
class Planned:
    """A job to run, or a record known without running anything (not applicable, framework missing)."""

    key: tuple[str, str, str, str, str, int]  #: task, framework, variant, mode, size, round
    job: Job | None
    record: RunRecord | None
    flops: float | None = None


def plan(tasks: Iterable[CatalogTask], run_plan: RunPlan) -> list[Planned]:
    """Every (round, task, size, mode, framework, variant), interleaved, each either a job or a ready record."""
    planned: list[Planned] = []
    runnable = [task for task in tasks if task.spec is not None and not task.problems]
    for round_ in range(run_plan.rounds):
        for index, task in enumerate(runnable):
            order = _rotated(run_plan.frameworks, index + round_)
            for size in run_plan.sizes:
                for mode in run_plan.modes:
                    for framework in order:
                        for impl in (i for i in task.implementations if i.framework == framework):
                            planned.append(_planned(task, impl, mode, size, round_, run_plan))
    return planned


def _rotated(items: tuple[str, ...], by: int) -> tuple[str, ...]:
    by %= max(len(items), 1)
    return items[by:] + items[:by]


def _planned(task: CatalogTask, impl: Any, mode: str, size: str, round_: int, run_plan: RunPlan) -> Planned:
    spec = task.spec
    assert spec is not None
    key = (task.id, impl.framework, impl.variant, mode, size, round_)
    base = dict(task=task.id, framework=impl.framework, variant=impl.variant, mode=mode, device=run_plan.device,
                size=size, round=round_)
    flops = spec.cost("flops", size)
    if size not in spec.sizes:
        return Planned(key, None, RunRecord(**base, status="not_applicable",
                                            reason=f"{task.id} declares no {size} size"), flops)
    if mode not in spec.modes:
        return Planned(key, None, RunRecord(**base, status="not_applicable",
                                            reason=f"{task.id} declares modes {', '.join(spec.modes)}"), flops)
    if mode == "compiled" and (why := eager_only_reason(impl.path)):
        return Planned(key, None, RunRecord(**base, status="not_applicable", reason=f"eager-only: {why}"), flops)
    if not framework_installed(impl.framework):
        extra = FRAMEWORKS[impl.framework].extra
        return Planned(key, None, RunRecord(**base, status="skipped", reason=f"{FRAMEWORKS[impl.framework].label} is "
                                            f"not installed (pip install 'usability-score[{extra}]')"), flops)
    job = Job(id="|".join(map(str, key)), task=task.id, framework=impl.framework, variant=impl.variant, mode=mode,
              task_dir=str(spec.path.resolve()), impl_path=str(impl.path.resolve()), size=size,
              device=run_plan.device, threads=run_plan.threads, timing=run_plan.timing,
              check_determinism=run_plan.check_determinism, policy=dict(run_plan.policy))
    return Planned(key, job, None, flops)


def execute(planned: list[Planned], run_plan: RunPlan, *, out_dir: Path, resume: bool = False,
            on_start: Callable[[Planned], None] = lambda p: None,
            on_record: Callable[[RunRecord], None] = lambda r: None,
            versions: dict[str, Any] | None = None) -> list[RunRecord]:
    """Run what is planned, appending each record to out_dir/runs.jsonl as it finishes; with `resume`, skip what
    that file already holds. Returns every record of the plan (old and new). The frameworks' versions and the
    accelerators they saw, as the workers report them, are added to `versions`."""
    path = out_dir / RUNS_FILE
    conditions = {"device": run_plan.device, "threads": run_plan.threads, "timing": run_plan.timing,
                  "check_determinism": run_plan.check_determinism, "policy": run_plan.policy,
                  **({"shard": run_plan.shard} if run_plan.shard else {}),
                  **({"lanes": run_plan.lanes} if run_plan.lanes > 1 else {})}
    if resume:
        _check_conditions(out_dir / CONDITIONS_FILE, conditions)
    done = {record_key(r): r for r in load_runs(path)} if resume else {}
    (out_dir / CONDITIONS_FILE).write_text(json.dumps(conditions, indent=1, sort_keys=True), encoding="utf-8")
    by_key = {p.key: p for p in planned}
    todo = [p for p in planned if p.key not in done]
    with RunLog(path, resume=resume) as log:
        def keep(record: RunRecord) -> None:
            done[record_key(record)] = record
            log.append(record)
            on_record(record)

        for ready in (p for p in todo if p.record is not None):
            keep(ready.record)
        jobs = [p.job for p in todo if p.job is not None]
        starts = {job.id: p for p in todo if (job := p.job) is not None}
        runner = (functools.partial(run_jobs_ray, settings=run_plan.ray) if run_plan.ray is not None
                  else functools.partial(run_jobs_in_lanes, lanes=run_plan.lanes) if run_plan.lanes > 1
                  else run_jobs)
        for raw in runner(jobs, limits=run_plan.limits, on_start=lambda job: on_start(starts[job.id])):
            planned_job = by_key[parse_job_id(raw["job"])]
            if versions is not None and raw.get("versions"):
                assert planned_job.job is not None
                versions[planned_job.job.framework] = {**raw["versions"],
                                                       "accelerators": raw.get("accelerators", [])}
            keep(to_record(raw, planned_job))
    return [done[p.key] for p in planned if p.key in done]


def _check_conditions(path: Path, wanted: dict[str, Any]) -> None:
    """Refuse to resume records taken under other conditions (device, threads, timing policy): pooled with the new
    ones they would make a study no single setting produced. A folder from before this file existed is trusted."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError) as exc:
        raise ResumeError(f"{path}: unreadable ({exc}); start afresh without --resume or choose another --out")
    differ = sorted(key for key in wanted if isinstance(found, dict) and found.get(key) != wanted[key])
    if not isinstance(found, dict) or differ:
        said = ", ".join(f"{key} {found.get(key)!r} there, {wanted[key]!r} now" for key in differ) \
            if isinstance(found, dict) else "not a JSON object"
        raise ResumeError(f"{path.parent}: its records were taken under other conditions ({said}); resume with the "
                          f"same settings, or start afresh without --resume or in another --out")


def parse_job_id(job_id: str) -> tuple[str, str, str, str, str, int]:
    """The (task, framework, variant, mode, size, round) key a planned job's id was made from."""
    task, framework, variant, mode, size, round_ = job_id.split("|")
    return task, framework, variant, mode, size, int(round_)


def to_record(raw: dict[str, Any], planned: Planned) -> RunRecord:
    """A worker's raw record, with the job's identity, as a RunRecord."""
    job = planned.job
    assert job is not None
    fields = {f.name for f in dataclasses.fields(RunRecord)}
    values = {key: value for key, value in raw.items() if key in fields}
    values.update(task=job.task, framework=job.framework, variant=job.variant, mode=job.mode, size=job.size,
                  round=planned.key[5], flops=planned.flops)
    values.setdefault("device", job.device)
    if isinstance(values.get("reason"), str):
        values["reason"] = printable(values["reason"])  # the worker's words, shown in a terminal later
    return run_record_from_dict(values)


def record_key(record: RunRecord) -> tuple[str, str, str, str, str, int]:
    return (*record.key, record.round)
