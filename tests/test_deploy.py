"""Deployment: the paths as data, planning, the records and their JSON form, scoring and claims, the reports; then a
fixture model task exported and reloaded for real, ending each way a path can end, and every deployment path of
every model task of the catalog on the CPU (tests generated per task and path)."""

from __future__ import annotations

import ast
import dataclasses
import io
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console
from typer.testing import CliRunner

from analyzer import deployment
from analyzer.catalog import load_catalog
from analyzer.claims import check_claims, load_claims
from analyzer.cli import app
from analyzer.deployment import DEPLOYMENTS_FILE, DeployPlan, PlannedDeploy, load_deployments, model_tasks, to_record
from analyzer.environment import available_cores
from analyzer.worker.deploy import export_contract
from analyzer.worker.harness import Case, ContractError
from analyzer.execution.runner import Job
from analyzer.frameworks import DEPLOY_PATHS, FRAMEWORKS, deploy_path, deploy_paths
from analyzer.worker.loaders import LOADERS, InputMismatch, feed, flatten_outputs
from analyzer.model import RUN_STATUSES, SCHEMA_VERSION, DeployRecord, StudyResults
from analyzer.report import Report
from analyzer.reporting.files import markdown
from analyzer.reporting.html import html_report
from analyzer.reporting.scorecard import deployment_failures, deployment_table
from analyzer.scoring import DIMENSIONS, ScoringSettings, measurements, score_study
from analyzer.static.size import exclusive_sloc
from tests.conftest import FIXTURES
from tests.test_scoring import make_timing

FAST = ScoringSettings(resamples=100, weightings=100)
CATALOG = load_catalog()
MODEL_TASKS = [task.id for task in model_tasks(CATALOG.tasks)]


# ---------------------------------------------------------------------------------------------------- paths as data


def test_every_framework_ships_by_paths_listed_as_data() -> None:
    assert {p.framework for p in DEPLOY_PATHS} == set(FRAMEWORKS)
    assert [p.name for p in deploy_paths("torch")] == ["torch_export", "onnx", "torchscript"]
    assert [p.name for p in deploy_paths("tensorflow")] == ["saved_model", "litert"]
    assert [p.name for p in deploy_paths("jax")] == ["jax_export", "jax2tf"]
    assert [p.name for p in DEPLOY_PATHS if p.legacy] == ["torchscript"]
    assert all(p.loader in LOADERS for p in DEPLOY_PATHS)
    assert deploy_path("jax2tf").runtime == "tensorflow"
    with pytest.raises(KeyError, match="unknown deployment path 'tflite'; expected one of torch_export, onnx"):
        deploy_path("tflite")


def test_reload_jobs_get_a_worker_of_their_runtime_and_exports_their_frameworks() -> None:
    job = Job(id="j", task="t", framework="jax", variant="default", mode="compiled", task_dir="", impl_path="",
              kind="export", deploy_path="jax2tf")
    assert job.worker == "jax"
    assert dataclasses.replace(job, kind="reload").worker == "reload-tensorflow"


def test_the_plan_covers_every_path_of_every_model_task(tmp_path: Path) -> None:
    planned = deployment.plan(CATALOG.tasks, DeployPlan(), out_dir=tmp_path)
    assert len(MODEL_TASKS) >= 7 and "matmul" not in MODEL_TASKS
    assert {p.key for p in planned} == {(t, p.framework, p.name) for t in MODEL_TASKS for p in DEPLOY_PATHS}
    jobs = [p.job for p in planned if p.job is not None]
    assert all(job.kind == "export" and job.device == "cpu" for job in jobs)
    assert all(Path(job.artifact).is_relative_to(tmp_path.resolve() / "artifacts") for job in jobs)
    first = planned[:7]
    assert [p.key[1] for p in first] == ["torch"] * 3 + ["tensorflow"] * 2 + ["jax"] * 2
    assert planned[7].key[1] != "torch"  # the frameworks' order rotates from task to task, as for runs
    only = deployment.plan(CATALOG.tasks, DeployPlan(frameworks=("jax",), paths=("jax2tf",)), out_dir=tmp_path)
    assert {p.key[1:] for p in only} == {("jax", "jax2tf")} and len(only) == len(MODEL_TASKS)


