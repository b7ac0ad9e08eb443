"""Rich console renderings of catalogs, validation findings and static metrics."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Sequence

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from analyzer.catalog import Catalog
from analyzer.corpus import DEFAULT_VARIANT
from analyzer.execution.stats import DISTURBED_RATIO
from analyzer.frameworks import FRAMEWORKS
from analyzer.model import NEVER_RAN, FileMetrics, RunRecord, StaticReport
from analyzer.spec import SIZES

if TYPE_CHECKING:
    from analyzer.validation import Finding

STATUS_STYLE = {
    "passed": "green", "skipped": "yellow", "not_applicable": "dim", "problem": "red", "wrong_answer": "red", "crashed": "red",
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
            extra = [v for v in variants if v != DEFAULT_VARIANT]
            mark = ("✓" if DEFAULT_VARIANT in variants else "✗") + (f" +{','.join(extra)}" if extra else "")
            cells.append(f"[green]{mark}[/]" if DEFAULT_VARIANT in variants else f"[red]{mark}[/]")
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
    return metrics.framework if metrics.variant == DEFAULT_VARIANT else f"{metrics.framework} ({metrics.variant})"


def _framework_order(name: str) -> int:
    order = list(FRAMEWORKS)
    return order.index(name) if name in order else len(order)


def run_table(records: Sequence[RunRecord], *, disturbed: Sequence[bool]) -> Table:
    """Task by framework: per mode the steady-state median (95% interval), first-call latency and memory.

    The fastest passing median per task and mode is in bold green; `~` marks an unstable timing (IQR above 10%
    of the median), `!` one taken on a disturbed machine and `≠` a nondeterministic result (a second fresh run
    differed). `disturbed` says, record by record, which timings were disturbed, as
    `analyzer.execution.stats.disturbed([r.timing for r in records])` computes it (its machine probe ran more
    than DISTURBED_RATIO times slower than the fastest probe among these records): the table draws, it does not
    measure.
    """
    if len(disturbed) != len(records):
        raise ValueError(f"run_table: disturbed has {len(disturbed)} entries for {len(records)} records")
    modes = [m for m in ("eager", "compiled") if any(r.mode == m for r in records)]
    table = Table(title="Runs", title_justify="left", box=box.SIMPLE_HEAD,
                  caption="median ms per run() call [95% CI]; first: setup + first call (compilation included); "
                          f"~ unstable (IQR > 10% of median); ! disturbed machine (probe > {DISTURBED_RATIO:g}x "
                          "its fastest); ≠ nondeterministic", caption_justify="left")
    table.add_column("task", no_wrap=True)
    table.add_column("framework", no_wrap=True)
    for mode in modes:
        table.add_column(f"{mode} ms", justify="right")
        table.add_column("first s", justify="right")
    table.add_column("mem MiB", justify="right")
    by_key = {r.key: r for r in records}
    sizes = sorted({r.size for r in records}, key=lambda size: (SIZES.index(size) if size in SIZES else 9, size))
    rows = sorted({(r.task, r.size, r.framework, r.variant) for r in records},
                  key=lambda k: (k[0], sizes.index(k[1]), _framework_order(k[2]), k[3]))
    disturbed_keys = {r.key for r, hit in zip(records, disturbed) if hit}
    fastest = {}
    for (task, size, _, _), mode in ((row, mode) for row in rows for mode in modes):
        times = [r.timing.median_s for r in records if (r.task, r.size, r.mode) == (task, size, mode) and r.timing]
        fastest[(task, size, mode)] = min(times) if times else None
    previous = None
    for task, size, framework, variant in rows:
        cells = []
        for mode in modes:
            key = (task, framework, variant, mode, size)
            cells.extend(_run_cells(by_key.get(key), fastest[(task, size, mode)], disturbed=key in disturbed_keys))
        memory = [r.peak_host_mb for m in modes if (r := by_key.get((task, framework, variant, m, size)))
                  and r.peak_host_mb]
        label = framework if variant == "default" else f"{framework} ({variant})"
        title = task if len(sizes) == 1 else f"{task} ({size})"
        table.add_row(escape(title) if title != previous else "", escape(label), *cells,
                      f"{max(memory):.0f}" if memory else "")
        previous = title
    return table


def _run_cells(record: RunRecord | None, fastest: float | None, *, disturbed: bool) -> list[str]:
    if record is None:
        return ["", ""]
    if record.status != "passed" or record.timing is None:
        style = "dim" if record.status in NEVER_RAN else "red"
        return [f"[{style}]{record.status}[/]", ""]
    timing = record.timing
    text = f"{timing.median_s * 1e3:.3g} [{timing.ci_low_s * 1e3:.3g}–{timing.ci_high_s * 1e3:.3g}]"
    if fastest is not None and timing.median_s == fastest:
        text = f"[bold green]{text}[/]"
    flags = ("~" if timing.unstable else "") + ("!" if disturbed else "") + ("≠" if record.nondeterministic else "")
    first = f"{record.first_result_s:.2f}" if record.first_result_s is not None else ""
    return [text + (f" {flags}" if flags else ""), first]


def print_failures(console: Console, records: Sequence[RunRecord]) -> None:
    """One line per run that did not pass (not-applicable runs are expected and not listed)."""
    for record in records:
        if record.status in ("passed", "not_applicable"):
            continue
        style = STATUS_STYLE.get(record.status, "red")
        label = record.framework + ("" if record.variant == "default" else f"/{record.variant}")
        console.print(f"[{style}]{record.status:>12}[/] {escape(record.task)} {escape(label)} {record.mode}: "
                      f"{escape(record.reason)}", highlight=False, soft_wrap=True)
