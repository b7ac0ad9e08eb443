"""A suite of misbehaving implementations is classified correctly, and the healthy ones of the same run complete."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from analyzer.catalog import load_catalog
from analyzer.execution import sandbox
from analyzer.execution.runner import Limits
from analyzer.store import RUNS_FILE, load_runs
from analyzer.study import RunPlan, execute, plan
from tests.conftest import FIXTURES

FAULTY = FIXTURES / "faulty_catalog"
ORPHAN = b"sleep\x00299.5\x00"
EXPECTED = {
    "healthy": ("passed", ""),
    "hangs": ("timed_out", "no result within 20 s"),
    "burns_cpu": ("crashed", "worker exceeded its CPU-time limit (killed by signal SIGXCPU)"),
    "segfault": ("crashed", "worker was killed by signal SIGSEGV"),
    "aborts": ("crashed", "worker was killed by signal SIGABRT"),
    "exits": ("crashed", "worker exited with code 7"),
    "memory_hog": ("crashed", "exceeded the memory limit"),
    "floods_stdout": ("crashed", "wrote more than 2 MB of output"),
    "raises": ("crashed", "RuntimeError at jax.py:9: kaput"),
    "nan": ("wrong_answer", "output 'y' contains NaN or Inf"),
    "orphan": ("passed", ""),
    # Untrusted code: the verdict is the parent's, reached from the outputs (analyzer.execution.judge).
    "patches_judge": ("wrong_answer", "output 'y' differs from the oracle: max abs error 4, max rel error 0.5 "
                                      "(tolerance rtol=0.0001, atol=1e-05) (the worker said it passed)"),
    "forges_record": ("crashed", "the worker wrote a record that is not this job's"),
    # The right job's id, found in the worker's frames, on a reply of the wrong types (analyzer.execution.protocol).
    "forges_types": ("crashed", "the worker wrote a malformed record (the worker's record: field 'timing.median_s': "
                                "expected float, got str)"),
    "patches_clock": ("crashed", "judge: the timing disagrees with the parent's clock"),
}


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory):
    catalog = load_catalog(FAULTY / "tasks", FAULTY / "reference_impls")
    # Limits with room for a fresh worker's JAX and Flax import (about 2 s of CPU on a busy 2-core machine); the
    # wall-clock limit is 4x the CPU one, so a worker given a quarter of a core on a loaded machine still reaches
    # its CPU limit first (at 10 s it timed out under four competing processes on 2 cores)
    limits = Limits(timeout_s=20, memory_mb=1500, output_mb=2, cpu_s=5)
    run_plan = RunPlan(frameworks=("jax",), device="cpu", limits=limits,
                       policy={"budget_s": 0.05, "min_samples": 3, "min_sample_s": 0.001})
    out = tmp_path_factory.mktemp("faults")
    result = execute(plan(catalog.tasks, run_plan), run_plan, out_dir=out)
    return {r.task: r for r in result}, out


@pytest.mark.frameworks
@pytest.mark.parametrize("task", sorted(EXPECTED))
def test_each_fault_is_classified(records, task: str) -> None:
    status, reason = EXPECTED[task]
    record = records[0][task]
    assert record.status == status, record.reason
    assert reason in record.reason


@pytest.mark.frameworks
def test_healthy_runs_are_timed_and_checked(records) -> None:
    record = records[0]["healthy"]
    assert record.timing is not None and record.timing.median_s > 0 and len(record.timing.samples) >= 3
    assert record.max_abs_err == 0.0 and record.nondeterministic is False
    assert record.import_s is not None and record.first_result_s is not None


@pytest.mark.frameworks
def test_every_record_was_written_as_it_finished(records) -> None:
    by_task, out = records
    saved = {r.task: r.status for r in load_runs(out / RUNS_FILE)}
    assert saved == {task: record.status for task, record in by_task.items()}


@pytest.mark.frameworks
@pytest.mark.skipif(bool(sandbox.available()), reason=f"no sandbox here: {sandbox.available()}")
def test_children_left_behind_are_killed_even_in_a_session_of_their_own(records) -> None:
    # The orphan task's child (`sleep 299.5`, started with start_new_session) leaves the worker's process group, so
    # killing the group misses it; the sandbox's PID namespace ends it with the worker.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _running(ORPHAN):
        time.sleep(0.1)
    assert not _running(ORPHAN)


def _running(cmdline: bytes) -> bool:
    """Whether a live (not zombie) process with this command line exists on the machine."""
    for entry in Path("/proc").iterdir():
        try:
            if (entry / "cmdline").read_bytes() == cmdline and (entry / "stat").read_text().split()[2] != "Z":
                return True
        except OSError:
            continue
    return False


def test_lanes_run_jobs_at_once_and_record_what_one_lane_records(tmp_path: Path) -> None:
    """Two lanes: the same verdicts as one after another, every record written as it finishes, and the two lanes
    really overlap (two jobs whose setup sleeps 4 s: the second starts before the first finishes)."""
    import threading

    from analyzer.catalog import load_catalog
    from analyzer.execution.runner import Job, run_jobs_in_lanes

    catalog = load_catalog(FAULTY / "tasks", FAULTY / "reference_impls")
    chosen = [t for t in catalog.tasks if t.id in ("healthy", "raises", "nan")]
    run_plan = RunPlan(frameworks=("jax",), device="cpu", timing=False, check_determinism=False,
                       limits=Limits(timeout_s=120), lanes=2)
    out = tmp_path / "lanes"
    out.mkdir()
    records = {r.task: r for r in execute(plan(chosen, run_plan), run_plan, out_dir=out)}
    assert {t: (r.status, r.reason.split(":")[0]) for t, r in records.items()} == {
        "healthy": ("passed", ""), "raises": ("crashed", "RuntimeError at jax.py"),
        "nan": ("wrong_answer", records["nan"].reason.split(":")[0])}
    assert len(load_runs(out / RUNS_FILE)) == 3
    assert "lanes" in (out / "conditions.json").read_text()

    sleeper = tmp_path / "sleeper.py"
    sleeper.write_text("import time\n\n\ndef setup(inputs, device):\n    time.sleep(4)\n    return inputs['x']\n\n\n"
                       "def run(state):\n    return state * 2\n\n\ndef result(state, output):\n    return {'y': output}\n",
                       encoding="utf-8")
    jobs = [Job(id=f"s{i}", task="healthy", framework="jax", variant="default", mode="eager",
                task_dir=str(FAULTY / "tasks" / "healthy"), impl_path=str(sleeper), check_determinism=False)
            for i in range(2)]
    lanes_seen: set[str] = set()
    order: list[str] = []

    def started(job: Job) -> None:
        order.append("start")
        lanes_seen.add(threading.current_thread().name)

    for record in run_jobs_in_lanes(jobs, limits=Limits(timeout_s=120), lanes=2, on_start=started):
        order.append(record["status"])
    assert order == ["start", "start", "passed", "passed"]  # the second began before the first finished
    assert lanes_seen == {threading.main_thread().name}  # callbacks run in the caller's thread
