"""`validate`: check each task pair's layout and spec, then run every implementation against its oracle."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from analyzer.catalog import CatalogTask
from analyzer.execution.runner import Limits, run_jobs
from analyzer.model import OK_STATUSES
from analyzer.study import RunPlan, parse_job_id, plan


#: The catalog's line for a framework file not written yet (analyzer.catalog).
MISSING_IMPL = re.compile(r": missing .+ implementation$")


@dataclass(frozen=True)
class Finding:
    """One line of validate's report."""

    task: str  #: task id
    subject: str  #: "spec", or "<framework>[/<variant>] <mode>"
    status: str  #: "problem", "passed", "wrong_answer", "crashed", "timed_out", "skipped", "not_applicable"
    message: str  #: empty when passed

    @property
    def ok(self) -> bool:
        return self.status in OK_STATUSES


def validate(tasks: Iterable[CatalogTask], *, modes: tuple[str, ...] = ("eager",), execute: bool = True,
             size: str = "small", timeout_s: float = 300.0,
             on_finding: Callable[[Finding], None] = lambda finding: None) -> list[Finding]:
    """Every problem and every run's verdict, in order; `on_finding` sees each as soon as it is known.

    Runs are planned exactly as a study plans them (analyzer.study.plan), only untimed and checked once."""
    findings: list[Finding] = []

    def emit(finding: Finding) -> None:
        findings.append(finding)
        on_finding(finding)

    tasks = list(tasks)
    for task in tasks:
        for problem in task.problems:
            emit(Finding(task.id, _problem_subject(task, problem), "problem", problem))
    if not execute:
        return findings
    run_plan = RunPlan(modes=modes, device="cpu", sizes=(size,), limits=Limits(timeout_s=timeout_s), timing=False,
                       check_determinism=False)
    runnable = []
    for task in (runnable_part(task) for task in tasks):
        if task is None:
            continue
        why = oracle_problem(task, size, timeout_s)  # asked first: a broken oracle is not the frameworks' fault
        if why:
            emit(Finding(task.id, "oracle", "problem", why))
        else:
            runnable.append(task)
    declared = {task.id: task.spec.modes for task in runnable if task.spec is not None}
    planned = [p for p in plan(runnable, run_plan) if p.key[3] in declared[p.key[0]]]  # undeclared modes: silence
    for ready in (p.record for p in planned if p.record is not None):
        emit(Finding(ready.task, _subject(ready.framework, ready.variant, ready.mode), ready.status, ready.reason))
    for raw in run_jobs([p.job for p in planned if p.job is not None], limits=run_plan.limits):
        task, framework, variant, mode, _, _ = parse_job_id(raw["job"])
        emit(Finding(task, _subject(framework, variant, mode), raw["status"], raw.get("reason", "")))
    return findings


def _problem_subject(task: CatalogTask, problem: str) -> str:
    """What a problem line is about: the implementation file it names ("torch file"), the oracle, or the spec."""
    for impl in task.implementations:
        if problem.startswith(f"{impl.path}:"):
            return _subject(impl.framework, impl.variant, "file")
    if MISSING_IMPL.search(problem):
        return f"{problem.split(': missing ', 1)[0].rsplit('/', 1)[-1].removesuffix('.py')} file"
    return "oracle" if problem.split(":", 1)[0].endswith("oracle.py") else "spec"


def runnable_part(task: CatalogTask) -> CatalogTask | None:
    """The task with the implementations that can run despite its problems (a file that does not parse is left
    out, its siblings still run); None when nothing can (no spec, a broken oracle, a link out of the tree)."""
    if task.spec is None:
        return None
    broken = {str(i.path) for i in task.implementations if any(p.startswith(f"{i.path}:") for p in task.problems)}
    others = [p for p in task.problems if not any(p.startswith(f"{path}:") for path in broken)
              and not MISSING_IMPL.search(p)]  # a framework file not written yet stops nothing
    if others:
        return None
    return dataclasses.replace(task, problems=(), implementations=tuple(
        i for i in task.implementations if str(i.path) not in broken))


def oracle_problem(task: CatalogTask, size: str, timeout_s: float) -> str:
    """Why the task's oracle gives no answer at `size`, asked in a sandboxed process of its own; "" when it does."""
    import tempfile
    from pathlib import Path

    from analyzer.execution.judge import Judge, JudgeError
    from analyzer.execution.runner import run_folder, worker_env

    assert task.spec is not None
    judge = Judge(Path(tempfile.mkdtemp(prefix="validate-", dir=run_folder())), timeout_s=timeout_s,
                  env=worker_env(), hidden=(str(run_folder()),))
    try:
        judge.expected(str(task.spec.path.resolve()), size)
    except JudgeError as exc:
        return str(exc)
    return ""


def _subject(framework: str, variant: str, mode: str) -> str:
    return framework + ("" if variant == "default" else f"/{variant}") + f" {mode}"
