"""Orchestration of the deployment measurements: model tasks in, one DeployRecord per task and deployment path out.

For each model task (task.toml `model = true`), framework by framework (their order rotating from task to task, as
for runs), each of the framework's deployment paths (analyzer.frameworks.DEPLOY_PATHS) is

1. exported in the framework's worker: setup(), then the implementation's `export(state, directory, path)`, timed,
   and the artifact measured on disk;
2. reloaded in a fresh worker started for that one job, which never imports the implementation: the path's loader
   loads the artifact, feeds it the task's inputs named by EXPORT_INPUTS, compares what it gives with the oracle's
   EXPORT_OUTPUT within the task's tolerance, and times inference.

A path whose converter or runtime is not installed is recorded as skipped without running anything. Records go to
<out>/deployments.jsonl the moment they exist, so an interrupted run keeps them and `resume` continues it.
Artifacts are written under <out>/artifacts/ and removed once measured, unless asked to keep them.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from analyzer.catalog import CatalogTask
from analyzer.contract import EXPORT_FUNCTION, OPTIONAL, REQUIRED
from analyzer.corpus import DEFAULT_VARIANT, Implementation
from analyzer.execution.runner import Job, Limits, WorkerPool
from analyzer.frameworks import FRAMEWORKS, DeployPath, deploy_paths
from analyzer.model import DeployRecord, deploy_record_from_dict
from analyzer.text import printable
from analyzer.typed import read_records

DEPLOYMENTS_FILE = "deployments.jsonl"
ARTIFACTS_DIR = "artifacts"


@dataclass(frozen=True)
class DeployPlan:
    """What to deploy and how. Deployment is measured on the CPU."""

    frameworks: tuple[str, ...] = tuple(FRAMEWORKS)
    paths: tuple[str, ...] = ()  #: only these deployment paths; () for every path of the chosen frameworks
    size: str = "small"
    threads: int = 1
    limits: Limits = Limits()
    policy: dict[str, Any] = field(default_factory=dict)  #: TimingPolicy overrides for the inference latency
    keep_artifacts: bool = False  #: leave the artifacts in <out>/artifacts/ after measuring them
    #: Reload each artifact in a worker started for it alone (the default: every reload pays its runtime's import,
    #: as a deployer's fresh process does). False reloads the artifacts of one runtime one after another in one
    #: worker, which still never imports an implementation: faster, but import_s is then measured on the first
    #: only and later loads find the runtime warm.
    fresh_reloads: bool = True


@dataclass(frozen=True)
class PlannedDeploy:
    """An export job to run (its reload follows it), or a record known without running anything."""

    key: tuple[str, str, str]  #: task, framework, path
    job: Job | None
    record: DeployRecord | None
    export_sloc: int | None = None


def model_tasks(tasks: Iterable[CatalogTask]) -> list[CatalogTask]:
    """The tasks that define a model (task.toml `model = true`)."""
    return [task for task in tasks if task.spec is not None and task.spec.model]


def plan(tasks: Iterable[CatalogTask], deploy_plan: DeployPlan, *, out_dir: Path) -> list[PlannedDeploy]:
    """Every (model task, framework, path), frameworks interleaved, each an export job or a ready record."""
    planned: list[PlannedDeploy] = []
    artifacts = (out_dir / ARTIFACTS_DIR).resolve()
    for index, task in enumerate(model_tasks(tasks)):
        shift = index % max(len(deploy_plan.frameworks), 1)
        for framework in deploy_plan.frameworks[shift:] + deploy_plan.frameworks[:shift]:
            impl = next((i for i in task.implementations
                         if (i.framework, i.variant) == (framework, DEFAULT_VARIANT)), None)
            if impl is None:
                continue
            sloc = export_sloc(impl.path)
            for path in deploy_paths(framework):
                if not deploy_plan.paths or path.name in deploy_plan.paths:
                    planned.append(_planned(task, impl, path, sloc, deploy_plan, artifacts))
    return planned


def _planned(task: CatalogTask, impl: Implementation, path: DeployPath, sloc: int | None, deploy_plan: DeployPlan,
             artifacts: Path) -> PlannedDeploy:
    assert task.spec is not None
    key = (task.id, impl.framework, path.name)
    missing = missing_modules(path)
    if missing:
        framework = FRAMEWORKS[impl.framework]
        extra = framework.extra if missing[0] == framework.probe_module else path.extra
        reason = f"{', '.join(missing)} not installed (pip install 'usability-score[{extra}]')"
        record = DeployRecord(task.id, impl.framework, path.name, "skipped", reason, legacy=path.legacy,
                              size=deploy_plan.size, export_sloc=sloc)
        return PlannedDeploy(key, None, record, sloc)
    job = Job(id="|".join(key), task=task.id, framework=impl.framework, variant=impl.variant, mode="compiled",
              task_dir=str(task.spec.path.resolve()), impl_path=str(impl.path.resolve()), size=deploy_plan.size,
              device="cpu", threads=deploy_plan.threads, policy=dict(deploy_plan.policy), kind="export",
              deploy_path=path.name, artifact=str(artifacts / task.id / impl.framework / path.name))
    return PlannedDeploy(key, job, None, sloc)


def missing_modules(path: DeployPath) -> list[str]:
    """The framework and the modules a path needs that cannot be found (checked without importing them)."""
    needed = (FRAMEWORKS[path.framework].probe_module, *path.export_requires, *path.reload_requires)
    return [name for name in dict.fromkeys(needed) if importlib.util.find_spec(name) is None]


def export_sloc(path: Path) -> int | None:
    """Source lines of the code an implementation has for deployment alone: its export function and the
    top-level helpers (a wrapper module, say) that only it uses; None when it has no export function."""
    import ast

    from analyzer.static import SourceError, decode_source
    from analyzer.static.size import exclusive_sloc

    try:
        source = decode_source(path.read_bytes())
        return exclusive_sloc(source, ast.parse(source), EXPORT_FUNCTION,
                              tuple(f for f in (*REQUIRED, *OPTIONAL) if f != EXPORT_FUNCTION))
    except (SourceError, SyntaxError, OSError, RecursionError, MemoryError):
        return None


def execute(planned: list[PlannedDeploy], deploy_plan: DeployPlan, *, out_dir: Path, resume: bool = False,
            on_start: Callable[[PlannedDeploy], None] = lambda p: None,
            on_record: Callable[[DeployRecord], None] = lambda r: None,
            versions: dict[str, Any] | None = None) -> list[DeployRecord]:
    """Export and reload what is planned, appending each record to out_dir/deployments.jsonl as it finishes; with
    `resume`, skip what that file already holds. Returns every record of the plan (old and new)."""
    file = out_dir / DEPLOYMENTS_FILE
    done = {r.key: r for r in load_deployments(file)} if resume else {}
    if not resume:
        file.write_text("", encoding="utf-8")
    artifacts = out_dir / ARTIFACTS_DIR
    artifacts.mkdir(exist_ok=True)  # the one folder besides their own that sandboxed workers may write
    try:
        with open(file, "a", encoding="utf-8") as out, WorkerPool(deploy_plan.limits,
                                                                  writable=(str(artifacts.resolve()),)) as pool:
            for item in (p for p in planned if p.key not in done):
                on_start(item)
                record = item.record or _measure(pool, item, deploy_plan, versions)
                done[record.key] = record
                out.write(json.dumps(dataclasses.asdict(record)) + "\n")
                out.flush()
                on_record(record)
    finally:
        try:
            artifacts.rmdir()  # when no artifact was kept
        except OSError:
            pass
    return [done[p.key] for p in planned if p.key in done]


def _measure(pool: WorkerPool, item: PlannedDeploy, deploy_plan: DeployPlan,
             versions: dict[str, Any] | None) -> DeployRecord:
    """Export in the framework's worker; if that worked, reload in a fresh one; one record either way."""
    job = item.job
    assert job is not None
    exported = pool.run(job)
    if versions is not None and exported.get("versions"):
        versions[job.framework] = exported["versions"]
    reloaded = None
    if exported.get("status") == "passed":
        reloaded = pool.run(dataclasses.replace(
            job, kind="reload", artifact=exported["artifact"], export_inputs=tuple(exported["export_inputs"]),
            export_outputs=tuple(exported["export_outputs"]), isolated=deploy_plan.fresh_reloads))
    if not deploy_plan.keep_artifacts:
        _remove(Path(job.artifact))
    return to_record(item, exported, reloaded)


