"""Rich console renderings of catalogs, validation findings and static metrics."""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from analyzer.catalog import Catalog
from analyzer.frameworks import FRAMEWORKS
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
