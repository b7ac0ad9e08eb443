"""Task specifications: tasks/<task>/task.toml (metadata) beside tasks/<task>/oracle.py (inputs and NumPy oracle).

The TOML file is read without importing anything of the task, so listing and validating the catalog never runs
contributed code. Every problem is reported as a SpecError naming the file, the field and what was expected.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from analyzer.arithmetic import ExpressionError, evaluate
from analyzer.errors import FieldError
from analyzer.text import printable
from analyzer.typed import convert, read_toml

SPEC_FILE = "task.toml"
ORACLE_FILE = "oracle.py"
CATEGORIES = ("tensor-ops", "autodiff", "models", "training", "data", "state", "custom")
MODES = ("eager", "compiled")
#: Input sizes: "small" is overhead-bound (a run() of a fraction of a millisecond measures the framework's Python
#: dispatch), "medium" is sized so that one run() on one CPU core spends most of its time in kernels, "full" is a
#: GPU-scale workload. small and full are required; a task without medium has no compute-bound speed.
SIZES = ("small", "medium", "full")
REQUIRED_SIZES = ("small", "full")
#: What the default study runs: both modes (a framework's speed is scored at its faster one), at the overhead-bound
#: and the compute-bound size.
STUDY_MODES = MODES
STUDY_SIZES = ("small", "medium")
#: Axis layouts an input may declare; a framework whose own layout differs receives that input transposed.
LAYOUTS = ("NHWC", "NCHW", "NWC", "NCW")
TASK_ID = re.compile(r"^[a-z][a-z0-9_]*$")
DEFAULT_TOLERANCE = {"float32": {"rtol": 1e-4, "atol": 1e-5}}


class SpecError(FieldError):
    """A task spec that cannot be used; the message names the file, the field and the expectation."""


@dataclass(frozen=True)
class Tolerance:
    """How close a float result must be to the oracle: |got - want| <= atol + rtol * |want|."""

    rtol: float  #: relative tolerance
    atol: float  #: absolute tolerance


@dataclass(frozen=True)
class TaskSpec:
    """A task's metadata, as read from its task.toml."""

    id: str  #: folder name, also the task's identifier
    path: Path  #: the task folder
    title: str  #: one-line human title
    category: str  #: one of CATEGORIES
    description: str  #: what the implementations compute
    tags: tuple[str, ...] = ()  #: free-form keywords
    modes: tuple[str, ...] = MODES  #: execution modes that apply (a data pipeline may have no compiled mode)
    model: bool = False  #: True when the task defines a model that can be exported for deployment
    seed: int = 0  #: seed of the NumPy generator that makes the inputs
    sizes: dict[str, dict[str, Any]] = field(default_factory=dict)  #: size name -> parameters for make_inputs
    tolerance: dict[str, Tolerance] = field(default_factory=dict)  #: dtype name -> tolerance
    flops: str | None = None  #: optional expression of the size parameters: floating-point operations per run
    bytes: str | None = None  #: optional expression of the size parameters: bytes moved per run
    layouts: dict[str, str] = field(default_factory=dict)  #: input name -> axis layout ("NHWC"), see LAYOUTS
    #: [debug] data: the inputs that carry the data (axis 0 the batch), which the debuggability pass injects
    #: faults into (analyzer.faults); empty: the task takes no part in that pass
    debug_data: tuple[str, ...] = ()
    #: [debug] labels: targets paired with the data along the batch axis (the batch-mismatch fault)
    debug_labels: tuple[str, ...] = ()

    @property
    def oracle_path(self) -> Path:
        return self.path / ORACLE_FILE

    def tolerance_for(self, dtype: str = "float32") -> Tolerance:
        return self.tolerance.get(dtype) or Tolerance(**DEFAULT_TOLERANCE["float32"])

    def cost(self, which: str, size: str) -> float | None:
        """Evaluate the `flops` or `bytes` expression for a size; None when the spec gives none."""
        expression = self.flops if which == "flops" else self.bytes
        if expression is None or size not in self.sizes:
            return None
        return evaluate(expression, self.sizes[size])


#: A task.toml is a few hundred bytes; anything near this is not one.
MAX_SPEC_BYTES = 100_000


class _Debug(msgspec.Struct, forbid_unknown_fields=True):
    data: list[str] = []  #: input names
    labels: list[str] = []  #: input names