def test_a_converter_that_is_not_installed_is_skipped_without_running(tmp_path: Path, monkeypatch) -> None:
    real = deployment.importlib.util.find_spec
    monkeypatch.setattr(deployment.importlib.util, "find_spec",
                        lambda name, *a: None if name == "onnxscript" else real(name, *a))
    planned = deployment.plan(CATALOG.tasks, DeployPlan(frameworks=("torch",)), out_dir=tmp_path)
    onnx = [p for p in planned if p.key[2] == "onnx"]
    assert onnx and all(p.job is None for p in onnx)
    record = onnx[0].record
    assert record.status == "skipped"
    assert record.reason == "onnxscript not installed (pip install 'usability-score[deploy]')"
    assert all(p.job is not None for p in planned if p.key[2] != "onnx")


@pytest.mark.parametrize(("source", "expected"), [
    ("def setup(i, d):\n    return 1\n", None),
    ("def export(state, directory, path):\n    x = 1\n\n    return x\n", 3),
    # a helper only export uses counts; one that setup uses too does not
    ("class Wrap:\n    '''doc'''\n    def f(self):\n        return shared()\n\n\ndef shared():\n    return 2\n\n\n"
     "def setup(i, d):\n    return shared()\n\n\ndef export(s, d, p):\n    return Wrap()\n", 2 + 3),
    ("def inner():\n    return 1\n\n\ndef helper():\n    return inner()\n\n\ndef export(s, d, p):\n"
     "    return helper()  # comment\n", 6),
])
def test_export_lines_are_the_export_function_and_what_only_it_uses(source: str, expected: int | None) -> None:
    assert exclusive_sloc(source, ast.parse(source), "export", ("setup", "run", "result")) == expected


# ---------------------------------------------------------------------------------------------------- worker helpers


def test_inputs_are_fed_by_name_or_position_and_cast_to_what_the_artifact_declares() -> None:
    x, valid = np.ones((2, 3), np.float32), np.array([[True, False]])
    by_name = feed([("valid", np.bool_), ("x", np.float64)], ("x", "valid"), [x, valid])
    assert by_name[0] is not x and by_name[0].dtype == np.bool_ and by_name[1].dtype == np.float64
    by_position = feed([("keras_tensor", None), ("keras_tensor_1", np.int32)], ("x", "valid"), [x, valid])
    assert by_position[0] is x and by_position[1].dtype == np.int32
    with pytest.raises(InputMismatch, match=r"takes 1 input\(s\) \(x\); the implementation declares 2"):
        feed([("x", None)], ("x", "valid"), [x, valid])


def test_outputs_are_flattened_in_order_and_mappings_in_natural_key_order() -> None:
    out = {f"output_{i}": np.full(1, i) for i in (10, 2, 0)}
    assert [int(a[0]) for a in flatten_outputs(out)] == [0, 2, 10]
    assert [a.tolist() for a in flatten_outputs((np.zeros(1), [np.ones(2)]))] == [[0.0], [1.0, 1.0]]


def test_the_export_contract_names_task_inputs_and_oracle_outputs() -> None:
    case = Case({"x": np.zeros(1), "w": np.zeros(1)}, {"logits": np.zeros(1), "probs": np.zeros(1)})
    module = type("M", (), {"EXPORT_INPUTS": ("x",), "EXPORT_OUTPUT": "logits"})
    assert export_contract(module, case) == (("x",), ("logits",))
    module.EXPORT_OUTPUT = ("logits", "probs")
    assert export_contract(module, case) == (("x",), ("logits", "probs"))
    module.EXPORT_INPUTS = ("images",)
    with pytest.raises(ContractError, match=r"EXPORT_INPUTS = \('images',\); expected a tuple of names from x, w"):
        export_contract(module, case)


def planned_item() -> PlannedDeploy:
    job = Job(id="t|torch|onnx", task="t", framework="torch", variant="default", mode="compiled", task_dir="",
              impl_path="", kind="export", deploy_path="onnx", artifact="/nowhere")
    return PlannedDeploy(("t", "torch", "onnx"), job, None, export_sloc=12)


