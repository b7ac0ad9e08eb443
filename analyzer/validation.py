"""`validate`: check each task pair's layout and spec, then run every implementation against its oracle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from analyzer.catalog import CatalogTask
from analyzer.execution.runner import Limits, run_jobs
from analyzer.study import RunPlan, parse_job_id, plan


@dataclass(frozen=True)
class Finding:
    """One line of validate's report."""

    task: str  #: task id
    subject: str  #: "spec", or "<framework>[/<variant>] <mode>"
    status: str  #: "problem", "passed", "wrong_answer", "crashed", "timed_out", "skipped", "not_applicable"
    message: str  #: empty when passed

    @property
    def ok(self) -> bool:
        return self.status in ("passed", "skipped", "not_applicable")


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
            emit(Finding(task.id, "spec", "problem", problem))
    if not execute:
        return findings
    run_plan = RunPlan(modes=modes, device="cpu", sizes=(size,), limits=Limits(timeout_s=timeout_s), timing=False,
                       check_determinism=False)
    declared = {task.id: task.spec.modes for task in tasks if task.spec is not None}
    planned = [p for p in plan(tasks, run_plan) if p.key[3] in declared[p.key[0]]]  # undeclared modes: silence
    for ready in (p.record for p in planned if p.record is not None):
        emit(Finding(ready.task, _subject(ready.framework, ready.variant, ready.mode), ready.status, ready.reason))
    for raw in run_jobs([p.job for p in planned if p.job is not None], limits=run_plan.limits):
        task, framework, variant, mode, _, _ = parse_job_id(raw["job"])
        emit(Finding(task, _subject(framework, variant, mode), raw["status"], raw.get("reason", "")))
    return findings


def _subject(framework: str, variant: str, mode: str) -> str:
    return framework + ("" if variant == "default" else f"/{variant}") + f" {mode}"
