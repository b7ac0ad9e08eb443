"""One worker's state and the timed run job: the framework's adapter, configured once (its import is the
cold-start cost), then each implementation checked against its oracle and timed. Deployment and fault jobs reuse
the same Worker (analyzer.worker.deploy, analyzer.worker.debug_job); analyzer.worker.main dispatches.
"""

from __future__ import annotations

import dataclasses
import time
import traceback
from pathlib import Path
from typing import Any, Callable

from analyzer.contract import REQUIRED
from analyzer.execution.checks import compare
from analyzer.execution.judge import save_arrays
from analyzer.execution.protocol import Job
from analyzer.spec import load_spec
from analyzer.worker.adapters import ADAPTERS, DeviceUnavailable
from analyzer.worker.harness import ContractError, framework_inputs, import_file, make_case, run_once
from analyzer.worker.measure import PeakMemory, TimingPolicy, time_run


class Worker:
    """State that outlives one job: the adapter and the framework's import time."""

    def __init__(self, framework: str, notify: Callable[[str, str], None] = lambda job_id, event: None) -> None:
        self.framework = framework
        self.adapter = ADAPTERS[framework]() if framework in ADAPTERS else None  # the reload worker has none
        self.import_s: float | None = None
        self.notify = notify  #: tells the parent, mid-job, that an event (the samples beginning) happens now

    def configure(self, job: Job) -> None:
        started = time.perf_counter()
        self.adapter.configure(mode=job.mode, device=job.device, threads=job.threads)
        if self.import_s is None:  # the first configure imports the framework: that is its cold-start cost
            self.import_s = time.perf_counter() - started

    def run_job(self, job: Job) -> dict[str, Any]:
        """Run one implementation against the oracle (and time it if asked); never raises."""
        record: dict[str, Any] = {"job": job.id, "status": "crashed", "reason": ""}
        try:
            self.configure(job)
            record.update(import_s=self.import_s, versions=self.adapter.versions())
            job = dataclasses.replace(job, device=self.adapter.resolve_device(job.device))
            record.update(device=job.device, accelerators=self.adapter.devices() if job.device != "cpu" else [])
            self._check_and_time(job, record)
        except DeviceUnavailable as exc:
            record.update(status="skipped", reason=str(exc))
        except ContractError as exc:
            record["reason"] = f"contract: {exc}"
        except Exception as exc:  # noqa: BLE001 - whatever the implementation raises is its result
            record["reason"] = describe(exc, job.impl_path)
        return record

    def _check_and_time(self, job: Job, record: dict[str, Any]) -> None:
        spec = load_spec(Path(job.task_dir))
        case = make_case(spec, job.size)
        module = import_file(Path(job.impl_path), REQUIRED)
        inputs = framework_inputs(case, spec.layouts, self.adapter.layouts)
        sync, to_numpy = self.adapter.sync, self.adapter.to_numpy
        self.adapter.reset_peak_memory()
        with PeakMemory() as memory:
            started = time.perf_counter()
            first, state = run_once(module, inputs, job.device, sync, to_numpy)
            record["first_result_s"] = time.perf_counter() - started
            handed = Path(job.arrays_dir) if job.arrays_dir else None
            if handed is not None:  # the parent's judge decides from these, not from this worker's verdict
                save_arrays(handed / "first.npz", first)
            verdict = compare(first, case.expected, spec.tolerance_for("float32"))
            record.update(max_abs_err=verdict.max_abs_err, max_rel_err=verdict.max_rel_err)
            if not verdict.ok:
                record.update(status="wrong_answer", reason=verdict.reason)
                return
            if job.check_determinism:
                # A second fresh state must give the same outputs; its state is then the one timed.
                second, state = run_once(module, inputs, job.device, sync, to_numpy)
                if handed is not None:  # the judge compares the two (the nondeterminism flag is the parent's)
                    save_arrays(handed / "second.npz", second)
            if job.timing:
                timing = time_run(module.run, state, sync, TimingPolicy(**job.policy),
                                  on_sampling=lambda: self.notify(job.id, "sampling"))
                record["timing"] = timing_dict(timing)
                record["compile_s"] = max(record["first_result_s"] - timing.median_s, 0.0)
        record["peak_host_mb"] = memory.growth_mb
        record["peak_device_mb"] = self.adapter.peak_memory_mb()
        record.update(status="passed", reason="")


def timing_dict(timing: Any) -> dict[str, Any]:
    return dataclasses.asdict(timing)


def describe(exc: BaseException, impl_path: str) -> str:
    """One line: the exception and the deepest frame inside the implementation file, if any."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == impl_path]
    where = f" at {Path(impl_path).name}:{frames[-1].lineno}" if frames else ""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}{where}: {message}"[:500]
