"""The output folder of a run: checked writable before any time is spent, and locked against a second run."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

LOCK_FILE = ".usability-score.lock"
GUARD_FILE = ".usability-score.lock.guard"
MIN_FREE_MB = 50


class OutputDirError(RuntimeError):
    """The output folder cannot be used; the message says why and what to do."""


class OutputDir:
    """Context manager: prepare `path`, hold its lock for the duration, release it after."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.lock = self.path / LOCK_FILE

    def __enter__(self) -> "OutputDir":
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputDirError(f"--out {self.path}: cannot create the folder ({exc.strerror})") from None
        if not os.access(self.path, os.W_OK):
            raise OutputDirError(f"--out {self.path}: the folder is not writable")
        free_mb = shutil.disk_usage(self.path).free / 2**20
        if free_mb < MIN_FREE_MB:
            raise OutputDirError(f"--out {self.path}: only {free_mb:.0f} MB free; at least {MIN_FREE_MB} MB needed")
        self._acquire()
        return self

    def _acquire(self) -> None:
        # Checking for a stale lock, removing it and creating one's own is one step for the runs that race for the
        # folder: a kernel lock on a guard file that is never removed serialises them (without it, two runs that
        # both found the same stale lock could both end up holding the folder).
        with open(self.path / GUARD_FILE, "a") as guard:
            fcntl.flock(guard, fcntl.LOCK_EX)
            self._take()

    def _take(self) -> None:
        for _ in range(2):
            try:
                fd = os.open(self.lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                owner = _read_pid(self.lock)
                if owner is not None and _alive(owner):
                    raise OutputDirError(f"--out {self.path}: another run (pid {owner}) is writing there; wait for "
                                         f"it or choose another folder") from None
                self.lock.unlink(missing_ok=True)  # a stale lock left by a run that died
                continue
            with os.fdopen(fd, "w") as lock:
                lock.write(str(os.getpid()))
            return
        raise OutputDirError(f"--out {self.path}: cannot take the lock {self.lock}")

    def __exit__(self, *exc: object) -> None:
        if _read_pid(self.lock) == os.getpid():
            self.lock.unlink(missing_ok=True)


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_not_overwriting(folder: Path, files: tuple[str, ...], *, resume: bool, force: bool) -> None:
    """Refuse to start afresh over the records a folder holds: --resume continues them, --force replaces them."""
    if resume or force:
        return
    held = []
    for name in files:
        try:
            with open(Path(folder) / name, "rb") as file:
                lines = sum(1 for line in file if line.strip())
        except OSError:
            continue
        if lines:
            held.append(f"{name}: {lines} record{'s' * (lines != 1)}")
    if held:
        raise OutputDirError(f"--out {folder}: holds results ({'; '.join(held)}); continue them with --resume, "
                             f"replace them with --force, or choose another --out")
