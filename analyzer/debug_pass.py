"""Orchestration of the debuggability pass: tasks in, one DebugRecord per (task, framework, mode, fault) out.

The tasks that declare their data (task.toml `[debug] data`) are run once per injected fault (analyzer.faults),
default implementations only, in every mode the task has, in the same isolated, sandboxed workers as the timed
runs. Before any fault job, the task's oracle is asked in a process of its own which faults apply and what their
intended answers are; a fault that does not apply is recorded as not applicable without running anything. Each
job's traceback text (or its outputs, which the parent's judge classifies) becomes the record's figures in the
parent (analyzer.debugging), which reads the implementation file as text and never imports it.

First, in workers that have run no contributed code yet, the print/breakpoint probe (analyzer.worker.probe)
runs once per framework and mode.

Records go to <out>/debug.jsonl and <out>/probes.jsonl the moment they exist; `resume` continues an interrupted
pass. Nothing is timed: the jobs may take turns in any order.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from analyzer.catalog import CatalogTask, eager_only_reason
from analyzer.corpus import DEFAULT_VARIANT, Implementation
from analyzer.debugging import diagnose, fault_score
from analyzer.execution.judge import JudgeError
from analyzer.execution.protocol import FaultAnswer
from analyzer.execution.runner import Job, Limits, WorkerPool
from analyzer.faults import FAULTS
from analyzer.frameworks import FRAMEWORKS, framework_installed
from analyzer.model import DebugRecord, ProbeRecord
from analyzer.spec import MODES
from analyzer.text import printable
from analyzer.typed import read_records

DEBUG_FILE = "debug.jsonl"
PROBES_FILE = "probes.jsonl"
#: The most of an implementation file the parent reads to place an error (larger files are refused elsewhere).
MAX_SOURCE_BYTES = 2_000_000


@dataclass(frozen=True)
class DebugPlan:
    """What to inject and where. The pass runs on the CPU at the small size: it measures errors, not speed."""

    frameworks: tuple[str, ...] = tuple(FRAMEWORKS)
    modes: tuple[str, ...] = MODES
    faults: tuple[str, ...] = tuple(f.name for f in FAULTS)
    size: str = "small"
    threads: int = 1
    limits: Limits = Limits(timeout_s=120.0)
    probes: bool = True  #: run the print/breakpoint probe per framework and mode
    probe_calls: int = 3


@dataclass(frozen=True)
class PlannedFault:
    key: tuple[str, str, str, str, str]  #: task, framework, variant, mode, fault
    job: Job | None
    record: DebugRecord | None


def debug_tasks(tasks: Iterable[CatalogTask]) -> list[CatalogTask]:
    """The runnable tasks that declare their data for the pass."""
    return [t for t in tasks if t.spec is not None and not t.problems and t.spec.debug_data]


def plan(tasks: Iterable[CatalogTask], debug_plan: DebugPlan) -> list[PlannedFault]:
    planned = []
    for index, task in enumerate(debug_tasks(tasks)):
        shift = index % max(len(debug_plan.frameworks), 1)
        for framework in debug_plan.frameworks[shift:] + debug_plan.frameworks[:shift]:
            impl = next((i for i in task.implementations
                         if (i.framework, i.variant) == (framework, DEFAULT_VARIANT)), None)
            if impl is None:
                continue
            for mode in debug_plan.modes:
                for fault in debug_plan.faults:
                    planned.append(_planned(task, impl, mode, fault, debug_plan))
    return planned


def _planned(task: CatalogTask, impl: Implementation, mode: str, fault: str, debug_plan: DebugPlan) -> PlannedFault:
    spec = task.spec
    assert spec is not None
    key = (task.id, impl.framework, impl.variant, mode, fault)
    base = dict(task=task.id, framework=impl.framework, variant=impl.variant, mode=mode, fault=fault,
                size=debug_plan.size, device="cpu")
    why = ""
    if mode not in spec.modes:
        why = f"{task.id} declares modes {', '.join(spec.modes)}"
    elif mode == "compiled" and (eager_only := eager_only_reason(impl.path)):
        why = f"eager-only: {eager_only}"
    if why:
        return PlannedFault(key, None, DebugRecord(**base, status="not_applicable", reason=why))
    if not framework_installed(impl.framework):
        label, extra = FRAMEWORKS[impl.framework].label, FRAMEWORKS[impl.framework].extra
        return PlannedFault(key, None, DebugRecord(**base, status="skipped", reason=f"{label} is not installed "
                                                                                    f"(pip install 'usability-score[{extra}]')"))
    job = Job(id="|".join(key), task=task.id, framework=impl.framework, variant=impl.variant, mode=mode,
              task_dir=str(spec.path.resolve()), impl_path=str(impl.path.resolve()), size=debug_plan.size,
              device="cpu", threads=debug_plan.threads, kind="fault", fault=fault)
    return PlannedFault(key, job, None)


def execute(planned: list[PlannedFault], debug_plan: DebugPlan, *, out_dir: Path, resume: bool = False,
            on_start: Callable[[str], None] = lambda label: None,
            on_record: Callable[[Any], None] = lambda record: None,
            versions: dict[str, Any] | None = None) -> tuple[list[DebugRecord], list[ProbeRecord]]:
    """Run the probes, then what is planned, appending each record to out_dir/probes.jsonl and debug.jsonl as it
    finishes; with `resume`, skip what those files hold. Returns every record of the plan (old and new)."""
    files = out_dir / DEBUG_FILE, out_dir / PROBES_FILE
    done = {r.key: r for r in load_debug(files[0])} if resume else {}
    probed = {(r.framework, r.mode): r for r in load_probes(files[1])} if resume else {}
    for file in files if not resume else ():
        file.write_text("", encoding="utf-8")
    sources: dict[str, str] = {}
    with open(files[0], "a", encoding="utf-8") as out, open(files[1], "a", encoding="utf-8") as probe_out, \
            WorkerPool(debug_plan.limits) as pool:
        def keep(record: Any, file: Any) -> None:
            file.write(json.dumps(dataclasses.asdict(record)) + "\n")
            file.flush()
            on_record(record)

        for framework, mode in _probe_plan(planned, debug_plan):  # first: these workers have run nothing yet
            if (framework, mode) not in probed:
                on_start(f"probe {framework} {mode}")
                probed[(framework, mode)] = record = _probe(pool, framework, mode, debug_plan, versions)
                keep(record, probe_out)
        for item in (p for p in planned if p.key not in done):
            on_start(" ".join(item.key))
            done[item.key] = record = item.record or _measure(pool, item, sources, versions)
            keep(record, out)
    probes = [probed[k] for k in _probe_plan(planned, debug_plan) if k in probed]
    return [done[p.key] for p in planned if p.key in done], probes


def _probe_plan(planned: list[PlannedFault], debug_plan: DebugPlan) -> list[tuple[str, str]]:
    if not debug_plan.probes:
        return []
    return [(framework, mode) for framework in debug_plan.frameworks for mode in debug_plan.modes
            if framework_installed(framework)]


def _probe(pool: WorkerPool, framework: str, mode: str, debug_plan: DebugPlan,
           versions: dict[str, Any] | None) -> ProbeRecord:
    job = Job(id=f"probe|{framework}|{mode}", task="", framework=framework, variant=DEFAULT_VARIANT, mode=mode,
              task_dir="", impl_path="", device="cpu", threads=debug_plan.threads, kind="probe",
              policy={"calls": debug_plan.probe_calls})
    raw = pool.run(job)
    if versions is not None and raw.get("versions"):
        versions[framework] = raw["versions"]
    counts = raw.get("probe") if isinstance(raw.get("probe"), dict) else {}
    figures = {key: counts.get(key) if isinstance(counts.get(key), int) else None
               for key in ("python_print", "breakpoint", "framework_print")}
    status = raw.get("status", "crashed") if raw.get("status") != "passed" or counts else "crashed"
    return ProbeRecord(framework, mode, status, calls=debug_plan.probe_calls, **figures,
                       reason=printable(str(raw.get("reason", "")))[:500])


def _measure(pool: WorkerPool, item: PlannedFault, sources: dict[str, str],
             versions: dict[str, Any] | None) -> DebugRecord:
    job = item.job
    assert job is not None
    base = dict(task=job.task, framework=job.framework, variant=job.variant, mode=job.mode, fault=job.fault,
                size=job.size, device=job.device)
    try:
        manifest, _ = pool.judge.faults(job.task_dir, job.size)
    except JudgeError as exc:
        return DebugRecord(**base, status="crashed", reason=f"oracle: {exc}")
    entry = manifest.get(job.fault)
    if entry is None or not entry.applies:
        why = entry.why if entry is not None else "the oracle's manifest does not name it"
        misdeclared = entry is not None and entry.declaration
        return DebugRecord(**base, status="crashed" if misdeclared else "not_applicable", reason=printable(why)[:300])
    raw = pool.run(job)
    if versions is not None and raw.get("versions"):
        versions[job.framework] = raw["versions"]
    return to_record(base, raw, entry, job.impl_path, _source(job.impl_path, sources))


def _source(path: str, sources: dict[str, str]) -> str:
    if path not in sources:
        try:
            with open(path, "rb") as file:
                sources[path] = file.read(MAX_SOURCE_BYTES).decode("utf-8", errors="replace")
        except OSError:
            sources[path] = ""
    return sources[path]


def to_record(base: dict[str, Any], raw: dict[str, Any], entry: FaultAnswer, impl_path: str,
              source: str) -> DebugRecord:
    """A judged fault job as a DebugRecord, its error diagnosed here from the traceback text."""
    status, outcome = str(raw.get("status", "crashed")), str(raw.get("outcome", ""))
    values: dict[str, Any] = dict(status=status, outcome=outcome, warnings=_count(raw.get("warnings")),
                                  warning=printable(str(raw.get("warning", "")))[:300])
    if status not in ("raised", "returned"):
        return DebugRecord(**base, **values, reason=printable(str(raw.get("reason", "")))[:500])
    if outcome == "raised":
        found = diagnose(str(raw.get("traceback", "")), impl_path, source,
                         tuple(entry.targets), tuple(entry.sizes), tuple(entry.words))
        if found.in_plumbing:  # no verdict on the user's code: listed with the jobs that reached none
            first = local_paths_out(found.message, impl_path).splitlines()[:1] or [""]
            return DebugRecord(**base, status="crashed", warnings=values["warnings"], warning=values["warning"],
                               reason=printable(f"the fault reached {found.entry}(), the harness's plumbing, before "
                                                f"the user's code: {first[0]}")[:500])
        values.update({k: v for k, v in dataclasses.asdict(found).items() if k != "entry"},
                      phase=str(raw.get("phase", "")))
        values.update(message=printable(local_paths_out(found.message, impl_path)),
                      user_source=printable(found.user_source))
        values["score"] = fault_score(outcome, found.localised, found.informative)
    else:
        values["score"] = fault_score(outcome)
    return DebugRecord(**base, **values)


_SITE = re.compile(r"[^\s\"']*/(site|dist)-packages/")


def local_paths_out(text: str, impl_path: str) -> str:
    """A message as it can be published: the catalog's folder and the installed packages' folder of this machine
    taken out of the paths it quotes ("reference_impls/mlp/torch.py", "site-packages/keras/...")."""
    root = str(Path(impl_path).parents[2]) + "/" if impl_path.count("/") >= 3 else ""
    return _SITE.sub(r"\1-packages/", text.replace(root, "") if root else text)


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def load_debug(path: Path) -> list[DebugRecord]:
    """Records of a debug.jsonl; a line cut short by an interruption is dropped (its job runs again)."""
    return read_records(path, DebugRecord)[0]


def load_probes(path: Path) -> list[ProbeRecord]:
    return read_records(path, ProbeRecord)[0]
