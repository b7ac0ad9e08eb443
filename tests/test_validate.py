"""`validate` over a folder of broken task pairs: one clear line per problem, the healthy pairs still checked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from analyzer.catalog import load_catalog
from analyzer.cli import app
from analyzer.execution.checks import compare
from analyzer.spec import Tolerance
from analyzer.validation import validate
from tests.conftest import FIXTURES

BROKEN = FIXTURES / "broken_catalog"


@pytest.fixture(scope="module")
def findings():
    catalog = load_catalog(BROKEN / "tasks", BROKEN / "reference_impls")
    return {(f.task, f.subject): f for f in validate(catalog.tasks, modes=("eager",))}


EXPECTED = {
    ("bad_spec", "spec"): ("problem", "task.toml: field 'category': expected one of tensor-ops"),
    ("missing_framework", "jax file"): ("problem", "missing_framework/jax.py: missing JAX implementation"),
    ("missing_function", "torch file"): ("problem", "missing_function/torch.py: missing top-level function(s) result"),
    ("syntax_error", "jax file"): ("problem", "syntax_error/jax.py:1: does not parse: invalid syntax"),
    ("wrong_answer", "torch eager"): ("wrong_answer", "output 'y' differs from the oracle: max abs error 0.5, "
                                                      "max rel error 5e+04"),
    ("wrong_shape", "torch eager"): ("wrong_answer", "output 'y' has shape (2,), expected (4,)"),
    ("nan_output", "jax eager"): ("wrong_answer", "output 'y' contains NaN or Inf"),
    ("raises", "tensorflow eager"): ("crashed", "ValueError at tensorflow.py:9: boom"),
}


@pytest.mark.frameworks
@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_broken_pair_gets_its_line(findings, key) -> None:
    status, message = EXPECTED[key]
    assert findings[key].status == status
    assert message in findings[key].message


@pytest.mark.frameworks
def test_healthy_pairs_and_healthy_files_still_pass(findings) -> None:
    for framework in ("torch", "tensorflow", "jax"):
        assert findings[("healthy", f"{framework} eager")].status == "passed"
    unexpected = {key: f.status for key, f in findings.items() if key not in EXPECTED and f.status != "passed"}
    assert unexpected == {}
    # a pair without a usable spec is not run at all; a broken or missing file stops only itself
    assert not any(task == "bad_spec" and subject != "spec" for task, subject in findings)
    for task, broken in (("syntax_error", "jax"), ("missing_function", "torch"), ("missing_framework", "jax")):
        ran = {subject.split()[0] for (t, subject), f in findings.items() if t == task and subject.endswith("eager")}
        assert ran == {"torch", "tensorflow", "jax"} - {broken}, task


@pytest.mark.frameworks
def test_validate_command_exits_non_zero_and_summarises() -> None:
    result = CliRunner().invoke(app, ["validate", "--root", str(BROKEN), "raises", "healthy"])
    assert result.exit_code == 1
    assert "crashed raises tensorflow eager: ValueError at tensorflow.py:9: boom" in " ".join(result.output.split())
    assert result.output.strip().splitlines()[-1] == "2 task(s) checked: 1 crashed, 5 passed; 1 problem(s)"


def test_no_exec_checks_layout_only() -> None:
    result = CliRunner().invoke(app, ["validate", "--root", str(BROKEN), "--no-exec"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == "9 task(s) checked: 4 problem; 4 problem(s)"


@pytest.mark.parametrize(("args", "message"), [
    (["validate", "--mode", "fast"], "--mode 'fast': expected one of eager, compiled"),
    (["validate", "--size", "huge"], "--size 'huge': expected one of small, medium, full"),
    (["validate", "no_such_task"], "unknown task(s) no_such_task"),
    (["validate", "--root", "/no/such"], "--root /no/such: expected a folder holding tasks/"),
])
def test_bad_flags(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and message in " ".join(result.output.split())


@pytest.mark.parametrize(("got", "ok", "reason"), [
    ({"y": [1.0, 2.0]}, True, ""),
    ({"y": [1.0, 2.00001]}, True, ""),
    ({"y": [1.0, 2.1]}, False, "max abs error 0.1, max rel error 0.05"),
    ({"y": [1.0, np.inf]}, False, "contains NaN or Inf"),
    ({}, False, "missing output(s) y"),
    ({"y": [1.0, 2.0], "z": [0.0]}, False, "unexpected output(s) z"),
    ({"y": ["a", "b"]}, False, "is not numeric"),
])
def test_compare(got: dict, ok: bool, reason: str) -> None:
    verdict = compare(got, {"y": np.array([1.0, 2.0])}, Tolerance(rtol=1e-4, atol=1e-5))
    assert verdict.ok is ok and reason in verdict.reason


@pytest.mark.frameworks
def test_fresh_stubs_blame_the_oracle_not_the_framework_files(tmp_path: Path) -> None:
    (tmp_path / "tasks").mkdir()
    runner = CliRunner()
    assert runner.invoke(app, ["new", "stub_task", "--root", str(tmp_path)]).exit_code == 0
    catalog = load_catalog(tmp_path / "tasks", tmp_path / "reference_impls")
    found = validate(catalog.tasks, modes=("eager",))
    assert [(f.subject, f.status) for f in found] == [("oracle", "problem")]
    assert "NotImplementedError" in found[0].message and "the oracle failed" in found[0].message
