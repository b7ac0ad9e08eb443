"""The process boundary: the parent side never imports a deep-learning framework, checked two ways."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

FRAMEWORK_MODULES = ("torch", "tensorflow", "jax", "keras", "flax", "optax")


def test_the_import_contract_holds() -> None:
    """import-linter over every import statement of the package, function-level ones included (pyproject.toml)."""
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.is_file() and shutil.which("lint-imports") is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    done = subprocess.run([str(lint) if lint.is_file() else "lint-imports"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "Contracts: 1 kept, 0 broken." in done.stdout


@pytest.mark.frameworks
def test_after_a_whole_study_the_parent_has_imported_no_framework(tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "from analyzer.cli import main\n"
        f"sys.argv = ['usability-score', '-q', '--root', {str(FIXTURES / 'debug_catalog')!r}, '-f', 'jax', '-f', "
        f"'torch', '-m', 'eager', '--size', 'small', '--out', {str(tmp_path / 'out')!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        f"print(json.dumps([code, sorted(m for m in sys.modules if m.split('.')[0] in {FRAMEWORK_MODULES!r})]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    exit_code, imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert exit_code == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert imported == []
    study = json.loads((tmp_path / "out" / "study.json").read_text())
    assert study["runs"] and study["debug"] and study["probes"]  # the runs, the pass and the probes all ran
