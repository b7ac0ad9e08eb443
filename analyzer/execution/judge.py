"""Parent side: the verdict on a run job is reached from the arrays the worker hands over, never from its word.

A worker runs contributed code in its own interpreter, so whatever it reports, its own comparison with the oracle
included, is only as honest as that code: an implementation that patches `numpy.all` passes its own wrong answer.
So for every run job the worker also writes the outputs it got (`first.npz`, and `second.npz` from the determinism
re-run) into a folder the parent made for that job, and the parent

1. asks the task's oracle for the expected outputs in a process of its own (`analyzer.worker.oracle`, once per
   task and size; neither the parent nor the judged worker ever runs the oracle);
2. loads both sides as plain arrays (no pickle) and compares them with `checks.compare`, under the task's
   float32 tolerance read from its spec;
3. checks the timing against its own clock: the worker says when its samples begin, and samples that add up to
   far less than the time the parent then saw pass (a patched `time.perf_counter`) are refused;
4. keeps the worker's record only where it agrees: a worker that says "passed" about outputs that fail the
   parent's check is recorded wrong_answer (its timing dropped), one that says "wrong_answer" about outputs that
   pass is recorded crashed (its checker was tampered with), one that says either without handing over its
   outputs is recorded crashed. The error figures and the nondeterminism flag are always the parent's.

Records of other statuses (crashed, timed_out, skipped) pass through: they claim nothing.
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from analyzer.execution.checks import compare
from analyzer.execution.child import confined_env
from analyzer.execution.protocol import FaultAnswer, read_manifest
from analyzer.model import RUN_STATUSES
from analyzer.spec import SpecError, load_spec

#: the worker statuses that claim a verdict on the outputs
JUDGED = ("passed", "wrong_answer")


class JudgeError(Exception):
    """The parent could not reach a verdict: the reason, for the job's record."""


