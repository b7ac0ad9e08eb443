"""Static analysis: source text in, metric records out. Never imports or runs the code it measures."""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst

from analyzer.model import FileMetrics, FunctionMetrics
from analyzer.static.api import ApiSurface, analyze_api
from analyzer.static.ceremony import count_ceremony
from analyzer.static.complexity import block_structure, file_cognitive, file_cyclomatic
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
    """Measure one file's source text. Raises SourceError when it is not valid Python."""
    try:
        tree = ast.parse(source, filename=path)
        module = cst.parse_module(source)
    except SyntaxError as exc:
        raise SourceError(f"does not parse: line {exc.lineno}: {exc.msg}") from None
    except cst.ParserSyntaxError as exc:
        raise SourceError(f"does not parse: line {exc.raw_line}: {exc.message}") from None
    lines = code_lines(source, tree)
    surface = analyze_api(module)
    cyclomatic, cyclomatic_by_fn = file_cyclomatic(tree)
    cognitive, cognitive_by_fn = file_cognitive(source)
    calls = [use for use in surface.uses if use.kind != "reference"]
    structure = block_structure(tree)
    return FileMetrics(
        task=task, framework=framework, variant=variant, path=path,
        sloc=len(lines.lines), statements=structure[tree][0], tokens=len(lines.tokens),
        cyclomatic=cyclomatic, cognitive=cognitive, max_nesting=structure[tree][1],
        api_calls=len(calls),
        api_distinct=len({use.name for use in surface.uses}),
        api_unresolved=len(surface.unresolved),
        api_keywords=sum(use.keywords for use in calls),
        api_string_args=sum(use.string_args for use in calls),
        api_names=tuple(sorted({use.name for use in surface.uses})),
        unresolved_calls=tuple(f"{u.function}: {u.text}" for u in surface.unresolved),
        imports=surface.imports,
        ceremony=count_ceremony(framework, surface.uses, surface.unresolved),
        functions=tuple(_functions(tree, lines, structure, surface, cyclomatic_by_fn, cognitive_by_fn)),
    )


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
