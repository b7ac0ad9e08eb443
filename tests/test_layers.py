"""The architecture: the parent side never imports the worker side or a deep-learning framework (checked two ways),
and the layers point one way (cli -> orchestration -> passes -> scoring, execution, static -> model)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

FRAMEWORK_MODULES = ("torch", "tensorflow", "jax", "keras", "flax", "optax", "onnx", "onnxruntime")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.is_file() and shutil.which("lint-imports") is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    return subprocess.run([str(lint) if lint.is_file() else "lint-imports"], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(cwd)})


def test_the_import_contracts_hold() -> None:
    """import-linter over every import statement of the package, function-level ones included (pyproject.toml)."""
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "Contracts: 2 kept, 0 broken." in done.stdout


@pytest.mark.parametrize("module, line, broken", [
    ("model.py", "from analyzer import cli", "analyzer.model is not allowed to import analyzer.cli"),
    ("scoring.py", "from analyzer.reporting import files", "analyzer.scoring is not allowed to import "
                                                           "analyzer.reporting"),
    ("study.py", "from analyzer.worker import harness", "analyzer.study is not allowed to import analyzer.worker"),
])
def test_an_arrow_back_breaks_a_contract(tmp_path: Path, module: str, line: str, broken: str) -> None:
    """The contracts can fail: a copy of the package with one import pointing the wrong way is refused, named."""
    shutil.copytree(ROOT / "analyzer", tmp_path / "analyzer", ignore=shutil.ignore_patterns("__pycache__", "_catalog"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "analyzer" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n\ndef _wrong_way() -> None:\n    {line}\n",
                      encoding="utf-8")
    done = _lint_imports(tmp_path)
    assert done.returncode == 1
    assert broken in " ".join(done.stdout.split())


@pytest.mark.frameworks
def test_after_a_whole_study_the_parent_has_imported_no_framework(tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "from analyzer.cli import main\n"
        f"sys.argv = ['usability-score', '-q', '--root', {str(FIXTURES / 'debug_catalog')!r}, '-f', 'jax', '-f', "
        f"'torch', '-m', 'eager', '--size', 'small', '--out', {str(tmp_path / 'out')!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        f"print(json.dumps([code, sorted(m for m in sys.modules if m.split('.')[0] in {FRAMEWORK_MODULES!r} "
        "or m.startswith('analyzer.worker'))]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    exit_code, imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert exit_code == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert imported == []
    study = json.loads((tmp_path / "out" / "study.json").read_text())
    assert study["runs"] and study["debug"] and study["probes"]  # the runs, the pass and the probes all ran
