"""Static analysis: source text in, metric records out. Never imports or runs the code it measures."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from typing import Any, Iterable

import libcst as cst

from analyzer.model import CodeFigures, FileMetrics, FunctionMetrics, Plumbing
from analyzer.static.api import ApiSurface, ApiUse, Unresolved, analyze_api
from analyzer.static.ceremony import count_ceremony
from analyzer.static.complexity import (block_structure, file_cognitive, file_cyclomatic, statements_cyclomatic,
                                        text_cognitive)
from analyzer.static.plumbing import Split, Unit, split_plumbing
from analyzer.static.size import CodeLines, code_lines, count_in_range


class SourceError(ValueError):
    """Source text that cannot be measured (not UTF-8, binary, or not valid Python)."""


def decode_source(data: bytes) -> str:
    """Bytes of a file as text, or SourceError naming what is wrong with them."""
    if b"\x00" in data:
        raise SourceError("binary file (contains NUL bytes); expected Python source")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text (byte {exc.start}: {data[exc.start:exc.start + 1]!r})") from None


def analyze_source(source: str, *, task: str = "", framework: str = "", variant: str = "default",
                   path: str = "<string>") -> FileMetrics:
    """Measure one file's source text. Raises SourceError when it is not valid Python, or nested deeper than the
    parsers and the measures can follow (a RecursionError or MemoryError in any of them)."""
    try:
        return _analyze_source(source, task=task, framework=framework, variant=variant, path=path)
    except (RecursionError, MemoryError) as exc:
        raise SourceError(f"too deeply nested to measure ({type(exc).__name__})") from None


def _analyze_source(source: str, *, task: str, framework: str, variant: str, path: str) -> FileMetrics:
    """Measure one file's source text.

    The figures leave out the file's plumbing (analyzer.static.plumbing), which FileMetrics.plumbing describes
    with its own figures and the whole file's. The file is parsed and resolved once: each API use knows whether
    it lies in the plumbing, and the plumbing's sizes and complexities are subtracted from the whole file's.
    """
    try:
        tree = ast.parse(source, filename=path)
        module = cst.parse_module(source)
    except SyntaxError as exc:
        raise SourceError(f"does not parse: line {exc.lineno}: {exc.msg}") from None
    except cst.ParserSyntaxError as exc:
        raise SourceError(f"does not parse: line {exc.raw_line}: {exc.message}") from None
    lines = code_lines(source, tree)
    split = split_plumbing(tree, module)
    surface = analyze_api(module, split.plumbing)
    cyclomatic, cyclomatic_by_fn = file_cyclomatic(tree)
    cognitive, cognitive_by_fn = file_cognitive(source)
    structure = block_structure(tree)
    whole = CodeFigures(
        sloc=len(lines.lines), statements=structure[tree][0], tokens=len(lines.tokens),
        cyclomatic=cyclomatic, cognitive=cognitive, max_nesting=structure[tree][1],
        **_api_figures(framework, surface.uses, surface.unresolved))
    figures, plumbing = whole, None
    if split.plumbing:
        excluded = _excluded_figures(source, framework, split, lines, structure, surface)
        figures = _less(whole, excluded, split, structure, framework, surface)
        plumbing = Plumbing(parts=split.parts, excluded=excluded, whole=whole)
    return FileMetrics(
        task=task, framework=framework, variant=variant, path=path,
        **{f.name: getattr(figures, f.name) for f in dataclasses.fields(CodeFigures)},
        imports=surface.imports,
        functions=tuple(_functions(tree, lines, structure, surface, cyclomatic_by_fn, cognitive_by_fn)),
        plumbing=plumbing,
    )


def _api_figures(framework: str, uses: Iterable[ApiUse], unresolved: Iterable[Unresolved]) -> dict[str, Any]:
    uses, unresolved = list(uses), list(unresolved)
    calls = [use for use in uses if use.kind != "reference"]
    ceremony = count_ceremony(framework, uses, unresolved)
    return dict(
        api_calls=len(calls), api_distinct=len({use.name for use in uses}), api_unresolved=len(unresolved),
        api_keywords=sum(use.keywords for use in calls), api_string_args=sum(use.string_args for use in calls),
        api_names=tuple(sorted({use.name for use in uses})),
        unresolved_calls=tuple(f"{u.function}: {u.text}" for u in unresolved),
        ceremony=ceremony.counts, ceremony_idioms=ceremony.idioms,
    )


def _excluded_figures(source: str, framework: str, split: Split, lines: CodeLines,
                      structure: dict[ast.AST, tuple[int, int]], surface: ApiSurface) -> CodeFigures:
    """The plumbing's figures, as if it were a file of its own (its API names resolved in the whole file)."""
    units = [split.units[index] for index in sorted(split.plumbing)]
    statements = [stmt for unit in units for stmt in unit.statements]
    sizes = [count_in_range(lines, unit.first, unit.last) for unit in units]
    text = "".join("".join(source.splitlines(keepends=True)[unit.first - 1:unit.last]) for unit in units)
    return CodeFigures(
        sloc=sum(sloc for sloc, _ in sizes), statements=sum(structure[stmt][0] for stmt in statements),
        tokens=sum(tokens for _, tokens in sizes), cyclomatic=statements_cyclomatic(statements),
        cognitive=text_cognitive(text), max_nesting=max(structure[stmt][1] for stmt in statements),
        **_api_figures(framework, [u for u in surface.uses if u.plumbing],
                       [u for u in surface.unresolved if u.plumbing]))


