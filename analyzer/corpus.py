"""Find task implementations by folder convention: <corpus>/<task>/<framework>[__<variant>].py.

A corpus is any folder of that shape; reference_impls/ is the built-in one. Framework file names accept the
aliases of analyzer.frameworks (pytorch.py, tf.py, keras.py, flax.py, ...). A second idiom of one framework is a
variant: tensorflow__fit.py beside tensorflow.py. Files that fit no framework are reported, not skipped silently.
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from pathlib import Path

from analyzer.frameworks import UnknownFrameworkError, canonical_framework

#: The variant name of a framework's main implementation file.
DEFAULT_VARIANT = "default"
#: A variant name: it is part of job ids (joined with "__") and of report keys.
VARIANT_NAME = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
#: Source files at or above this size are refused rather than parsed (a corpus of paired code is small).
MAX_SOURCE_BYTES = 2_000_000
#: The catalog that ships with usability-score: inside the installed package (a wheel carries tasks/ and
#: reference_impls/ under analyzer/_catalog, see setup.py), or the source checkout the package is imported from.
SHIPPED_CATALOG = (Path(__file__).resolve().parent / "_catalog"
                   if (Path(__file__).resolve().parent / "_catalog" / "tasks").is_dir()
                   else Path(__file__).resolve().parent.parent)


def project_folder(root: Path | None = None) -> Path:
    """The one rule every command follows for the folder holding tasks/ and reference_impls/: --root when given,
    else the current folder when it holds tasks/, else the shipped catalog. Never the install location of a
    checkout the user is not in: a study of the current folder measures the current folder's files."""
    if root is not None:
        return root
    return Path.cwd() if (Path.cwd() / "tasks").is_dir() else SHIPPED_CATALOG


@dataclass(frozen=True)
class Implementation:
    """One implementation file of one task in one framework."""

    task: str  #: the task folder's name
    framework: str  #: canonical framework name
    variant: str  #: "default", or the suffix after "__" in the file name
    path: Path  #: the file


@dataclass(frozen=True)
class CorpusProblem:
    """A file or folder of the corpus that cannot be measured, with the reason."""

    path: Path  #: the offending file or folder
    message: str  #: what is wrong and what was expected


@dataclass(frozen=True)
class Corpus:
    """Everything found under one corpus folder."""

    root: Path
    implementations: tuple[Implementation, ...]
    problems: tuple[CorpusProblem, ...]

    def tasks(self) -> list[str]:
        return sorted({impl.task for impl in self.implementations})


class CorpusError(ValueError):
    """The corpus folder itself is unusable (missing, not a folder)."""


def parse_impl_name(path: Path) -> tuple[str, str]:
    """Split 'tensorflow__fit.py' into ('tensorflow', 'fit'); raise UnknownFrameworkError for other names."""
    stem = path.stem
    name, _, variant = stem.partition("__")
    if _ and not variant:
        raise UnknownFrameworkError(f"empty variant in {path.name!r}; expected <framework>__<variant>.py")
    if variant and not VARIANT_NAME.match(variant):
        raise UnknownFrameworkError(f"variant {variant!r} in {path.name!r}: expected lower-case letters, digits "
                                    f"and single underscores (it becomes part of job ids and report keys)")
    return canonical_framework(name), variant or DEFAULT_VARIANT


def discover(root: Path) -> Corpus:
    """Find every implementation under `root` (a corpus folder, or a single task folder)."""
    root = Path(root)
    if not root.exists():
        raise CorpusError(f"{root}: no such file or folder")
    if not root.is_dir():
        raise CorpusError(f"{root}: expected a folder of <task>/<framework>.py files")
    task_dirs = [root] if _looks_like_task_dir(root) else sorted(p for p in root.iterdir() if _is_task_dir(p))
    implementations: list[Implementation] = []
    problems: list[CorpusProblem] = []
    real_root = root.resolve()
    for task_dir in task_dirs:
        for path in sorted(p for p in task_dir.glob("*.py") if not p.name.startswith("_")):
            problem = _check_file(path, real_root)
            if problem:
                problems.append(problem)
                continue
            try:
                framework, variant = parse_impl_name(path)
            except UnknownFrameworkError as exc:
                problems.append(CorpusProblem(path, f"not an implementation file name: {exc}"))
                continue
            implementations.append(Implementation(task_dir.name, framework, variant, path))
    return Corpus(root, tuple(implementations), tuple(problems))


def _is_task_dir(path: Path) -> bool:
    return path.is_dir() and not path.name.startswith((".", "_"))


def _looks_like_task_dir(path: Path) -> bool:
    """A folder holding framework files directly is one task, not a corpus."""
    for file in path.glob("[!_]*.py"):
        try:
            parse_impl_name(file)
            return True
        except UnknownFrameworkError:
            continue
    return False


def _check_file(path: Path, real_root: Path) -> CorpusProblem | None:
    real = path.resolve()
    if not real.is_relative_to(real_root):
        return CorpusProblem(path, f"refused: resolves to {real}, outside the corpus folder {real_root}")
    if not real.is_file():
        return CorpusProblem(path, "refused: not a regular file")
    if real.stat().st_size > MAX_SOURCE_BYTES:
        return CorpusProblem(path, f"refused: larger than {MAX_SOURCE_BYTES} bytes")
    return None
