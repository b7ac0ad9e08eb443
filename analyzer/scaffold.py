"""`usability-score new TASK`: write the spec, the oracle and one stub per framework for a new task pair."""

from __future__ import annotations

from pathlib import Path

from analyzer.frameworks import FRAMEWORKS
from analyzer.spec import CATEGORIES, TASK_ID

SPEC_TEMPLATE = '''title = "{title}"
category = "{category}"        # one of: {categories}
description = "What every implementation computes, in one or two sentences."
tags = []
modes = ["eager", "compiled"]   # drop "compiled" where the task has no compiled form
model = false                   # true when the task defines a model that can be exported

[sizes.small]                   # runs on a CPU in well under a second per run() call
n = 64

[sizes.full]                    # sized for a GPU; same parameter names as small
n = 4096

[tolerance]
float32 = {{ rtol = 1e-4, atol = 1e-5 }}
'''

ORACLE_TEMPLATE = '''"""Inputs and float64 NumPy oracle for the {task} task."""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n = size["n"]
    return {{"x": rng.standard_normal((n, n))}}


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    raise NotImplementedError("compute the expected outputs in float64 NumPy")
'''

IMPL_TEMPLATE = '''"""{title} in {label}."""


def setup(inputs, device):
    raise NotImplementedError("build the model and move the data; untimed")


def run(state):
    raise NotImplementedError("the unit of work that is timed")


def result(state, output):
    raise NotImplementedError("return a dict of NumPy arrays with the oracle's keys and shapes")
'''


class ScaffoldError(ValueError):
    """The task cannot be created (bad name, or it exists already)."""


def scaffold(task: str, *, tasks_dir: Path, impls_dir: Path, category: str = "tensor-ops") -> list[Path]:
    """Create the files of a new task pair and return their paths; never overwrites anything."""
    if not TASK_ID.match(task):
        raise ScaffoldError(f"task name {task!r}: expected lower_snake_case (letters, digits, underscores)")
    if category not in CATEGORIES:
        raise ScaffoldError(f"--category {category!r}: expected one of {', '.join(CATEGORIES)}")
    existing = [p for p in (tasks_dir / task, impls_dir / task) if p.exists()]
    if existing:
        raise ScaffoldError(f"{existing[0]} exists already; choose another name or edit it")
    title = task.replace("_", " ").capitalize()
    files = {
        tasks_dir / task / "task.toml": SPEC_TEMPLATE.format(title=title, category=category,
                                                             categories=" | ".join(CATEGORIES)),
        tasks_dir / task / "oracle.py": ORACLE_TEMPLATE.format(task=task),
    }
    for fw in FRAMEWORKS.values():
        files[impls_dir / task / f"{fw.name}.py"] = IMPL_TEMPLATE.format(title=title, label=fw.label)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)
