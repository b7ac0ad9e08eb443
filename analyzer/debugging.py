"""Parent side of the debuggability pass: from what a faulted run did to figures of how debuggable it was.

Nothing here imports a framework or runs contributed code: the worker hands over its traceback as text and its
outputs as arrays (analyzer.worker.debug_job), the oracle process the intended answers, and this module reads
the implementation file only as text (ast), never importing it.

For each (task, framework, variant, mode, fault):

- **outcome**: `raised` (an exception escaped setup, the first call or a later call); or, when every call returned,
  the first call's outputs against the intended answer: `silent_shape` (outputs of the wrong shape, or missing),
  `nonfinite` (NaN or Inf in them), `silent_wrong` (the right shape, wrong values), `handled` (within the task's
  tolerance: the framework cast or coped with the fault correctly, and there was no bug to find).
- **where**: the traceback's frames (all chained exceptions), those in the implementation file, and the deepest
  of those (the one nearest the raise; where the final exception has none, a `File "...", line N` its message
  quotes, as torch.compile's "from user code" does). The error is **localised** when that line is one the faulty
  input flows through (`flow_lines`: a name-level data flow through the file, from the faulted input's key).
- **what**: the error is **informative** when its text (any exception of the chain) names the fault: the
  offending size of a shape fault, the dtype's name of a dtype fault (any spelling a framework uses: float64,
  double, f64), NaN or Inf for a value fault (analyzer.faults).
- **how much**: frames in total and in the user's file, characters of the final exception's text.

The **fault score** (`SCORES`) ranks outcomes: a silent wrong answer is worst (0), a silently wrong shape or a
NaN that at least shows in the outputs next (0.1), an error 0.4, plus 0.3 when it is localised and 0.3 when it is
informative; a fault the framework handled correctly scores 1 (nothing went wrong). A framework's debuggability on
a task in a mode is the mean over the task's faults.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from analyzer.contract import OPTIONAL, PLUMBING, REQUIRED
from analyzer.execution.checks import compare
from analyzer.spec import Tolerance

OUTCOMES = ("raised", "handled", "silent_wrong", "silent_shape", "nonfinite")
SILENT = ("silent_wrong", "silent_shape", "nonfinite")
#: Score of each outcome; `raised` is the base of an error, to which LOCALISED and INFORMATIVE add.
SCORES = {"handled": 1.0, "raised": 0.4, "nonfinite": 0.1, "silent_shape": 0.1, "silent_wrong": 0.0}
LOCALISED, INFORMATIVE = 0.3, 0.3
#: Passes of the data flow over a file at most (each pass follows the flow one more step through the whole file).
MAX_FLOW_PASSES = 64
#: The most traceback text the parent parses: the worker caps its own at 20,000 characters, but the worker runs
#: contributed code and its record is not trusted to keep to that.
MAX_TRACEBACK_CHARS = 40_000
#: The functions the harness calls: a call the analysis cannot resolve is never one of them.
CONTRACT = frozenset((*REQUIRED, *OPTIONAL))
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def classify(got: Mapping[str, np.ndarray], intended: Mapping[str, np.ndarray], tolerance: Tolerance) -> str:
    """The outcome of outputs that came back without an error, against the intended answer."""
    if set(got) != set(intended) or any(np.shape(got[k]) != np.shape(intended[k]) for k in intended):
        return "silent_shape"
    if not all(np.all(np.isfinite(np.asarray(got[k], dtype=np.float64))) for k in got):
        return "nonfinite"
    return "handled" if compare(got, intended, tolerance).ok else "silent_wrong"


# ---------------------------------------------------------------------------------------------------- tracebacks


@dataclass(frozen=True)
class Frame:
    file: str
    line: int
    function: str


@dataclass(frozen=True)
class Traceback:
    """A traceback's text, parsed: one entry per chained exception, the final one last."""

    frames: tuple[tuple[Frame, ...], ...]  #: per exception, outermost first
    error: str  #: the final exception's type (qualified as printed)
    message: str  #: the final exception's text, its type included
    messages: tuple[str, ...] = ()  #: every exception's text, the final one last

    @property
    def frames_total(self) -> int:
        return sum(len(block) for block in self.frames)


_HEADER = "Traceback (most recent call last):"
_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<function>.+))?$')
_QUOTED = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')
_ERROR = re.compile(r"^(?P<error>[A-Za-z_][\w.]*)(?::|$)")
_CHAIN = ("The above exception was the direct cause of the following exception:",
          "During handling of the above exception, another exception occurred:")


