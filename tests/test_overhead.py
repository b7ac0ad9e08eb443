"""Overhead share and achieved FLOP/s across input sizes, and their rendering."""

from __future__ import annotations

import dataclasses

import pytest

from analyzer.overhead import fit_overhead, median_share, size_profiles
from analyzer.report import Report
from analyzer.reporting.files import markdown
from analyzer.reporting.html import html_report
from analyzer.scoring import DIMENSIONS, ScoringSettings, score_study
from tests.test_scoring import make_run, make_study

# 1 ms per call outside the kernels, then 10 GFLOP/s: 1e6 flops take 1.1 ms, 1e8 flops 11 ms
FLOPS = {"small": 1e6, "medium": 1e8}


def timed(task: str, framework: str, mode: str, size: str, overhead: float, rate: float, *, flops: bool = True):
    run = make_run(task, framework, mode, size=size, median_s=overhead + FLOPS[size] / rate)
    return dataclasses.replace(run, flops=FLOPS[size] if flops else None)


def test_fit_recovers_overhead_and_rate() -> None:
    overhead, rate = fit_overhead([1e6, 1e8], [1.1e-3, 1.1e-2])
    assert (overhead, rate) == (pytest.approx(1e-3), pytest.approx(1e10))
    assert fit_overhead([1e6, 1e6], [1e-3, 2e-3]) is None  # one workload: nothing to separate
    assert fit_overhead([1e6, 1e8], [2e-3, 1e-3]) is None  # faster on more work: not this model
    assert fit_overhead([1e6, 1e8], [1e-4, 1.01e-2]) == (0.0, pytest.approx(1e8 / 1.01e-2, rel=1e-2))  # no < 0


def study():
    runs = []
    for size in ("small", "medium"):
        runs += [timed("a", "torch", "eager", size, 1e-3, 1e10), timed("a", "torch", "compiled", size, 2e-4, 5e9),
                 timed("a", "jax", "eager", size, 5e-3, 1e10), timed("a", "jax", "compiled", size, 1e-4, 2e10),
                 timed("b", "torch", "eager", size, 1e-3, 1e10, flops=False),
                 timed("b", "jax", "eager", size, 1e-3, 1e10, flops=False)]
    # c: the medium run is no slower than the small one (the work moved out of the timed call)
    runs += [dataclasses.replace(make_run("c", fw, "eager", size=size, median_s=1e-3), flops=FLOPS[size])
             for size in ("small", "medium") for fw in ("torch", "jax")]
    return make_study([], runs)


def test_profiles_take_the_mode_faster_at_the_largest_size() -> None:
    profiles = {(p.task, p.framework): p for p in size_profiles(study())}
    torch = profiles[("a", "torch")]
    # eager at medium: 1 ms + 10 ms = 11 ms; compiled: 0.2 ms + 20 ms
    assert (torch.mode, torch.seconds) == ("eager", pytest.approx({"small": 1.1e-3, "medium": 1.1e-2}))
    assert torch.overhead_share == pytest.approx({"small": 1 / 1.1, "medium": 1 / 11})
    assert torch.flop_s == pytest.approx({"small": 1e6 / 1.1e-3, "medium": 1e8 / 1.1e-2})
    jax = profiles[("a", "jax")]
    assert jax.mode == "compiled" and jax.overhead_share == pytest.approx({"small": 0.1 / 0.15, "medium": 0.1 / 5.1})
    undeclared = profiles[("b", "torch")]
    assert (undeclared.flop_s, undeclared.overhead_share) == ({}, {})
    assert median_share(list(profiles.values()), "torch", "medium") == pytest.approx(1 / 11)
    assert median_share(list(profiles.values()), "tensorflow", "medium") is None


def test_input_sizes_are_rendered() -> None:
    runs = study()
    card = score_study(runs, {d: 1.0 for d in DIMENSIONS}, settings=ScoringSettings(resamples=50, weightings=50))
    report = Report(runs, card)
    text = markdown(report)
    assert "| a | 91% → 9% (9.09 GFLOP/s eager) | 67% → 2% (19.6 GFLOP/s compiled) |" in text
    assert "| b | no flops declared (eager) | no flops declared (eager) |" in text
    assert "| c | no fit (100 GFLOP/s eager) | no fit (100 GFLOP/s eager) |" in text
    assert "Median over tasks: torch 91% → 9%; jax 67% → 2%" in text
    assert "<td>a</td><td class='num'>91% → 9% (9.09 GFLOP/s eager)</td>" in html_report(report)


def test_input_sizes_in_the_console() -> None:
    import io

    from rich.console import Console

    from analyzer.reporting.scorecard import size_table

    buffer = io.StringIO()
    Console(file=buffer, width=160, color_system=None).print(size_table(size_profiles(study()), ("torch", "jax")))
    lines = buffer.getvalue().splitlines()
    assert next(line for line in lines if line.strip().startswith("a ")).split() == [
        "a", "91%", "→", "9%", "(9.09", "GFLOP/s", "eager)", "67%", "→", "2%", "(19.6", "GFLOP/s", "compiled)"]


def test_task_tables_show_the_primary_size_only() -> None:
    """With two sizes the task tables, whose keys carry no size, show the smallest and say so (not whichever size
    came last): task a's torch runs take 1.1 ms eager and 0.4 ms compiled at small, 11 ms and 20.2 ms at medium."""
    import io

    from rich.console import Console

    from analyzer.reporting.scorecard import at_primary_size, task_table

    runs = study()
    card = score_study(runs, {d: 1.0 for d in DIMENSIONS}, settings=ScoringSettings(resamples=50, weightings=50))
    report = Report(runs, card)
    size, rows = at_primary_size(report.rows)
    assert size == "small" and {r.size for r in rows if r.metric == "median_s"} == {"small"}
    buffer = io.StringIO()
    Console(file=buffer, width=200, color_system=None).print(task_table(rows, frameworks=("torch", "jax")))
    torch_a = next(line.split() for line in buffer.getvalue().splitlines() if line.split()[:2] == ["a", "torch"])
    assert torch_a[6:8] == ["1.1▲", "0.4▼"]
    text = markdown(report)
    assert "## Tasks, small size" in text and "| a | torch | – | – | – | – | **1.1 ▲** | 0.4 ▼ |" in text
    page = html_report(report)
    assert "<h2 id='s-tasks-small-size'>Tasks, small size</h2>" in page and "<td class='num'>20.2" not in page
