"""--executor ray: the same jobs, records and verdicts as the local executor, on a Ray instance the test starts
itself (no cluster needed), including a node that dies mid-job."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.environment import cpu_model
from analyzer.execution import ray_executor
from analyzer.execution.ray_executor import RaySettings, bundle, run_jobs_ray, task_options
from analyzer.execution.runner import Job, Limits
from tests.conftest import FIXTURES

FAULTY = FIXTURES / "faulty_catalog"


def job(task: str, **fields: object) -> Job:
    values = dict(id=task, task=task, framework="jax", variant="default", mode="eager",
                  task_dir=str(FAULTY / "tasks" / task), impl_path=str(FAULTY / "reference_impls" / task / "jax.py"))
    return Job(**{**values, **fields})


def test_each_job_asks_ray_for_what_it_needs() -> None:
    assert task_options(job("healthy", threads=4), RaySettings()) == {
        "num_cpus": 4, "max_retries": 1, "retry_exceptions": False}
    gpu = task_options(job("healthy", device="cuda"), RaySettings(resource="h100"))
    assert (gpu["num_gpus"], gpu["num_cpus"], gpu["resources"]) == (1, 1, {"h100": 1})


def test_the_nodes_get_the_task_and_implementation_folders_and_relative_paths(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "healthy"  # another folder of the same name stays apart
    other.mkdir(parents=True)
    (other / "jax.py").write_text("# another healthy\n", encoding="utf-8")
    jobs = bundle([job("healthy"), job("raises"), job("healthy", id="other", impl_path=str(other / "jax.py"))],
                  tmp_path / "bundle")
    healthy, other_job = jobs["healthy"], jobs["other"]
    assert not Path(healthy.task_dir).is_absolute() and Path(healthy.task_dir).name == "healthy"
    assert (tmp_path / "bundle" / healthy.task_dir / "task.toml").is_file()
    assert (tmp_path / "bundle" / healthy.impl_path).read_text() == (FAULTY / "reference_impls" / "healthy" /
                                                                     "jax.py").read_text()
    assert (tmp_path / "bundle" / other_job.impl_path).read_text() == "# another healthy\n"
    assert healthy.device == "cpu"  # "auto" becomes an explicit CPU job: it asked Ray for no GPU


def test_without_ray_or_with_a_stray_flag_the_cli_says_what_to_do(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    stray = CliRunner().invoke(app, ["run", "--root", str(FAULTY), "-t", "healthy", "--ray-address", "auto",
                                     "--out", str(tmp_path / "a")])
    assert stray.exit_code == 2 and "--ray-address applies to --executor ray only" in stray.output
    monkeypatch.setattr(ray_executor, "available", lambda: "Ray is not installed (No module named 'ray'); "
                                                           "pip install 'usability-score[ray]'")
    missing = CliRunner().invoke(app, ["run", "--root", str(FAULTY), "-t", "healthy", "--executor", "ray",
                                       "--out", str(tmp_path / "b")])
    assert missing.exit_code == 2
    assert "--executor ray: Ray is not installed" in missing.output and "usability-score[ray]" in missing.output
    assert not (tmp_path / "b").exists()


needs_ray = pytest.mark.skipif(ray_executor.available() is not None, reason="needs Ray (pip install "
                               "'usability-score[ray]'; CI installs it)")


@needs_ray
def test_a_run_on_a_local_ray_instance_records_what_the_local_executor_records(tmp_path: Path) -> None:
    out = tmp_path / "results"
    argv = [sys.executable, "-m", "analyzer", "run", "--root", str(FAULTY), "-t", "healthy", "-t", "raises",
            "-t", "forges_record", "-f", "jax", "--executor", "ray", "--out", str(out)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 1, done.stderr  # two jobs crash on purpose
    records = {r["task"]: r for r in map(json.loads, (out / "runs.jsonl").read_text().splitlines())}
    assert records["healthy"]["status"] == "passed" and records["healthy"]["timing"]["samples"]
    assert records["raises"]["status"] == "crashed" and "RuntimeError at jax.py:9: kaput" in records["raises"]["reason"]
    assert records["forges_record"] == {**records["forges_record"], "status": "crashed",
                                        "reason": "the worker wrote a record that is not this job's"}
    assert {r["machine"] for r in records.values()} == {cpu_model()}
    environment = json.loads((out / "study.json").read_text())["environment"]
    assert environment["executor"] == {"kind": "ray", "address": "a local Ray instance", "resource": "",
                                       "machines": {cpu_model(): 3}}
    again = subprocess.run([*argv, "--resume"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert again.returncode == 1 and len((out / "runs.jsonl").read_text().splitlines()) == 3  # nothing re-run


def _workers(framework: str = "jax") -> set[int]:
    found = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                if b"analyzer.worker.main\x00" + framework.encode() in cmdline.read():
                    found.add(int(pid))
        except OSError:
            continue
    return found


def _ancestors(pid: int) -> set[int]:
    chain = set()
    while pid > 1 and pid not in chain:
        chain.add(pid)
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
                pid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            break
    return chain


@needs_ray
def test_a_node_that_dies_mid_job_costs_that_job_only_after_one_retry() -> None:
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0})  # the head runs no job
    for _ in range(3):
        cluster.add_node(num_cpus=1)
    killed: list[str] = []
    hanging: list[int] = []  #: the workers of the job that hangs, one per node it ran on

    def node_running(pid: int):
        chain = _ancestors(pid)
        return next((n for n in list(cluster.worker_nodes)
                     if n.all_processes["raylet"][0].process.pid in chain), None)

    def kill_the_node_of_the_hanging_job() -> None:
        """Twice: find the JAX worker that has been running for 8 s (the job that hangs: the healthy job runs in
        PyTorch) and kill its whole node."""
        for _ in range(2):
            first_seen: dict[int, float] = {}
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                now = time.monotonic()
                for pid in _workers():
                    first_seen.setdefault(pid, now)
                old = [pid for pid, seen in first_seen.items() if now - seen > 8 and os.path.exists(f"/proc/{pid}")]
                # another test's JAX worker (pytest-xdist) has no node of this cluster among its ancestors
                pid, node = next(((pid, n) for pid in old if (n := node_running(pid)) is not None), (0, None))
                if node is not None:
                    hanging.append(pid)
                    cluster.remove_node(node, allow_graceful=False)
                    killed.append(node.node_id)
                    break
                time.sleep(0.2)

    killer = threading.Thread(target=kill_the_node_of_the_hanging_job, daemon=True)
    killer.start()
    try:
        healthy = job("healthy", framework="torch", impl_path=str(FAULTY / "reference_impls" / "healthy" / "torch.py"))
        records = {r["job"]: r for r in run_jobs_ray([job("hangs"), healthy], limits=Limits(timeout_s=90),
                                                      settings=RaySettings(address=cluster.address))}
    finally:
        killer.join(timeout=10)
        cluster.shutdown()
    assert len(killed) == 2
    assert records["healthy"]["status"] == "passed"  # no other record lost
    hangs = records["hangs"]
    assert hangs["status"] == "crashed"
    assert hangs["reason"].startswith("the Ray task failed after 2 attempts (NodeDiedError)"), hangs["reason"]
    time.sleep(1)
    assert not [pid for pid in hanging if os.path.exists(f"/proc/{pid}")]  # its workers died with their nodes
