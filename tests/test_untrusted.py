"""Contributed code is only read, never run, by `static` and `validate --no-exec`; bad files get clear rows."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.corpus import MAX_SOURCE_BYTES
from analyzer.execution.sandbox import available as sandbox_reason
from tests.conftest import write_tree

SPEC = """title = "Hostile"
category = "tensor-ops"
description = "Its files try to act at import time."
modes = ["eager"]
[sizes.small]
n = 2
[sizes.full]
n = 4
"""


def hostile(marker: Path, port: int) -> str:
    return (
        "import os, socket, sys\n"
        f"open({str(marker)!r}, 'a').write('ran\\n')\n"
        f"socket.create_connection(('127.0.0.1', {port}), timeout=1)\n"
        "os.system('true')\n"
        "sys.exit(3)\n"
        "def make_inputs(size, rng):\n    return {}\n"
        "def reference(inputs, size):\n    return {}\n"
        "def setup(inputs, device):\n    return None\n"
        "def run(state):\n    return None\n"
        "def result(state, output):\n    return {}\n"
    )


@pytest.fixture
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.2)
    yield server
    server.close()


def _connected(server: socket.socket) -> bool:
    try:
        server.accept()[0].close()
        return True
    except OSError:
        return False


def test_validate_no_exec_and_static_run_nothing(tmp_path: Path, listener: socket.socket) -> None:
    marker = tmp_path / "marker"
    code = hostile(marker, listener.getsockname()[1])
    root = write_tree(tmp_path / "root", {
        "tasks/evil/task.toml": SPEC, "tasks/evil/oracle.py": code,
        **{f"reference_impls/evil/{fw}.py": code for fw in ("torch", "tensorflow", "jax")},
    })
    runner = CliRunner()
    validated = runner.invoke(app, ["validate", "--root", str(root), "--no-exec"])
    measured = runner.invoke(app, ["static", str(root / "reference_impls")])
    assert validated.exit_code == 0, validated.output
    assert validated.output.strip().splitlines()[-1] == "1 task(s) checked: nothing to run; all good"
    assert measured.exit_code == 0 and "3 file(s) measured, 0 problem(s)" in measured.output
    assert not marker.exists()
    assert not _connected(listener)


@pytest.mark.parametrize(("content", "message"), [
    (b"", None),  # an empty file is valid Python: measured, all zero
    (b"# only a comment\n", None),
    (b"x = 1\n" * (MAX_SOURCE_BYTES // 6 + 1), f"refused: larger than {MAX_SOURCE_BYTES} bytes"),
    (b"\xef\xbb\xbfx = 1\n", None),  # a UTF-8 byte-order mark is fine
    (b"x = '\xe9'\n", "not UTF-8 text"),
    (b"\x7fELF\x02\x01\x01\x00", "binary file"),
    (b"import jax\ny = " + b" + ".join([b"x"] * 3000) + b"\n", "too deeply nested to measure (RecursionError)"),
])
def test_odd_source_files(tmp_path: Path, content: bytes, message: str | None) -> None:
    root = write_tree(tmp_path / "c", {"t/torch.py": "import torch\nx = torch.ones(1)\n", "t/jax.py": content})
    result = CliRunner().invoke(app, ["static", str(root)])
    text = " ".join(result.output.split())
    if message is None:
        assert result.exit_code == 0 and "2 file(s) measured, 0 problem(s)" in text
    else:
        assert result.exit_code == 1 and message in text and "1 file(s) measured, 1 problem(s)" in text


def test_files_too_deep_or_too_large_for_the_parsers_are_problems_of_their_task(tmp_path: Path) -> None:
    from analyzer.catalog import load_catalog
    from analyzer.spec import MAX_SPEC_BYTES

    spec = 'title = "t"\ncategory = "tensor-ops"\ndescription = "d"\nmodes = ["eager"]\n[sizes.small]\nn = 1\n'
    oracle = "def make_inputs(size, rng):\n    return {}\n\ndef reference(inputs, size):\n    return {}\n"
    impl = "def setup(inputs, device):\n    pass\n\ndef run(state):\n    pass\n\ndef result(state, output):\n    pass\n"
    deep = "y = " + " + ".join(["x"] * 3000) + "\n"  # a syntax tree deeper than the parser's recursion
    files = {}
    for task, toml, oracle_py in (("deep_toml", "a = " + "[" * 3000 + "]" * 3000 + "\n" + spec, oracle),
                                  ("huge_toml", spec + "#" * MAX_SPEC_BYTES + "\n", oracle),
                                  ("deep_oracle", spec, oracle + deep),
                                  ("huge_oracle", spec, oracle + "x = 1\n" * (MAX_SOURCE_BYTES // 6 + 1))):
        files.update({f"tasks/{task}/task.toml": toml, f"tasks/{task}/oracle.py": oracle_py,
                      **{f"reference_impls/{task}/{fw}.py": impl for fw in ("torch", "tensorflow", "jax")}})
    root = write_tree(tmp_path, files)
    problems = {t.id: " ".join(t.problems) for t in load_catalog(root / "tasks", root / "reference_impls").tasks}
    assert "expected TOML a reader can hold (RecursionError)" in problems["deep_toml"]
    assert f"refused: larger than {MAX_SPEC_BYTES} bytes" in problems["huge_toml"]
    assert "oracle.py: too deeply nested to parse (RecursionError)" in problems["deep_oracle"]
    assert f"oracle.py: refused: larger than {MAX_SOURCE_BYTES} bytes" in problems["huge_oracle"]


def test_task_files_linked_from_outside_the_tree_are_refused_and_never_run(tmp_path: Path) -> None:
    from analyzer.catalog import load_catalog

    spec = 'title = "t"\ncategory = "tensor-ops"\ndescription = "d"\nmodes = ["eager"]\n[sizes.small]\nn = 1\n'
    outside = write_tree(tmp_path / "outside", {"oracle.py": "raise SystemExit('ran')\n", "task/task.toml": spec})
    root = write_tree(tmp_path / "catalog", {"tasks/linked_oracle/task.toml": spec,
                                             "reference_impls/linked_oracle/jax.py": "x = 1\n"})
    (root / "tasks" / "linked_oracle" / "oracle.py").symlink_to(outside / "oracle.py")
    (root / "tasks" / "linked_folder").symlink_to(outside / "task", target_is_directory=True)
    tasks = {t.id: t for t in load_catalog(root / "tasks", root / "reference_impls").tasks}
    assert tasks["linked_oracle"].spec is None and tasks["linked_folder"].spec is None  # neither can run
    assert (f"oracle.py: refused: a link to {outside / 'oracle.py'}, outside {root / 'tasks'}"
            in " ".join(tasks["linked_oracle"].problems))
    assert f"linked_folder: refused: a link to {outside / 'task'}" in " ".join(tasks["linked_folder"].problems)


def test_a_task_folder_escaping_the_corpus_through_a_symlink_is_refused(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"torch.py": "x = 1\n", "jax.py": "y = 2\n"})
    root = write_tree(tmp_path / "c", {"ok/torch.py": "import torch\n"})
    (root / "sneaky").symlink_to(outside, target_is_directory=True)
    result = CliRunner().invoke(app, ["static", str(root)])
    text = " ".join(result.output.split())
    assert result.exit_code == 1 and "outside the corpus folder" in text
    assert "1 file(s) measured, 2 problem(s)" in text


ENV_PROBE = """import os
import numpy as np


