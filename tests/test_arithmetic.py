"""The cost-expression evaluator: arithmetic of the size parameters, and nothing else, without hanging."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from analyzer.arithmetic import ExpressionError, evaluate
from analyzer.spec import SpecError, load_spec


@pytest.mark.parametrize(("expression", "expected"), [
    ("2 * n", 16.0),
    ("2 * n * (n + 1) / 4", 36.0),
    ("-n + 10", 2.0),
    ("1e3 * n", 8000.0),
    (" + ".join(["n"] * 60), 480.0),
])
def test_arithmetic_of_size_parameters(expression: str, expected: float) -> None:
    assert evaluate(expression, {"n": 8}) == expected


@pytest.mark.parametrize(("payload", "reason"), [
    ("().__class__.__base__.__subclasses__()", "Call is not allowed"),
    ("__import__('os').system('touch PWNED')", "Call is not allowed"),
    ("n.__class__", "Attribute is not allowed"),
    ("9**9**9", "Pow is not allowed"),
    ("9**9**9**9", "Pow is not allowed"),
    ("[n] * 10**9", "List is not allowed"),
    ("'a' * n", "Constant is not allowed"),
    ("(" * 200 + "n" + ")" * 200, "more than 32 parentheses"),
    ("-" * 400 + "n", "nested deeper than 100"),
    ("n * " * 200 + "n", "longer than 500 characters"),
    ("1e308 * 1e308", "exceeds"),
    ("n / 0", "division by zero"),
    ("q * 2", "unknown name 'q'"),
    ("lambda: 1", "Lambda is not allowed"),
])
def test_payloads_run_nothing_and_return_at_once(payload: str, reason: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    with pytest.raises(ExpressionError, match=reason):
        evaluate(payload, {"n": 8})
    assert time.perf_counter() - started < 0.5
    assert not (tmp_path / "PWNED").exists()


def test_spec_with_a_payload_is_a_spec_problem_naming_the_size(tmp_path: Path) -> None:
    folder = tmp_path / "task_a"
    folder.mkdir()
    (folder / "task.toml").write_text(
        'title = "T"\ncategory = "tensor-ops"\ndescription = "d"\n'
        'flops = "n * m"\n[sizes.small]\nn = 2\nm = 3\n[sizes.full]\nn = 8\nm = 1e30\n', encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(folder)
    assert info.value.field == "flops"
    assert "at size full: a value exceeds 1e+30" in str(info.value)
