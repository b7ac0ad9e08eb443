"""The console report: the tables of reporting.view drawn with rich, and one task's implementations side by side.

This module lays tables out and decides nothing about them: a best figure is drawn bold green with ▲ after it, a
worst one red with ▼, a tone in its colour, and a grouped table (one task, one claim) shows its first cell once per
group with a rule between groups. Cells are rich Text, never markup, so a contributed string prints as itself.
"""

from __future__ import annotations

import dataclasses
from typing import Mapping, Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.markup import escape
from rich.syntax import Syntax
from rich.table import Table as RichTable
from rich.text import Text

from analyzer.claims import ClaimResult
from analyzer.machines import MachineComparison
from analyzer.model import DebugRecord, DeployRecord, ProbeRecord
from analyzer.overhead import SizeProfile
from analyzer.reporting import view
from analyzer.reporting.view import Cell, ReportView, Table
from analyzer.reporting.wording import (
    BEST, TASK_COLUMNS, UNSTABLE, WORST, at_primary_size, composite_rows, dimension_name, environment_lines, extremes,
    framework_order, implementation_label, index, number, status_cell, verdict_text,
)
from analyzer.scoring import DEFAULT_VARIANT, HIGHER_IS_BETTER, Measurement, Scorecard

#: Re-exported: the modules and tests that used to find the wording helpers here still do.
__all__ = [
    "at_primary_size", "claims_table", "composite_rows", "deployment_failures", "deployment_table",
    "dimension_name", "dimension_table", "environment_lines", "machine_table", "number", "report_group",
    "rich_report", "rich_table", "scorecard_table", "sensitivity_table", "side_by_side", "size_table", "task_table",
    "to_rich", "verdict_text",
]

TONE_STYLE = {"good": "green", "bad": "red", "warn": "yellow", "muted": "dim", "note": "dim"}
#: mark -> (style, glyph drawn right after the figure)
MARK_STYLE = {"best": ("bold green", BEST), "worst": ("red", WORST)}
#: A table with a note is at least this wide, so the note (its caption) reads as a paragraph, not a column.
NOTE_WIDTH = 90


# ---------------------------------------------------------------------------------------------------- the renderer


def rich_report(report_view: ReportView) -> Group:
    """Everything a report shows, in order: the verdict, then each section's tables."""
    parts: list[RenderableType] = []
    if report_view.byline:
        parts.append(Text(report_view.byline, style="dim"))
    parts.append(Text(report_view.verdict, style="bold"))
    for section in report_view.sections:
        if not section.tables[0].title.startswith(section.title):  # no table title names the section
            parts.append(Text(section.title, style="bold"))
        parts += to_rich(section.tables)
    return Group(*parts)


def to_rich(tables: Sequence[Table]) -> list[RenderableType]:
    """Each table, followed by the lines listed under it (flags, failures, alternatives) when it has any."""
    rendered: list[RenderableType] = []
    for table in tables:
        rendered.append(rich_table(table))
        if table.items:
            rendered.append(rich_items(table.items))
    return rendered


def rich_items(items: Sequence[str]) -> Text:
    """Lines listed under a table, one "- " item each, as in Markdown."""
    return Text("\n".join(f"- {item}" for item in items))


def rich_table(table: Table) -> RichTable:
    """One table; its note is the caption. A compact table stacks the words of its figure columns' headers and
    keeps the figures on one line, so a dozen of them fit a terminal."""
    width = len(table.headers) or max((len(row) for row in table.rows), default=1)
    rich = RichTable(title=_annotation(table.title, "table.title"), caption=_annotation(table.note, "table.caption"),
                     title_justify="left", caption_justify="left", box=box.SIMPLE_HEAD,
                     show_header=bool(table.headers), collapse_padding=table.compact, pad_edge=not table.compact,
                     min_width=min(NOTE_WIDTH, len(table.note)) or None)
    for column, header in enumerate(table.headers or ("",) * width):
        numeric = table.is_numeric(column)
        rich.add_column(header.replace(" ", "\n") if numeric and table.compact else header, overflow="fold",
                        justify="right" if numeric else "left",
                        no_wrap=table.is_label(column) or (numeric and table.compact))
    for row in range(len(table.rows)):
        if heading := table.heading(row):
            rich.add_row(Text(heading, style="bold"), *[""] * (width - 1))
        cells = [rich_cell(cell) for cell in table.cells(row)]
        if not table.starts_group(row):
            cells[0] = Text("")
        group_ends = table.grouped and row + 1 < len(table.rows) and table.starts_group(row + 1)
        rich.add_row(*cells, end_section=group_ends)
    return rich


def rich_cell(cell: Cell) -> Text:
    """A cell as Text: a marked figure with its glyph, else its tone's colour, bold when strong."""
    if cell.mark:
        style, glyph = MARK_STYLE[cell.mark]
        return Text(cell.shown + glyph, style=style)
    style = " ".join(filter(None, ("bold" if cell.strong else "", TONE_STYLE.get(cell.tone, ""))))
    return Text(cell.shown, style=style)


