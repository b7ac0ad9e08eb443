"""compare(old, new): what a pull request that edits a pair, or a framework upgrade, changed."""

from __future__ import annotations

import dataclasses
import io

import pytest
from rich.console import Console

from analyzer.model import StaticReport, StudyResults
from analyzer.reporting.compare import Change, compare, comparison_markdown, comparison_renderable
from analyzer.reporting.files import Report, build_report, read_report, write_report
from analyzer.scoring import ScoringSettings
from tests.test_scoring import HOSTILE, make_file, report_study

SETTINGS = ScoringSettings(resamples=100, weightings=100)


def scored(study: StudyResults) -> Report:
    return build_report(study, settings=SETTINGS)


def with_files(study: StudyResults, files) -> StudyResults:
    return dataclasses.replace(study, static=StaticReport(study.static.corpus, tuple(files)))


@pytest.fixture(scope="module")
def old() -> Report:
    return scored(report_study())


def render(renderable, width: int = 100) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(renderable)
    return buffer.getvalue()


def test_nothing_changed(old) -> None:
    comparison = compare(old, old)
    assert comparison.unchanged
    assert comparison_markdown(comparison).endswith("No changes.\n")
    assert render(comparison_renderable(comparison)).strip() == "no changes"


def test_a_pull_request_that_edits_a_pair(old) -> None:
    study = old.study
    files = [dataclasses.replace(f, sloc=f.sloc - 5) if (f.task, f.framework) == ("mlp", "jax") else f
             for f in study.static.files]
    comparison = compare(old, scored(with_files(study, files)))
    assert comparison.measurements == (Change("mlp", "jax", "default", "static", "sloc", 28.0, 23.0),)
    assert comparison.measurements[0].relative == pytest.approx(-5 / 28)
    changed_scores = {(c.framework, c.metric) for c in comparison.scores}
    assert changed_scores == {("jax", "composite"), ("jax", "conciseness")}
    assert comparison.environment == () and comparison.verdicts == ()
    text = render(comparison_renderable(comparison))
    assert "mlp    jax              static   sloc      28    23   -5 (-17.9%)" in text


def test_a_framework_upgrade(old) -> None:
    study = old.study
    runs = tuple(dataclasses.replace(r, timing=dataclasses.replace(r.timing, median_s=r.timing.median_s * 0.5))
                 if r.framework == "torch" and r.timing else r for r in study.runs)
    new = scored(dataclasses.replace(study, runs=runs, environment={**study.environment, "torch": "2.10.0"}))
    comparison = compare(old, new)
    assert comparison.environment == (("torch", "2.9.0", "2.10.0"),)
    timing = [c for c in comparison.measurements if c.metric == "median_s"]
    assert {c.framework for c in timing} == {"torch"} and len(timing) == 16
    assert all(c.relative == pytest.approx(-0.5) for c in timing)
    assert ("torch", "speed") in {(c.framework, c.metric) for c in comparison.scores}
    assert compare(old, new, min_relative=0.6).measurements == ()


def test_added_and_removed_implementations_and_changed_verdicts(old) -> None:
    study = old.study
    files = [f for f in study.static.files if f.variant == "default"] + [make_file("mlp", "jax", "nnx", sloc=9)]
    files = [dataclasses.replace(f, sloc=f.sloc + 40) if f.framework == "torch" else f for f in files]
    comparison = compare(old, scored(with_files(study, files)))
    added = [c for c in comparison.measurements if c.old is None]
    removed = [c for c in comparison.measurements if c.new is None]
    assert {(c.variant, c.metric) for c in added} >= {("nnx", "sloc")}
    assert {(c.task, c.framework, c.variant) for c in removed} == {("mlp", "tensorflow", "fit")}
    assert ("U1-concise", "supported", "contradicted") in comparison.verdicts
    markdown = comparison_markdown(comparison)
    assert "| mlp | jax (nnx) | static | sloc | - | 9 | added |" in markdown
    assert "| U1-concise | supported | contradicted |" in markdown


def test_compare_saved_reports_with_hostile_names(tmp_path, old) -> None:
    write_report(old, tmp_path / "old", ["json"])
    study = old.study
    files = [dataclasses.replace(f, sloc=99) if f.task == HOSTILE and f.framework == "torch" else f
             for f in study.static.files]
    write_report(scored(with_files(study, files)), tmp_path / "new", ["json"])
    comparison = compare(read_report(tmp_path / "old" / "report.json"), read_report(tmp_path / "new" / "report.json"))
    markdown = comparison_markdown(comparison)
    assert "<script>" not in markdown
    assert "| &lt;script&gt;alert(1)&lt;/script&gt;\\|\\[bold\\]x\\[/\\] | torch | static | sloc | 22 | 99 |" \
        in markdown
    assert HOSTILE in render(comparison_renderable(comparison), width=200)