def parse_traceback(text: str) -> Traceback:
    """Parse Python's traceback text (traceback.format_exception), chained exceptions included."""
    blocks: list[list[str]] = []
    for line in text.splitlines():
        if line.strip() == _HEADER:
            blocks.append([])
        elif blocks:
            blocks[-1].append(line)
    frames, messages = [], []
    for block in blocks or [text.splitlines()]:
        found, message = [], []
        for line in block:
            match = _FRAME.match(line)
            if message:
                if line.strip() in _CHAIN:
                    break
                message.append(line)
            elif match and line.startswith("  File"):
                found.append(Frame(match["file"], int(match["line"]), (match["function"] or "").strip()))
            elif line and not line[0].isspace():
                message.append(line)
        frames.append(tuple(found))
        messages.append("\n".join(message).strip())
    final = messages[-1] if messages else ""
    error = _ERROR.match(final)
    return Traceback(tuple(frames), error["error"] if error else "", final, tuple(messages))


def user_frames(parsed: Traceback, path: str) -> list[Frame]:
    return [frame for block in parsed.frames for frame in block if frame.file == path]


def deepest_user_line(parsed: Traceback, path: str) -> int | None:
    """The line of the implementation file nearest the raise: the last location there that the final exception's
    message quotes, else its deepest frame there, else the deepest frame there of an earlier exception."""
    quoted = [int(m["line"]) for m in _QUOTED.finditer(parsed.message) if m["file"] == path]
    if quoted:  # a compiler's own pointer into the user's code (tf.function's "in user code", torch.compile's
        return quoted[-1]  # "from user code"): deeper than the frame that called the compiled function
    final = [frame for frame in parsed.frames[-1] if frame.file == path] if parsed.frames else []
    if final:
        return final[-1].line
    for block in reversed(parsed.frames[:-1]):
        inside = [frame for frame in block if frame.file == path]
        if inside:
            return inside[-1].line
    return None


