"""`usability-score static`: output, JSON, filters, the cache, and bad input (error rows, exit codes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.model import SCHEMA_VERSION, StaticReport
from tests.conftest import ROOT, write_tree

runner = CliRunner()
GOOD = "import torch\n\ndef run(x):\n    return torch.relu(x)\n"


def invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "corpus", {
        "relu/torch.py": GOOD,
        "relu/tf.py": "import tensorflow as tf\n\ndef run(x):\n    return tf.nn.relu(x)\n",
        "relu/flax.py": "import jax\n\ndef run(x):\n    return jax.nn.relu(x)\n",
        "relu/keras__functional.py": "import keras\n\ndef run(x):\n    return keras.activations.relu(x)\n",
        "relu/_helpers.py": "import os\n",
    })


def test_static_measures_a_corpus_and_writes_json(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = invoke("static", str(corpus), "--json", str(out))
    assert result.exit_code == 0, result.output
    report = StaticReport.from_dict(json.loads(out.read_text()))
    rows = sorted((f.framework, f.variant, f.sloc, f.api_names) for f in report.files)
    assert rows == [
        ("jax", "default", 3, ("jax.nn.relu",)),
        ("tensorflow", "default", 3, ("tensorflow.nn.relu",)),
        ("tensorflow", "functional", 3, ("keras.activations.relu",)),
        ("torch", "default", 3, ("torch.relu",)),
    ]
    assert report.schema_version == SCHEMA_VERSION
    assert {"python", "analyzer", "radon", "libcst"} <= set(report.environment)
    assert "4 file(s) measured, 0 problem(s)" in result.output


def test_filters(corpus: Path) -> None:
    result = invoke("static", str(corpus), "--framework", "pytorch")
    assert result.exit_code == 0 and "1 file(s) measured" in result.output


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"relu/jax.py": "def run(:\n"}, "relu/jax.py: does not parse: line 1"),
        ({"relu/jax.py": b"x = '\xff'\n"}, "relu/jax.py: not UTF-8 text"),
        ({"relu/jax.py": b"\x00\x01binary"}, "relu/jax.py: binary file"),
        ({"relu/mxnet.py": "x = 1\n"}, "relu/mxnet.py: not an implementation file name: unknown framework 'mxnet'"),
        ({"relu/torch__.py": "x = 1\n"}, "relu/torch__.py: not an implementation file name: empty variant"),
    ],
)
def test_bad_files_are_error_rows_and_the_rest_is_measured(tmp_path: Path, files: dict, message: str) -> None:
    corpus = write_tree(tmp_path / "c", {"relu/torch.py": GOOD, **files})
    result = invoke("static", str(corpus))
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert "1 file(s) measured, 1 problem(s)" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["static", "/no/such/folder"], "error: /no/such/folder: no such file or folder"),
        (["static", "--framework", "mxnet"], "error: --framework: unknown framework 'mxnet'"),
        (["static", "--task", "nope"], "error: --task: no task nope in reference_impls"),
    ],
)
def test_bad_arguments_give_one_line(args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_symlink_out_of_the_corpus_is_refused(tmp_path: Path) -> None:
    corpus = write_tree(tmp_path / "c", {"relu/torch.py": GOOD})
    outside = write_tree(tmp_path / "outside", {"secret.py": "x = 1\n"}) / "secret.py"
    (corpus / "relu" / "jax.py").symlink_to(outside)
    result = invoke("static", str(corpus))
    assert result.exit_code == 1 and "outside the corpus folder" in " ".join(result.output.split())


def test_cache_serves_unchanged_files_and_notices_changes(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import analyzer.static.batch as batch

    measured: list[str] = []
    real = batch.analyze_source

    def counting(source: str, **identity):
        measured.append(identity["path"])
        return real(source, **identity)

    monkeypatch.setattr(batch, "analyze_source", counting)
    assert invoke("static", str(corpus)).exit_code == 0
    assert len(measured) == 4
    assert invoke("static", str(corpus)).exit_code == 0
    assert len(measured) == 4  # all four served from the cache
    (corpus / "relu" / "torch.py").write_text(GOOD + "y = 2\n")
    assert invoke("static", str(corpus)).exit_code == 0
    assert len(measured) == 5 and measured[-1].endswith("torch.py")
    assert invoke("static", str(corpus), "--no-cache").exit_code == 0
    assert len(measured) == 9


def test_static_never_runs_the_code_it_measures(tmp_path: Path) -> None:
    marker = tmp_path / "was_run"
    hostile = (
        "import os, socket, sys\n"
        f"open({str(marker)!r}, 'w').write('ran')\n"
        "socket.create_connection(('127.0.0.1', 9))\n"
        "sys.exit(3)\n"
    )
    corpus = write_tree(tmp_path / "c", {"evil/torch.py": hostile})
    result = invoke("static", str(corpus))
    assert result.exit_code == 0 and not marker.exists()
    assert "1 file(s) measured" in result.output


def test_builtin_corpus_resolves_nearly_everything(tmp_path: Path) -> None:
    out = tmp_path / "builtin.json"
    result = invoke("static", str(ROOT / "reference_impls"), "--json", str(out))
    assert result.exit_code == 0, result.output
    files = StaticReport.from_dict(json.loads(out.read_text())).files
    calls = sum(f.api_calls for f in files)
    unresolved = sum(f.api_unresolved for f in files)
    assert calls > 0 and unresolved <= 0.03 * calls, [f.unresolved_calls for f in files if f.unresolved_calls]


def test_report_scores_the_code_dimensions_of_a_users_own_paired_corpus(tmp_path: Path) -> None:
    """`static PATH --json FILE`, then `report FILE`: a team's own pairs get dimension scores and tests."""
    files = {}
    for i in range(6):
        files[f"task{i}/torch.py"] = ("import torch\n\ndef f(x):\n    y = torch.relu(x)\n" + "    y = y + 1\n" * i
                                      + "    return y\n")
        files[f"task{i}/jax.py"] = "import jax.numpy as jnp\n\ndef f(x):\n    return jnp.maximum(x, 0)\n"
    corpus = write_tree(tmp_path / "mine", files)
    runner = CliRunner()
    assert runner.invoke(app, ["static", str(corpus), "--json", str(tmp_path / "static.json")]).exit_code == 0
    weights = tmp_path / "code.toml"
    weights.write_text("[weights]\nconciseness = 1\ncomplexity = 1\napi_surface = 1\nceremony = 1\n")
    result = runner.invoke(app, ["report", str(tmp_path / "static.json"), "--weights", str(weights), "--out",
                                 str(tmp_path / "report")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "covers 4 of 4 weighted dimensions and 6 tasks" in text
    assert "Verdict: jax ranks first" in text
    data = json.loads((tmp_path / "report" / "report.json").read_text())
    assert {d["dimension"] for d in data["scores"]["dimensions"]} == {"conciseness", "complexity", "api_surface",
                                                                      "ceremony"}
    unweighted = runner.invoke(app, ["report", str(tmp_path / "static.json"), "--out", str(tmp_path / "r2")])
    assert unweighted.exit_code == 0 and "Verdict: no rank" in " ".join(unweighted.output.split())


def test_static_json_to_stdout_prints_only_json(corpus: Path) -> None:
    result = CliRunner().invoke(app, ["static", str(corpus), "--json", "-"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["schema_version"] == SCHEMA_VERSION and data["files"]
