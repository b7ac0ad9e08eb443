"""Size of source code: source lines, statements and tokens, with docstrings and comments left out.

Statements are counted as ast statement nodes (see complexity.block_structure), not as radon's LLOC, which counts
a line whose last colon is not its final token (x[:, 0], {"k": 1}, lambda) as two.
"""

from __future__ import annotations

import ast
import io
from bisect import bisect_left, bisect_right
import token
import tokenize
from dataclasses import dataclass
from typing import Iterator

_NON_CODE = {token.COMMENT, token.NL, token.NEWLINE, token.INDENT, token.DEDENT, token.ENDMARKER, token.ENCODING}


@dataclass(frozen=True)
class CodeLines:
    """Which physical lines hold code, and the tokens on them; computed once per file."""

    lines: tuple[int, ...]  #: 1-based line numbers holding at least one code token, sorted
    tokens: tuple[int, ...]  #: the start line of every code token, in order


def code_lines(source: str, tree: ast.Module) -> CodeLines:
    """Lines and tokens of code, excluding comments, blank lines and docstrings."""
    docstring_lines = _docstring_lines(tree)
    lines: set[int] = set()
    starts: list[int] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in _NON_CODE or tok.start[0] in docstring_lines:
            continue
        starts.append(tok.start[0])
        lines.update(range(tok.start[0], tok.end[0] + 1))
    return CodeLines(tuple(sorted(lines)), tuple(starts))


def _docstring_lines(tree: ast.Module) -> set[int]:
    found: set[int] = set()
    for owner in _docstring_owners(tree):
        body = owner.body
        if body and is_docstring(body[0]):
            found.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    return found


_OWNERS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
#: The fields that hold statement lists (and the handlers and cases that hold more of them).
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _docstring_owners(node: ast.AST) -> Iterator[ast.AST]:
    """The module and every function and class in it. Definitions are statements, found only in statement lists,
    so expressions need not be walked (ast.walk visits every node and costs about ten times as much)."""
    yield node
    yield from _owners_within(node)


def _owners_within(node: ast.AST) -> Iterator[ast.AST]:
    for name in _BODIES:
        for child in getattr(node, name, ()):
            if isinstance(child, _OWNERS):
                yield from _docstring_owners(child)
            else:
                yield from _owners_within(child)


def count_in_range(code: CodeLines, first: int, last: int) -> tuple[int, int]:
    """(SLOC, tokens) between two physical lines, inclusive."""
    sloc = bisect_right(code.lines, last) - bisect_left(code.lines, first)
    tokens = bisect_right(code.tokens, last) - bisect_left(code.tokens, first)
    return sloc, tokens


def is_docstring(stmt: ast.AST) -> bool:
    """A bare string statement: a docstring, or a string used as a comment."""
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def exclusive_sloc(source: str, tree: ast.Module, root: str, others: tuple[str, ...]) -> int | None:
    """SLOC of the top-level function `root` plus the top-level functions and classes that it uses (directly or
    through each other) and that none of `others` uses: the code that exists for `root` alone. None when the
    file has no top-level `root`."""
    defined = {node.name: node for node in tree.body
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    if root not in defined:
        return None
    shared = _reachable([name for name in others if name in defined], defined)
    own = {root} | (_reachable([root], defined) - shared)
    lines = code_lines(source, tree)
    return sum(count_in_range(lines, _first_line(defined[name]), defined[name].end_lineno or 0)[0] for name in own)


def _reachable(start: list[str], defined: dict[str, ast.AST]) -> set[str]:
    """The top-level definitions that `start` refers to by name, transitively (`start` included)."""
    seen, todo = set(start), list(start)
    while todo:
        for node in ast.walk(defined[todo.pop()]):
            if isinstance(node, ast.Name) and node.id in defined and node.id not in seen:
                seen.add(node.id)
                todo.append(node.id)
    return seen


def _first_line(node: ast.AST) -> int:
    return min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])  # type: ignore[attr-defined]
