"""Typed reading (analyzer.typed): every JSON document's fields checked against the records, errors as FieldError
naming the source and the field."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from analyzer.errors import FieldError
from analyzer.model import RunRecord, Status, StudyResults, Timing
from analyzer.store import read_runs
from analyzer.typed import convert, decode_json
from tests.test_scoring import make_run, report_study


@pytest.mark.parametrize("data, kind, message", [
    ({"median_s": "fast"}, Timing, "src: field 'median_s': expected float, got str"),
    ([1, 2], Timing, "src: field '(the whole document)': expected object, got array"),
    ({"task": "t"}, RunRecord, "src: field 'framework': missing; it is required"),
    ({"task": "t", "framework": "torch", "variant": "default", "mode": "eager", "device": "cpu", "size": "small",
      "status": "triumphant"}, RunRecord, "src: field 'status': invalid enum value 'triumphant'"),
    ({"task": "t", "framework": "torch", "variant": "default", "mode": "eager", "device": "cpu", "size": "small",
      "status": "passed", "timing": {"median_s": 1.0, "iqr_s": 0, "ci_low_s": 1, "ci_high_s": 1, "mean_s": 1,
                                     "stdev_s": 0, "samples": [1.0, "x"], "loops": 1, "unstable": False}},
     RunRecord, "src: field 'timing.samples[1]': expected float, got str"),
])
def test_a_document_that_does_not_fit_names_the_field(data: object, kind: type, message: str) -> None:
    with pytest.raises(FieldError) as caught:
        convert(data, kind, source="src")
    assert str(caught.value) == message


def test_a_study_round_trips_with_its_types() -> None:
    study = report_study()
    again = StudyResults.from_dict(json.loads(json.dumps(study.to_dict())))
    assert again == study
    assert all(isinstance(run.status, Status) for run in again.runs)
    assert all(isinstance(run.timing.samples, tuple) for run in again.runs if run.timing is not None)


def test_a_bad_record_deep_in_a_study_is_named_by_its_place() -> None:
    data = report_study().to_dict()
    data["runs"][3]["timing"] = {**(data["runs"][3]["timing"] or {}), "loops": "many"}
    with pytest.raises(FieldError) as caught:
        StudyResults.from_dict(data, source="results/study.json")
    assert str(caught.value) == "results/study.json: field 'runs[3].timing.loops': expected int, got str"


def test_a_runs_file_line_of_the_wrong_types_is_unreadable_not_fatal(tmp_path: Path) -> None:
    good = json.loads(json.dumps(make_run("mlp", "torch").__dict__, default=lambda t: t.__dict__))
    path = tmp_path / "runs.jsonl"
    path.write_text("\n".join([json.dumps(good), json.dumps({**good, "round": "first"}),
                               json.dumps({**good, "status": "ok"}), "[]"]) + "\n", encoding="utf-8")
    records, unreadable = read_runs(path)
    assert [r.task for r in records] == ["mlp"] and unreadable == [2, 3, 4]


def test_text_that_is_not_json_is_named_too() -> None:
    with pytest.raises(FieldError) as caught:
        decode_json(b"{not json", Timing, source="worker reply")
    assert str(caught.value).startswith("worker reply: field '(the whole document)': JSON (")


# ---------------------------------------------------------------------------------------------------- the protocol


def test_a_job_reaches_the_worker_as_the_same_typed_job() -> None:
    from analyzer.execution.protocol import Job, job_line, read_job

    job = Job(id="mlp|torch|default|eager|small|0", task="mlp", framework="torch", variant="default", mode="eager",
              task_dir="/t", impl_path="/t/torch.py", policy={"budget_s": 0.5}, export_inputs=("x", "y"))
    line = job_line(job)
    assert line.endswith(b"\n") and b"\n" not in line[:-1]
    assert read_job(line) == job
    with pytest.raises(FieldError) as caught:
        read_job(line.replace(b'"threads":1', b'"threads":"all"'))
    assert str(caught.value) == "job: field 'threads': expected int, got str"


def test_a_reply_keeps_its_kinds_fields_of_checked_types_and_nothing_else() -> None:
    from analyzer.execution.protocol import checked_reply

    timing = {"median_s": 0.01, "iqr_s": 0.0, "ci_low_s": 0.01, "ci_high_s": 0.01, "mean_s": 0.01, "stdev_s": 0.0,
              "samples": [0.01, 0.01], "loops": 4, "unstable": False, "probes": []}
    raw = {"job": "j", "status": "passed", "timing": timing, "import_s": 1, "flops": 1e30, "machine": "mine",
           "nondeterministic": False}
    assert checked_reply(raw, "run") == {"job": "j", "status": "passed", "timing": timing, "import_s": 1.0}
    assert checked_reply({"job": "j", "status": "passed", "probe": {"python_print": 3, "breakpoint": None}},
                         "probe") == {"job": "j", "status": "passed", "probe": {"python_print": 3, "breakpoint": None}}
    with pytest.raises(FieldError) as caught:
        checked_reply({"job": "j", "status": "passed", "artifact_bytes": "big"}, "export")
    assert str(caught.value) == "the worker's record: field 'artifact_bytes': expected int | null, got str"
    with pytest.raises(FieldError):
        checked_reply({"job": "j"}, "fault")  # no status: no claim at all


def test_records_with_nan_read_back_as_python_wrote_them(tmp_path: Path) -> None:
    """Every .jsonl is written by json.dumps, which writes NaN for a NaN error; the typed reader parses that dialect
    (a strict JSON parser would drop the line, and --resume would run the job again)."""
    import math

    from analyzer.deployment import load_deployments
    from analyzer.model import DeployRecord

    run = dataclasses.replace(make_run("mlp", "torch"), status=Status.WRONG_ANSWER, max_abs_err=math.nan)
    deploy = DeployRecord(task="mlp", framework="torch", path="onnx", status="wrong_answer", max_abs_err=math.inf)
    (tmp_path / "runs.jsonl").write_text(json.dumps(dataclasses.asdict(run)) + "\n", encoding="utf-8")
    (tmp_path / "deployments.jsonl").write_text(json.dumps(dataclasses.asdict(deploy)) + "\n", encoding="utf-8")
    (read,), unreadable = read_runs(tmp_path / "runs.jsonl")
    assert unreadable == [] and math.isnan(read.max_abs_err)
    assert load_deployments(tmp_path / "deployments.jsonl") == [deploy]