def names_fault(message: str, sizes: Iterable[int], words: Iterable[str]) -> bool:
    """Whether an error message names the fault: one of its offending sizes as a whole number, or one of its
    words (a dtype's or NaN's name) as a whole word, case-insensitive."""
    for size in sizes:
        # A whole number: not part of a longer one or a decimal, nor a dtype's width ("f32", "s32", "bf16");
        # "64x33" names 33.
        if re.search(rf"(?<![\d.])(?<![fsiuc])(?<!bf){int(size)}(?!\d|\.\d)", message):
            return True
    return any(re.search(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", message, re.IGNORECASE)
               for word in words)


# ---------------------------------------------------------------------------------------------------- data flow


def flow_lines(source: str, keys: Sequence[str]) -> frozenset[int]:
    """The lines of `source` that the inputs named `keys` flow through, found without running anything.

    Name-level and intra-file, an over-approximation: a value is tainted when it reads a tainted string key
    (`inputs["x"]`, `state["x"]`), name or attribute; an assignment of a tainted value taints its targets; a
    tainted argument taints the parameter it binds to in a function of the file (by position or keyword), and
    when the callee is not a function of the file by name, the same parameter of every function that can be
    called other than by name (methods, nested functions, functions passed around as values: a model's forward,
    a step kept in a dict); a function returning a tainted value taints its calls. A line is on the flow when a statement covering it holds a tainted value."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return frozenset()
    functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.setdefault(node.name, []).append(node)
    indirect = _indirect_callees(tree)
    taint = _Taint(set(keys), _imported(tree))
    nodes = list(ast.walk(tree))
    for _ in range(MAX_FLOW_PASSES):  # real code settles in a few; a contrived file must not hold the parent
        changed = False
        for node in nodes:
            changed |= taint.visit(node, functions, indirect)
        if not changed:
            break
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                                                  ast.If, ast.For, ast.While, ast.With, ast.Try)):
            if taint.holds(node):
                lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        elif isinstance(node, (ast.If, ast.For, ast.While, ast.With)) and any(taint.holds(part) for part in
                                                                              _headers(node)):
            lines.add(node.lineno)
    return frozenset(lines)


def _headers(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, (ast.If, ast.While)):
        return [node.test]
    if isinstance(node, ast.For):
        return [node.iter]
    if isinstance(node, ast.With):
        return [item.context_expr for item in node.items]
    return []


class _Taint:
    def __init__(self, keys: set[str], modules: set[str]) -> None:
        self.keys, self.names, self.attrs, self.returns = keys, set(), set(), set()
        self.modules = modules  #: names bound by imports

    def holds(self, node: ast.AST) -> bool:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Subscript) and isinstance(sub.slice, ast.Constant) and sub.slice.value in self.keys:
                return True
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id in self.names:
                return True
            if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Load) and sub.attr in self.attrs:
                return True
            if isinstance(sub, ast.Call) and _callee(sub) in self.returns:
                return True
        return False

    def visit(self, node: ast.AST, functions: Mapping[str, list], indirect: list) -> bool:
        before = (len(self.keys), len(self.names), len(self.attrs), len(self.returns))
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value is not None \
                and self.holds(node.value):
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                self._store(target)
        elif isinstance(node, (ast.For, ast.comprehension)) and self.holds(node.iter):
            self._store(node.target)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None and self.holds(node.context_expr):
            self._store(node.optional_vars)
        elif isinstance(node, ast.Call):
            self._bind(node, functions, indirect)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if any(isinstance(sub, ast.Return) and sub.value is not None and self.holds(sub.value)
                   for sub in ast.walk(node)):
                self.returns.add(node.name)
        return before != (len(self.keys), len(self.names), len(self.attrs), len(self.returns))

    def _store(self, target: ast.AST) -> None:
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name):
                self.names.add(sub.id)
            elif isinstance(sub, ast.Attribute):
                self.attrs.add(sub.attr)
            elif isinstance(sub, ast.Subscript) and isinstance(sub.slice, ast.Constant) \
                    and isinstance(sub.slice.value, str):
                self.keys.add(sub.slice.value)

    def _bind(self, call: ast.Call, functions: Mapping[str, list], indirect: list) -> None:
        positions = [i for i, arg in enumerate(call.args) if self.holds(arg)]
        keywords = [kw.arg for kw in call.keywords if kw.arg and self.holds(kw.value)]
        if not positions and not keywords:
            return
        name = _callee(call)
        # A callee the analysis cannot resolve (a model, a function kept in a dict, a compiled wrapper) may be any
        # function of the file that can be called other than by its name; a library's own function
        # (torch.from_numpy, jnp.mean) is none of them.
        targets = functions.get(name) or ([] if _root(call.func) in self.modules else indirect)
        for function in targets:
            params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
            params = params[1:] if params[:1] in (["self"], ["cls"]) else params
            self.names.update(params[i] for i in positions if i < len(params))
            self.names.update(k for k in keywords if k in params or k in [a.arg for a in function.args.kwonlyargs])


def _indirect_callees(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The functions a call may reach other than by their name: methods (a model's forward, a layer's call),
    functions nested in others (a closure kept in a dict), and top-level functions whose name is passed around as
    a value; the contract's own functions never (the harness calls them)."""
    defs = (ast.FunctionDef, ast.AsyncFunctionDef)
    called = {id(call.func) for call in ast.walk(tree) if isinstance(call, ast.Call)}
    escaped = {node.id for node in ast.walk(tree)
               if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and id(node) not in called}
    found = [f for f in tree.body if isinstance(f, defs) and f.name in escaped and f.name not in CONTRACT]
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            found += [item for item in node.body if isinstance(item, defs)]
        elif isinstance(node, defs):
            found += [item for item in ast.walk(node) if isinstance(item, defs) and item is not node]
    return found


def _root(node: ast.AST) -> str:
    """The name an attribute chain starts from: "torch" for torch.nn.functional.linear."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def _imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


# ---------------------------------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Diagnosis:
    """What an error tells its reader, from its traceback text and the implementation file."""

    error: str
    message: str
    message_chars: int
    frames_total: int
    frames_user: int
    user_line: int | None
    user_source: str
    localised: bool
    informative: bool
    entry: str = ""  #: the contract function the harness had called when it raised (the outermost frame in the file)

    @property
    def in_plumbing(self) -> bool:
        """It raised inside the harness's plumbing (load_weights, result, export), not the user's code: the fault
        met the harness's own conversion, which says nothing of the framework."""
        return self.entry in PLUMBING


def diagnose(traceback_text: str, impl_path: str, source: str, targets: Sequence[str], sizes: Iterable[int],
             words: Iterable[str]) -> Diagnosis:
    parsed = parse_traceback(_ANSI.sub("", traceback_text[:MAX_TRACEBACK_CHARS]))  # Keras colours its messages
    line = deepest_user_line(parsed, impl_path)
    lines = source.splitlines()
    text = lines[line - 1].strip() if line and 0 < line <= len(lines) else ""
    return Diagnosis(
        error=parsed.error, message=parsed.message[:600], message_chars=len(parsed.message),
        frames_total=parsed.frames_total, frames_user=len(user_frames(parsed, impl_path)),
        user_line=line, user_source=text[:200],
        localised=line is not None and line in flow_lines(source, targets),
        informative=names_fault("\n".join(parsed.messages), sizes, words),
        entry=next((f.function for block in reversed(parsed.frames) for f in block if f.file == impl_path), ""),
    )


def fault_score(outcome: str, localised: bool = False, informative: bool = False) -> float | None:
    """The score of one fault's outcome (None for an outcome that is not one of OUTCOMES)."""
    if outcome not in SCORES:
        return None
    if outcome != "raised":
        return SCORES[outcome]
    return SCORES["raised"] + LOCALISED * localised + INFORMATIVE * informative