def _annotation(text: str, style: str) -> Text | None:
    return Text(text, style=style) if text else None


# ---------------------------------------------------------------------------------------------------- the report


def report_group(card: Scorecard, claims: Sequence[ClaimResult], rows: Sequence[Measurement],
                 deployments: Sequence[DeployRecord] = (), profiles: Sequence[SizeProfile] = (),
                 debug: Sequence[DebugRecord] = (), probes: Sequence[ProbeRecord] = (),
                 machines: MachineComparison | None = None) -> Group:
    """Everything a study's console report shows, in order (the environment is left out: it is not given)."""
    return rich_report(view.build_view(card, claims, rows, deployments=deployments, profiles=profiles, debug=debug,
                                       probes=probes, machines=machines))


def _drawn(table: Table) -> RenderableType:
    """One table of the view with the lines under it."""
    parts = to_rich([table])
    return parts[0] if len(parts) == 1 else Group(*parts)


def scorecard_table(card: Scorecard) -> RenderableType:
    """One row per framework: rank, composite with its 95% interval, and P(first)."""
    return _drawn(view.scorecard_table(card))


def dimension_table(card: Scorecard) -> RenderableType:
    """Dimension by framework, weight, tasks and significance, and the metrics that tell no framework apart."""
    return _drawn(view.dimension_table(card))


def sensitivity_table(card: Scorecard) -> RenderableType:
    """Each verdict, its leader, and whether a reasonable alternative definition changes the leader."""
    return _drawn(view.sensitivity_table(card))


def claims_table(results: Sequence[ClaimResult]) -> RenderableType:
    """One row per claim: its id and survey reference, the verdict, the statement and the numbers behind it."""
    return _drawn(view.claims_table(results))


def task_table(rows: Sequence[Measurement], *, frameworks: Sequence[str] = (), tasks: Sequence[str] = (),
               title: str = "Tasks") -> RenderableType:
    """Task by implementation (reporting.view.task_table), without the catalog's categories."""
    return _drawn(view.task_table(rows, frameworks=frameworks, tasks=tasks, title=title))


def size_table(profiles: Sequence[SizeProfile], frameworks: Sequence[str]) -> RenderableType:
    """Per task and framework: the overhead share at each size and the FLOP/s achieved at the largest."""
    return _drawn(view.size_table(profiles, frameworks))


def machine_table(comparison: MachineComparison, frameworks: Sequence[str]) -> RenderableType:
    """Each task's speed on each machine and whether the frameworks' order changes (analyzer.machines)."""
    return _drawn(view.machine_table(comparison, frameworks))


def deployment_table(records: Sequence[DeployRecord], *, title: str = "Deployment") -> RenderableType:
    """Task by framework and path: the status and figures; the reasons are deployment_failures'."""
    return rich_table(dataclasses.replace(view.deployment_table(records), title=title, items=()))


def deployment_failures(records: Sequence[DeployRecord]) -> Text:
    """One line per path that did not pass: task, framework/path, status and reason."""
    return rich_items(view.deployment_table(records).items)


# ---------------------------------------------------------------------------------------------------- side by side


def side_by_side(task: str, rows: Sequence[Measurement], sources: Mapping[tuple[str, str], str]) -> RichTable:
    """A task's implementations in columns, each with its code and figures; best and worst defaults marked.

    `sources` maps (framework, variant) to the file's text (see reporting.files.task_sources).
    """
    found = index(rows)
    keys = sorted(sources, key=lambda k: (framework_order(k[0]), k[1] != DEFAULT_VARIANT, k[1]))
    table = RichTable(title=f"Task {escape(task)}", title_justify="left", box=box.SQUARE, show_lines=True,
                      expand=True)
    for key in keys:
        table.add_column(escape(implementation_label(*key)))
    figures: dict[tuple[str, str], list[str]] = {key: [] for key in keys}
    for metric, mode, header, _, scale in TASK_COLUMNS:
        values = {key: found[(task, *key, mode, metric)] for key in keys if (task, *key, mode, metric) in found}
        best, worst = extremes({fw: m.value for (fw, variant), m in values.items() if variant == DEFAULT_VARIANT},
                               higher_is_better=metric in HIGHER_IS_BETTER)
        for (fw, variant), m in values.items():
            text = number(m.value * scale) + (UNSTABLE if m.unstable else "")
            figures[(fw, variant)].append(f"{header}: " + (_markup(text, fw, best, worst) if variant == DEFAULT_VARIANT
                                                           else text))
    codes: list[RenderableType] = [Syntax(sources[key], "python", word_wrap=True, theme="ansi_light")
                                   for key in keys]
    table.add_row(*codes)
    table.add_row(*["\n".join(figures[key] + [f"status: {status_cell(found, task, *key)}"]) for key in keys])
    return table


def _markup(text: str, key: str, best: set[str], worst: set[str]) -> str:
    """Rich markup of a figure with its best/worst marker (figures only: nothing here is contributed text)."""
    if key in best:
        return f"[bold green]{text}{BEST}[/]"
    if key in worst:
        return f"[red]{text}{WORST}[/]"
    return text
