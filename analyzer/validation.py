"""`validate`: check each task pair's layout and spec, then run every implementation against its oracle."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Callable, Iterable

from analyzer.catalog import CatalogTask, eager_only_reason
from analyzer.execution.runner import Job, Limits, run_jobs
from analyzer.frameworks import FRAMEWORKS


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


def framework_installed(name: str) -> bool:
    """True when the framework's module can be found (checked without importing it)."""
    return importlib.util.find_spec(FRAMEWORKS[name].probe_module) is not None


def validate(tasks: Iterable[CatalogTask], *, modes: tuple[str, ...] = ("eager",), execute: bool = True,
             size: str = "small", timeout_s: float = 300.0,
             on_finding: Callable[[Finding], None] = lambda finding: None) -> list[Finding]:
    """Every problem and every run's verdict, in order; `on_finding` sees each as soon as it is known."""
    findings: list[Finding] = []

    def emit(finding: Finding) -> None:
        findings.append(finding)
        on_finding(finding)

    jobs: list[Job] = []
    for task in tasks:
        for problem in task.problems:
            emit(Finding(task.id, "spec", "problem", problem))
        if not execute or task.spec is None or task.problems:
            continue
        for impl in task.implementations:
            for mode in (m for m in modes if m in task.spec.modes):
                subject = impl.framework + ("" if impl.variant == "default" else f"/{impl.variant}") + f" {mode}"
                if mode == "compiled" and (why := eager_only_reason(impl.path)):
                    emit(Finding(task.id, subject, "not_applicable", f"eager-only: {why}"))
                    continue
                if not framework_installed(impl.framework):
                    emit(Finding(task.id, subject, "skipped",
                                 f"{FRAMEWORKS[impl.framework].label} is not installed "
                                 f"(pip install 'usability-score[{FRAMEWORKS[impl.framework].extra}]')"))
                    continue
                jobs.append(Job(id=f"{task.id}|{subject}", task=task.id, framework=impl.framework,
                                variant=impl.variant, mode=mode, task_dir=str(task.spec.path.resolve()),
                                impl_path=str(impl.path.resolve()), size=size, check_determinism=False))
    for record in run_jobs(jobs, limits=Limits(timeout_s=timeout_s)):
        task_id, subject = record["job"].split("|", 1)
        emit(Finding(task_id, subject, record["status"], record.get("reason", "")))
    return findings
