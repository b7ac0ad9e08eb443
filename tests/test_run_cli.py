"""`usability-score run`: results written as they finish, Ctrl-C keeps them, --resume completes the set, and the
output folder is checked and locked before any time is spent."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.model import StudyResults
from analyzer.outdir import LOCK_FILE
from analyzer.store import RUNS_FILE, load_runs
from tests.conftest import FIXTURES, ROOT

SLOW = FIXTURES / "slow_catalog"
RUN = [sys.executable, "-m", "analyzer", "run", "--root", str(SLOW), "--framework", "jax", "--device", "cpu"]


def keys(folder: Path) -> set[tuple[str, str, str]]:
    return {(r.task, r.framework, r.status) for r in load_runs(folder / RUNS_FILE)}


@pytest.mark.frameworks
def test_interrupted_run_resumes_to_the_same_results(tmp_path: Path) -> None:
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    assert subprocess.run([*RUN, "--out", str(whole)], cwd=ROOT, capture_output=True).returncode == 0
    # A shell without job control starts background commands with SIGINT ignored, and the run would inherit that
    # (CI launched in the background, say): give it the default disposition, as a terminal's foreground job has.
    proc = subprocess.Popen([*RUN, "--out", str(cut)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(load_runs(cut / RUNS_FILE)) < 2:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    kept = keys(cut)
    assert 2 <= len(kept) < 5
    assert "continue with --resume" in " ".join(err.decode().split())
    assert not (cut / LOCK_FILE).exists()
    resumed = subprocess.run([*RUN, "--out", str(cut), "--resume"], cwd=ROOT, capture_output=True)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert keys(cut) == keys(whole) == {(f"slow_{n}", "jax", "passed") for n in range(1, 6)}
    assert len(load_runs(cut / RUNS_FILE)) == 5  # nothing ran twice
    study = StudyResults.from_dict(json.loads((cut / "study.json").read_text()))
    assert {r.task for r in study.runs} == {f"slow_{n}" for n in range(1, 6)}
    assert study.environment["frameworks"]["jax"]["jax"]
    assert study.environment["precision"]["dtype"] == "float32"


def test_a_second_run_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / LOCK_FILE).write_text(str(os.getpid()))  # this very process holds it
    result = CliRunner().invoke(app, ["run", "--root", str(SLOW), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "another run (pid" in " ".join(result.output.split())


def test_a_stale_lock_is_taken_over(tmp_path: Path) -> None:
    (tmp_path / LOCK_FILE).write_text("999999999")
    from analyzer.outdir import OutputDir

    with OutputDir(tmp_path):
        assert (tmp_path / LOCK_FILE).read_text() == str(os.getpid())
    assert not (tmp_path / LOCK_FILE).exists()


def test_two_runs_racing_for_a_stale_lock_never_both_hold_the_folder(tmp_path: Path) -> None:
    # Two runs that find the same stale lock at once: the old check-remove-create let both through (27 times in
    # 100 tries here); the guard file's kernel lock makes it one step.
    import multiprocessing

    for _ in range(20):
        (tmp_path / LOCK_FILE).write_text("999999999")  # left by a run that died
        barrier, both = multiprocessing.Barrier(2), multiprocessing.Value("i", 0)
        peak = multiprocessing.Value("i", 0)
        racers = [multiprocessing.Process(target=_race, args=(str(tmp_path), barrier, both, peak)) for _ in range(2)]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join()
        assert peak.value == 1


def _race(path: str, barrier, holding, peak) -> None:
    from analyzer.outdir import OutputDir, OutputDirError

    barrier.wait()
    try:
        with OutputDir(Path(path)):
            with holding.get_lock():
                holding.value += 1
                peak.value = max(peak.value, holding.value)
            time.sleep(0.2)
            with holding.get_lock():
                holding.value -= 1
    except OutputDirError:
        pass


def test_unwritable_output_folder_is_reported_before_running(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    result = CliRunner().invoke(app, ["run", "--root", str(SLOW), "--out", str(blocked / "sub")])
    assert result.exit_code == 2
    assert f"--out {blocked / 'sub'}: cannot create the folder" in " ".join(result.output.split())


@pytest.mark.parametrize(("args", "message"), [
    (["--mode", "turbo"], "--mode 'turbo': expected one of eager, compiled"),
    (["--device", "tpu"], "--device 'tpu': expected one of auto, cpu, cuda"),
    (["--rounds", "0"], "--rounds 0: expected a whole number of at least 1"),
    (["--threads", "-2"], "--threads -2: expected a whole number"),
    (["--timeout", "0"], "--timeout 0: expected a positive number"),
    (["--framework", "theano"], "--framework: unknown framework 'theano'"),
])
def test_bad_run_flags(args: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["run", "--root", str(SLOW), "--out", str(tmp_path), *args])
    assert result.exit_code == 2 and message in " ".join(result.output.split())


@pytest.mark.parametrize(("args", "message"), [
    (["--rounds", "0"], "--rounds 0: expected a whole number of at least 1"),
    (["--mode", "turbo"], "--mode 'turbo': expected one of eager, compiled"),
])
def test_bad_study_flags_are_refused_before_anything_runs(args: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--out", str(tmp_path / "study"), *args])
    assert result.exit_code == 2 and message in " ".join(result.output.split())
    assert not (tmp_path / "study").exists()


@pytest.mark.frameworks
def test_stopping_a_run_kills_a_busy_worker_at_once(tmp_path: Path) -> None:
    # The `hangs` task sleeps an hour in run(): a stop must not wait for it (it waited 30 s per worker before).
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "analyzer", "run", "--root", str(FIXTURES / "faulty_catalog"), "-t", "hangs",
            "-f", "jax", "--device", "cpu", "--out", str(out)]
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(12)  # the worker imports JAX and enters run()
    stopped = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert time.monotonic() - stopped < 10


def test_sigterm_stops_a_run_as_ctrl_c_does(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen([*RUN, "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(load_runs(out / RUNS_FILE)) < 1:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "continue with --resume" in " ".join(err.decode().split())
    assert not (out / LOCK_FILE).exists()
    assert 1 <= len(load_runs(out / RUNS_FILE)) < 5


@pytest.mark.frameworks
def test_a_resumed_run_keeps_the_versions_its_earlier_part_reported(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for extra in ([], ["--resume"]):  # the second run has nothing left to run, so no worker reports a version
        done = subprocess.run([*RUN, "-t", "slow_1", "--out", str(out), *extra], cwd=ROOT, capture_output=True)
        assert done.returncode == 0, done.stderr.decode()
        study = StudyResults.from_dict(json.loads((out / "study.json").read_text()))
        assert study.environment["frameworks"]["jax"]["jax"]


@pytest.mark.parametrize(("command", "held"), [
    (["run"], "runs.jsonl"), (["deploy"], "deployments.jsonl"), (["debug"], "debug.jsonl"), ([], "debug.jsonl"),
])
def test_a_folder_holding_results_is_refused_unless_resumed_or_forced(tmp_path: Path, command, held) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / held).write_text('{"task": "x"}\n{"task": "y"}\n', encoding="utf-8")
    result = CliRunner().invoke(app, [*command, "--root", str(FIXTURES / "debug_catalog"), "--out", str(out)])
    assert result.exit_code == 2
    assert f"holds results ({held}: 2 records); continue them with --resume, replace them with --force" in \
        " ".join(result.output.split())
    assert (out / held).read_text(encoding="utf-8").count("\n") == 2  # untouched


@pytest.mark.frameworks
def test_force_replaces_the_records(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "debug.jsonl").write_text('{"task": "old"}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["debug", "--root", str(FIXTURES / "debug_catalog"), "-f", "torch", "-f", "jax",
                                      "-m", "eager", "--fault", "nan_in_data", "--no-probes", "--force",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert '"old"' not in (out / "debug.jsonl").read_text(encoding="utf-8")


def test_list_and_compare_print_json_for_scripts(tmp_path: Path) -> None:
    listed = subprocess.run([sys.executable, "-m", "analyzer", "list", "--json", "--root", str(FIXTURES /
                             "debug_catalog")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == [{
        "task": "tiny_regression", "title": "tiny regression loss", "category": "training",
        "modes": ["eager", "compiled"], "model": False, "debug_data": ["x"],
        "implementations": {"jax": ["default"], "tensorflow": ["default"], "torch": ["default"]}, "problems": []}]
    from tests.test_scoring import report_study

    study = report_study()
    (tmp_path / "study.json").write_text(json.dumps(study.to_dict()), encoding="utf-8")
    compared = subprocess.run([sys.executable, "-m", "analyzer", "compare", "--json", str(tmp_path / "study.json"),
                               str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert compared.returncode == 0, compared.stderr
    data = json.loads(compared.stdout)
    assert data["changes"] == [] and data["warnings"] == [] and data["regressions"] == []


@pytest.mark.frameworks
def test_piped_output_gets_one_progress_line_per_job_and_quiet_none(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "analyzer", "debug", "--root", str(FIXTURES / "debug_catalog"), "-f", "jax",
               "-m", "eager", "--fault", "nan_in_data", "--fault", "feature_off_by_one", "--no-probes"]
    piped = subprocess.run([*command, "--out", str(tmp_path / "a")], cwd=ROOT, capture_output=True, text=True,
                           timeout=300)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr.splitlines() == [
        "[1/2] debug tiny_regression jax eager small nan_in_data: nonfinite",
        "[2/2] debug tiny_regression jax eager small feature_off_by_one: raised"]
    quiet = subprocess.run([sys.executable, "-m", "analyzer", "-q", *command[3:], "--out", str(tmp_path / "b")],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0 and quiet.stderr == ""