class Judge:
    """Expected outputs per (task, size), each from one oracle process, and the verdict on each run record."""

    def __init__(self, folder: Path, *, timeout_s: float, env: dict[str, str], sandbox: bool = True,
                 hidden: tuple[str, ...] = ()) -> None:
        self.folder, self.timeout_s, self.env = folder, timeout_s, env
        self.sandbox, self.hidden = sandbox, hidden  #: oracles run in the sandbox, these folders hidden from them
        self._answers: dict[tuple[str, str, str], Any] = {}  #: the oracle's answers, or why there is none

    def verdict(self, job: Any, record: dict[str, Any], arrays: Path, sampling_s: float | None = None) -> dict[str, Any]:
        """The record as the parent believes it (a new dict). `sampling_s`: how long the parent saw the job's
        sampling last, from the worker's word that it began to its record."""
        if record.get("status") not in RUN_STATUSES:  # a word no run record may hold would be believed as one
            return _refused(record, f"judge: the worker reported a status runs do not have "
                                    f"({str(record.get('status'))[:60]!r})")
        if record.get("status") not in JUDGED:
            return record
        claimed = record["status"]
        try:
            expected = self.expected(job.task_dir, job.size)
            tolerance = load_spec(Path(job.task_dir)).tolerance_for("float32")
            got = load_arrays(arrays / "first.npz")
        except (JudgeError, SpecError) as exc:
            return _refused(record, f"judge: {exc}")
        check = compare(got, expected, tolerance)
        judged = {**record, "max_abs_err": check.max_abs_err, "max_rel_err": check.max_rel_err}
        if not check.ok:
            why = check.reason if claimed == "wrong_answer" else f"{check.reason} (the worker said it passed)"
            return {**judged, "status": "wrong_answer", "reason": why, "timing": None, "compile_s": None,
                    "nondeterministic": None}
        if claimed == "wrong_answer":
            return _refused(judged, "judge: the worker reported a wrong answer for outputs that pass the oracle "
                                    "check; its own checker was tampered with")
        if (arrays / "second.npz").exists():
            try:
                second = load_arrays(arrays / "second.npz")
            except JudgeError as exc:
                return _refused(judged, f"judge: {exc}")
            judged["nondeterministic"] = any(k not in second or not _same(got[k], second[k]) for k in got)
        clash = timing_clash(judged.get("timing"), sampling_s)
        return _refused(judged, f"judge: {clash}") if clash else judged

    def expected(self, task_dir: str, size: str) -> dict[str, np.ndarray]:
        return _once(self._answers, ("expected", task_dir, size), lambda: self._ask_oracle(task_dir, size))

    def fault_verdict(self, job: Any, record: dict[str, Any], arrays: Path) -> dict[str, Any]:
        """A fault job's record as the parent believes it: `outcome` added, from the worker's traceback text
        ("raised") or from the outputs it handed over, classified here against the intended answer."""
        from analyzer.debugging import classify
        from analyzer.faults import PHASES

        status = record.get("status")
        if status not in ("raised", "returned"):
            return record
        try:
            manifest, folder = self.faults(job.task_dir, job.size)
        except JudgeError as exc:
            return _refused(record, f"judge: {exc}")
        entry = manifest.get(job.fault)
        if entry is None or not entry.applies:
            return _refused(record, f"judge: the oracle says fault {job.fault} does not apply to this task")
        handed = (arrays / "first.npz").exists()
        if status == "raised":
            if record.get("phase") not in PHASES or not isinstance(record.get("traceback"), str):
                return _refused(record, "judge: a raised error without its phase and traceback")
            if handed and record["phase"] != "later_call":
                return _refused(record, "judge: outputs handed over by a call that the worker says raised")
            return {**record, "outcome": "raised"}
        try:
            got = load_arrays(arrays / "first.npz")
            intended = load_arrays(folder / f"{job.fault}.npz")
            tolerance = load_spec(Path(job.task_dir)).tolerance_for("float32")
        except (JudgeError, SpecError) as exc:
            return _refused(record, f"judge: {exc}")
        return {**record, "outcome": classify(got, intended, tolerance)}

    def faults(self, task_dir: str, size: str) -> tuple[dict[str, FaultAnswer], Path]:
        """The debuggability pass's manifest for a task and size (fault -> applies, why not, what an informative
        message names) and the folder of the intended answers (`<fault>.npz`), from one oracle process."""
        def ask() -> tuple[dict[str, FaultAnswer], Path]:
            out = self._ask_oracle(task_dir, size, faults=True)
            try:
                return read_manifest((out / "manifest.json").read_bytes()), out
            except OSError as exc:
                raise JudgeError(f"the oracle's fault manifest is unreadable ({type(exc).__name__})") from None
            except ValueError as exc:
                raise JudgeError(str(exc)) from None

        return _once(self._answers, ("faults", task_dir, size), ask)

    def _ask_oracle(self, task_dir: str, size: str, *, faults: bool = False) -> Any:
        out = Path(tempfile.mkdtemp(prefix="oracle-", dir=self.folder))
        from analyzer.execution import sandbox

        argv = [sys.executable, "-m", "analyzer.worker.oracle", task_dir, size, str(out / "expected.npz")]
        if faults:
            argv = [*argv[:3], "--faults", task_dir, size, str(out)]
        if self.sandbox and not sandbox.available():
            argv = sandbox.command(argv, [str(out)], list(self.hidden))
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                cwd=out, env=confined_env(self.env, str(out)), start_new_session=True)
        try:
            _, err = proc.communicate(timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            _kill_group(proc.pid)
            proc.wait()
            raise JudgeError(f"the oracle gave no answer within {self.timeout_s:g} s") from None
        finally:
            _kill_group(proc.pid)
        if proc.returncode != 0:
            tail = err.decode("utf-8", errors="replace").strip().splitlines()[-1:] or ["(no output)"]
            raise JudgeError(f"the oracle failed (exit status {proc.returncode}): {tail[0][:300]}")
        return out if faults else load_arrays(out / "expected.npz")


class _Failed(str):
    """Why an oracle gave no answer, kept so that it is asked once."""


def _once(cache: dict[Any, Any], key: Any, ask: Any) -> Any:
    """`ask()` the first time `key` is wanted, its answer (or its JudgeError, raised again) every later time."""
    if key not in cache:
        try:
            cache[key] = ask()
        except JudgeError as exc:
            cache[key] = _Failed(str(exc))
    if isinstance(cache[key], _Failed):
        raise JudgeError(str(cache[key]))
    return cache[key]


#: A timing whose samples add up to less than this share of the sampling the parent saw, less POLL_SLACK_S, is
#: refused: the worker's clock was tampered with (a patched time.perf_counter), by this job or an earlier one.
MIN_SAMPLED_SHARE = 0.25
POLL_SLACK_S = 0.25  #: the parent sees lines by polling, and a busy machine can delay its polls


def timing_clash(timing: dict[str, Any] | None, sampling_s: float | None) -> str:
    """Why a timing cannot be believed against the parent's clock; empty when it can."""
    if not timing:
        return ""
    if sampling_s is None:
        return "a timing without the worker's word that its samples began"
    try:
        claimed = math.fsum(float(sample) for sample in timing["samples"]) * int(timing["loops"])
    except (KeyError, TypeError, ValueError):
        return "a malformed timing"
    if not math.isfinite(claimed):
        return "a malformed timing"
    if claimed < MIN_SAMPLED_SHARE * sampling_s - POLL_SLACK_S:
        return (f"the timing disagrees with the parent's clock: its samples add up to {claimed:.3g} s of a sampling "
                f"that the parent saw last {sampling_s:.3g} s")
    return ""


def _refused(record: dict[str, Any], reason: str) -> dict[str, Any]:
    """The record as crashed, for `reason`, with nothing of its timing kept."""
    return {**record, "status": "crashed", "reason": reason, "timing": None, "compile_s": None}


def load_arrays(path: Path) -> dict[str, np.ndarray]:
    """Numeric arrays from an .npz a worker or an oracle wrote: never unpickled, anything else refused."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except FileNotFoundError:
        raise JudgeError(f"the worker handed over no outputs ({path.name} missing)") from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise JudgeError(f"{path.name} is not a readable array file ({type(exc).__name__}: {exc})"[:300]) from None
    bad = sorted(key for key, value in arrays.items() if value.dtype.kind not in "biuf")
    if bad:
        raise JudgeError(f"{path.name}: output(s) {', '.join(bad)} are not numeric arrays")
    return arrays


def save_arrays(path: Path, outputs: dict[str, Any]) -> None:
    """Worker side: write a result's numeric outputs for the judge (a non-numeric one is left out: the judge then
    finds it missing)."""
    arrays = {str(key): np.asarray(value) for key, value in outputs.items()}
    np.savez(path, **{key: value for key, value in arrays.items() if value.dtype.kind in "biuf"})


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a, b))  # judged outputs are finite: no NaN to match


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)  # whatever the oracle left running
    except (ProcessLookupError, PermissionError):
        pass
