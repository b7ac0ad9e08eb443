"""The debuggability section of every report, built once as data (reporting.table.Table) and rendered three ways.

`debug_tables` turns a study's debug and probe records into tables of plain text (title, headers, rows, note); the
renderers of every other section lay them out (reporting.scorecard, reporting.files, reporting.html), so the
console, Markdown and HTML reports show the same rows.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from analyzer.faults import BY_NAME, FAULTS
from analyzer.model import DebugRecord, ProbeRecord
from analyzer.reporting.table import Table


JUDGED = ("raised", "returned")
#: Short words for the outcomes in the matrix.
OUTCOME_WORDS = {"raised": "error", "handled": "handled", "silent_wrong": "silent wrong", "silent_shape": "wrong shape",
                 "nonfinite": "NaN/Inf"}


def debug_tables(records: Sequence[DebugRecord], probes: Sequence[ProbeRecord], *, task: str = "") -> list[Table]:
    """The section's tables: the summary per framework and mode, the fault x framework x mode matrix, one example
    message per framework and mode for the same fault, the print/breakpoint probe, and what did not run."""
    records = [r for r in records if not task or r.task == task]
    tables = []
    if any(r.status in JUDGED for r in records):
        tables += [summary_table(records), matrix_table(records)]
        example = example_table(records)
        if example is not None:
            tables.append(example)
    if probes and not task:
        tables.append(probe_table(probes))
    problems = [r for r in records if r.status not in (*JUDGED, "not_applicable")]
    if problems:
        tables.append(Table("Fault jobs that did not run to a verdict", ("task", "framework", "mode", "fault", "status",
                                                                        "reason"),
                            tuple((r.task, r.framework, r.mode, r.fault, r.status, r.reason[:160]) for r in problems)))
    return tables


def _columns(records: Sequence[DebugRecord]) -> list[tuple[str, str]]:
    seen = dict.fromkeys((r.framework, r.mode) for r in records if r.status in JUDGED)
    return sorted(seen, key=lambda fm: (fm[0], fm[1] != "eager"))


def summary_table(records: Sequence[DebugRecord]) -> Table:
    rows = []
    for framework, mode in _columns(records):
        mine = [r for r in records if (r.framework, r.mode) == (framework, mode) and r.status in JUDGED]
        raised = [r for r in mine if r.outcome == "raised"]
        outcomes = Counter(r.outcome for r in mine)
        scores = [r.score for r in mine if r.score is not None]
        rows.append((
            framework, mode, str(len(mine)), str(len({r.task for r in mine})),
            _share(len(raised), len(mine)), _share(sum(bool(r.localised) for r in raised), len(raised)),
            _share(sum(bool(r.informative) for r in raised), len(raised)),
            str(outcomes["silent_wrong"]), str(outcomes["silent_shape"]), str(outcomes["nonfinite"]),
            str(outcomes["handled"]),
            _mean([r.frames_user for r in raised]) + " / " + _mean([r.frames_total for r in raised]),
            _mean([r.message_chars for r in raised]),
            f"{sum(scores) / len(scores):.2f}" if scores else "-",
        ))
    return Table("Debuggability by framework and mode", (
        "framework", "mode", "faults", "tasks", "raised", "localised", "informative", "silent wrong", "wrong shape",
        "NaN/Inf", "handled", "frames user / all", "message chars", "score"), tuple(rows),
        "faults injected into the tasks' data (analyzer/faults.py). localised: the traceback's deepest line in the "
        "implementation is one the faulty input flows through; informative: the message names the offending size, "
        "dtype or NaN/Inf (shares of the errors raised). score: mean fault score (1 handled; an error 0.4, +0.3 "
        "localised, +0.3 informative; 0.1 a wrong shape or NaN/Inf; 0 a silent wrong answer).")


def matrix_table(records: Sequence[DebugRecord]) -> Table:
    columns = _columns(records)
    rows = []
    for fault in FAULTS:
        cells = []
        for framework, mode in columns:
            mine = [r for r in records if (r.framework, r.mode, r.fault) == (framework, mode, fault.name)
                    and r.status in JUDGED]
            cells.append(matrix_cell(mine))
        if any(cell != "-" for cell in cells):
            rows.append((fault.name, *cells))
    return Table("Faults x framework x mode", ("fault", *(f"{fw} {mode}" for fw, mode in columns)), tuple(rows),
                 "per cell, over the tasks: how many raised an error (of them L localised, I informative) and how "
                 "many did something else.")


def matrix_cell(records: Sequence[DebugRecord]) -> str:
    if not records:
        return "-"
    outcomes = Counter(r.outcome for r in records)
    parts = []
    raised = [r for r in records if r.outcome == "raised"]
    if raised:
        parts.append(f"{len(raised)} error ({sum(bool(r.localised) for r in raised)}L "
                     f"{sum(bool(r.informative) for r in raised)}I)")
    parts += [f"{count} {OUTCOME_WORDS.get(outcome, outcome)}" for outcome, count in sorted(outcomes.items())
              if outcome != "raised"]
    return ", ".join(parts)


def example_table(records: Sequence[DebugRecord]) -> Table | None:
    """Each framework's and mode's message for one fault on one task: the first (task, fault) in catalog order
    on which every framework and mode raised, else the one on which most did."""
    columns = _columns(records)
    best: tuple[int, str, str] | None = None
    for fault in FAULTS:
        for task in sorted({r.task for r in records}):
            found = sum(1 for r in records if (r.task, r.fault) == (task, fault.name) and r.outcome == "raised")
            if best is None or found > best[0]:
                best = (found, task, fault.name)
    if best is None or best[0] == 0:
        return None
    _, task, fault = best
    rows = []
    for framework, mode in columns:
        record = next((r for r in records if r.key[:2] == (task, framework) and (r.mode, r.fault) == (mode, fault)),
                      None)
        if record is None:
            continue
        message = record.message.splitlines()[0][:200] if record.message else OUTCOME_WORDS.get(record.outcome, "-")
        where = f"line {record.user_line}: {record.user_source}" if record.user_line else "no line of the file"
        marks = "L" * bool(record.localised) + "I" * bool(record.informative)
        rows.append((framework, mode, record.phase or "-", message, where[:120], marks or "-"))
    return Table(f"The same fault in every framework: {fault} ({BY_NAME[fault].description}) on {task}",
                 ("framework", "mode", "raised in", "message (first line)", "deepest line in the file", "marks"),
                 tuple(rows))


def probe_table(probes: Sequence[ProbeRecord]) -> Table:
    rows = []
    for probe in sorted(probes, key=lambda p: (p.framework, p.mode != "eager")):
        if probe.status != "passed":
            rows.append((probe.framework, probe.mode, str(probe.calls), "-", "-", "-", f"{probe.status}: "
                                                                                    f"{probe.reason[:100]}"))
            continue
        own = "none" if probe.framework_print is None else f"{probe.framework_print}/{probe.calls}"
        rows.append((probe.framework, probe.mode, str(probe.calls), f"{probe.python_print}/{probe.calls}",
                     f"{probe.breakpoint}/{probe.calls}", own, ""))
    headers = ("framework", "mode", "calls", "print()", "breakpoint()", "framework's print", "note")
    if not any(row[-1] for row in rows):  # a note only where a probe did not run
        headers, rows = headers[:-1], [row[:-1] for row in rows]
    return Table("Print and breakpoint inside a training step", headers, tuple(rows),
        "a fixed training step (analyzer/execution/probe.py) called N times: how many calls ran Python's print, "
        "breakpoint() (a recorder) and the framework's own debug print (tf.print, jax.debug.print). A compiled step "
        "runs Python code once, while tracing, unless its compiler falls back to Python for it (torch.compile "
        "breaks its graph at print and breakpoint). none: no debug print of the framework can run in the step "
        "(PyTorch has none of its own; tf.print has no XLA kernel on the CPU, so a jit_compile=True step cannot "
        "hold it).")


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole}" if whole else "-"


def _mean(values: Sequence[int | None]) -> str:
    present = [v for v in values if v is not None]
    return f"{sum(present) / len(present):.0f}" if present else "-"
