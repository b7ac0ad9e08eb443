"""Plumbing: the parts of a file that exist for the harness, not for the user (analyzer.contract), found by name.

In a file written to the contract (one that defines the user's functions, setup and run, and some plumbing:
load_weights, result, export, or the export constants), the user's code is setup, run, every top-level statement
that is not a definition, import or assignment (a script's own code), and the top-level functions, classes,
imports and constants that these use, directly or through each other. The rest is left out of the scored figures:
the plumbing functions and constants, what only they use, and what nothing uses (listed as "unused"). Deciding by
what the user's code uses, and never by what the plumbing uses, is what makes two files that differ only inside
their plumbing score alike. A file that is not written to the contract (a user's own corpus) has no plumbing and
is measured whole. A name counts as used wherever it is read as a bare name (`np` in `np.asarray(x)`), as
size.exclusive_sloc reads it.

The unit of exclusion is a top-level statement of the libcst module (a line of `;`-joined simple statements is
one), so the API resolver, which walks libcst statements, and the size and complexity figures, which read ast
statements, leave out the same code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import libcst as cst

from analyzer.contract import PLUMBING, PLUMBING_CONSTANTS, REQUIRED

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
#: The contract's functions that hold the user's code: the roots of what is kept.
USER_FUNCTIONS: tuple[str, ...] = tuple(name for name in REQUIRED if name not in PLUMBING)


@dataclass(frozen=True)
class Unit:
    """One top-level statement of the libcst module, with the ast statements that make it."""

    statements: tuple[ast.stmt, ...]  #: one, or several for a line of `;`-joined simple statements
    first: int  #: first physical line (decorators included)
    last: int  #: last physical line


@dataclass(frozen=True)
class Split:
    """A file's top-level statements, and which of them are plumbing."""

    units: tuple[Unit, ...]  #: in the order of libcst's module.body
    plumbing: frozenset[int]  #: indices into `units` (and module.body) of the plumbing
    parts: tuple[str, ...]  #: what the plumbing is, in source order: "def result", "import np", "EXPORT_INPUTS ="


def split_plumbing(tree: ast.Module, module: cst.Module) -> Split:
    """Find the plumbing of a file parsed both ways (the same source)."""
    units = tuple(_units(tree, module))
    excluded = _excluded_statements(tree.body)
    plumbing = frozenset(index for index, unit in enumerate(units)
                         if all(id(stmt) in excluded for stmt in unit.statements))
    parts = tuple(part + ("" if excluded[id(stmt)] else " (unused)")
                  for index in sorted(plumbing) for stmt in units[index].statements for part in _describe(stmt))
    return Split(units, plumbing, parts)


def _units(tree: ast.Module, module: cst.Module):
    """Group the ast statements by libcst top-level statement: a SimpleStatementLine holds as many small statements
    as ast sees statements on that line; every compound statement is one ast statement."""
    statements = iter(tree.body)
    for item in module.body:
        count = len(item.body) if isinstance(item, cst.SimpleStatementLine) else 1
        group = tuple(next(statements) for _ in range(count))
        first = min([group[0].lineno, *(d.lineno for d in getattr(group[0], "decorator_list", ()))])
        yield Unit(group, first, group[-1].end_lineno or group[-1].lineno)


def _excluded_statements(body: list[ast.stmt]) -> dict[int, bool]:
    """The top-level ast statements left out, by id, each with whether the plumbing uses it (False: nothing does)."""
    roots = [stmt for stmt in body if _is_root(stmt)]
    defined = {stmt.name for stmt in body if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if not roots or not set(USER_FUNCTIONS) <= defined:
        return {}
    definers: dict[str, list[ast.stmt]] = {}
    for stmt in body:
        for name in _bound_names(stmt):
            definers.setdefault(name, []).append(stmt)
    plumbing = {id(stmt) for stmt in roots}
    reads: dict[int, set[str]] = {}
    user = [stmt for stmt in body if id(stmt) not in plumbing and _is_users(stmt)]
    kept = _reach(user, definers, reads, barrier=plumbing)
    used_by_plumbing = _reach(roots, definers, reads, barrier=kept)
    return {id(stmt): id(stmt) in used_by_plumbing for stmt in body if id(stmt) not in kept}


def _is_users(stmt: ast.stmt) -> bool:
    """One of the contract's user functions, or code that runs at import (not a definition, import or constant)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return stmt.name in USER_FUNCTIONS
    return not _bound_names(stmt)


def _reach(start: list[ast.stmt], definers: dict[str, list[ast.stmt]], reads: dict[int, set[str]], *,
           barrier: set[int]) -> set[int]:
    """ids of `start` and of every top-level statement that defines a name they read, transitively; statements in
    `barrier` are not entered (a user function that calls result() does not make result's helpers the user's).
    `reads` caches each statement's names."""
    seen = {id(stmt) for stmt in start}
    todo = list(start)
    while todo:
        stmt = todo.pop()
        if id(stmt) not in reads:
            reads[id(stmt)] = _read_names(stmt)
        for name in reads[id(stmt)]:
            for definer in definers.get(name, ()):
                if id(definer) not in seen and id(definer) not in barrier:
                    seen.add(id(definer))
                    todo.append(definer)
    return seen


def _is_root(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return stmt.name in PLUMBING
    names = _bound_names(stmt)
    return isinstance(stmt, (ast.Assign, ast.AnnAssign)) and bool(names) and set(names) <= set(PLUMBING_CONSTANTS)


def _bound_names(stmt: ast.stmt) -> tuple[str, ...]:
    """The module names a definition, import or assignment of plain names binds; () for any other statement
    (those are never plumbing: a loop or an `if` at module level is the user's script)."""
    if isinstance(stmt, _DEFINITIONS):
        return (stmt.name,)
    if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
        return ()  # a compiler directive, not a name anyone uses
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return tuple(alias.asname or alias.name.split(".", 1)[0] for alias in stmt.names if alias.name != "*")
    if isinstance(stmt, ast.Assign):
        targets = [name for target in stmt.targets for name in _target_names(target)]
        return tuple(targets) if all(targets) else ()
    if isinstance(stmt, ast.AnnAssign) and stmt.value is not None and isinstance(stmt.target, ast.Name):
        return (stmt.target.id,)
    return ()


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _target_names(element)]
    return [""]  # an attribute or subscript: not a plain constant


def _read_names(stmt: ast.stmt) -> set[str]:
    found = {node.id for node in ast.walk(stmt) if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store)}
    if isinstance(stmt, _DEFINITIONS):
        found.discard(stmt.name)  # recursion is not a use by someone else
    return found


def _describe(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, ast.ClassDef):
        return [f"class {stmt.name}"]
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return [f"def {stmt.name}"]
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return [f"import {name}" for name in _bound_names(stmt)]
    return [f"{name} =" for name in _bound_names(stmt)]
