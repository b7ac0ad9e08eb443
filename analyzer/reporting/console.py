"""Rich console renderings of catalogs, validation findings and static metrics."""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from analyzer.catalog import Catalog
from analyzer.frameworks import FRAMEWORKS
from analyzer.model import FileMetrics, StaticReport
from analyzer.validation import Finding

STATUS_STYLE = {
    "passed": "green", "skipped": "yellow", "problem": "red", "wrong_answer": "red", "crashed": "red",
    "timed_out": "red",
}


def print_finding(console: Console, finding: Finding) -> None:
    """One line per finding; passes are shown briefly, problems with their reason."""
    style = STATUS_STYLE.get(finding.status, "red")
    line = f"[{style}]{finding.status:>12}[/] {escape(finding.task)} {escape(finding.subject)}"
    if finding.message:
        line += f": {escape(finding.message)}"
    console.print(line, highlight=False, soft_wrap=True)


def print_validation_summary(console: Console, findings: Sequence[Finding], *, tasks: int) -> None:
    counts = Counter(f.status for f in findings)
    parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    bad = sum(not f.ok for f in findings)
    verdict = "[green]all good[/]" if not bad else f"[red]{bad} problem(s)[/]"
    console.print(f"{tasks} task(s) checked: {parts or 'nothing to run'}; {verdict}", highlight=False)


def print_catalog(console: Console, catalog: Catalog) -> None:
    table = Table(title="usability-score catalog", show_lines=False)
    table.add_column("task")
    table.add_column("category")
    table.add_column("title")
    for fw in FRAMEWORKS.values():
        table.add_column(fw.label, justify="center")
    for task in catalog.tasks:
        cells = []
        for name in FRAMEWORKS:
            variants = task.variants(name)
            extra = [v for v in variants if v != "default"]
            mark = ("✓" if "default" in variants else "✗") + (f" +{','.join(extra)}" if extra else "")
            cells.append(f"[green]{mark}[/]" if "default" in variants else f"[red]{mark}[/]")
        spec = task.spec
        table.add_row(escape(task.id), spec.category if spec else "[red]no spec[/]",
                      escape(spec.title) if spec else "", *cells)
    console.print(table)
    categories = Counter(t.spec.category for t in catalog.tasks if t.spec)
    console.print(f"{len(catalog.tasks)} tasks in {len(categories)} categories: "
                  + ", ".join(f"{c} {n}" for c, n in sorted(categories.items())), highlight=False)


#: The figures of the static table: (field, header), lower is better for all of them.
STATIC_COLUMNS: tuple[tuple[str, str], ...] = (
    ("sloc", "SLOC"), ("statements", "stmts"), ("cyclomatic", "cyclo"), ("cognitive", "cognit"),
    ("api_calls", "calls"), ("api_distinct", "APIs"), ("ceremony_total", "cerem"), ("api_unresolved", "unres"),
)
#: Columns that describe the measurement rather than the code, so they are never highlighted as "best".
_NOT_RANKED = {"api_unresolved"}


def static_table(report: StaticReport) -> Table:
    """Task by framework, figures side by side; the lowest figure per task and column in bold green."""
    table = Table(title=f"Static figures: {escape(report.corpus)}", title_justify="left", box=box.SIMPLE_HEAD,
                  caption="lowest per task in bold green; calls: framework call sites; APIs: distinct APIs; "
                          "cerem: ceremony; unres: calls left unresolved", caption_justify="left")
    table.add_column("task", no_wrap=True)
    table.add_column("framework", no_wrap=True)
    for _, header in STATIC_COLUMNS:
        table.add_column(header, justify="right")
    by_task: dict[str, list[FileMetrics]] = {}
    for metrics in report.files:
        by_task.setdefault(metrics.task, []).append(metrics)
    for index, task in enumerate(sorted(by_task)):
        rows = sorted(by_task[task], key=lambda m: (_framework_order(m.framework), m.variant))
        best = {field: min(getattr(m, field) for m in rows) for field, _ in STATIC_COLUMNS}
        for position, metrics in enumerate(rows):
            cells = []
            for field, _ in STATIC_COLUMNS:
                value = getattr(metrics, field)
                ranked = len(rows) > 1 and field not in _NOT_RANKED and value == best[field]
                cells.append(f"[bold green]{value}[/]" if ranked else str(value))
            table.add_row(escape(task) if position == 0 else "", escape(_label(metrics)), *cells,
                          end_section=index < len(by_task) - 1 and position == len(rows) - 1)
    return table


def print_static(console: Console, report: StaticReport) -> None:
    if report.files:
        console.print(static_table(report))
    for problem in report.problems:
        console.print(f"[red]error[/] {escape(problem.path)}: {escape(problem.message)}", highlight=False,
                      soft_wrap=True)
    console.print(f"{len(report.files)} file(s) measured, {len(report.problems)} problem(s)", highlight=False)


def _label(metrics: FileMetrics) -> str:
    return metrics.framework if metrics.variant == "default" else f"{metrics.framework} ({metrics.variant})"


def _framework_order(name: str) -> int:
    order = list(FRAMEWORKS)
    return order.index(name) if name in order else len(order)