def test_one_record_from_the_export_and_the_reload_says_which_failed() -> None:
    exported = {"status": "passed", "export_s": 0.5, "artifact_bytes": 2048}
    reloaded = {"status": "wrong_answer", "reason": "reload: output 'y' differs", "reload_s": 0.1, "isolated": True,
                "runtime": "onnxruntime 1.0", "max_abs_err": 0.5, "latency": None}
    record = to_record(planned_item(), exported, reloaded)
    assert (record.status, record.reason, record.export_s, record.artifact_bytes) == (
        "wrong_answer", "reload: output 'y' differs", 0.5, 2048)
    assert (record.export_sloc, record.runtime, record.isolated, record.legacy) == (12, "onnxruntime 1.0", True, False)
    killed = to_record(planned_item(), {"status": "timed_out", "reason": "no result within 300 s"}, None)
    assert (killed.status, killed.reason, killed.reload_s) == ("timed_out", "export: no result within 300 s", None)


# ---------------------------------------------------------------------------------------------------- records, scores


def make_deploy(task: str, framework: str, path: str, status: str = "passed", **figures) -> DeployRecord:
    passed = status == "passed"
    return DeployRecord(task=task, framework=framework, path=path, status=status, legacy=deploy_path(path).legacy,
                        reason="" if passed else figures.pop("reason", "export: RuntimeError: unsupported op"),
                        export_s=0.2, artifact_bytes=figures.pop("artifact_bytes", 12_345), export_sloc=14,
                        runtime="torch 2.0" if passed else "", import_s=1.0 if passed else None,
                        reload_s=0.3 if passed else None, max_abs_err=1e-7 if passed else None,
                        latency=make_timing(0.001) if passed else None, isolated=True if passed else None, **figures)


def deploy_study(working: dict[str, int], tasks: int = 7) -> StudyResults:
    """Every framework's paths on `tasks` tasks, the first `working[framework]` of its non-legacy paths passing."""
    records = []
    for i in range(tasks):
        for framework, count in working.items():
            scored = [p for p in deploy_paths(framework) if not p.legacy]
            records += [make_deploy(f"m{i}", framework, p.name, "passed" if n < count else "crashed")
                        for n, p in enumerate(scored)]
            records += [make_deploy(f"m{i}", framework, p.name, "crashed") for p in deploy_paths(framework) if p.legacy]
    return StudyResults(static=None, deployments=tuple(records))


def test_deployments_round_trip_through_the_study_document() -> None:
    study = deploy_study({"torch": 2, "tensorflow": 1})
    data = json.loads(json.dumps(study.to_dict()))
    assert data["schema_version"] == SCHEMA_VERSION and len(data["deployments"]) == 7 * 5
    assert StudyResults.from_dict(data) == study
    with pytest.raises(ValueError, match="schema_version 1 is not supported; expected 2 or 3 or 4"):
        StudyResults.from_dict({**data, "schema_version": 1})


def test_deploy_paths_counts_working_paths_legacy_left_out_and_skips_unknown_counts() -> None:
    study = deploy_study({"torch": 2, "tensorflow": 1, "jax": 0}, tasks=2)
    skipped = dataclasses.replace(study.deployments[-1], status="skipped")  # m1 jax jax2tf: the count is unknown
    study = dataclasses.replace(study, deployments=study.deployments[:-1] + (skipped,))
    rows = {(r.task, r.framework): r for r in measurements(study) if r.metric == "deploy_paths"}
    assert {key: r.value for key, r in rows.items()} == {
        ("m0", "torch"): 2.0, ("m0", "tensorflow"): 1.0, ("m0", "jax"): 0.0, ("m1", "torch"): 2.0,
        ("m1", "tensorflow"): 1.0}
    assert rows[("m0", "torch")].mode == "deploy"
    assert rows[("m0", "torch")].sources == ("deploy:m0/torch/torch_export", "deploy:m0/torch/onnx")


def test_the_deployment_dimension_and_its_claims_are_decided() -> None:
    study = deploy_study({"torch": 1, "tensorflow": 2, "jax": 2})
    card = score_study(study, {d: 1.0 for d in DIMENSIONS}, settings=FAST)
    assert card.scored_dimensions == ("deployment",)
    scores = card.scores_of("deployment")
    assert scores["tensorflow"].score == scores["jax"].score == 1.0
    assert scores["torch"].score == pytest.approx(2 / 3)  # (1 + 1) / (2 + 1): the offset keeps 0 paths finite
    verdicts = {r.claim.id: r for r in check_claims(load_claims(), study, card)}
    assert verdicts["D1-tensorflow-deployment"].verdict == "supported"
    assert verdicts["J-D1-deployment"].verdict == "inconclusive"
    reverse = deploy_study({"torch": 2, "tensorflow": 0, "jax": 1})
    card = score_study(reverse, {d: 1.0 for d in DIMENSIONS}, settings=FAST)
    verdicts = {r.claim.id: r.verdict for r in check_claims(load_claims(), reverse, card)}
    assert (verdicts["D1-tensorflow-deployment"], verdicts["J-D1-deployment"]) == ("contradicted", "contradicted")


