"""The JSON form of results, and the console table rendered into a fixed-width console."""

from __future__ import annotations

import json

import pytest

from analyzer.model import SCHEMA_VERSION, StaticReport
from analyzer.reporting.console import print_static
from analyzer.static import analyze_source


def report() -> StaticReport:
    small = analyze_source("import torch\nx = torch.ones(2)\n", task="ones", framework="torch", path="ones/torch.py")
    large = analyze_source("import jax.numpy as jnp\nx = jnp.ones(2)\ny = jnp.zeros(2)\nz = x + y\n", task="ones",
                           framework="jax", path="ones/jax.py")
    return StaticReport(corpus="corpus", files=(small, large), environment={"python": "3.11"})


def test_json_round_trip() -> None:
    original = report()
    data = json.loads(original.to_json())
    assert data["schema_version"] == SCHEMA_VERSION
    assert StaticReport.from_dict(data) == original


def test_other_schema_versions_are_refused() -> None:
    data = report().to_dict()
    data["schema_version"] = 99
    with pytest.raises(ValueError, match=f"schema_version 99 is not supported; expected {SCHEMA_VERSION}"):
        StaticReport.from_dict(data)


def test_static_table_renders_and_marks_the_best(text_console) -> None:
    console, buffer = text_console
    print_static(console, report())
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    assert lines[0] == "Static figures: corpus"
    header = next(line for line in lines if "SLOC" in line).split()
    assert header == ["task", "framework", "SLOC", "stmts", "cyclo", "cognit", "calls", "APIs", "cerem", "unres"]
    rows = [line.split() for line in lines if line.strip().startswith(("ones", "jax"))]
    assert rows == [["ones", "torch", "2", "2", "1", "0", "1", "1", "0", "0"],
                    ["jax", "4", "4", "1", "0", "2", "2", "0", "0"]]
    assert lines[-1] == "2 file(s) measured, 0 problem(s)"


def test_best_values_are_highlighted() -> None:
    import io

    from rich.console import Console

    buffer = io.StringIO()
    print_static(Console(file=buffer, width=100, force_terminal=True, color_system="standard"), report())
    torch_row = next(line for line in buffer.getvalue().splitlines() if "torch" in line)
    assert "\x1b[1;32m2\x1b[0m" in torch_row  # SLOC 2 beats jax's 4
