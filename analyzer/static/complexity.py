"""Complexity: cyclomatic (radon, module-level code included), cognitive (complexipy) and nesting depth."""

from __future__ import annotations

import ast
import complexipy
from radon.visitors import ComplexityVisitor

#: Compound statements that open a nesting level (definitions do not: they are structure, not control flow).
_NESTING = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match)
if hasattr(ast, "TryStar"):
    _NESTING = (*_NESTING, ast.TryStar)


def file_cyclomatic(tree: ast.Module) -> tuple[int, dict[str, int]]:
    """The whole file's cyclomatic complexity and each function's, keyed by qualified name ("Net.forward").

    The file's figure is every decision point in it, module-level code included, plus one: the file read as one
    program. (radon's total_complexity also adds one per class, which is structure, not a decision.)
    """
    visitor = ComplexityVisitor.from_ast(tree)
    functions = [block for block in visitor.blocks if not hasattr(block, "methods")]
    per_function = {_qualified(block.classname, block.name): block.complexity for block in functions}
    decisions = (visitor.complexity - 1) + sum(block.complexity - 1 for block in functions)
    return decisions + 1, per_function


def _qualified(classname: str | None, name: str) -> str:
    return f"{classname}.{name}" if classname else name


def file_cognitive(source: str) -> tuple[int, dict[str, int]]:
    """The whole file's cognitive complexity (module-level code included) and each function's, by qualified name."""
    result = complexipy.code_complexity(source)
    return int(result.complexity), {fn.name.replace("::", "."): int(fn.complexity) for fn in result.functions}


def max_nesting(node: ast.AST) -> int:
    """The deepest nesting of control-flow blocks under `node`; nested functions restart at their own depth."""
    def depth(current: ast.AST, level: int) -> int:
        deepest = level
        for child in ast.iter_child_nodes(current):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                deepest = max(deepest, depth(child, 0))
            else:
                deepest = max(deepest, depth(child, level + isinstance(child, _NESTING)))
        return deepest

    return depth(node, 0)