def test_a_claim_may_name_the_deployment_figure_which_has_no_modes() -> None:
    from analyzer.claims import ClaimsError, parse_claims

    (claim,) = parse_claims({"claim": [{"id": "d", "statement": "s", "metric": "deploy_paths", "a": "tensorflow",
                                        "b": "torch", "expect": "higher"}]})
    study = deploy_study({"torch": 1, "tensorflow": 2, "jax": 2})
    card = score_study(study, {d: 1.0 for d in DIMENSIONS}, settings=FAST)
    from analyzer.claims import check_claim

    result = check_claim(claim, measurements(study), card)
    assert result.verdict == "supported" and result.summary.startswith("tensorflow higher on 7, lower on 0 of 7")
    with pytest.raises(ClaimsError, match="deploy_paths has no modes"):
        parse_claims({"claim": [{"id": "d", "statement": "s", "metric": "deploy_paths", "mode": "eager",
                                 "a": "tensorflow", "b": "torch", "expect": "higher"}]})


# ---------------------------------------------------------------------------------------------------- reports

HOSTILE_REASON = "export: <script>alert(1)</script> | *bold* [link](x)"


def reported() -> Report:
    study = deploy_study({"torch": 2, "tensorflow": 1, "jax": 2}, tasks=5)
    hostile = dataclasses.replace(study.deployments[4], reason=HOSTILE_REASON)  # m0 tensorflow litert, crashed
    study = dataclasses.replace(study, deployments=study.deployments[:4] + (hostile,) + study.deployments[5:])
    return Report(study, score_study(study, {d: 1.0 for d in DIMENSIONS}, settings=FAST))


def test_the_console_deployment_table_shows_each_path_and_every_failure_with_its_reason() -> None:
    report = reported()
    buffer = io.StringIO()
    console = Console(file=buffer, width=140, color_system=None, legacy_windows=False)
    console.print(deployment_table(report.study.deployments))
    console.print(deployment_failures(report.study.deployments))
    lines = [line.split() for line in buffer.getvalue().splitlines()]
    assert ["m0", "torch", "torch_export", "passed", "12.1", "KiB", "0.2", "0.3", "1", "14"] in lines
    assert ["tensorflow", "litert", "crashed", "12.1", "KiB", "0.2", "-", "-", "14"] in lines
    assert ["torch", "torchscript", "(legacy)", "crashed", "12.1", "KiB", "0.2", "-", "-", "14"] in lines
    assert f"m0 tensorflow/litert: crashed: {HOSTILE_REASON}" in buffer.getvalue()


def test_markdown_and_html_show_the_deployment_table_with_every_string_escaped() -> None:
    report = reported()
    text = markdown(report)
    assert "## Deployment" in text
    assert "| m0 | torch | torch\\_export | passed | 12.1 KiB | 0.2 | 0.3 | 1 | 14 |" in text
    assert "<script>" not in text and "&lt;script&gt;" in text and "\\| \\*bold\\*" in text
    page = html_report(report)
    assert "<h2 id='s-deployment'>Deployment</h2>" in page and "<script>" not in page
    assert "export: &lt;script&gt;alert(1)&lt;/script&gt; | *bold*" in page


# ---------------------------------------------------------------------------------------------------- real exports

DEPLOY_FIXTURE = FIXTURES / "deploy_catalog"


