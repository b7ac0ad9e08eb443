"""The study's catalog: task specs under tasks/ paired with implementations under reference_impls/.

Reading the catalog parses TOML and lists files; it never imports a task's oracle or implementation.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from analyzer.contract import ORACLE_REQUIRED, REQUIRED
from analyzer.corpus import MAX_SOURCE_BYTES, SHIPPED_CATALOG, CorpusProblem, Implementation, discover
from analyzer.frameworks import FRAMEWORKS
from analyzer.model import StudyResults
from analyzer.spec import ORACLE_FILE, SPEC_FILE, SpecError, TaskSpec, load_spec

TASKS_DIR = SHIPPED_CATALOG / "tasks"
IMPLS_DIR = SHIPPED_CATALOG / "reference_impls"
#: A comment that takes a file out of the compiled mode, with the reason: `# usability-score: eager-only: <why>`.
EAGER_ONLY = re.compile(r"^# usability-score: eager-only:?\s*(.*)$", re.MULTILINE)


@dataclass(frozen=True)
class CatalogTask:
    """A task folder, its spec (or why it has none) and its implementations."""

    id: str  #: the folder name under tasks/
    spec: TaskSpec | None  #: None when the spec is missing or malformed
    implementations: tuple[Implementation, ...]  #: every framework file and variant found
    problems: tuple[str, ...] = field(default=())  #: one line per problem, each naming its file

    def frameworks(self) -> list[str]:
        return sorted({impl.framework for impl in self.implementations})

    def variants(self, framework: str) -> list[str]:
        return sorted(impl.variant for impl in self.implementations if impl.framework == framework)


@dataclass(frozen=True)
class Catalog:
    tasks: tuple[CatalogTask, ...]

    def get(self, task_id: str) -> CatalogTask | None:
        return next((task for task in self.tasks if task.id == task_id), None)


def load_catalog(tasks_dir: Path = TASKS_DIR, impls_dir: Path = IMPLS_DIR) -> Catalog:
    """Pair every task folder with its implementations and collect each pair's static problems."""
    corpus = discover(impls_dir) if impls_dir.is_dir() else None
    impls = corpus.implementations if corpus else ()
    corpus_problems = corpus.problems if corpus else ()
    task_ids = sorted({p.name for p in tasks_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
                      | {impl.task for impl in impls}) if tasks_dir.is_dir() else sorted({i.task for i in impls})
    return Catalog(tuple(_load_task(tasks_dir, impls_dir, task_id, impls, corpus_problems) for task_id in task_ids))


def _load_task(tasks_dir: Path, impls_dir: Path, task_id: str, impls: tuple[Implementation, ...],
               corpus_problems: tuple[CorpusProblem, ...]) -> CatalogTask:
    mine = tuple(impl for impl in impls if impl.task == task_id)
    problems: list[str] = [f"{p.path}: {p.message}" for p in corpus_problems if p.path.parent.name == task_id]
    spec = None
    task_dir = tasks_dir / task_id
    escaping = _outside(tasks_dir, task_dir, task_dir / SPEC_FILE, task_dir / ORACLE_FILE)
    if not task_dir.is_dir():
        problems.append(f"{task_dir}: missing task folder; implementations exist in {impls_dir / task_id}")
    elif escaping:  # a link out of the tree: what it points at was never reviewed as part of this catalog
        problems.extend(f"{path}: refused: a link to {path.resolve()}, outside {tasks_dir}" for path in escaping)
    else:
        try:
            spec = load_spec(task_dir)
        except SpecError as exc:
            problems.append(str(exc))
        problems.extend(check_source(task_dir / ORACLE_FILE, ORACLE_REQUIRED))
    present = {impl.framework for impl in mine if impl.variant == "default"}
    for name in FRAMEWORKS:
        if name not in present:
            problems.append(f"{impls_dir / task_id / (name + '.py')}: missing {FRAMEWORKS[name].label} implementation")
    for impl in mine:
        problems.extend(check_source(impl.path, REQUIRED))
    return CatalogTask(task_id, spec, mine, tuple(problems))


def _outside(root: Path, *paths: Path) -> list[Path]:
    """Those of `paths` that exist and resolve (through links) outside `root`."""
    real_root = root.resolve()
    return [path for path in paths if path.exists() and not path.resolve().is_relative_to(real_root)]


def check_source(path: Path, functions: tuple[str, ...]) -> list[str]:
    """Parse (never import) a file and check that it defines the contract's top-level functions."""
    if not path.is_file():
        return [f"{path}: file missing; expected one defining {', '.join(functions)}"]
    if path.stat().st_size > MAX_SOURCE_BYTES:
        return [f"{path}: refused: larger than {MAX_SOURCE_BYTES} bytes"]
    try:
        tree = ast.parse(path.read_bytes().decode("utf-8"), filename=str(path))
    except UnicodeDecodeError:
        return [f"{path}: not UTF-8 text"]
    except SyntaxError as exc:
        return [f"{path}:{exc.lineno}: does not parse: {exc.msg}"]
    except (RecursionError, MemoryError) as exc:
        return [f"{path}: too deeply nested to parse ({type(exc).__name__})"]
    defined = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    missing = [fn for fn in functions if fn not in defined]
    return [f"{path}: missing top-level function(s) {', '.join(missing)}"] if missing else []


def eager_only_reason(path: Path) -> str | None:
    """The reason a file gives for having no compiled form, or None (read as text, never imported)."""
    try:
        match = EAGER_ONLY.search(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    return (match.group(1).strip() or "the file declares itself eager-only") if match else None



def catalog_categories() -> dict[str, str]:
    """task -> category from the catalog of the current folder or the installed project (without running any of
    its code: task.toml files only)."""
    from analyzer.corpus import project_folder
    from analyzer.spec import SpecError, load_spec

    root = project_folder()
    found = {}
    for folder in sorted((root / "tasks").glob("*")) if (root / "tasks").is_dir() else ():
        try:
            found[folder.name] = load_spec(folder).category
        except (SpecError, OSError):
            continue
    return found


def study_categories(study: StudyResults) -> dict[str, str]:
    """task -> category of a study: as saved with it (schema 6), else from the catalog at hand (older studies)."""
    return dict(study.categories) or catalog_categories()


def task_categories(tasks: Iterable[CatalogTask]) -> dict[str, str]:
    """task -> category of the tasks a pass runs, from their specs (saved with the study)."""
    return {t.id: t.spec.category for t in tasks if t.spec is not None}