def _remove(artifact: Path) -> None:
    """Remove an artifact's folder, then its parents below <out>/artifacts while they are empty (that folder stays
    while workers run: a sandboxed worker writes there)."""
    shutil.rmtree(artifact, ignore_errors=True)
    for parent in list(artifact.parents)[:2]:  # <framework>, <task>
        try:
            parent.rmdir()
        except OSError:  # not empty (another path's artifact kept) or already gone
            break


def to_record(item: PlannedDeploy, exported: dict[str, Any], reloaded: dict[str, Any] | None) -> DeployRecord:
    """The export's and the reload's raw records as one DeployRecord; the reload's verdict when it ran."""
    job = item.job
    assert job is not None
    final = reloaded if reloaded is not None else exported
    stage = "reload" if reloaded is not None else "export"
    reason = printable(str(final.get("reason", "")))  # the worker's words, shown in a terminal later
    if reason and not reason.startswith(f"{stage}:"):  # the parent's own words: a killed or stopped worker
        reason = f"{stage}: {reason}"
    values = {key: exported.get(key) for key in ("export_s", "artifact_bytes")}
    values.update({key: (reloaded or {}).get(key) for key in
                   ("import_s", "reload_s", "max_abs_err", "max_rel_err", "latency", "isolated")})
    path = next(p for p in deploy_paths(job.framework) if p.name == job.deploy_path)
    return deploy_record_from_dict({
        **values, "task": job.task, "framework": job.framework, "path": job.deploy_path, "legacy": path.legacy,
        "status": final.get("status", "crashed"), "reason": reason if final.get("status") != "passed" else "",
        "device": job.device, "size": job.size, "export_sloc": item.export_sloc,
        "runtime": str((reloaded or {}).get("runtime") or ""),
    })


def load_deployments(path: Path) -> list[DeployRecord]:
    """Records of a deployments.jsonl; a line cut short by an interruption is dropped (its path runs again)."""
    return read_records(path, DeployRecord)[0]
