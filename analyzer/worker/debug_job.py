"""Worker side of the debuggability pass: run one implementation on faulted inputs and say what happened.

A "fault" job applies one fault (analyzer.faults) to the task's inputs, then goes through the phases a user's
program goes through: setup (setup() and load_weights()), the first call (run(), which compiles in compiled mode,
and result()), and a later call. It records the phase in which an exception escaped and the full traceback text,
which the parent parses (the parent imports no framework); or, when every phase returned, it hands the first
call's outputs over as `first.npz` for the parent to classify (a silent wrong answer, a wrong shape, NaN or Inf, or
the fault handled). Python warnings raised meanwhile are counted: a framework that warns about a broadcast it then
performs has said something, if not enough. A "probe" job runs the fixed print/breakpoint probe
(analyzer.worker.probe) in a worker that has imported no contributed code.
"""

from __future__ import annotations

import traceback
import warnings
from pathlib import Path
from typing import Any

from analyzer.contract import REQUIRED
from analyzer.execution.judge import save_arrays
from analyzer.execution.protocol import Job
from analyzer.faults import PHASES, FaultError, inject
from analyzer.spec import load_spec
from analyzer.worker.harness import ContractError, framework_inputs, import_file, make_case, prepare

#: The most traceback text a record carries: its head (where it began) and its tail (the exception) are kept.
MAX_TRACEBACK_CHARS = 20_000


def fault_job(worker: Any, job: Job) -> dict[str, Any]:
    """Run job.impl_path on inputs with job.fault applied; never raises."""
    record: dict[str, Any] = {"job": job.id, "status": "crashed", "reason": ""}
    try:
        worker.configure(job)
        record.update(import_s=worker.import_s, versions=worker.adapter.versions())
        device = worker.adapter.resolve_device(job.device)
        record["device"] = device
        spec = load_spec(Path(job.task_dir))
        case = make_case(spec, job.size)
        injected = inject(job.fault, case.inputs, spec.debug_data, spec.debug_labels)
        module = import_file(Path(job.impl_path), REQUIRED)
        inputs = framework_inputs(injected.inputs, spec.layouts, worker.adapter.layouts)
    except FaultError as exc:
        return {**record, "status": "not_applicable", "reason": str(exc)}
    except ContractError as exc:
        return {**record, "reason": f"contract: {exc}"}
    except Exception as exc:  # noqa: BLE001 - a broken oracle or file is this job's crash, not the pass's
        return {**record, "reason": f"before the faulty input reached the code: {type(exc).__name__}: {exc}"[:500]}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        record.update(_phases(worker, module, inputs, device, Path(job.arrays_dir)))
    messages = [str(w.message).strip().splitlines()[0][:300] for w in caught if str(w.message).strip()]
    record.update(warnings=len(caught), warning=messages[0] if messages else "")
    return record


def _phases(worker: Any, module: Any, inputs: dict[str, Any], device: str, handed: Path) -> dict[str, Any]:
    adapter = worker.adapter
    phase = PHASES[0]
    try:
        state = prepare(module, inputs, device)
        for phase in PHASES[1:]:
            output = module.run(state)
            adapter.sync(output)
            got = module.result(state, output)
            if not isinstance(got, dict):
                raise ContractError(f"result() returned {type(got).__name__}, expected a dict of arrays")
            converted = {key: adapter.to_numpy(value) for key, value in got.items()}
            if phase == "first_call":
                save_arrays(handed / "first.npz", converted)
    except ContractError as exc:
        return {"status": "crashed", "reason": f"contract: {exc}"}
    except Exception as exc:  # noqa: BLE001 - the error is the measurement
        return {"status": "raised", "phase": phase, "error": type(exc).__name__, "traceback": _text(exc)}
    return {"status": "returned", "phase": ""}


def _text(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(exc))
    if len(text) <= MAX_TRACEBACK_CHARS:
        return text
    half = MAX_TRACEBACK_CHARS // 2
    return f"{text[:half]}\n[... {len(text) - 2 * half} characters left out ...]\n{text[-half:]}"


def probe_job(worker: Any, job: Job) -> dict[str, Any]:
    """The print/breakpoint probe in this worker's framework and the job's mode; never raises."""
    record: dict[str, Any] = {"job": job.id, "status": "crashed", "reason": ""}
    try:
        worker.configure(job)
        from analyzer.worker.probe import run_probe

        counts = run_probe(worker.framework, job.mode, calls=int(job.policy.get("calls") or 3))
    except Exception as exc:  # noqa: BLE001 - a probe that fails says so
        return {**record, "reason": f"{type(exc).__name__}: {exc}"[:500]}
    return {**record, "status": "passed", "versions": worker.adapter.versions(), "probe": counts}
