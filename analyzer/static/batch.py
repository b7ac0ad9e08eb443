"""Measure every implementation of a corpus: files in, one StaticReport out, with a problem row per bad file."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Iterable

from analyzer.corpus import Corpus, Implementation
from analyzer.model import FileMetrics, FileProblem, StaticReport, file_metrics_from_dict, static_environment
from analyzer.static import SourceError, analyze_source, decode_source
from analyzer.static.cache import StaticCache, content_key


def analyze_corpus(corpus: Corpus, *, tasks: Iterable[str] = (), frameworks: Iterable[str] = (),
                   cache: StaticCache | None = None) -> StaticReport:
    """Measure the corpus's implementations (optionally only some tasks and frameworks)."""
    wanted_tasks, wanted_frameworks = set(tasks), set(frameworks)
    files: list[FileMetrics] = []
    problems = [FileProblem(display_path(p.path), p.path.parent.name, "", p.message) for p in corpus.problems
                if not wanted_tasks or p.path.parent.name in wanted_tasks]
    for impl in corpus.implementations:
        if (wanted_tasks and impl.task not in wanted_tasks) or (wanted_frameworks and impl.framework not in
                                                                 wanted_frameworks):
            continue
        try:
            files.append(measure(impl, cache))
        except (SourceError, OSError) as exc:
            problems.append(FileProblem(display_path(impl.path), impl.task, impl.framework, str(exc)))
    if cache is not None:
        cache.save()
    return StaticReport(corpus=display_path(corpus.root), files=tuple(files), problems=tuple(problems),
                        environment=static_environment())


def measure(impl: Implementation, cache: StaticCache | None) -> FileMetrics:
    """One implementation's figures, from the cache when its content was measured before."""
    data = impl.path.read_bytes()
    identity = {"task": impl.task, "framework": impl.framework, "variant": impl.variant,
                "path": display_path(impl.path)}
    key = content_key(data, impl.framework) if cache is not None else ""
    cached = cache.get(key) if cache is not None else None
    if cached is not None:
        try:
            return file_metrics_from_dict({**cached, **identity}, source=f"static cache entry {key}")
        except (ValueError, TypeError):
            pass  # an entry this version cannot read (damaged, or from an older format): measured afresh
    metrics = analyze_source(decode_source(data), **identity)
    if cache is not None:
        cache.put(key, dataclasses.asdict(metrics))
    return metrics


def display_path(path: Path) -> str:
    """The path relative to the working directory when it lies below it, else as given."""
    try:
        return os.path.relpath(path) if Path(path).resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)
