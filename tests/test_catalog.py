"""Tests generated for every task pair found under tasks/ and reference_impls/: adding a pair adds its tests.

Each pair must be complete and well formed, measurable by the static analyser, written with its own framework
(and only that one), carry its compiled path where it declares a compiled mode, and match its oracle when run
in every mode it declares.
"""

from __future__ import annotations

import ast
from fnmatch import fnmatchcase

import pytest

from analyzer.catalog import eager_only_reason, load_catalog
from analyzer.frameworks import FRAMEWORKS, deploy_paths, framework_of_module
from analyzer.spec import CATEGORIES, MODES
from analyzer.static import analyze_file
from analyzer.validation import validate

CATALOG = load_catalog()
TASKS = [task.id for task in CATALOG.tasks]
IMPLS = [pytest.param(task.id, impl, id=f"{task.id}-{impl.framework}-{impl.variant}")
         for task in CATALOG.tasks for impl in task.implementations]
RUNS = [pytest.param(task.id, impl.framework, impl.variant, mode, id=f"{task.id}-{impl.framework}-{impl.variant}-{mode}")
        for task in CATALOG.tasks if task.spec for impl in task.implementations for mode in task.spec.modes]
#: The compile APIs that a compiled mode needs to find in the code (written as each framework's docs do).
COMPILE_APIS = {
    "torch": ("torch.compile", "torch.nn.Module.compile", "*.compile"),
    "tensorflow": ("tensorflow.function", "keras.*.compile"),
    "jax": ("jax.jit", "flax.nnx.jit"),
}


def test_catalog_size_and_breadth() -> None:
    """The study's floor: at least 24 tasks over at least 7 categories, each in every framework."""
    complete = [t for t in CATALOG.tasks if t.spec and set(t.frameworks()) == set(FRAMEWORKS)]
    assert len(complete) >= 24
    assert {t.spec.category for t in complete} == set(CATEGORIES)


@pytest.mark.parametrize("task_id", TASKS)
def test_pair_is_complete_and_well_formed(task_id: str) -> None:
    task = CATALOG.get(task_id)
    assert task.problems == ()
    assert task.spec is not None and set(task.frameworks()) == set(FRAMEWORKS)
    assert set(task.spec.modes) <= set(MODES)


def deployment_frameworks(framework: str) -> set[str]:
    """Frameworks a model task's export may import beside its own: jax2tf writes a TensorFlow SavedModel."""
    return {framework_of_module(name) for path in deploy_paths(framework) for name in path.export_requires} - {None}


@pytest.mark.parametrize(("task_id", "impl"), IMPLS)
def test_implementation_is_measured_and_uses_its_own_framework(task_id: str, impl) -> None:
    metrics = analyze_file(impl.path, task=task_id, framework=impl.framework, variant=impl.variant)
    assert metrics.api_calls > 0 and metrics.sloc > 0
    used = {framework_of_module(name) for name in metrics.imports} - {None}
    allowed = deployment_frameworks(impl.framework) if CATALOG.get(task_id).spec.model else set()
    assert impl.framework in used and used - {impl.framework} <= allowed, f"{impl.path} imports {sorted(used)}"
    # Another framework only inside export(): at the top it would be imported, and timed, by every run.
    tree = ast.parse(impl.path.read_text(encoding="utf-8"))
    top = {framework_of_module(alias.name if isinstance(node, ast.Import) else node.module or "")
           for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names} - {None}
    assert top == {impl.framework}, f"{impl.path} imports {sorted(top)} at the top"
    spec = CATALOG.get(task_id).spec
    if "compiled" in spec.modes and not eager_only_reason(impl.path):
        patterns = COMPILE_APIS[impl.framework]
        assert any(fnmatchcase(name, p) for name in metrics.api_names for p in patterns), (
            f"{impl.path}: the task declares a compiled mode but the file uses none of {patterns}")


@pytest.fixture(scope="session")
def catalog_runs() -> dict[tuple[str, str], object]:
    """Every implementation of the catalog in every mode it declares, run once against its oracle."""
    findings = validate(CATALOG.tasks, modes=MODES)
    return {(f.task, f.subject): f for f in findings}


@pytest.mark.frameworks
@pytest.mark.parametrize(("task_id", "framework", "variant", "mode"), RUNS)
def test_implementation_matches_oracle(catalog_runs, task_id: str, framework: str, variant: str, mode: str) -> None:
    subject = framework + ("" if variant == "default" else f"/{variant}") + f" {mode}"
    finding = catalog_runs[(task_id, subject)]
    if finding.status in ("skipped", "not_applicable"):
        pytest.skip(finding.message)
    assert finding.status == "passed", finding.message
