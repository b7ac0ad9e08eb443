"""A sandbox for processes that run contributed code (workers, oracles), built from Linux namespaces where the OS
allows it.

The parent starts such a process as

    setpriv --pdeathsig KILL unshare --user --map-root-user --mount --pid --net --fork --mount-proc --kill-child \\
        python -m analyzer.execution.sandbox --writable DIR [--writable DIR ...] -- COMMAND ...

and this module, running first inside the new namespaces, seals the view before it executes COMMAND:

- the whole file system is read-only (one recursive mount attribute), so the project, the installed packages, the
  user's HOME and every earlier result stay as they were: nothing written there can run in a later process;
- the folders given with --hide (the run's folder, which holds every worker's folder) are covered by an empty
  tmpfs, as is /dev/shm: nothing of another worker's files is in reach, not even to read;
- the folders given with --writable (the worker's own folder, a deployment's artifact folder) are writable, at the
  same paths as outside; TMPDIR points into the worker's own folder;
- a nested user namespace then locks those mounts: the sandboxed process, root of its namespace, cannot remount
  them writable or unmount them to see what lies below;
- its own network namespace: no network at all (a loopback interface, down);
- its own PID namespace: it sees no process outside (no /proc/<parent>/environ, no parent's file descriptors),
  and when it ends, the kernel ends every process it started, a child in its own session included;
- `setpriv --pdeathsig` and `--kill-child` end it when the parent dies.

Where user namespaces are not available (not Linux, a container that forbids them, no util-linux), `available()`
says why and the caller runs the process without the sandbox; the study's environment records which it was.
"""

from __future__ import annotations

import argparse
import ctypes
import functools
import os
import shutil
import subprocess
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
AT_FDCWD = -100
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 0x1
SYS_MOUNT_SETATTR = 442  #: the same number on every architecture (a syscall added after the tables were unified)

#: What `describe()` says about a sandboxed process, for the study's environment.
GUARANTEES = ("Linux namespaces: read-only file system but the process's own folder, other workers' folders and "
              "/dev/shm hidden, no network, own PID namespace (no other process visible; all of its processes end "
              "with it)")


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64), ("propagation", ctypes.c_uint64),
                ("userns_fd", ctypes.c_uint64)]


def prefix() -> list[str]:
    """The command that starts a process in fresh namespaces (this module's main then seals them)."""
    return ["setpriv", "--pdeathsig", "KILL", "unshare", "--user", "--map-root-user", "--mount", "--pid", "--net",
            "--fork", "--mount-proc", "--kill-child"]


def command(argv: list[str], writable: list[str], hidden: list[str] = ()) -> list[str]:
    """`argv` run inside the sandbox, with `writable` folders left writable and `hidden` ones covered."""
    folders = [arg for folder in writable for arg in ("--writable", folder)]
    folders += [arg for folder in hidden for arg in ("--hide", folder)]
    return [*prefix(), sys.executable, "-m", "analyzer.execution.sandbox", *folders, "--", *argv]


@functools.lru_cache(maxsize=1)
def available() -> str:
    """Empty when the sandbox works here; otherwise why not (tried once per process, with a real seal)."""
    if not sys.platform.startswith("linux"):
        return f"no Linux namespaces on {sys.platform}"
    missing = [tool for tool in ("setpriv", "unshare") if shutil.which(tool) is None]
    if missing:
        return f"{' and '.join(missing)} not found (util-linux)"
    probe = command([sys.executable, "-c", "pass"], [])
    try:
        done = subprocess.run(probe, capture_output=True, timeout=60, env=_probe_env())
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"the namespaces could not be set up ({exc})"
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", errors="replace").strip().splitlines() or ["no message"]
        return f"the namespaces could not be set up ({lines[-1][:200]})"
    return ""


def _probe_env() -> dict[str, str]:
    from analyzer.execution.child import worker_env

    return worker_env()


