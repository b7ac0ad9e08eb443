"""The records every part of usability-score shares, with their JSON form.

Records are frozen dataclasses of plain values, so they pickle across processes and compare by value.
`to_dict` / `from_dict` give the JSON form; the document carries SCHEMA_VERSION.

Schema versions (record every change of format here):
  1  first version: static report (files, functions, API uses, ceremony, problems, environment).
"""

from __future__ import annotations

import dataclasses
import json
import platform
from dataclasses import dataclass, field
from typing import Any, Mapping

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class FunctionMetrics:
    """Figures of one function or method."""

    name: str  #: qualified name inside the file: "setup", "Net.forward"
    line: int  #: line of the `def`
    sloc: int  #: source lines of code, docstrings and comments excluded
    statements: int  #: ast statement nodes
    cyclomatic: int  #: McCabe complexity
    cognitive: int  #: SonarSource cognitive complexity
    max_nesting: int  #: deepest nesting of control-flow blocks
    api_calls: int  #: framework call sites (calls and decorators) inside the function


@dataclass(frozen=True)
class FileMetrics:
    """Static figures of one implementation file."""

    task: str  #: task folder name
    framework: str  #: canonical framework name
    variant: str  #: "default" or the variant suffix
    path: str  #: the file, as given on the command line (relative to the corpus when possible)
    sloc: int  #: source lines of code (no blank lines, comments or docstrings)
    statements: int  #: ast statement nodes
    tokens: int  #: code tokens (no comments or docstrings)
    cyclomatic: int  #: decision points in the whole file, module level included, plus one
    cognitive: int  #: cognitive complexity of the whole file, module level included
    max_nesting: int  #: deepest control-flow nesting anywhere in the file
    api_calls: int  #: framework call sites, calls and decorators
    api_distinct: int  #: distinct framework API names used (calls, decorators and references)
    api_unresolved: int  #: call sites the resolver could neither attribute to a framework nor rule out
    api_keywords: int  #: keyword arguments passed to framework calls
    api_string_args: int  #: string-valued arguments to framework calls (activation="relu")
    api_names: tuple[str, ...]  #: the distinct fully qualified API names, methods included, sorted
    unresolved_calls: tuple[str, ...]  #: each unresolved callee as written, with its function: "run: batch.to"
    imports: tuple[str, ...]  #: imported modules
    ceremony: Mapping[str, int]  #: idiom -> occurrences, from the framework's ceremony table
    functions: tuple[FunctionMetrics, ...] = ()  #: per-function breakdown

    @property
    def ceremony_total(self) -> int:
        return sum(self.ceremony.values())


@dataclass(frozen=True)
class FileProblem:
    """A file that could not be measured: it is reported as an error row, and the others are still measured."""

    path: str  #: the file
    task: str  #: task folder name, when known
    framework: str  #: canonical framework name, when known
    message: str  #: what is wrong, e.g. "does not parse: line 3: invalid syntax"


@dataclass(frozen=True)
class StaticReport:
    """The result of `usability-score static`: one record per measured file and one per problem."""

    corpus: str  #: the folder analysed
    files: tuple[FileMetrics, ...]
    problems: tuple[FileProblem, ...] = ()
    environment: Mapping[str, str] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["schema_version"] = self.schema_version
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "StaticReport":
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(f"schema_version {version!r} is not supported; expected {SCHEMA_VERSION}")
        return cls(
            corpus=data["corpus"],
            files=tuple(file_metrics_from_dict(f) for f in data["files"]),
            problems=tuple(FileProblem(**p) for p in data.get("problems", ())),
            environment=dict(data.get("environment", {})),
            schema_version=version,
        )


def file_metrics_from_dict(data: Mapping[str, Any]) -> FileMetrics:
    values = dict(data)
    values["functions"] = tuple(FunctionMetrics(**f) for f in values.get("functions", ()))
    for key in ("api_names", "unresolved_calls", "imports"):
        values[key] = tuple(values.get(key, ()))
    values["ceremony"] = dict(values.get("ceremony", {}))
    return FileMetrics(**values)


def static_environment() -> dict[str, str]:
    """Versions that a static result depends on."""
    from importlib.metadata import PackageNotFoundError, version

    from analyzer import __version__

    env = {"python": platform.python_version(), "analyzer": __version__, "platform": platform.platform()}
    for package in ("radon", "libcst", "complexipy"):
        try:
            env[package] = version(package)
        except PackageNotFoundError:
            env[package] = "missing"
    return env