def setup(inputs, device):
    return inputs["x"]


def run(state):
    leaked = [k for k in os.environ if k.startswith("USABILITY_TEST_SECRET")]
    if leaked:
        raise RuntimeError(f"saw {leaked}")
    if os.getcwd().startswith(ROOT):
        raise RuntimeError(f"runs in the project: {os.getcwd()}")
    return state * 2


def result(state, output):
    return {"y": np.asarray(output)}
"""
ORACLE = ("import numpy as np\n\ndef make_inputs(size, rng):\n    return {'x': np.ones(2)}\n\n"
          "def reference(inputs, size):\n    return {'y': 2 * inputs['x']}\n")


@pytest.mark.frameworks
def test_workers_see_a_whitelisted_environment_in_a_temporary_folder(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from analyzer.catalog import load_catalog
    from analyzer.study import RunPlan, execute, plan
    from tests.conftest import ROOT

    monkeypatch.setenv("USABILITY_TEST_SECRET_TOKEN", "hunter2")
    code = ENV_PROBE.replace("ROOT", repr(str(ROOT)))
    root = write_tree(tmp_path / "root", {
        "tasks/probe/task.toml": SPEC.replace("Hostile", "Probe"), "tasks/probe/oracle.py": ORACLE,
        **{f"reference_impls/probe/{fw}.py": code for fw in ("torch", "tensorflow", "jax")},
    })
    run_plan = RunPlan(frameworks=("jax",), device="cpu", policy={"budget_s": 0.05, "min_samples": 3})
    (record,) = execute(plan(load_catalog(root / "tasks", root / "reference_impls").tasks, run_plan), run_plan,
                        out_dir=tmp_path)
    assert record.status == "passed", record.reason


def test_a_full_disk_is_reported_before_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 10**6, 10**6))
    result = CliRunner().invoke(app, ["run", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "only 1 MB free; at least 50 MB needed" in " ".join(result.output.split())


def test_a_line_cut_short_by_an_interruption_is_dropped_on_resume(tmp_path: Path) -> None:
    from analyzer.store import load_runs

    runs = tmp_path / "runs.jsonl"
    runs.write_text('{"task": "a", "framework": "jax", "variant": "default", "mode": "eager", "device": "cpu", '
                    '"size": "small", "status": "passed"}\n{"task": "b", "framew')
    assert [r.task for r in load_runs(runs)] == ["a"]


def test_printable_shows_control_characters_as_replacement_marks() -> None:
    from analyzer.text import printable

    assert printable("a\x1b[31mb\tc\nd\x9b2Je\x7f") == "a\ufffd[31mb\tc\nd\ufffd2Je\ufffd"
    assert printable("plain text, [brackets] too") == "plain text, [brackets] too"


def test_run_lists_the_tasks_it_skips_and_fails_when_a_named_one_is_skipped(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES

    result = CliRunner().invoke(app, ["run", "--root", str(FIXTURES / "broken_catalog"), "-t", "bad_spec",
                                      "-t", "syntax_error", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("skipped ")]
    assert [line.split(":")[0] for line in lines] == ["skipped bad_spec", "skipped syntax_error"]
    assert "task.toml" in lines[0] and "does not parse" in lines[1]


def test_a_damaged_runs_file_keeps_its_readable_records_with_a_warning(tmp_path: Path) -> None:
    from analyzer.store import read_runs

    good = ('{"task": "a", "framework": "jax", "variant": "default", "mode": "eager", "device": "cpu", '
            '"size": "small", "status": "passed"}')
    runs = tmp_path / "out" / "runs.jsonl"
    runs.parent.mkdir()
    runs.write_text(f"{good}\nnot json\n{good.replace('jax', 'torch')}\n[1]\n")
    for folder in ("tasks", "reference_impls"):
        (tmp_path / "empty" / folder).mkdir(parents=True)
    records, unreadable = read_runs(runs)
    assert [r.framework for r in records] == ["jax", "torch"] and unreadable == [2, 4]
    result = CliRunner().invoke(app, ["run", "--root", str(tmp_path / "empty"), "--out", str(tmp_path / "out"),
                                      "--resume"])
    assert "runs.jsonl: 2 unreadable line(s) (line 2, 4) skipped; their jobs run again" in " ".join(
        result.output.split())


def test_error_messages_are_plain_text(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["run", "--root", str(tmp_path / "no[bold]where\x1b[2J"), "--out",
                                      str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "no[bold]where\ufffd[2J" in result.output and "\x1b" not in result.output


def test_resume_refuses_records_taken_under_other_conditions(tmp_path: Path) -> None:
    for folder in ("tasks", "reference_impls"):
        (tmp_path / "empty" / folder).mkdir(parents=True)
    run = ["run", "--root", str(tmp_path / "empty"), "--out", str(tmp_path / "out")]
    assert CliRunner().invoke(app, [*run, "--threads", "1"]).exit_code == 0
    assert CliRunner().invoke(app, [*run, "--threads", "1", "--resume"]).exit_code == 0
    result = CliRunner().invoke(app, [*run, "--threads", "2", "--resume"])
    assert result.exit_code == 2
    assert "its records were taken under other conditions (threads 1 there, 2 now)" in " ".join(result.output.split())


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"  # a zombie waiting for init to reap it
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_worker_dies_with_a_parent_killed_outright(tmp_path: Path) -> None:
    """A parent ended by SIGKILL can clean nothing up; the kernel's parent-death signal still ends its worker."""
    import contextlib
    import os
    import subprocess
    import sys
    import time

    # A bystander keeps the worker's stdin open, as a busy worker never reads it: only the signal can end it.
    script = ("import os, subprocess, time\nfrom analyzer.execution.runner import WorkerProcess\n"
              "w = WorkerProcess('jax')\nfd = w.proc.stdin.fileno()\n"
              "keeper = subprocess.Popen(['sleep', '60'], pass_fds=[fd], start_new_session=True,\n"
              "                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
              "print(w.proc.pid, keeper.pid, flush=True)\ntime.sleep(3)\nos.kill(os.getpid(), 9)\n")
    parent = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parent.parent)
    worker, keeper = map(int, parent.stdout.split()[:2])
    try:
        deadline = time.monotonic() + 10
        while not _gone(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(worker), f"worker {worker} outlived its parent"
    finally:
        for pid in (keeper, worker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)


def _judged(tmp_path: Path, claim: dict, outputs: dict | None, second: dict | None = None,
            task_dir: Path | None = None, sampling_s: float | None = None) -> dict:
    import numpy as np

    from analyzer.execution.judge import Judge, save_arrays
    from analyzer.execution.runner import Job, worker_env
    from tests.conftest import FIXTURES

    task_dir = task_dir or FIXTURES / "faulty_catalog" / "tasks" / "nan"  # y = 2x, x = 1..4 at the small size
    job = Job(id="j", task=task_dir.name, framework="jax", variant="default", mode="eager", task_dir=str(task_dir),
              impl_path="jax.py")
    handed = tmp_path / "handed"
    handed.mkdir(exist_ok=True)
    for name, arrays in (("first", outputs), ("second", second)):
        (handed / f"{name}.npz").unlink(missing_ok=True)
        if arrays is not None:
            save_arrays(handed / f"{name}.npz", {k: np.asarray(v, dtype=np.float32) for k, v in arrays.items()})
    return Judge(tmp_path, timeout_s=60, env=worker_env()).verdict(job, claim, handed, sampling_s)


def test_an_oracle_process_is_tied_to_the_parent_like_a_worker(tmp_path: Path) -> None:
    from analyzer.execution.child import PARENT_PID_VAR
    from analyzer.execution.judge import Judge, JudgeError
    from analyzer.execution.runner import worker_env

    task = write_tree(tmp_path / "tasks" / "probe", {
        "task.toml": 'title = "probe"\ncategory = "tensor-ops"\ndescription = "d"\nmodes = ["eager"]\n'
                     '[sizes.small]\nn = 2\n[sizes.full]\nn = 4\n',
        "oracle.py": "import os\nimport numpy as np\n\ndef make_inputs(size, rng):\n    return {'x': np.ones(2)}\n\n"
                     f"def reference(inputs, size):\n    raise RuntimeError(os.environ.get({PARENT_PID_VAR!r}))\n",
    })
    judge = Judge(tmp_path, timeout_s=60, env=worker_env(), sandbox=False)  # outside the sandbox, die_with_parent
    with pytest.raises(JudgeError, match=f"RuntimeError: {os.getpid()}$"):  # is what ends it with the parent
        judge.expected(str(task), "small")


def test_the_judge_believes_outputs_not_the_worker(tmp_path: Path) -> None:
    right, wrong = {"y": [2, 4, 6, 8]}, {"y": [3, 6, 9, 12]}
    timing = {"median_s": 0.01, "samples": [0.01] * 10, "loops": 10}  # 1 s of samples
    agreed = _judged(tmp_path, {"status": "passed", "reason": "", "timing": timing}, right, second=right,
                     sampling_s=1.1)
    assert (agreed["status"], agreed["max_abs_err"], agreed["nondeterministic"], agreed["timing"]) == \
        ("passed", 0.0, False, timing)
    assert _judged(tmp_path, {"status": "passed", "reason": ""}, right, second=wrong)["nondeterministic"] is True
    lied = _judged(tmp_path, {"status": "passed", "reason": "", "timing": timing}, wrong)
    assert (lied["status"], lied["timing"], lied["max_abs_err"]) == ("wrong_answer", None, 4.0)
    assert lied["reason"].endswith("(the worker said it passed)")
    tampered = _judged(tmp_path, {"status": "wrong_answer", "reason": "output 'y' differs"}, right)
    assert tampered["status"] == "crashed" and "its own checker was tampered with" in tampered["reason"]
    silent = _judged(tmp_path, {"status": "passed", "reason": ""}, None)
    assert (silent["status"], silent["reason"]) == ("crashed", "judge: the worker handed over no outputs "
                                                               "(first.npz missing)")
    crashed = {"status": "crashed", "reason": "worker exited with code 7"}
    assert _judged(tmp_path, crashed, None) == crashed  # a record that claims nothing passes through
    invented = _judged(tmp_path, {"status": "excellent", "reason": ""}, None)  # read back, it would stop the study
    assert (invented["status"], invented["reason"]) == (
        "crashed", "judge: the worker reported a status runs do not have ('excellent')")


def test_the_judge_refuses_a_timing_its_own_clock_contradicts(tmp_path: Path) -> None:
    right = {"y": [2, 4, 6, 8]}
    timing = {"median_s": 0.001, "samples": [0.001] * 10, "loops": 10}  # samples add up to 0.1 s
    claim = {"status": "passed", "reason": "", "timing": timing, "compile_s": 0.5}
    assert _judged(tmp_path, claim, right, sampling_s=0.6)["status"] == "passed"  # 0.1 >= 0.25 * 0.6 - 0.25
    slowed = _judged(tmp_path, claim, right, sampling_s=2.0)  # 0.1 < 0.25 * 2 - 0.25: a clock running slow
    assert (slowed["status"], slowed["timing"], slowed["compile_s"]) == ("crashed", None, None)
    assert slowed["reason"] == ("judge: the timing disagrees with the parent's clock: its samples add up to 0.1 s of a "
                                "sampling that the parent saw last 2 s")
    unannounced = _judged(tmp_path, claim, right)
    assert unannounced["reason"] == "judge: a timing without the worker's word that its samples began"
    forged = _judged(tmp_path, {**claim, "timing": {"samples": "fast", "loops": 1}}, right, sampling_s=0.6)
    assert (forged["status"], forged["reason"]) == ("crashed", "judge: a malformed timing")


def test_the_judge_never_unpickles_what_a_worker_hands_over(tmp_path: Path) -> None:
    import numpy as np

    from analyzer.execution.judge import JudgeError, load_arrays

    np.savez(tmp_path / "first.npz", y=np.array([{"a": 1}], dtype=object))  # would unpickle on a plain np.load
    with pytest.raises(JudgeError, match=r"first.npz is not a readable array file \(ValueError: Object arrays cannot"):
        load_arrays(tmp_path / "first.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(JudgeError, match="junk.npz is not a readable array file"):
        load_arrays(tmp_path / "junk.npz")


def test_the_oracle_runs_in_a_process_of_its_own(tmp_path: Path) -> None:
    task = tmp_path / "tasks" / "probe"
    write_tree(task, {
        "task.toml": 'title = "probe"\ncategory = "tensor-ops"\ndescription = "d"\nmodes = ["eager"]\n'
                     '[sizes.small]\nn = 2\n[sizes.full]\nn = 4\n',
        "oracle.py": "import os\nimport numpy as np\n\ndef make_inputs(size, rng):\n    return {'x': np.ones(2)}\n\n"
                     "def reference(inputs, size):\n    raise RuntimeError(f'oracle pid {os.getpid()}')\n",
    })
    judged = _judged(tmp_path, {"status": "passed", "reason": ""}, {"y": [1, 1]}, task_dir=task)
    assert judged["status"] == "crashed"
    assert judged["reason"].startswith("judge: the oracle failed (exit status 1): RuntimeError: oracle pid ")
    assert judged["reason"] != f"judge: the oracle failed (exit status 1): RuntimeError: oracle pid {os.getpid()}"


SANDBOX_ATTACKS = '''
import os
import numpy as np

TARGETS = {targets!r}
PARENT = {parent}


def setup(inputs, device):
    done = []
    for target in TARGETS:  # persistence: a sitecustomize-like file in the project, a file in the user's HOME
        try:
            with open(target, "w", encoding="utf-8") as file:
                file.write("import os  # would run in every later Python process")
            done.append("wrote " + target)
        except OSError:
            pass
    try:  # the parent's secrets and file descriptors
        with open(f"/proc/{{PARENT}}/environ", "rb") as environ:
            environ.read()
        done.append("read the parent's environment")
    except OSError:
        pass
    siblings = set(os.listdir(os.path.dirname(os.getcwd()))) - {{os.path.basename(os.getcwd())}}
    if siblings:  # other workers' folders: their records and outputs
        done.append("saw " + ", ".join(sorted(siblings)))
    return inputs["x"], done


def run(state):
    return state[0] * 2


def result(state, output):
    if state[1]:
        raise RuntimeError("; ".join(state[1]))
    return {{"y": np.asarray(output)}}
'''


@pytest.mark.frameworks
@pytest.mark.skipif(bool(sandbox_reason()), reason=f"no sandbox here: {sandbox_reason()}")
def test_a_sandboxed_worker_changes_and_sees_nothing_outside_its_folder(tmp_path: Path) -> None:
    import analyzer
    from analyzer.catalog import load_catalog
    from analyzer.execution.runner import Limits
    from analyzer.study import RunPlan, execute, plan
    from tests.conftest import FIXTURES

    targets = [Path(analyzer.__file__).parent / "zz_sandbox_marker.py", Path.home() / "zz_sandbox_marker",
               tmp_path / "catalog" / "zz_sandbox_marker"]
    nan = FIXTURES / "faulty_catalog" / "tasks" / "nan"
    nan_impls = FIXTURES / "faulty_catalog" / "reference_impls" / "nan"
    write_tree(tmp_path / "catalog", {
        "tasks/attacks/task.toml": (nan / "task.toml").read_text(encoding="utf-8"),
        "tasks/attacks/oracle.py": (nan / "oracle.py").read_text(encoding="utf-8"),
        "reference_impls/attacks/jax.py": SANDBOX_ATTACKS.format(targets=[str(t) for t in targets],
                                                                  parent=os.getpid()),
        **{f"reference_impls/attacks/{name}.py": (nan_impls / f"{name}.py")
           .read_text(encoding="utf-8") for name in ("torch", "tensorflow")},
    })
    catalog = load_catalog(tmp_path / "catalog" / "tasks", tmp_path / "catalog" / "reference_impls")
    assert [t.problems for t in catalog.tasks] == [()]
    try:
        for sandboxed, expected in ((True, "passed"), (False, "crashed")):
            run_plan = RunPlan(frameworks=("jax",), device="cpu", timing=False,
                               limits=Limits(timeout_s=120, sandbox=sandboxed))
            record = execute(plan(catalog.tasks, run_plan), run_plan, out_dir=tmp_path)[0]
            assert record.status == expected, record.reason
            assert not any(t.exists() for t in targets) if sandboxed else "wrote " in record.reason
            if not sandboxed:  # the control: without the sandbox every attack lands
                assert "read the parent's environment" in record.reason and "saw judge-" in record.reason
    finally:
        for target in targets:
            target.unlink(missing_ok=True)


TAINTS = '''
import builtins

import numpy as np


def setup(inputs, device):
    if hasattr(builtins, "usability_score_taint"):
        raise RuntimeError("a job before this one left its mark in this worker")
    builtins.usability_score_taint = True  # a patched module would carry over the same way
    return inputs["x"]


def run(state):
    return state * 2


def result(state, output):
    return {"y": np.asarray(output)}
'''


@pytest.mark.frameworks
def test_fresh_workers_keep_one_job_from_reaching_the_next(tmp_path: Path) -> None:
    from analyzer.catalog import load_catalog
    from analyzer.execution.runner import Limits
    from analyzer.study import RunPlan, execute, plan
    from tests.conftest import FIXTURES

    nan = FIXTURES / "faulty_catalog" / "tasks" / "nan"
    nan_impls = FIXTURES / "faulty_catalog" / "reference_impls" / "nan"
    files = {}
    for task in ("first", "second"):
        files.update({f"tasks/{task}/task.toml": (nan / "task.toml").read_text(encoding="utf-8"),
                      f"tasks/{task}/oracle.py": (nan / "oracle.py").read_text(encoding="utf-8"),
                      f"reference_impls/{task}/jax.py": TAINTS,
                      **{f"reference_impls/{task}/{name}.py": (nan_impls / f"{name}.py").read_text(encoding="utf-8")
                         for name in ("torch", "tensorflow")}})
    root = write_tree(tmp_path / "catalog", files)
    catalog = load_catalog(root / "tasks", root / "reference_impls")
    for fresh, second in ((False, "crashed"), (True, "passed")):
        run_plan = RunPlan(frameworks=("jax",), device="cpu", timing=False, check_determinism=False,
                           limits=Limits(timeout_s=120, fresh_workers=fresh))
        records = {r.task: r for r in execute(plan(catalog.tasks, run_plan), run_plan, out_dir=tmp_path)}
        assert (records["first"].status, records["second"].status) == ("passed", second), records["second"].reason