def describe() -> str:
    """How processes that run contributed code are isolated here, for the study's environment."""
    why_not = available()
    return GUARANTEES if not why_not else f"processes only, no sandbox: {why_not}"


def seal(writable: list[str], hidden: list[str] = ()) -> None:
    """Inside fresh user, mount and PID namespaces: make the view described above, then lock it."""
    libc = ctypes.CDLL(None, use_errno=True)
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)  # nothing done here propagates back to the host
    handles = [os.open(folder, os.O_PATH | os.O_DIRECTORY) for folder in writable]  # before /tmp is covered
    _set_attr(libc, "/", set_=MOUNT_ATTR_RDONLY, recursive=True)
    _set_attr(libc, "/proc", clear=MOUNT_ATTR_RDONLY)  # this namespace's own /proc; the uid map is written there
    for covered, size in (*((folder, "1m") for folder in hidden), ("/dev/shm", "256m")):
        if os.path.isdir(covered):  # sized: what is written there takes RAM, not the worker's resident memory
            _mount(libc, "tmpfs", covered, "tmpfs", 0, f"mode=1777,size={size}")
    for folder, handle in zip(writable, handles):
        os.makedirs(folder, exist_ok=True)  # a folder under a hidden one is made again in its tmpfs
        _mount(libc, f"/proc/self/fd/{handle}", folder, None, MS_BIND | MS_REC)
        _set_attr(libc, folder, clear=MOUNT_ATTR_RDONLY)
        os.close(handle)
    # A nested user namespace: the mounts above, copied into its mount namespace, are locked there.
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0:
        _fail(libc, "unshare")
    for name, content in (("setgroups", "deny"), ("uid_map", "0 0 1"), ("gid_map", "0 0 1")):
        with open(f"/proc/self/{name}", "w", encoding="ascii") as file:
            file.write(content)


def _mount(libc: ctypes.CDLL, source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    encode = lambda text: text.encode() if text is not None else None  # noqa: E731
    if libc.mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data)) != 0:
        _fail(libc, f"mount {target}")


def _set_attr(libc: ctypes.CDLL, path: str, *, set_: int = 0, clear: int = 0, recursive: bool = False) -> None:
    attr = _MountAttr(set_, clear, 0, 0)
    flags = AT_RECURSIVE if recursive else 0
    if libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), flags, ctypes.byref(attr), ctypes.sizeof(attr)) != 0:
        _fail(libc, f"mount_setattr {path}")


def _fail(libc: ctypes.CDLL, what: str) -> None:
    errno = ctypes.get_errno()
    raise OSError(errno, f"{what}: {os.strerror(errno)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analyzer.execution.sandbox")
    parser.add_argument("--writable", action="append", default=[])
    parser.add_argument("--hide", action="append", default=[])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command_ = args.command[1:] if args.command[:1] == ["--"] else args.command
    try:
        seal(args.writable, args.hide)
    except OSError as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return 126
    return init(command_)


def init(command_: list[str]) -> int:
    """PID 1 of the namespace: run the command as PID 2 (the kernel spares PID 1 the signals it has no handler
    for, SIGXCPU and SIGABRT among them, which must end a worker) and exit as it did: a signal N as status 128 + N
    (PID 1 cannot kill itself with it; see `exit_status`). Its exit ends every process left in the namespace."""
    from analyzer.execution.child import PARENT_PID_VAR

    child = os.fork()
    if child == 0:
        if os.environ.get(PARENT_PID_VAR):
            os.environ[PARENT_PID_VAR] = "1"  # the worker's parent-death signal is tied to this process
        try:
            os.execv(command_[0], command_)
        finally:
            os._exit(127)
    while True:
        pid, status = os.waitpid(-1, 0)  # reaps orphans adopted by PID 1 as well
        if pid == child:
            return 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def exit_status(code: int) -> int:
    """A sandboxed process's exit status as a plain one would have it: 128 + N becomes -N (killed by signal N)."""
    return -(code - 128) if 128 < code < 128 + 65 else code


if __name__ == "__main__":
    sys.exit(main())