class SpecFile(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The shape of a task.toml: every field's type, the required ones, and no others (analyzer.typed checks it).
    What a type cannot say (categories, sizes present, names, finite tolerances, expressions) is checked after."""

    title: str
    category: str
    description: str
    tags: list[str] = []
    modes: list[str] = msgspec.field(default_factory=lambda: list(MODES))
    model: bool = False
    seed: int = 0
    #: size -> parameters; a table keyed by the task's own names, checked by hand so that errors name the key
    sizes: dict[str, Any]
    tolerance: dict[str, Any] = msgspec.field(default_factory=lambda: dict(DEFAULT_TOLERANCE))
    flops: str | None = None
    bytes: str | None = None
    layouts: dict[str, str] = {}
    debug: _Debug = msgspec.field(default_factory=_Debug)


def load_spec(task_dir: Path) -> TaskSpec:
    """Read and check tasks/<task>/task.toml; raise SpecError on the first problem."""
    path = task_dir / SPEC_FILE
    if not path.is_file():
        raise SpecError(path, SPEC_FILE, "file missing: every task folder needs a task.toml")
    return _parse(task_dir, path, read_toml(path, error=SpecError, max_bytes=MAX_SPEC_BYTES))


def _parse(task_dir: Path, path: Path, raw: dict[str, Any]) -> TaskSpec:
    if not TASK_ID.match(task_dir.name):
        raise SpecError(path, "folder name", "expected lower_snake_case letters, digits and underscores")
    spec = convert(raw, SpecFile, source=path, error=SpecError)
    title, category, description = (_text(path, name, getattr(spec, name))
                                    for name in ("title", "category", "description"))
    if category not in CATEGORIES:
        raise SpecError(path, "category", f"expected one of {', '.join(CATEGORIES)}, got {category!r}")
    for mode in spec.modes:
        if mode not in MODES:
            raise SpecError(path, "modes", f"expected a list drawn from {', '.join(MODES)}, got {mode!r}")
    if "eager" not in spec.modes:
        raise SpecError(path, "modes", "expected 'eager' among the modes: every task runs eagerly")
    sizes = _sizes(path, spec.sizes)  # checked before the cost expressions, which need the sizes
    return TaskSpec(
        id=task_dir.name, path=task_dir, title=title, category=category, description=description,
        tags=tuple(spec.tags), modes=tuple(spec.modes), model=spec.model, seed=spec.seed, sizes=sizes,
        tolerance=_tolerances(path, spec.tolerance),
        flops=_expression(path, "flops", spec.flops, sizes), bytes=_expression(path, "bytes", spec.bytes, sizes),
        layouts=_layouts(path, spec.layouts), **_debug(path, spec.debug),
    )


def _debug(path: Path, table: _Debug) -> dict[str, tuple[str, ...]]:
    """The [debug] table: which inputs are data and labels (names only; the inputs themselves are the oracle's)."""
    for key in ("data", "labels"):
        names = getattr(table, key)
        if not all(TASK_ID.match(n) for n in names):
            raise SpecError(path, f"debug.{key}", f"expected a list of input names, got {names!r}")
    if table.labels and not table.data:
        raise SpecError(path, "debug.labels", "expected debug.data as well: labels pair with the data")
    return {"debug_data": tuple(table.data), "debug_labels": tuple(table.labels)}


def _layouts(path: Path, table: dict[str, str]) -> dict[str, str]:
    for name, layout in table.items():
        if layout not in LAYOUTS:
            raise SpecError(path, f"layouts.{name}", f"expected one of {', '.join(LAYOUTS)}, got {layout!r}")
    return dict(table)


def _text(path: Path, key: str, value: str) -> str:
    if not value.strip():
        raise SpecError(path, key, "expected a non-empty string")
    if printable(value) != value:
        raise SpecError(path, key, "expected text without control characters (they would reach the terminal)")
    return value.strip()


def _sizes(path: Path, sizes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    for name in REQUIRED_SIZES:
        if name not in sizes:
            raise SpecError(path, f"sizes.{name}", "missing; expected a table of numeric parameters")
    for name, params in sizes.items():
        if name not in SIZES:
            raise SpecError(path, f"sizes.{name}", f"unknown size; expected one of {', '.join(SIZES)}")
        if not isinstance(params, dict):
            raise SpecError(path, f"sizes.{name}", "expected a table of numeric parameters")
        for key, value in params.items():
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise SpecError(path, f"sizes.{name}.{key}", f"expected a number, got {value!r}")
    for name in sizes:
        if set(sizes[name]) != set(sizes["small"]):
            raise SpecError(path, "sizes", f"expected the same parameter names in sizes.small and sizes.{name}")
    return sizes


def _tolerances(path: Path, table: dict[str, Any]) -> dict[str, Tolerance]:
    tolerances = {}
    for dtype, entry in table.items():
        where = f"tolerance.{dtype}"
        if not isinstance(entry, dict) or set(entry) != {"rtol", "atol"}:
            raise SpecError(path, where, "expected a table with exactly rtol and atol")
        for key, value in entry.items():
            if (not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value)
                    or value < 0):  # inf would pass anything, nan fail everything
                raise SpecError(path, f"{where}.{key}", f"expected a finite non-negative number, got {value!r}")
        tolerances[dtype] = Tolerance(rtol=float(entry["rtol"]), atol=float(entry["atol"]))
    return tolerances


def _expression(path: Path, key: str, value: str | None, sizes: dict[str, dict[str, Any]]) -> str | None:
    """A cost expression, checked (never run) against every size: it must evaluate under the whitelisted arithmetic
    of analyzer.arithmetic with each size's parameters."""
    if value is None:
        return None
    value = _text(path, key, value)
    for size, params in sizes.items():
        try:
            evaluate(value, params)
        except ExpressionError as exc:
            raise SpecError(path, key, f"expected an expression of the size parameters "
                                       f"(numbers, names, + - * / and parentheses); at size {size}: {exc}") from None
    return value