def _less(whole: CodeFigures, excluded: CodeFigures, split: Split, structure: dict[ast.AST, tuple[int, int]],
          framework: str, surface: ApiSurface) -> CodeFigures:
    """The whole file's figures less the plumbing's: sizes and complexities add up over top-level statements."""
    kept: list[Unit] = [unit for index, unit in enumerate(split.units) if index not in split.plumbing]
    return CodeFigures(
        sloc=whole.sloc - excluded.sloc, statements=whole.statements - excluded.statements,
        tokens=whole.tokens - excluded.tokens, cyclomatic=whole.cyclomatic - (excluded.cyclomatic - 1),
        cognitive=whole.cognitive - excluded.cognitive,
        max_nesting=max((structure[stmt][1] for unit in kept for stmt in unit.statements), default=0),
        **_api_figures(framework, [u for u in surface.uses if not u.plumbing],
                       [u for u in surface.unresolved if not u.plumbing]))


def _functions(tree: ast.Module, lines: CodeLines, structure: dict[ast.AST, tuple[int, int]], surface: ApiSurface,
               cyclomatic: dict[str, int], cognitive: dict[str, int]) -> list[FunctionMetrics]:
    found = []
    for qualified, node in _defined_functions(tree):
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        sloc, _ = count_in_range(lines, first, node.end_lineno or node.lineno)
        calls = sum(1 for use in surface.uses if use.kind != "reference"
                    and (use.function == qualified or use.function.startswith(qualified + ".")))
        found.append(FunctionMetrics(
            name=qualified, line=node.lineno, sloc=sloc, statements=structure[node][0],
            cyclomatic=cyclomatic.get(qualified, 1), cognitive=cognitive.get(qualified, 0),
            max_nesting=structure[node][1], api_calls=calls,
        ))
    return found


def _defined_functions(tree: ast.Module):
    """Top-level functions and the methods of top-level classes, with their qualified names."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    yield f"{node.name}.{item.name}", item


def analyze_file(path: Path, *, task: str = "", framework: str = "", variant: str = "default",
                 display_path: str | None = None) -> FileMetrics:
    """Read and measure one file. Raises SourceError (bad content) or OSError (unreadable)."""
    source = decode_source(Path(path).read_bytes())
    return analyze_source(source, task=task, framework=framework, variant=variant, path=display_path or str(path))
