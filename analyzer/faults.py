"""The faults of the debuggability pass: the same bug, injected the same way into every framework's inputs.

A fault changes a task's inputs before any framework sees them, never an implementation: the harness applies it
to the inputs the task declares as data (task.toml `[debug] data`, axis 0 the batch) and labels (`[debug]
labels`), in the task's own layout, and each framework then receives the faulted arrays in its own layout as it
receives clean ones. Which faults apply to a task follows from those declarations and the inputs' shapes and
dtypes, never from per-framework code.

The kinds follow the bug studies of deep-learning code (Islam et al., FSE 2019; Zhang et al., ISSTA 2018), where
shape and type mismatches and bad data are among the commonest bugs:

=================== ====== ===================================================================================
fault               family what the data becomes
=================== ====== ===================================================================================
feature_off_by_one  shape  its last axis (features, channels) one longer than the model was built for
batch_mismatch      shape  the labels one example shorter than the data
missing_batch_axis  shape  one example without its batch axis (rank one lower)
transposed_input    shape  its first two axes swapped (batch-first / time-first confusion)
dtype_float64       dtype  float64 instead of float32
dtype_int32         dtype  int32 (the values truncated, as integer pixels or counts would be)
dtype_float16       dtype  float16
nan_in_data         value  one NaN
inf_in_data         value  one Inf
=================== ====== ===================================================================================

For each fault the module also says what the intended answer is (the oracle's on the clean inputs for a shape
fault, which no framework can honour; the oracle's on the faulted values for a dtype or value fault, which a
framework may legitimately cast or propagate) and what an informative error message names: the offending size
for a shape fault, the dtype's name for a dtype fault, NaN or Inf for a value fault.

Pure NumPy: the worker applies the faults, the oracle process computes the intended answers, and the parent reads
only the names and families.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

SHAPE, DTYPE, VALUE = "shape", "dtype", "value"
FAMILIES = (SHAPE, DTYPE, VALUE)
#: Where a faulted run can raise: setup() and load_weights(), its first call (compilation included), a later call.
PHASES = ("setup", "first_call", "later_call")


@dataclass(frozen=True)
class Fault:
    name: str
    family: str  #: one of FAMILIES
    description: str

    @property
    def intended_from_faulted(self) -> bool:
        """The intended answer is the oracle's on the faulted values (a cast or a NaN a framework may carry
        through), not on the clean inputs."""
        return self.family != SHAPE


FAULTS: tuple[Fault, ...] = (
    Fault("feature_off_by_one", SHAPE, "the data's last axis one longer than the model was built for"),
    Fault("batch_mismatch", SHAPE, "the labels one example shorter than the data"),
    Fault("missing_batch_axis", SHAPE, "one example without its batch axis"),
    Fault("transposed_input", SHAPE, "the data's first two axes swapped"),
    Fault("dtype_float64", DTYPE, "the data as float64"),
    Fault("dtype_int32", DTYPE, "the data as int32"),
    Fault("dtype_float16", DTYPE, "the data as float16"),
    Fault("nan_in_data", VALUE, "one NaN in the data"),
    Fault("inf_in_data", VALUE, "one Inf in the data"),
)
BY_NAME: dict[str, Fault] = {fault.name: fault for fault in FAULTS}

#: Words an error message uses for a dtype (matched as whole words, case-insensitive): NumPy's, PyTorch's
#: ("Double", "Half", "Int"), XLA's ("f64", "s32", "f16") and TensorFlow's names.
DTYPE_WORDS: dict[str, tuple[str, ...]] = {
    "dtype_float64": ("float64", "double", "f64"),
    "dtype_int32": ("int32", "int", "s32", "i32"),
    "dtype_float16": ("float16", "half", "f16"),
}
VALUE_WORDS: dict[str, tuple[str, ...]] = {"nan_in_data": ("nan",), "inf_in_data": ("inf", "infinity")}


class FaultError(ValueError):
    """A fault that does not apply to this task's inputs: the reason."""


class DeclarationError(FaultError):
    """task.toml's [debug] table names inputs the oracle does not make: the task's mistake, not a fault's limit."""


@dataclass(frozen=True)
class Injected:
    """A fault applied: the faulted inputs and what an informative message about it names."""

    inputs: dict[str, np.ndarray]
    targets: tuple[str, ...]  #: the inputs it changed
    sizes: tuple[int, ...] = ()  #: offending sizes (shape faults), each > 1
    words: tuple[str, ...] = ()  #: offending names (dtype and value faults)
    shapes: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  #: faulted input -> its new shape


def inject(name: str, inputs: Mapping[str, np.ndarray], data: tuple[str, ...],
           labels: tuple[str, ...] = ()) -> Injected:
    """Apply fault `name` to copies of `inputs` (the task's layout); raise FaultError when it does not apply."""
    if name not in BY_NAME:
        raise FaultError(f"unknown fault {name!r}; expected one of {', '.join(BY_NAME)}")
    missing = [key for key in (*data, *labels) if key not in inputs]
    if missing:
        raise DeclarationError(f"task.toml [debug] names input(s) {', '.join(missing)}, which the oracle does not "
                               f"make (it makes {', '.join(sorted(inputs))})")
    faulted = {key: np.array(value, copy=True) for key, value in inputs.items()}
    floats = [key for key in data if faulted[key].dtype.kind == "f"]
    ranked = [key for key in floats if faulted[key].ndim >= 2]
    sizes: list[int] = []
    if name == "batch_mismatch":
        targets = [key for key in labels if faulted[key].ndim >= 1 and faulted[key].shape[0] >= 2]
        for key in targets:
            faulted[key] = faulted[key][:-1]
            sizes.append(faulted[key].shape[0])
    elif name == "feature_off_by_one":
        targets = ranked
        for key in targets:
            faulted[key] = np.concatenate([faulted[key], faulted[key][..., -1:]], axis=-1)
            sizes.append(faulted[key].shape[-1])
    elif name == "missing_batch_axis":
        targets = ranked
        for key in targets:
            faulted[key] = faulted[key][0].copy()
            sizes.append(faulted[key].shape[0])
    elif name == "transposed_input":
        targets = ranked
        for key in targets:
            faulted[key] = np.ascontiguousarray(np.swapaxes(faulted[key], 0, 1))
            sizes.extend(faulted[key].shape[:2])
    elif name in DTYPE_WORDS:
        targets = floats
        dtype = {"dtype_float64": np.float64, "dtype_int32": np.int32, "dtype_float16": np.float16}[name]
        for key in targets:
            faulted[key] = faulted[key].astype(dtype)
    else:
        targets = floats
        for key in targets:
            faulted[key].flat[0] = np.nan if name == "nan_in_data" else np.inf
    if not targets:
        raise FaultError(_why_not(name))
    words = DTYPE_WORDS.get(name) or VALUE_WORDS.get(name) or ()
    return Injected(faulted, tuple(targets), tuple(sorted({s for s in sizes if s > 1})), words,
                    {key: tuple(faulted[key].shape) for key in targets})


def _why_not(name: str) -> str:
    if name == "batch_mismatch":
        return "the task declares no labels with a batch of two or more ([debug] labels)"
    if BY_NAME[name].family == SHAPE:
        return "no float data input of rank 2 or more ([debug] data)"
    return "no float data input ([debug] data)"


def drop_batch_axis(layout: str) -> str:
    """The layout of an input that lost its batch axis ("NHWC" -> "HWC")."""
    return layout.replace("N", "", 1)
