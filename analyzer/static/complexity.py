"""Complexity: cyclomatic (radon, module-level code included), cognitive (complexipy) and nesting depth."""

from __future__ import annotations

import ast
import complexipy
from radon.visitors import ComplexityVisitor

from analyzer.static.size import is_docstring

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
    return _decisions(visitor, functions) + 1, per_function


def statements_cyclomatic(statements: list[ast.stmt]) -> int:
    """Cyclomatic complexity of some top-level statements read as a program of their own. Decisions add up over
    top-level statements, so a file's figure less these statements' decisions is the figure of the rest."""
    visitor = ComplexityVisitor.from_ast(ast.Module(body=statements, type_ignores=[]))
    return _decisions(visitor, [block for block in visitor.blocks if not hasattr(block, "methods")]) + 1


def _decisions(visitor: ComplexityVisitor, functions: list) -> int:
    return (visitor.complexity - 1) + sum(block.complexity - 1 for block in functions)


def _qualified(classname: str | None, name: str) -> str:
    return f"{classname}.{name}" if classname else name


def file_cognitive(source: str) -> tuple[int, dict[str, int]]:
    """The whole file's cognitive complexity (module-level code included) and each function's, by qualified name."""
    result = complexipy.code_complexity(source)
    return int(result.complexity), {fn.name.replace("::", "."): int(fn.complexity) for fn in result.functions}


def text_cognitive(source: str) -> int:
    """Cognitive complexity of a piece of source made of whole top-level statements (it adds up over them)."""
    return int(complexipy.code_complexity(source).complexity) if source.strip() else 0


def block_structure(tree: ast.Module) -> dict[ast.AST, tuple[int, int]]:
    """(statements, deepest control-flow nesting) of the module, of every function and class, and of every top-level
    statement, in one pass.

    Statements are ast statement nodes, docstrings excluded; a block's own `def` line counts as one. Nesting counts
    compound statements (if, for, while, with, try, match), not definitions: a nested function restarts at zero.
    """
    found: dict[ast.AST, tuple[int, int]] = {}

    def measure(node: ast.AST, level: int) -> tuple[int, int]:
        statements = int(isinstance(node, ast.stmt) and not is_docstring(node))
        deepest = level
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _DEFINITIONS):
                inner = found[child] = measure(child, 0)
            else:
                inner = measure(child, level + isinstance(child, _NESTING))
                if node is tree:
                    found[child] = inner
            statements += inner[0]
            deepest = max(deepest, inner[1])
        return statements, deepest

    found[tree] = measure(tree, 0)
    return found


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
