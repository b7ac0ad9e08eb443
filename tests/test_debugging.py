"""The debuggability pass: faults, traceback parsing, data flow, classification, scoring, and a real torch run."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from analyzer.debugging import (
    classify, deepest_user_line, diagnose, fault_score, flow_lines, names_fault, parse_traceback,
)
from analyzer.faults import BY_NAME, FaultError, inject
from analyzer.model import DebugRecord, StudyResults
from analyzer.spec import Tolerance
from tests.conftest import FIXTURES

IMPL = "/work/impls/mlp/torch.py"
CHAINED = f'''Traceback (most recent call last):
  File "/venv/torch/_dynamo/utils.py", line 10, in run_node
    return node.target(*args)
           ^^^^^^^^^^^^^^^^^^
RuntimeError: mat1 and mat2 shapes cannot be multiplied (64x33 and 32x64)

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/work/analyzer/worker/debug_job.py", line 70, in _phases
    output = module.run(state)
  File "{IMPL}", line 35, in run
    logits = state["compiled"](state["x"])
  File "/venv/torch/_dynamo/eval_frame.py", line 800, in compile_wrapper
    raise e.with_traceback(None) from e.__cause__
torch._dynamo.exc.TorchRuntimeError: RuntimeError when making fake tensor call

from user code:
   File "{IMPL}", line 17, in forward
    return self.fc(x)
'''


def test_a_chained_traceback_is_parsed_into_its_frames_and_final_message() -> None:
    parsed = parse_traceback(CHAINED)
    assert [len(block) for block in parsed.frames] == [1, 3]
    assert parsed.frames_total == 4
    assert parsed.frames[1][1].file == IMPL and parsed.frames[1][1].line == 35
    assert parsed.frames[1][1].function == "run"
    assert parsed.error == "torch._dynamo.exc.TorchRuntimeError"
    assert parsed.message.startswith("torch._dynamo.exc.TorchRuntimeError: RuntimeError when making fake tensor")
    assert parsed.message.endswith("return self.fc(x)")


def test_the_deepest_user_line_prefers_the_compilers_pointer_into_user_code() -> None:
    assert deepest_user_line(parse_traceback(CHAINED), IMPL) == 17
    plain = CHAINED.split("\nfrom user code:")[0]
    assert deepest_user_line(parse_traceback(plain), IMPL) == 35
    assert deepest_user_line(parse_traceback(plain), "/elsewhere.py") is None


@pytest.mark.parametrize(("message", "sizes", "words", "named"), [
    ("mat1 and mat2 shapes cannot be multiplied (64x33 and 32x64)", [33], [], True),
    ("mat1 and mat2 shapes cannot be multiplied (64x33 and 32x64)", [3], [], False),
    ("dot_general requires contracting dimensions to have the same shape, got (17,) and (16,).", [17], [], True),
    ("expected f32[64,16], got f32[64]", [32], [], False),  # a dtype's width is not a size
    ("value 33.5 out of range", [33], [], False),  # nor a decimal's integer part
    ("mat1 and mat2 must have the same dtype, but got Double and Float", [], ["float64", "double", "f64"], True),
    ("mat1 and mat2 must have the same dtype, but got Int and Float", [], ["int32", "int", "s32"], True),
    ("could not print the tensor", [], ["int32", "int", "s32"], False),
    ("Input contains NaN", [], ["nan"], True),
])
def test_a_message_names_the_fault_by_its_size_or_its_dtypes_name(message, sizes, words, named) -> None:
    assert names_fault(message, sizes, words) is named


FLOW = textwrap.dedent('''\
    import torch

    class Net(torch.nn.Module):
        def forward(self, x):
            h = self.fc(x)
            return h.relu()

    def setup(inputs, device):
        model = Net()
        w = torch.from_numpy(inputs["w"])
        return {"model": model, "x": torch.from_numpy(inputs["x"]), "w": w}

    def helper(a, b):
        return a @ b

    def run(state):
        out = state["model"](state["x"])
        other = helper(state["w"], state["w"])
        return out, other
''')


def test_the_data_flow_follows_the_faulty_input_through_dicts_calls_and_methods() -> None:
    lines = flow_lines(FLOW, ["x"])
    # setup's dict holds inputs["x"]; run calls the model with state["x"], so forward's x carries it on (the
    # `def` line itself is no statement of the flow); the line working on "w" alone, and helper's body, do not.
    assert lines == {5, 6, 11, 17, 19}
    assert flow_lines(FLOW, ["w"]) == {10, 11, 14, 18, 19}  # torch.from_numpy(w) never reaches forward's x
    assert flow_lines("def broken(:\n", ["x"]) == frozenset()


def test_classify_tells_handled_from_silent_shapes_values_and_nan() -> None:
    tolerance = Tolerance(rtol=1e-4, atol=1e-5)
    want = {"y": np.array([1.0, 2.0])}
    assert classify({"y": np.array([1.0, 2.0])}, want, tolerance) == "handled"
    assert classify({"y": np.array([1.0, 2.5])}, want, tolerance) == "silent_wrong"
    assert classify({"y": np.array([1.0])}, want, tolerance) == "silent_shape"
    assert classify({"z": np.array([1.0, 2.0])}, want, tolerance) == "silent_shape"
    assert classify({"y": np.array([1.0, np.nan])}, want, tolerance) == "nonfinite"


def test_fault_scores_rank_silent_wrong_answers_worst() -> None:
    assert fault_score("silent_wrong") == 0.0
    assert fault_score("nonfinite") == fault_score("silent_shape") == 0.1
    assert fault_score("raised") == 0.4
    assert fault_score("raised", localised=True) == pytest.approx(0.7)
    assert fault_score("raised", localised=True, informative=True) == pytest.approx(1.0)
    assert fault_score("handled") == 1.0
    assert fault_score("crashed") is None


def test_each_fault_changes_the_declared_data_the_same_way() -> None:
    inputs = {"x": np.zeros((4, 3), np.float32), "y": np.zeros((4, 2), np.float32), "w": np.ones((3, 2), np.float32)}
    shapes = {name: inject(name, inputs, ("x",), ("y",)) for name in BY_NAME}
    assert shapes["feature_off_by_one"].inputs["x"].shape == (4, 4)
    assert shapes["feature_off_by_one"].sizes == (4,)
    assert shapes["batch_mismatch"].inputs["y"].shape == (3, 2) and shapes["batch_mismatch"].targets == ("y",)
    assert shapes["missing_batch_axis"].inputs["x"].shape == (3,)
    assert shapes["transposed_input"].inputs["x"].shape == (3, 4) and shapes["transposed_input"].sizes == (3, 4)
    assert shapes["dtype_float64"].inputs["x"].dtype == np.float64
    assert shapes["dtype_int32"].inputs["x"].dtype == np.int32
    assert shapes["dtype_float16"].inputs["x"].dtype == np.float16
    assert np.isnan(shapes["nan_in_data"].inputs["x"]).sum() == 1
    assert np.isinf(shapes["inf_in_data"].inputs["x"]).sum() == 1
    for injected in shapes.values():  # the weights are never touched
        assert np.array_equal(injected.inputs["w"], inputs["w"])
    assert inputs["x"].shape == (4, 3) and not np.isnan(inputs["x"]).any()  # nor the caller's arrays


def test_a_fault_that_cannot_apply_says_why() -> None:
    inputs = {"x": np.zeros((4,), np.float32)}
    with pytest.raises(FaultError, match="no labels"):
        inject("batch_mismatch", inputs, ("x",))
    with pytest.raises(FaultError, match="rank 2"):
        inject("feature_off_by_one", inputs, ("x",))
    with pytest.raises(FaultError, match="does not make"):
        inject("nan_in_data", inputs, ("images",))


def test_diagnose_reads_the_line_from_the_file_without_running_it(tmp_path: Path) -> None:
    source = FLOW
    text = CHAINED.replace(IMPL, str(tmp_path / "impl.py")).replace("line 35", "line 17").replace("line 17, in forward",
                                                                                                  "line 5, in forward")
    found = diagnose(text, str(tmp_path / "impl.py"), source, ["x"], [33], [])
    assert found.user_line == 5 and found.user_source == "h = self.fc(x)"
    assert found.localised and found.informative
    assert found.frames_total == 4 and found.frames_user == 1
    assert found.error == "torch._dynamo.exc.TorchRuntimeError"


def test_debug_records_survive_the_study_document() -> None:
    record = DebugRecord("t", "torch", "default", "eager", "nan_in_data", "small", "cpu", "returned",
                         outcome="nonfinite", score=0.1)
    study = StudyResults(static=None, debug=(record,))
    assert StudyResults.from_dict(study.to_dict()).debug == (record,)


DEBUG = FIXTURES / "debug_catalog"


@pytest.fixture(scope="module")
def torch_records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, DebugRecord]:
    pytest.importorskip("torch")
    from analyzer.catalog import load_catalog
    from analyzer.debug_pass import DebugPlan, execute, plan

    catalog = load_catalog(DEBUG / "tasks", DEBUG / "reference_impls")
    debug_plan = DebugPlan(frameworks=("torch",), modes=("eager",), probes=False,
                           faults=("feature_off_by_one", "batch_mismatch", "missing_batch_axis", "nan_in_data"))
    records, probes = execute(plan(catalog.tasks, debug_plan), debug_plan, out_dir=tmp_path_factory.mktemp("debug"))
    assert probes == []
    return {r.fault: r for r in records}


@pytest.mark.frameworks
def test_a_feature_mismatch_raises_a_localised_informative_error_in_eager_torch(torch_records) -> None:
    record = torch_records["feature_off_by_one"]
    assert (record.status, record.outcome, record.phase, record.error) == ("raised", "raised", "first_call",
                                                                           "RuntimeError")
    assert record.message == "RuntimeError: mat1 and mat2 shapes cannot be multiplied (6x4 and 3x2)"
    assert record.user_source == 'pred = state["model"](state["x"])'
    assert record.localised is True and record.informative is True and record.score == pytest.approx(1.0)
    assert record.frames_user == 1


@pytest.mark.frameworks
def test_labels_one_short_raise_where_the_loss_meets_them(torch_records) -> None:
    record = torch_records["batch_mismatch"]
    assert record.outcome == "raised" and record.informative is True and record.localised is True
    assert record.user_source == 'return ((pred - state["y"]) ** 2).mean()'
    assert "(6) must match the size of tensor b (5)" in record.message


@pytest.mark.frameworks
def test_a_silent_broadcast_is_recorded_as_silent(torch_records) -> None:
    # One example without its batch axis: nn.Linear takes it as an unbatched input, and (pred - y) broadcasts the
    # single prediction against every label, so a loss of the right shape and the wrong value comes back.
    record = torch_records["missing_batch_axis"]
    assert (record.status, record.outcome, record.score) == ("returned", "silent_wrong", 0.0)
    assert record.user_line is None and record.message == ""


@pytest.mark.frameworks
def test_nan_in_the_data_comes_back_as_nan(torch_records) -> None:
    assert torch_records["nan_in_data"].outcome == "nonfinite"


@pytest.mark.frameworks
def test_the_debug_command_records_the_pass_and_every_report_shows_the_same_rows(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("jax")
    from typer.testing import CliRunner

    from analyzer.cli import app
    from analyzer.reporting.debug import debug_tables
    from analyzer.orchestration import build_report
    from analyzer.reporting.files import markdown, md
    from analyzer.reporting.html import html_report

    out = tmp_path / "out"
    result = CliRunner().invoke(app, [
        "debug", "--root", str(DEBUG), "-f", "torch", "-f", "jax", "-m", "eager", "--fault", "feature_off_by_one",
        "--fault", "missing_batch_axis", "--no-probes", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Debuggability by framework and mode" in result.output
    assert "1 error (1L 1I)" in result.output and "1 silent wrong" in result.output
    study = StudyResults.from_dict(__import__("json").loads((out / "study.json").read_text()))
    # Both frameworks raise on the wider data, and both broadcast the lone example against every label silently.
    assert sorted((r.framework, r.fault, r.outcome) for r in study.debug) == [
        ("jax", "feature_off_by_one", "raised"), ("jax", "missing_batch_axis", "silent_wrong"),
        ("torch", "feature_off_by_one", "raised"), ("torch", "missing_batch_axis", "silent_wrong")]
    assert study.environment["debugging"]["modes"] == ["eager"]
    tables = debug_tables(study.debug, study.probes)
    report = build_report(study)
    text, page = markdown(report), html_report(report)
    for table in tables:  # one view model: the same rows in Markdown and HTML
        for row in table.rows:
            assert " | ".join(md(cell) for cell in row) in text
            assert "</td><td>".join(row).replace('"', "&quot;") in page.replace("&#x27;", "'")
    bad = CliRunner().invoke(app, ["debug", "--root", str(DEBUG), "--fault", "off_by_two", "--out", str(out)])
    assert bad.exit_code == 2 and "--fault" in bad.output and "feature_off_by_one" in bad.output


def test_a_debug_table_naming_inputs_the_oracle_does_not_make_is_the_tasks_problem(tmp_path: Path) -> None:
    import shutil

    from analyzer.catalog import load_catalog
    from analyzer.debug_pass import DebugPlan, execute, plan
    from analyzer.frameworks import framework_installed

    if not framework_installed("torch"):
        pytest.skip("torch not installed: the record would say so instead")
    shutil.copytree(DEBUG, tmp_path / "catalog")
    spec = tmp_path / "catalog" / "tasks" / "tiny_regression" / "task.toml"
    spec.write_text(spec.read_text().replace('data = ["x"]', 'data = ["images"]'))
    catalog = load_catalog(tmp_path / "catalog" / "tasks", tmp_path / "catalog" / "reference_impls")
    debug_plan = DebugPlan(frameworks=("torch",), modes=("eager",), faults=("nan_in_data",), probes=False)
    records, _ = execute(plan(catalog.tasks, debug_plan), debug_plan, out_dir=tmp_path)
    # Decided by the oracle's process before any worker starts: no framework is needed to say so.
    assert [(r.status, r.reason) for r in records] == [
        ("crashed", "task.toml [debug] names input(s) images, which the oracle does not make (it makes w, x, y)")]


def test_a_contrived_file_cannot_hold_the_parent_in_the_data_flow() -> None:
    """A chain of 3,000 assignments written backwards would need 3,000 passes: the flow stops after its bound."""
    import time

    chain = "\n".join(f"v{i} = v{i + 1}" for i in range(3000)) + '\nv3000 = inputs["x"]\n'
    started = time.perf_counter()
    lines = flow_lines(chain, ["x"])
    assert time.perf_counter() - started < 30
    assert 3001 in lines and 3000 in lines and 1 not in lines  # followed some steps, not all 3,000


def test_an_error_raised_in_the_harness_plumbing_is_not_the_users(tmp_path: Path) -> None:
    impl = str(tmp_path / "impl.py")
    text = (f'Traceback (most recent call last):\n  File "/work/analyzer/worker/harness.py", line 9, in prepare\n'
            f'    loaded = load(state, inputs)\n  File "{impl}", line 11, in load_weights\n'
            f'    w = t["wq"].reshape(embed, embed)\nRuntimeError: shape \'[33, 33]\' is invalid for input of size 1024\n')
    found = diagnose(text, impl, FLOW, ["x"], [33], [])
    assert found.entry == "load_weights" and found.in_plumbing
    assert not diagnose(CHAINED, IMPL, FLOW, ["x"], [33], []).in_plumbing  # run() is the user's code
