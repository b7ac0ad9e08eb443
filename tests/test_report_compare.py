"""compare(old, new), pyperf-style: what a pull request that edits a pair, a framework upgrade or another machine
changed, with ratios, significance, a summary, and an exit status on regression."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.model import StaticReport, StudyResults
from analyzer.reporting.compare import compare, comparison_markdown, comparison_renderable
from analyzer.orchestration import build_report
from analyzer.report import Report
from analyzer.reporting.files import write_report
from analyzer.store import read_report
from analyzer.scoring import ScoringSettings
from tests.test_scoring import HOSTILE, make_file, report_study

SETTINGS = ScoringSettings(resamples=100, weightings=100)


def scored(study: StudyResults) -> Report:
    return build_report(study, settings=SETTINGS)


def with_files(study: StudyResults, files) -> StudyResults:
    return dataclasses.replace(study, static=StaticReport(study.static.corpus, tuple(files)))


def with_runs(study: StudyResults, change) -> StudyResults:
    return dataclasses.replace(study, runs=tuple(change(r) for r in study.runs))


def scaled(run, factor: float):
    """A run whose timing (median and interval) is `factor` times the original."""
    if run.timing is None:
        return run
    t = run.timing
    return dataclasses.replace(run, timing=dataclasses.replace(
        t, median_s=t.median_s * factor, ci_low_s=t.ci_low_s * factor, ci_high_s=t.ci_high_s * factor))


@pytest.fixture(scope="module")
def old() -> Report:
    return scored(report_study())


def render(renderable, width: int = 160) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(renderable)
    return buffer.getvalue()


def flat(text: str) -> str:
    return " ".join(text.split())


def test_nothing_changed(old) -> None:
    comparison = compare(old, old)
    assert comparison.unchanged and comparison.regressions(0.0) == ()
    assert comparison_markdown(comparison).endswith("No changes.\n")
    assert render(comparison_renderable(comparison)).strip() == "no changes"


def test_a_pull_request_that_edits_a_pair(old) -> None:
    study = old.study
    files = [dataclasses.replace(f, sloc=f.sloc - 5) if (f.task, f.framework) == ("mlp", "jax") else f
             for f in study.static.files]
    comparison = compare(old, scored(with_files(study, files)))
    (change,) = comparison.changes
    assert (change.task, change.framework, change.metric, change.old, change.new) == ("mlp", "jax", "sloc", 28, 23)
    assert change.significant and change.evidence == "exact" and change.words() == "1.22x lower"
    assert not change.worse
    changed = {(s.framework, s.name) for s in comparison.scores if s.old != s.new}
    assert ("jax", "conciseness") in changed and ("jax", "composite") in changed
    assert comparison.environment == () and comparison.verdicts == () and comparison.warnings() == []
    text = render(comparison_renderable(comparison))
    assert "mlp jax static - sloc 28 23 1.22x lower (better) exact" in flat(text)
    assert "Time per framework" not in text  # no time changed


def test_a_framework_upgrade_twice_as_fast_is_summarised_per_framework(old) -> None:
    study = old.study
    environment = {**study.environment, "frameworks": {"torch": {"torch": "2.14.0"}}}
    new = scored(dataclasses.replace(with_runs(study, lambda r: scaled(r, 0.5) if r.framework == "torch" else r),
                                     environment=environment))
    comparison = compare(old, new)
    timing = [c for c in comparison.shown if c.metric == "median_s"]
    assert {c.framework for c in timing} == {"torch"} and len(timing) == 16
    assert all(c.words() == "2.00x faster" and c.evidence == "95% intervals apart" for c in timing)
    assert ("torch", "eager", "small", 0.5, 8) in [(f, m, s, round(r, 6), n) for f, m, s, r, n in comparison.geomeans]
    assert comparison.environment[0][0] == "frameworks"
    assert "different conditions (frameworks)" in comparison.warnings()[0]
    assert comparison.regressions(0.05) == ()  # faster is no regression
    assert compare(new, old).regressions(0.5) != () and compare(new, old).regressions(1.5) == ()
    text = render(comparison_renderable(comparison))
    assert "torch eager small 2.00x faster 8" in flat(text) and "jax eager" not in flat(text)


def test_changes_within_the_noise_are_hidden_and_counted(old) -> None:
    study = old.study
    # jax a little slower, within overlapping intervals; torch's compile latency 5% and tensorflow's 30% longer
    def change(run):
        if run.framework == "jax":
            return scaled(run, 1.005)
        if run.compile_s is not None:
            return dataclasses.replace(run, compile_s=run.compile_s * (1.05 if run.framework == "torch" else 1.3))
        return run
    comparison = compare(old, scored(with_runs(study, change)))
    hidden = [c for c in comparison.changes if not c.significant]
    assert {c.evidence for c in hidden} >= {"95% intervals overlap", "no interval: below 10% noise"}
    shown_metrics = {(c.framework, c.metric) for c in comparison.shown}
    assert ("tensorflow", "compile_s") in shown_metrics and ("torch", "compile_s") not in shown_metrics
    assert ("jax", "median_s") not in shown_metrics
    assert f"{comparison.hidden} change(s) within the noise hidden" in render(comparison_renderable(comparison))
    assert len(render(comparison_renderable(comparison, show_all=True))) > len(
        render(comparison_renderable(comparison)))


def test_modes_measured_on_one_side_only_are_counted_not_listed(old) -> None:
    study = old.study
    eager_only = dataclasses.replace(study, runs=tuple(r for r in study.runs if r.mode == "eager"),
                                     environment={**study.environment, "modes": ["eager"]})
    comparison = compare(old, scored(eager_only))
    assert comparison.only_new == 0 and comparison.only_old > 0
    assert all(c.mode != "compiled" for c in comparison.changes)
    warnings = " ".join(comparison.warnings())
    assert f"{comparison.only_old} figure(s) only in the old study" in warnings and "(modes)" in warnings


def test_added_implementations_and_changed_verdicts(old) -> None:
    study = old.study
    files = [f for f in study.static.files if f.variant == "default"] + [make_file("mlp", "jax", "nnx", sloc=9)]
    files = [dataclasses.replace(f, sloc=f.sloc + 40) if f.framework == "torch" else f for f in files]
    comparison = compare(old, scored(with_files(study, files)))
    assert comparison.only_new > 0 and comparison.only_old > 0  # jax (nnx) added, tensorflow (fit) gone
    assert ("U1-concise", "supported", "contradicted") in comparison.verdicts
    markdown = comparison_markdown(comparison)
    assert "| U1-concise | supported | contradicted |" in markdown
    worst = comparison.shown[0]  # largest effect first
    assert worst.framework == "torch" and worst.metric == "sloc" and worst.worse


def test_compare_saved_reports_with_hostile_names(tmp_path, old) -> None:
    write_report(old, tmp_path / "old", ["json"])
    study = old.study
    files = [dataclasses.replace(f, sloc=99) if f.task == HOSTILE and f.framework == "torch" else f
             for f in study.static.files]
    write_report(scored(with_files(study, files)), tmp_path / "new", ["json"])
    comparison = compare(read_report(tmp_path / "old" / "report.json"), read_report(tmp_path / "new" / "report.json"))
    markdown = comparison_markdown(comparison)
    assert "<script>" not in markdown
    assert "| &lt;script&gt;alert(1)&lt;/script&gt;\\|\\[bold\\]x\\[/\\] | torch | static | - | sloc | 22 | 99 |" \
        in markdown
    assert HOSTILE in render(comparison_renderable(comparison), width=200)


def test_the_command_takes_studies_or_reports_and_exits_1_on_a_regression(tmp_path: Path, old) -> None:
    write_report(old, tmp_path / "old", ["json"])
    slower = with_runs(old.study, lambda r: scaled(r, 1.5) if r.framework == "jax" else r)
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "study.json").write_text(json.dumps(slower.to_dict()), encoding="utf-8")
    runner = CliRunner()
    plain = runner.invoke(app, ["compare", str(tmp_path / "old" / "report.json"), str(tmp_path / "new")])
    assert plain.exit_code == 0, plain.output
    assert "1.50x slower" in flat(plain.output)
    gate = runner.invoke(app, ["compare", str(tmp_path / "old"), str(tmp_path / "new" / "study.json"),
                               "--fail-on-regression", "0.2"])
    assert gate.exit_code == 1 and "regression(s) beyond 20%" in gate.output
    loose = runner.invoke(app, ["compare", str(tmp_path / "old"), str(tmp_path / "new"), "--fail-on-regression", "0.6"])
    assert loose.exit_code == 0
    missing = runner.invoke(app, ["compare", str(tmp_path / "nowhere"), str(tmp_path / "new")])
    assert missing.exit_code == 2 and "nowhere" in missing.output
