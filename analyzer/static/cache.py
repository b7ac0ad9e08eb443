"""A cache of static figures keyed on a file's content, its framework and the analyser's own code.

Kept in the user's cache directory (or $USABILITY_SCORE_CACHE_DIR) as one JSON file, written atomically. Only
content-derived figures are stored; a file's identity (task, path) is re-attached on the way out.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from analyzer._version import __version__
from analyzer.model import SCHEMA_VERSION

CACHE_ENV = "USABILITY_SCORE_CACHE_DIR"
CACHE_FILE = "static-cache.json"
MAX_ENTRIES = 50_000
IDENTITY_FIELDS = ("task", "framework", "variant", "path")


def cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("usability-score"))


@lru_cache(maxsize=1)
def analyser_fingerprint() -> str:
    """Changes whenever the analyser's version or the code of analyzer/static changes."""
    digest = hashlib.sha256(f"{__version__}:{SCHEMA_VERSION}".encode())
    here = Path(__file__).resolve().parent
    # contract.py names the plumbing that the figures leave out
    for source in sorted([*here.glob("*.py"), here.parent / "frameworks" / "__init__.py", here.parent / "model.py",
                          here.parent / "contract.py"]):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def content_key(data: bytes, framework: str) -> str:
    return hashlib.sha256(data + b"\0" + framework.encode() + b"\0" + analyser_fingerprint().encode()).hexdigest()


class StaticCache:
    """Load once, look up and store many times, save once."""

    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory or cache_dir()) / CACHE_FILE
        self.entries: dict[str, dict[str, Any]] = {}
        self.dirty = False
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict) and loaded.get("fingerprint") == analyser_fingerprint():
                self.entries = loaded.get("entries", {})
        except (OSError, ValueError):
            pass  # a missing or damaged cache is an empty one

    def get(self, key: str) -> dict[str, Any] | None:
        return self.entries.get(key)

    def put(self, key: str, figures: dict[str, Any]) -> None:
        self.entries[key] = {k: v for k, v in figures.items() if k not in IDENTITY_FIELDS}
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        entries = dict(list(self.entries.items())[-MAX_ENTRIES:])
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".static-cache-")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"fingerprint": analyser_fingerprint(), "entries": entries}, out)
            os.replace(tmp, self.path)
        except OSError:
            pass  # the cache is an optimisation: failing to write it must not fail the analysis
        self.dirty = False
