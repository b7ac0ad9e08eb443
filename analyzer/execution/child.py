"""What a process that runs contributed code (a worker, an oracle) does to itself before that code runs: limits the
kernel enforces and a tie to the parent. Kept apart and light: an oracle process and the sandbox's init import
it, and neither needs the worker's machinery.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

#: Variables a worker inherits; everything else in the parent's environment stays behind.
ENV_WHITELIST = (
    "PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV", "CUDA_VISIBLE_DEVICES",
    "LD_LIBRARY_PATH", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "XDG_CACHE_HOME", "TORCHINDUCTOR_CACHE_DIR",
    "NVIDIA_VISIBLE_DEVICES", "CUDA_HOME", "TRITON_CACHE_DIR",
)

#: The parent's process id, given to each such process so that it can die with the parent (a parent-death signal).
PARENT_PID_VAR = "USABILITY_SCORE_PARENT_PID"


def confined_env(env: dict[str, str], folder: str) -> dict[str, str]:
    """`env` for a process that runs contributed code in `folder`: that folder as its HOME (not the user's: nothing
    there to read, and what a framework writes stays there) and TMPDIR, and the parent's id for die_with_parent."""
    return {**env, "HOME": folder, "TMPDIR": folder, PARENT_PID_VAR: str(os.getpid())}


def worker_env() -> dict[str, str]:
    """The whitelisted environment of a process that runs contributed code (ENV_WHITELIST), able to import this
    package and nothing of the parent's own beyond it."""
    env = {key: os.environ[key] for key in ENV_WHITELIST if key in os.environ}
    project_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [project_root, env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # a run must not write into the corpus it runs
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    return env


def cap_cpu_time(seconds: float) -> None:
    """Let the coming job use at most `seconds` more CPU time; past it the kernel ends the worker (SIGXCPU)."""
    if seconds <= 0:
        return
    import math
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


#: The largest file a worker may write (a deployment artifact, a checkpoint); past it the kernel ends the worker
#: (SIGXFSZ) before it fills the disk.
MAX_FILE_BYTES = 4 * 2**30


def cap_file_size() -> None:
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    limit = MAX_FILE_BYTES if hard == resource.RLIM_INFINITY else min(MAX_FILE_BYTES, hard)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # the hard limit too: contributed code cannot raise it


def die_with_parent() -> None:
    """Ask the kernel to kill this worker when the parent that started it dies (Linux; elsewhere a no-op), so that
    a parent killed with SIGKILL, which can clean nothing up, leaves no worker running contributed code behind.
    Done before any job: contributed code runs only in a process that already has it."""
    parent = os.environ.get(PARENT_PID_VAR)
    if not sys.platform.startswith("linux") or not parent:
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    # The parent died before the request took effect. (In the sandbox the parent is the namespace's init, which
    # `unshare --kill-child` and `setpriv --pdeathsig` hold to the study's process; see sandbox.init.)
    if os.getppid() != int(parent):
        os._exit(1)
