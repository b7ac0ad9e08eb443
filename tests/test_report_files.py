"""Report files: complete JSON read back, tidy CSV, escaped Markdown, re-rendering from a saved JSON."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from analyzer.claims import check_claims, load_claims
from analyzer.model import SCHEMA_VERSION
from analyzer.orchestration import build_report
from analyzer.report import Report, ReportError
from analyzer.reporting.files import FILES, markdown, md, render_saved, task_sources, to_csv, write_report
from analyzer.store import read_report
from analyzer.reporting.html import html_report
from analyzer.scoring import DIMENSIONS, ScoringSettings, measurements, score_study
from tests.test_scoring import HOSTILE, make_file, make_study, report_study

SETTINGS = ScoringSettings(resamples=200, weightings=200)


@pytest.fixture(scope="module")
def report() -> Report:
    study = report_study()
    card = score_study(study, {d: 1.0 for d in DIMENSIONS}, settings=SETTINGS, weights_source="weights.toml")
    return Report(study, card, check_claims(load_claims(), study, card))


def test_every_format_is_written_and_the_json_reads_back_whole(tmp_path, report) -> None:
    written = write_report(report, tmp_path / "out")
    assert [p.name for p in written] == ["report.json", "measurements.csv", "report.md", "report.html"]
    data = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert (data["format"], data["report_version"], data["study"]["schema_version"]) == (
        "usability-score report", 1, SCHEMA_VERSION)
    assert set(data) == {"format", "report_version", "analyzer", "study", "scores", "claims"}
    assert data["scores"]["settings"]["resamples"] == 200
    assert read_report(tmp_path / "out" / "report.json") == report


def test_rerendering_from_the_saved_json_gives_the_same_files(tmp_path, report) -> None:
    write_report(report, tmp_path / "first")
    again = render_saved(tmp_path / "first" / "report.json", tmp_path / "again", ["md", "html", "csv"])
    assert [p.name for p in again] == ["report.md", "report.html", "measurements.csv"]
    for path in again:
        assert path.read_text(encoding="utf-8") == (tmp_path / "first" / path.name).read_text(encoding="utf-8")


def test_csv_is_tidy_and_survives_hostile_names(report) -> None:
    from analyzer.api import COLUMNS

    rows = list(csv.reader(io.StringIO(to_csv(report))))
    assert tuple(rows[0]) == COLUMNS == ("task", "category", "framework", "variant", "mode", "size", "metric", "value",
                                         "ci_low", "ci_high", "unit", "status", "machine", "run_id")
    assert len(rows) - 1 == len(report.rows)
    machine, run_id = report.study.environment.get("cpu", ""), report.study.created
    by_key = {tuple(row[:7]): row[7:] for row in rows[1:]}
    assert by_key[("attn", "", "torch", "default", "static", "", "sloc")] == ["20.0", "", "", "lines", "measured",
                                                                              machine, run_id]
    timing = next(r.timing for r in report.study.runs if (r.task, r.framework, r.mode) == ("attn", "jax", "eager"))
    assert by_key[("attn", "", "jax", "default", "eager", "small", "median_s")] == [
        "0.005", repr(timing.ci_low_s), repr(timing.ci_high_s), "s", "passed", machine, run_id]
    assert (HOSTILE, "", "torch", "default", "static", "", "sloc") in by_key
    assert ("mlp", "", "tensorflow", "fit", "static", "", "sloc") in by_key  # variants are listed


def test_csv_cells_that_a_spreadsheet_would_evaluate_are_neutralised() -> None:
    names = ('=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "plain")
    study = make_study([make_file(task, fw) for task in names for fw in ("torch", "jax")])
    card = score_study(study, {d: 1.0 for d in DIMENSIONS}, settings=SETTINGS)
    cells = {row[0] for row in csv.reader(io.StringIO(to_csv(Report(study, card))))}
    assert cells >= {"'+1", "'-2", "'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1)", "plain"}


@pytest.mark.parametrize(("text", "expected"), [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("a|b", "a\\|b"),
    ("adam_training", "adam\\_training"),
    ("**bold** [link](x) `code`", "\\*\\*bold\\*\\* \\[link\\](x) \\`code\\`"),
    ("two\nlines", "two lines"),
    ("a & b", "a &amp; b"),
])
def test_markdown_escaping(text: str, expected: str) -> None:
    assert md(text) == expected


def test_markdown_report_escapes_task_names_and_keeps_tables_whole(report) -> None:
    text = markdown(report)
    assert "<script>" not in text and "[bold]" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\|\\[bold\\]x\\[/\\]" in text
    for table in re.findall(r"((?:^\|.*\|\n)+)", text, flags=re.M):
        lines = table.splitlines()
        widths = {len(re.findall(r"(?<!\\)\|", line)) for line in lines}
        assert len(widths) == 1, lines  # no row has more cells than its header
    assert "| 1 | jax | **98.0 ▲** |" in text
    assert "| U1-concise | U1 | **supported** | PyTorch code is more concise than TensorFlow's |" in text
    assert "| deployment | 1 | 0 | – | – | – | skipped: no deploy\\_paths in this study |" in text


def test_reading_a_bad_file_names_it(tmp_path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(ReportError, match=r"missing.json: cannot read"):
        read_report(missing)
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json", encoding="utf-8")
    with pytest.raises(ReportError, match=r"garbage.json: not a JSON report"):
        read_report(garbage)
    study = tmp_path / "study.json"
    study.write_text(json.dumps({"schema_version": 1, "runs": []}), encoding="utf-8")
    with pytest.raises(ReportError, match=r"study.json: field 'format': expected 'usability-score report'"):
        read_report(study)
    future = tmp_path / "future.json"
    future.write_text(json.dumps({"format": "usability-score report", "report_version": 9}), encoding="utf-8")
    with pytest.raises(ReportError, match=r"future.json: field 'report_version': 9 is not supported; expected 1"):
        read_report(future)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"format": "usability-score report", "report_version": 1}), encoding="utf-8")
    with pytest.raises(ReportError, match=r"broken.json: malformed report \(KeyError"):
        read_report(broken)


def test_unknown_formats_are_refused(tmp_path, report) -> None:
    with pytest.raises(ValueError, match="unknown format.s. pdf; expected some of json, csv, md, html"):
        write_report(report, tmp_path, ["pdf"])
    assert set(FILES) == {"json", "csv", "md", "html"}


def test_build_report_uses_the_shipped_weights_and_claims() -> None:
    report = build_report(report_study(), settings=SETTINGS)
    assert report.scorecard.weights_source == "the shipped analyzer/data/weights.toml"  # no path of this machine
    assert len(report.claims) == len(load_claims())


def test_task_sources_for_the_side_by_side_view(tmp_path) -> None:
    (tmp_path / "impls" / "mlp").mkdir(parents=True)
    (tmp_path / "impls" / "mlp" / "torch.py").write_text("import torch\n", encoding="utf-8")
    study = make_study([make_file("mlp", "torch"), make_file("mlp", "jax"), make_file("other", "torch")])
    sources = task_sources(study, "mlp", root=tmp_path)
    assert sources == {("torch", "default"): "import torch\n",
                       ("jax", "default"): "# source not found: impls/mlp/jax.py"}


def test_html_and_markdown_render_a_static_only_study() -> None:
    study = make_study([make_file(t, fw, sloc=10 + i) for i, t in enumerate("abcde") for fw in ("torch", "jax")])
    report = build_report(study, settings=SETTINGS)
    assert "no timings in this study" in html_report(report)
    assert "| speed | 1 | 0 | – | – | skipped: no best\\_s in this study |" \
        in markdown(report)
    assert measurements(study)


def test_the_environment_reads_as_text_not_as_python_dicts() -> None:
    from analyzer.reporting.scorecard import environment_lines

    environment = {
        "analyzer": "0.1.0", "cores_available": 2, "gpus": [], "modes": ["eager", "compiled"],
        "frameworks": {"torch": {"torch": "2.13.0+cpu", "accelerators": []},
                       "jax": {"jax": "0.10.2", "flax": "0.12.8", "accelerators": ["cuda:0"]}},
        "precision": {"dtype": "float32", "tf32": "off"},
        "deployment": {"device": "cpu", "size": "small", "threads": 1, "frameworks": {}, "isolation": "none"},
    }
    assert environment_lines(environment) == [
        ("cores available", "2"),
        ("deployment", "cpu, small size, 1 thread(s); isolation: none"),
        ("frameworks", "torch 2.13.0+cpu; jax 0.10.2 flax 0.12.8 (on cuda:0)"),
        ("gpus", "none"),
        ("modes", "eager, compiled"),
        ("precision", "dtype: float32; tf32: off"),
    ]
