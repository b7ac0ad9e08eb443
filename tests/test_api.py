"""The Python API: load a study or report, tidy frames, scorecard and dimension tables, LaTeX, merging; and the
README's example, executed."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from analyzer import load, merge
from analyzer.api import COLUMNS, LoadError
from analyzer.model import StudyResults
from tests.conftest import FIXTURES, ROOT
from tests.test_scoring import synthetic_study


def write_study(folder: Path, study: StudyResults) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.json").write_text(json.dumps(study.to_dict()), encoding="utf-8")
    return folder


def test_a_study_reads_into_a_tidy_frame_with_units_status_machine_and_run(tmp_path: Path) -> None:
    study = synthetic_study(n_tasks=6)
    study = StudyResults(static=study.static, runs=study.runs, environment={"cpu": "Test CPU", "gpus": []},
                         created="2026-12-06T00:00:00+00:00")
    results = load(write_study(tmp_path / "a", study))
    frame = results.to_frame()
    assert tuple(frame.columns) == COLUMNS
    assert len(frame) == len(results.measurements())
    median = frame[(frame.metric == "median_s") & (frame.task == "task_00") & (frame.framework == "jax")
                   & (frame["mode"] == "eager")].iloc[0]
    run = next(r for r in study.runs if (r.task, r.framework, r.mode) == ("task_00", "jax", "eager"))
    assert (median.value, median.ci_low, median.ci_high) == (run.timing.median_s, run.timing.ci_low_s,
                                                             run.timing.ci_high_s)
    assert (median.unit, median.status, median.machine, median.run_id) == ("s", "passed", "Test CPU",
                                                                           "2026-12-06T00:00:00+00:00")
    sloc = frame[(frame.metric == "sloc")].iloc[0]
    assert (sloc.unit, sloc.status, sloc["mode"]) == ("lines", "measured", "static") and math.isnan(sloc.ci_low)


def test_scorecard_and_dimension_frames_match_the_scorecard(tmp_path: Path) -> None:
    results = load(write_study(tmp_path / "a", synthetic_study(n_tasks=6)))
    card = results.scorecard()
    table = results.scorecard_frame()
    assert list(table.framework) == [c.framework for c in sorted(card.composites, key=lambda c: c.rank)]
    assert list(table["rank"]) == [1, 2, 3]
    dims = results.dimensions_frame().set_index("dimension")
    assert dims.loc["speed", "jax"] == pytest.approx(card.dimension("speed", "jax").score)
    assert "deployment" not in dims.index  # no data, no row
    latex = results.to_latex()
    assert latex.count("\\begin{tabular}") == 2 and "\\toprule" in latex and "Covers 9 of 11" in latex


def test_too_little_evidence_gives_no_rank_in_the_frame_either(tmp_path: Path) -> None:
    table = load(write_study(tmp_path / "a", synthetic_study(n_tasks=3))).scorecard_frame()
    assert table["rank"].isna().all() and table["p_first"].isna().all()


def test_merging_keeps_each_rows_machine_and_run(tmp_path: Path) -> None:
    parts = []
    for name, seed in (("Machine A", 0), ("Machine B", 1)):
        study = synthetic_study(n_tasks=5, seed=seed)
        study = StudyResults(static=study.static, runs=study.runs, environment={"cpu": name},
                             created=f"2026-12-0{seed + 1}T00:00:00+00:00")
        parts.append(load(write_study(tmp_path / name, study)))
    both = merge(*parts)
    frame = both.to_frame()
    assert len(frame) == sum(len(p.to_frame()) for p in parts)
    assert sorted(frame.machine.unique()) == ["Machine A", "Machine B"]
    assert sorted(frame.run_id.unique()) == ["2026-12-01T00:00:00+00:00", "2026-12-02T00:00:00+00:00"]
    assert both.machines == ("Machine A", "Machine B")
    same = merge(parts[0], parts[0])  # two shards of one machine score as one study
    assert same.scorecard().coverage.tasks == 5


def test_bad_paths_are_named(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="holds neither report.json nor study.json"):
        load(tmp_path)
    (tmp_path / "study.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(LoadError, match="study.json: not JSON"):
        load(tmp_path / "study.json")


def test_the_readmes_example_runs_on_the_published_study(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation
    assert tuple(namespace["frame"].columns) == COLUMNS
    assert set(namespace["speed"].columns.get_level_values("framework")) == {"torch", "tensorflow", "jax"}
    assert "\\begin{tabular}" in namespace["latex"]
    printed = capsys.readouterr().out
    assert "composite" in printed and "U1-concise" in printed


@pytest.mark.frameworks
def test_the_readmes_study_from_python_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's second Python block (a study through analyzer.orchestration), run in a copy of a one-task
    catalog: the same flow as the CLI's, with its records, study.json and reports."""
    import shutil

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.findall(r"```python\n(.*?)```", readme.split("## Python API", 1)[1], re.S)[1]
    shutil.copytree(FIXTURES / "debug_catalog", tmp_path / "project")
    monkeypatch.chdir(tmp_path / "project")
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation
    report = namespace["report"]
    assert [(r.task, r.framework, r.status) for r in report.study.runs] == [
        ("tiny_regression", "torch", "passed"), ("tiny_regression", "jax", "passed")]
    assert report.study.categories == {"tiny_regression": "training"}  # saved with the study (schema 6)
    written = sorted(p.name for p in (tmp_path / "project" / "results").iterdir())
    assert {"runs.jsonl", "study.json", "report.json", "measurements.csv", "report.md", "report.html"} <= set(written)
