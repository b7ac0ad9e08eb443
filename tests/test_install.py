"""An installed usability-score (`pip install .`, not editable) carries its catalog and runs from an empty folder;
every command reads the current folder or --root, never the install location, and the shipped catalog only when
neither has one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel built from this checkout installed in it (not editable). The dependencies are
    taken from the test's own environment through a .pth file, so nothing is downloaded."""
    base = tmp_path_factory.mktemp("install")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                    str(base / "wheel"), str(ROOT)], check=True, capture_output=True, timeout=300)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (Path(site) / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    wheel = next((base / "wheel").glob("usability_score-*.whl"))
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True,
                   capture_output=True, timeout=300)
    return venv


def cli(venv: Path, *argv: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(venv / "bin" / "usability-score"), *argv], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


def test_the_installed_package_is_the_wheel_not_this_checkout(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run([str(installed / "bin" / "python"), "-c", "import analyzer.corpus as c; "
                            "print(c.__file__); print(c.SHIPPED_CATALOG)"], capture_output=True, text=True,
                           cwd=tmp_path, check=True).stdout.split()
    assert str(installed) in where[0] and where[1].endswith("analyzer/_catalog")


def test_list_and_a_run_from_an_empty_folder_use_the_shipped_catalog(installed: Path, tmp_path: Path) -> None:
    listed = cli(installed, "list", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    tasks = {t["task"] for t in json.loads(listed.stdout)}
    assert len(tasks) == len([p for p in (ROOT / "tasks").iterdir() if p.is_dir()]) and "matmul" in tasks
    ran = cli(installed, "run", "-t", "matmul", "-f", "jax", "--out", "results", "--json", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    record = json.loads(ran.stdout)[0]
    assert (record["task"], record["framework"], record["status"]) == ("matmul", "jax", "passed")
    study = json.loads((tmp_path / "results" / "study.json").read_text())
    measured = {f["path"] for f in study["static"]["files"]}
    assert measured and all("/analyzer/_catalog/reference_impls/matmul/" in p for p in measured)


def test_a_folder_with_a_catalog_of_its_own_is_the_one_read(installed: Path, tmp_path: Path) -> None:
    created = cli(installed, "new", "my_task", cwd=tmp_path)  # scaffolds here, never into the installed package
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "tasks" / "my_task" / "task.toml").is_file()
    listed = cli(installed, "list", "--json", cwd=tmp_path)
    assert [t["task"] for t in json.loads(listed.stdout)] == ["my_task"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    rooted = cli(installed, "list", "--json", "--root", str(tmp_path), cwd=elsewhere)
    assert [t["task"] for t in json.loads(rooted.stdout)] == ["my_task"]