@pytest.mark.frameworks
def test_each_way_a_path_ends_is_a_record_and_the_reload_never_imports_the_implementation(tmp_path: Path) -> None:
    root, out = tmp_path / "catalog", tmp_path / "out"
    shutil.copytree(DEPLOY_FIXTURE, root)
    # Without the sandbox: its witness (imported.log beside the implementation) needs a writable catalog.
    result = CliRunner().invoke(app, ["deploy", "--root", str(root), "--framework", "torch", "--out", str(out),
                                      "--no-sandbox"])
    assert result.exit_code == 0, result.output
    records = {r.key: r for r in load_deployments(out / DEPLOYMENTS_FILE)}
    assert len(records) == 6
    ok = records[("tiny_model", "torch", "torch_export")]
    assert ok.status == "passed" and ok.max_abs_err < 1e-5 and ok.isolated is True
    assert ok.artifact_bytes > 0 and ok.export_s > 0 and ok.reload_s > 0 and ok.latency_s > 0
    assert ok.runtime.startswith("torch ") and ok.import_s > 0
    crashed = records[("tiny_model", "torch", "torchscript")]
    assert (crashed.status, crashed.legacy) == ("crashed", True)
    assert crashed.reason == "export: RuntimeError at torch.py:43: unsupported op: tiny_op has no torchscript form"
    skipped = records[("tiny_model", "torch", "onnx")]
    assert skipped.status == "skipped" and "a_converter_that_is_not_installed" in skipped.reason
    wrong = records[("tiny_wrong", "torch", "torch_export")]
    assert wrong.status == "wrong_answer" and wrong.isolated is True
    assert wrong.reason.startswith("reload: output 'logits' differs from the oracle: max abs error")
    assert records[("tiny_wrong", "torch", "onnx")].status in ("crashed", "skipped")
    # Each reload ran in a fresh process, and only the export worker ever imported the implementation.
    assert len(set((root / "reference_impls" / "tiny_model" / "imported.log").read_text().split())) == 1
    assert not (out / "artifacts").exists()  # removed once measured
    study = StudyResults.from_dict(json.loads((out / "study.json").read_text()))
    assert {r.key for r in study.deployments} == set(records)
    assert "torch" in study.environment["deployment"]["frameworks"]
    again = CliRunner().invoke(app, ["deploy", "--root", str(root), "--framework", "torch", "--out", str(out),
                                     "--resume"])
    assert again.exit_code == 0 and len(load_deployments(out / DEPLOYMENTS_FILE)) == 6  # nothing ran twice


def test_deploy_refuses_a_task_without_a_model(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["deploy", "--task", "matmul", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "--task: matmul define(s) no model" in " ".join(result.output.split())


# ---------------------------------------------------------------------------------------------------- the catalog

CATALOG_PATHS = [pytest.param(task, path.framework, path.name, id=f"{task}-{path.name}")
                 for task in MODEL_TASKS for path in DEPLOY_PATHS]
#: Each framework's recommended path: a failure there is a fault of the implementation's export, not a finding.
PRIMARY = {"torch_export", "saved_model", "jax_export"}


@pytest.mark.parametrize("task_id", MODEL_TASKS)
def test_every_model_implementation_declares_its_export(task_id: str) -> None:
    for impl in CATALOG.get(task_id).implementations:
        tree = ast.parse(impl.path.read_text(encoding="utf-8"))
        names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        names |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
        assert {"export", "EXPORT_INPUTS", "EXPORT_OUTPUT"} <= names, impl.path


@pytest.fixture(scope="session")
def catalog_deployments(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str], DeployRecord]:
    """Every path of every model task, measured once: one reload worker per runtime (still never importing an
    implementation) and short latency timings, to keep the suite fast on two cores."""
    out = tmp_path_factory.mktemp("deploy")
    plan = DeployPlan(threads=available_cores(), fresh_reloads=False,
                      policy={"min_samples": 3, "max_samples": 3, "min_sample_s": 0.002})
    records = deployment.execute(deployment.plan(CATALOG.tasks, plan, out_dir=out), plan, out_dir=out)
    return {r.key: r for r in records}


@pytest.mark.frameworks
@pytest.mark.parametrize(("task_id", "framework", "path"), CATALOG_PATHS)
def test_every_path_of_every_model_task_has_a_recorded_result(catalog_deployments, task_id: str, framework: str,
                                                              path: str) -> None:
    record = catalog_deployments[(task_id, framework, path)]
    assert record.status in RUN_STATUSES and record.device == "cpu"
    if record.status == "passed":
        assert record.artifact_bytes > 0 and record.export_s > 0 and record.latency_s > 0
        assert record.isolated is True and record.runtime and math.isfinite(record.max_abs_err)
        assert record.export_sloc and record.export_sloc > 0
    else:
        assert record.reason.startswith(("export: ", "reload: ")) or record.status == "skipped", record.reason
        if record.reason.startswith("reload: "):
            assert record.isolated is True
    if path in PRIMARY:
        assert record.status == "passed", record.reason
