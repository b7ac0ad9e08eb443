"""A whitelisted arithmetic evaluator for the cost expressions of task.toml (`flops`, `bytes`).

Contributed text is never given to `eval`: the expression is parsed with `ast` and only numbers, the size
parameters' names, + - * / (unary and binary) and parentheses are walked. Length, nesting depth and every
intermediate magnitude are bounded, so neither a dunder chain nor `9**9**9` nor a deeply nested expression can
run code, hang or exhaust memory.
"""

from __future__ import annotations

import ast
import math
import operator
from typing import Any, Callable, Mapping

#: Longest expression accepted, in characters.
MAX_LENGTH = 500
#: Deepest nesting of operations accepted (a flat sum of n terms nests n - 1 deep).
MAX_DEPTH = 100
#: Most opening parentheses accepted.
MAX_PARENTHESES = 32
#: Largest magnitude of any intermediate value: far above any real operation count, far below overflow.
MAX_MAGNITUDE = 1e30

_BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
}
_UNARY: dict[type, Callable[[float], float]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}


class ExpressionError(ValueError):
    """An expression outside the whitelist, too long, too deep, too large, or naming an unknown parameter."""


def evaluate(expression: str, names: Mapping[str, Any]) -> float:
    """The value of `expression` with `names` bound to numbers; ExpressionError for anything else."""
    if not isinstance(expression, str):
        raise ExpressionError(f"expected text, got {type(expression).__name__}")
    if len(expression) > MAX_LENGTH:
        raise ExpressionError(f"longer than {MAX_LENGTH} characters")
    # Python's parser recurses per bracket: bound the brackets before parsing, not after.
    if expression.count("(") > MAX_PARENTHESES:
        raise ExpressionError(f"more than {MAX_PARENTHESES} parentheses")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(f"does not parse ({type(exc).__name__})") from None
    return _walk(tree.body, names, 0)


def _walk(node: ast.AST, names: Mapping[str, Any], depth: int) -> float:
    if depth > MAX_DEPTH:
        raise ExpressionError(f"nested deeper than {MAX_DEPTH}")
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return _bounded(float(node.value))
    if isinstance(node, ast.Name):
        value = names.get(node.id)
        if type(value) not in (int, float):
            raise ExpressionError(f"unknown name {node.id!r}; expected one of {', '.join(sorted(names)) or 'none'}")
        return _bounded(float(value))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _walk(node.left, names, depth + 1), _walk(node.right, names, depth + 1)
        if isinstance(node.op, ast.Div) and right == 0:
            raise ExpressionError("division by zero")
        return _bounded(_BINARY[type(node.op)](left, right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_walk(node.operand, names, depth + 1))
    what = type(getattr(node, "op", node)).__name__
    raise ExpressionError(f"{what} is not allowed; only numbers, names, + - * / and parentheses")


def _bounded(value: float) -> float:
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        raise ExpressionError(f"a value exceeds {MAX_MAGNITUDE:g}")
    return value
