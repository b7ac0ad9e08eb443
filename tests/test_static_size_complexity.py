"""Exact size and complexity figures on small hand-written snippets."""

from __future__ import annotations

import textwrap

import pytest

from analyzer.static import analyze_source


def measure(code: str):
    return analyze_source(textwrap.dedent(code), framework="torch")


@pytest.mark.parametrize(
    ("code", "sloc", "statements", "tokens"),
    [
        ("x = 1\n", 1, 1, 3),
        ("# a comment\n\nx = 1  # trailing\n", 1, 1, 3),
        ('"""Module docstring."""\nx = 1\n', 1, 1, 3),
        ("def f():\n    '''Doc\n    string.'''\n    return 1\n", 2, 2, 7),
        # radon's LLOC counts a line whose last colon is not its final token as two; statements do not.
        ("y = x[:, 0]\n", 1, 1, 8),
        ("d = {'k': 1}\n", 1, 1, 7),
        ("f = lambda v: v + 1\n", 1, 1, 8),
        ("z = f(1,\n      2)\n", 2, 1, 8),
        ("if a:\n    b = 1\nelse:\n    b = 2\n", 4, 3, 11),
        ("", 0, 0, 0),
    ],
)
def test_size(code: str, sloc: int, statements: int, tokens: int) -> None:
    metrics = analyze_source(code)
    assert (metrics.sloc, metrics.statements, metrics.tokens) == (sloc, statements, tokens)


@pytest.mark.parametrize(
    ("code", "cyclomatic", "cognitive", "nesting"),
    [
        ("x = 1\n", 1, 0, 0),
        # module-level code counts: radon's cc_visit would see nothing here
        ("for i in range(3):\n    if i:\n        print(i)\n", 3, 3, 2),
        ("def f(x):\n    if x and x > 1:\n        return 1\n    return 0\n", 3, 2, 1),
        (
            """
            def f(x):
                for i in x:
                    while i:
                        if i > 2:
                            i -= 1
            def g(y):
                return y
            """,
            4, 6, 3,
        ),
        ("class A:\n    def m(self, y):\n        try:\n            y()\n        except ValueError:\n            pass\n",
         2, 1, 1),
        ("with open('f') as h:\n    if h:\n        pass\n", 2, 1, 2),
    ],
)
def test_complexity(code: str, cyclomatic: int, cognitive: int, nesting: int) -> None:
    metrics = measure(code)
    assert (metrics.cyclomatic, metrics.cognitive, metrics.max_nesting) == (cyclomatic, cognitive, nesting)


def test_per_function_breakdown() -> None:
    metrics = measure(
        """
        import torch

        class Net(torch.nn.Module):
            def forward(self, x):
                if x.sum() > 0:
                    return torch.relu(x)
                return x

        @torch.compile
        def step(x):
            return x * 2
        """
    )
    rows = {f.name: (f.line, f.sloc, f.statements, f.cyclomatic, f.cognitive, f.max_nesting, f.api_calls)
            for f in metrics.functions}
    assert rows == {
        "Net.forward": (5, 4, 4, 2, 1, 1, 2),  # x.sum() (a tensor: forward's argument) and torch.relu
        "step": (11, 3, 2, 1, 0, 0, 1),  # the decorator is the function's
    }
