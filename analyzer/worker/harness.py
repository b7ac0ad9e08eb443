"""Worker-side building blocks: make a task's inputs, ask its oracle, load and run one implementation.

This module imports contributed code (oracles and implementations) and so runs only inside worker processes,
never in the parent and never during static analysis.
"""

from __future__ import annotations

import importlib.util
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Mapping

import numpy as np

from analyzer.contract import ORACLE_REQUIRED
from analyzer.faults import drop_batch_axis
from analyzer.spec import TaskSpec

_counter = itertools.count()


class ContractError(Exception):
    """An oracle or implementation file that does not follow the contract."""


def import_file(path: Path, required: tuple[str, ...]) -> ModuleType:
    """Import a Python file under a fresh module name and check it defines the `required` callables."""
    name = f"_usability_score_{path.stem}_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ContractError(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look modules up here
    spec.loader.exec_module(module)
    missing = [fn for fn in required if not callable(getattr(module, fn, None))]
    if missing:
        raise ContractError(f"{path}: missing function(s) {', '.join(missing)}; the contract needs {', '.join(required)}")
    return module


@dataclass(frozen=True)
class Case:
    """One task at one size: the inputs every framework receives and the oracle's answer."""

    inputs: dict[str, np.ndarray]  #: float arrays as float32, integer arrays as int64
    expected: dict[str, np.ndarray]  #: the oracle's float64 outputs


def make_case(spec: TaskSpec, size: str) -> Case:
    """Build the inputs (seeded) and ask the oracle, which sees exactly the float32 values the frameworks see."""
    oracle = import_file(spec.oracle_path, ORACLE_REQUIRED)
    params = dict(spec.sizes[size])
    raw = oracle.make_inputs(params, np.random.default_rng(spec.seed))
    inputs = {key: _study_dtype(spec, key, value) for key, value in raw.items()}
    return Case(inputs, reference(spec, oracle, inputs, params))


def reference(spec: TaskSpec, oracle: ModuleType, inputs: Mapping[str, np.ndarray],
              params: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The oracle's float64 outputs for `inputs` (float inputs upcast to float64, others copied)."""
    upcast = {key: value.astype(np.float64) if value.dtype.kind == "f" else value.copy() for key, value in inputs.items()}
    expected = oracle.reference(upcast, dict(params))
    if not isinstance(expected, dict):
        raise ContractError(f"{spec.oracle_path}: reference() returned {type(expected).__name__}, expected a dict")
    return {key: np.asarray(value, dtype=np.float64) for key, value in expected.items()}


def _study_dtype(spec: TaskSpec, key: str, value: Any) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind == "f":
        return array.astype(np.float32)
    if array.dtype.kind in "iub":
        return array.astype(np.int64) if array.dtype.kind != "b" else array
    raise ContractError(f"{spec.oracle_path}: make_inputs() gave '{key}' of dtype {array.dtype}; expected numbers")


def framework_inputs(case: Case | Mapping[str, np.ndarray], layouts: Mapping[str, str],
                     native: Mapping[str, str]) -> dict[str, np.ndarray]:
    """Fresh copies of the case's inputs, each in the framework's own layout: an input the task gives as "NHWC"
    reaches a framework whose images are "NCHW" (PyTorch) already transposed, as its own data pipeline would
    deliver it. The oracle keeps the task's layout; only the inputs are converted. An input one axis short (a
    fault of the debuggability pass took its batch axis) is converted without that axis ("HWC" -> "CHW")."""
    inputs = {}
    for key, value in (case.inputs if isinstance(case, Case) else case).items():
        given = layouts.get(key)
        wanted = native.get(given, given) if given else None
        if given and wanted and value.ndim == len(given) - 1:
            given, wanted = drop_batch_axis(given), drop_batch_axis(wanted)
        if wanted and wanted != given:  # a transposed, contiguous array is a fresh copy already
            inputs[key] = np.ascontiguousarray(np.transpose(value, [given.index(axis) for axis in wanted]))
        else:
            inputs[key] = value.copy()
    return inputs


def prepare(module: ModuleType, inputs: dict[str, np.ndarray], device: str) -> Any:
    """The state a run starts from: the user's setup(), then, when the file has one, load_weights() copying the
    task's given initial weights in (the harness's plumbing, kept out of the user's code)."""
    state = module.setup(inputs, device)
    load = getattr(module, "load_weights", None)
    if callable(load):
        loaded = load(state, inputs)
        state = state if loaded is None else loaded
    return state


def run_once(module: ModuleType, inputs: dict[str, np.ndarray], device: str, sync: Callable[[Any], None],
             to_numpy: Callable[[Any], np.ndarray]) -> tuple[dict[str, np.ndarray], Any]:
    """prepare -> run -> result on a fresh state (from copies of `inputs`): the outputs checked against the oracle,
    converted by the framework's `to_numpy`, and the state after that first call (ready to be timed: its first
    call, compilation included, is behind it)."""
    state = prepare(module, {key: value.copy() for key, value in inputs.items()}, device)
    output = module.run(state)
    sync(output)
    got = module.result(state, output)
    if not isinstance(got, dict):
        raise ContractError(f"result() returned {type(got).__name__}, expected a dict of arrays")
    return {key: to_numpy(value) for key, value in got.items()}, state
