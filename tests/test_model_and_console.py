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
    with pytest.raises(ValueError, match="schema_version 99 is not supported; expected 2 or 3 or 4"):
        StaticReport.from_dict(data)


def test_a_version_2_run_record_reads_without_the_fields_version_3_added() -> None:
    from analyzer.model import StudyResults

    timing = {"median_s": 2.0, "iqr_s": 0.1, "ci_low_s": 1.9, "ci_high_s": 2.1, "mean_s": 2.0, "stdev_s": 0.1,
              "samples": [1.9, 2.0, 2.1], "loops": 4, "unstable": False}
    run = {"task": "t", "framework": "jax", "variant": "default", "mode": "eager", "device": "cpu", "size": "small",
           "status": "passed", "timing": timing}
    study = StudyResults.from_dict({"schema_version": 2, "runs": [run]})
    (read,) = study.runs
    assert read.timing is not None and read.timing.samples == (1.9, 2.0, 2.1)
    assert (read.timing.min_s, read.timing.probes) == (1.9, ())  # the fastest sample, derived from the samples


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


def test_run_table_flags_a_timing_taken_on_a_disturbed_machine(text_console) -> None:
    from analyzer.execution.stats import disturbed, summarize
    from analyzer.model import RunRecord
    from analyzer.reporting.console import run_table

    def run(framework: str, median_s: float, probe_s: float) -> RunRecord:
        timing = summarize([median_s] * 5, loops=1, probes=[probe_s] * 5)
        return RunRecord(task="matmul", framework=framework, variant="default", mode="eager", device="cpu",
                         size="small", status="passed", timing=timing, first_result_s=0.5)

    console, buffer = text_console
    records = [run("torch", 0.001, 1e-4), run("jax", 0.002, 1.3e-4), run("tensorflow", 0.003, 1.1e-4)]
    console.print(run_table(records, disturbed=disturbed([r.timing for r in records])))
    rows = {line.split()[1] if line.split()[0] == "matmul" else line.split()[0]: line.split()
            for line in buffer.getvalue().splitlines() if line.strip().startswith(("matmul", "tensorflow", "jax"))}
    assert rows["torch"][2:] == ["1", "[1–1]", "0.50"]
    assert rows["tensorflow"][1:] == ["3", "[3–3]", "0.50"]  # 1.1x: not disturbed
    assert rows["jax"][1:] == ["2", "[2–2]", "!", "0.50"]  # its probe ran 1.3x its fastest
    assert "! disturbed machine (probe > 1.2x its fastest)" in " ".join(buffer.getvalue().split())
