"""One study on several machines: records keep their machine through merge, files and the Ray executor; the report
scores one machine and reads every machine side by side (analyzer.machines)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer import load, merge
from analyzer.api import LoadError
from analyzer.machines import cross_machine, machine_rows
from analyzer.model import RunRecord, StudyResults, Timing
from analyzer.orchestration import build_report
from analyzer.reporting.files import markdown, md
from analyzer.reporting.html import html_report
from analyzer.reporting.scorecard import report_group
from analyzer.scoring import ScoringError, measurements
from analyzer.rounds import combine_rounds
from tests.test_api import write_study
from tests.test_scoring import synthetic_study


def timing(median_ms: float, half_width_ms: float) -> Timing:
    m, h = median_ms / 1e3, half_width_ms / 1e3
    return Timing(median_s=m, iqr_s=h, ci_low_s=m - h, ci_high_s=m + h, mean_s=m, stdev_s=h, samples=(m,) * 5,
                  loops=1, unstable=False)


def run(task: str, framework: str, machine: str, median_ms: float, half_width_ms: float = 0.05) -> RunRecord:
    return RunRecord(task=task, framework=framework, variant="default", mode="eager", device="cpu", size="small",
                     status="passed", timing=timing(median_ms, half_width_ms), machine=machine)


def two_machine_study() -> StudyResults:
    """flips: torch ahead on A, behind on B, intervals apart on both; noisy: the same flip inside the intervals;
    same: torch ahead on both."""
    runs = [
        run("flips", "torch", "A", 1.0), run("flips", "jax", "A", 2.0),
        run("flips", "torch", "B", 3.0), run("flips", "jax", "B", 2.0),
        run("noisy", "torch", "A", 1.0, 0.5), run("noisy", "jax", "A", 1.2, 0.5),
        run("noisy", "torch", "B", 1.3, 0.5), run("noisy", "jax", "B", 1.1, 0.5),
        run("same", "torch", "A", 1.0), run("same", "jax", "A", 4.0),
        run("same", "torch", "B", 2.0), run("same", "jax", "B", 8.0),
    ]
    return StudyResults(static=None, runs=tuple(runs), environment={"cpu": "A"})


def test_the_order_of_frameworks_is_compared_machine_by_machine_with_intervals() -> None:
    comparison = cross_machine(two_machine_study())
    assert comparison is not None and comparison.machines == ("A", "B")
    verdicts = {row.task: row.verdict for row in comparison.rows}
    assert verdicts == {"flips": "order changes", "noisy": "order changes within the noise", "same": "same order"}
    flips = next(row for row in comparison.rows if row.task == "flips")
    assert flips.orders == {"A": ("torch", "jax"), "B": ("jax", "torch")}
    assert flips.significant == (("torch", "jax", "A", "B"),)
    assert machine_rows(comparison, ("torch", "jax"))[0] == [
        "flips", "eager", "small", "M1 1 ms · M2 3 ms", "M1 2 ms · M2 2 ms", "M1 torch < jax; M2 jax < torch",
        "order changes: torch ahead of jax on M1, behind on M2"]
    assert cross_machine(StudyResults(static=None, runs=(run("same", "torch", "A", 1.0),))) is None


def test_rounds_of_two_machines_are_never_pooled() -> None:
    combined = combine_rounds(two_machine_study().runs)
    assert len(combined) == 12  # every (machine, job) on its own


def test_scoring_a_study_of_several_machines_needs_one_chosen() -> None:
    study = two_machine_study()
    with pytest.raises(ScoringError, match="records of several machines \\(A; B\\)"):
        measurements(study)
    rows = measurements(study, machine="B")
    medians = {(r.task, r.framework): r.value for r in rows if r.metric == "median_s"}
    assert medians[("flips", "torch")] == pytest.approx(3e-3)


def parts_on_two_machines(tmp_path: Path, **environment: object) -> list:
    parts = []
    for name, seed in (("Machine A", 0), ("Machine B", 1)):
        study = synthetic_study(n_tasks=5, seed=seed)
        study = StudyResults(static=study.static, runs=study.runs,
                             environment={"cpu": name, "threads_per_framework": 1, **environment.get(name, {})},
                             created=f"2026-12-0{seed + 1}T00:00:00+00:00")
        parts.append(load(write_study(tmp_path / name, study)))
    return parts


def test_a_merged_study_keeps_each_records_machine_through_its_file(tmp_path: Path) -> None:
    parts = parts_on_two_machines(tmp_path)
    merged = merge(*parts)
    back = load(write_study(tmp_path / "merged", merged.study))  # written and read back: machines still apart
    assert back.machines == ("Machine A", "Machine B")
    frame = back.to_frame()
    assert sorted(frame.machine.unique()) == ["Machine A", "Machine B"]
    assert len(frame[frame.metric == "median_s"]) == sum(len(p.to_frame().query("metric == 'median_s'"))
                                                         for p in parts)
    # scored on the machine with the most passed runs (a tie: the first), exactly as that part alone
    card = back.scorecard()
    assert card.settings.machine == "Machine A"
    alone = parts[0].scorecard()
    assert [(c.framework, round(c.composite, 9)) for c in card.composites] == \
        [(c.framework, round(c.composite, 9)) for c in alone.composites]
    assert "run figures of Machine A (every machine in the Machines section)" in card.coverage.describe()


def test_the_report_of_several_machines_shows_them_side_by_side_in_every_format(tmp_path: Path) -> None:
    report = build_report(merge(*parts_on_two_machines(tmp_path)).study)
    comparison = report.machines
    assert comparison is not None and len(comparison.rows) == 5 * 2  # 5 tasks, eager and compiled
    first = machine_rows(comparison, report.scorecard.frameworks)[0]
    assert "## Machines" in markdown(report) and "| " + " | ".join(map(md, first[:5])) in markdown(report)
    page = html_report(report)
    assert ">Machines</h2>" in page and f"<td class='num'>{first[3]}</td>" in page
    from rich.console import Console

    console = Console(width=300, record=True)
    console.print(report_group(report.scorecard, report.claims, report.rows, machines=report.machines))
    text = console.export_text()
    assert "Machines: each framework's median on each machine" in text and "M1: Machine A; M2: Machine B" in text


def test_merging_refuses_studies_measured_differently_unless_asked(tmp_path: Path) -> None:
    parts = parts_on_two_machines(tmp_path, **{"Machine B": {"threads_per_framework": 2}})
    said = r"different threads_per_framework \(.*Machine A/study.json: 1; .*Machine B/study.json: 2\)"
    with pytest.raises(LoadError, match=said):
        merge(*parts)
    assert merge(*parts, allow_mixed=True).machines == ("Machine A", "Machine B")


def test_a_local_build_label_is_not_a_different_version(tmp_path: Path) -> None:
    versions = {"Machine A": {"frameworks": {"torch": {"torch": "2.13.0+cpu", "accelerators": []}}},
                "Machine B": {"frameworks": {"torch": {"torch": "2.13.0+cu126", "accelerators": ["H100"]},
                                             "jax": {"jax": "0.10.2"}}}}
    merge(*parts_on_two_machines(tmp_path, **versions))
    versions["Machine B"]["frameworks"]["torch"]["torch"] = "2.12.0+cu126"
    with pytest.raises(LoadError, match="different torch version"):
        merge(*parts_on_two_machines(tmp_path / "again", **versions))


def test_a_study_json_of_one_machine_keeps_its_form(tmp_path: Path) -> None:
    study = synthetic_study(n_tasks=2)
    assert all("machine" not in r for r in json.loads(json.dumps(study.to_dict()))["runs"])


def test_compare_reads_two_machines_of_one_study_or_each_shared_machine(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from analyzer.cli import app

    merged = write_study(tmp_path / "merged", merge(*parts_on_two_machines(tmp_path)).study)
    across = CliRunner().invoke(app, ["compare", str(merged), str(merged), "--old-machine", "machine a",
                                      "--new-machine", "B", "--format", "json"])
    assert across.exit_code == 0, across.output
    data = json.loads(across.output)
    assert data["environment"][0] == ["machine", "Machine A", "Machine B"]
    assert data["changes"]  # two machines' timings: not the same figures
    each = CliRunner().invoke(app, ["compare", str(merged), str(merged), "--by-machine", "--format", "json"])
    assert each.exit_code == 0, each.output
    both = json.loads(each.output)
    assert list(both) == ["Machine A", "Machine B"]
    assert all(not c["changes"] and not c["environment"] for c in both.values())  # each machine against itself
    unknown = CliRunner().invoke(app, ["compare", str(merged), str(merged), "--machine", "Machine C"])
    assert unknown.exit_code == 2 and "no machine named like 'Machine C'" in unknown.output
