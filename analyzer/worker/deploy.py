"""Worker side of deployment: export a model one way (in its framework's worker) and reload the artifact (in a fresh
worker that never imports the implementation), check it against the oracle and time it.

Both jobs return a raw record and never raise. A converter or runtime that is not installed makes the path
"skipped"; anything else that goes wrong is "crashed" with its reason, which says whether the export or the reload
failed; outputs that differ from the oracle make it "wrong_answer".
"""

from __future__ import annotations

import dataclasses
import importlib
import shutil
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from analyzer.contract import EXPORT_FUNCTION, REQUIRED
from analyzer.execution.checks import compare
from analyzer.execution.protocol import Job
from analyzer.frameworks import deploy_path
from analyzer.spec import load_spec
from analyzer.worker.adapters import ADAPTERS
from analyzer.worker.harness import Case, ContractError, framework_inputs, import_file, make_case, prepare
from analyzer.worker.loaders import LOADERS, InputMismatch, flatten_outputs
from analyzer.worker.measure import TimingPolicy, time_run
from analyzer.worker.session import Worker, describe, timing_dict

#: What a model task's implementation adds to the contract: `export(state, directory, path) -> artifact path`.
EXPORT_CONTRACT = (*REQUIRED, EXPORT_FUNCTION)


def export_job(worker: Worker, job: Job) -> dict[str, Any]:
    """setup(), then time export() for one deployment path and measure the artifact on disk."""
    record: dict[str, Any] = {"job": job.id, "status": "crashed", "reason": ""}
    try:
        worker.configure(dataclasses.replace(job, mode="compiled"))  # export traces or compiles: the framework's normal state
        record["versions"] = worker.adapter.versions() if worker.adapter else {}
        spec = load_spec(Path(job.task_dir))
        case = make_case(spec, job.size)
        module = import_file(Path(job.impl_path), EXPORT_CONTRACT)
        inputs, outputs = export_contract(module, case)
        record.update(export_inputs=list(inputs), export_outputs=list(outputs))
        state = prepare(module, framework_inputs(case, spec.layouts, worker.adapter.layouts), job.device)
        directory = Path(job.artifact)
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        try:
            for name in deploy_path(job.deploy_path).export_requires:
                importlib.import_module(name)  # once per worker, and not part of the export's time
            started = time.perf_counter()
            artifact = module.export(state, str(directory), job.deploy_path)
        except ModuleNotFoundError as exc:  # the converter the export imports is not installed
            record.update(status="skipped", reason=f"export: {exc.name or exc} is not installed")
            return record
        record["export_s"] = time.perf_counter() - started
        found = _artifact(artifact, directory)
        # Everything the export wrote counts: an ONNX model keeps its weights in a file beside the graph.
        record.update(artifact=str(found), artifact_bytes=disk_bytes(directory), status="passed")
    except ContractError as exc:
        record["reason"] = f"export: contract: {exc}"
    except Exception as exc:  # noqa: BLE001 - whatever the export raises is the path's result
        record["reason"] = "export: " + describe(exc, job.impl_path)
    return record


def export_contract(module: Any, case: Case) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """EXPORT_INPUTS (task inputs, in order) and EXPORT_OUTPUT (one oracle output or a tuple of them), checked."""
    inputs = getattr(module, "EXPORT_INPUTS", None)
    outputs = getattr(module, "EXPORT_OUTPUT", None)
    outputs = (outputs,) if isinstance(outputs, str) else outputs
    for name, value, known in (("EXPORT_INPUTS", inputs, case.inputs), ("EXPORT_OUTPUT", outputs, case.expected)):
        if (not isinstance(value, (tuple, list)) or not value
                or any(not isinstance(v, str) or v not in known for v in value)):
            raise ContractError(f"{name} = {value!r}; expected a tuple of names from {', '.join(known)}")
    return tuple(inputs), tuple(outputs)  # type: ignore[arg-type]


def _artifact(returned: Any, directory: Path) -> Path:
    path = Path(str(returned)) if returned is not None else None
    if path is None or not path.exists():
        raise ContractError(f"export() returned {returned!r}; expected the path of the artifact it wrote")
    if directory.resolve() not in (path.resolve(), *path.resolve().parents):
        raise ContractError(f"export() returned {returned!r}, outside the folder it was given ({directory})")
    return path


def disk_bytes(path: Path) -> int:
    """Size of a file, or of every file under a folder."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def reload_job(job: Job) -> dict[str, Any]:
    """Load the artifact with its path's loader, feed it the task's inputs, compare with the oracle, time it."""
    record: dict[str, Any] = {"job": job.id, "status": "crashed", "reason": ""}
    try:
        loader = LOADERS[deploy_path(job.deploy_path).loader]
        spec = load_spec(Path(job.task_dir))
        case = make_case(spec, job.size)
        names, wanted = tuple(job.export_inputs), tuple(job.export_outputs)
        # The artifact takes its framework's own layout, as the model it was exported from did.
        inputs = framework_inputs(case, spec.layouts, ADAPTERS[deploy_path(job.deploy_path).framework].layouts)
        arrays = [inputs[name] for name in names]
        started = time.perf_counter()
        record["runtime"] = loader.prepare(job.threads)
        record["import_s"] = time.perf_counter() - started
        started = time.perf_counter()
        predict = loader.load(job.artifact, names, job.threads)
        got = flatten_outputs(predict(arrays))
        record["reload_s"] = time.perf_counter() - started  # loading plus the first call, compilation included
        if _check(got, wanted, case, spec, record):
            timing = time_run(lambda a: flatten_outputs(predict(a)), arrays, lambda _: None,
                              TimingPolicy(**job.policy))
            record.update(latency=timing_dict(timing), status="passed")
    except ModuleNotFoundError as exc:
        record.update(status="skipped", reason=f"reload: {exc.name or exc} is not installed")
    except InputMismatch as exc:
        record["reason"] = f"reload: {exc}"
    except Exception as exc:  # noqa: BLE001 - whatever the runtime raises is the path's result
        record["reason"] = "reload: " + describe(exc, job.artifact)
    finally:
        record["isolated"] = not imported(job.impl_path)
    return record


def _check(got: Sequence[Any], wanted: Sequence[str], case: Case, spec: Any, record: dict[str, Any]) -> bool:
    if len(got) != len(wanted):
        record.update(status="wrong_answer", reason=f"reload: the artifact gave {len(got)} output(s); the "
                                                    f"implementation declares {len(wanted)} ({', '.join(wanted)})")
        return False
    verdict = compare(dict(zip(wanted, got)), {name: case.expected[name] for name in wanted},
                      spec.tolerance_for("float32"))
    record.update(max_abs_err=verdict.max_abs_err, max_rel_err=verdict.max_rel_err)
    if not verdict.ok:
        record.update(status="wrong_answer", reason=f"reload: {verdict.reason}")
    return verdict.ok


def imported(path: str) -> bool:
    """Whether this process has imported the file at `path` (under any module name)."""
    target = Path(path).resolve()
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if file and Path(file).resolve() == target:
            return True
    return False
