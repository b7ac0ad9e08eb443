"""Report files: JSON (complete, versioned: analyzer.report), tidy CSV, Markdown and HTML, written into one folder;
and the Markdown renderer of the report view (reporting.view), which only lays its tables out.

The JSON document holds the whole StudyResults document plus the scores and claim verdicts, so every other format
can be rendered again from it (`render_saved`) without measuring anything. Every string that comes from a task, a
file name or code is escaped in Markdown (`md`) and HTML (reporting.html).
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path
from typing import Iterable, Sequence

from analyzer.catalog import study_categories
from analyzer.model import StudyResults
from analyzer.report import Report
from analyzer.reporting.view import Cell, ReportView, Table, report_view
from analyzer.reporting.wording import BEST, WORST
from analyzer.store import read_report, report_text
from analyzer.tidy import COLUMNS, tidy_rows

#: Format name -> file written into the output folder.
FILES: dict[str, str] = {"json": "report.json", "csv": "measurements.csv", "md": "report.md", "html": "report.html"}
FORMATS = tuple(FILES)
#: A cell starting with one of these is a formula to a spreadsheet (CSV injection): such text cells get a leading '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------------------------------------------- files


def write_report(report: Report, out_dir: Path | str, formats: Iterable[str] = FORMATS, *,
                 view: ReportView | None = None) -> list[Path]:
    """Write the chosen formats into out_dir (created if needed); return the paths written. Markdown and HTML draw
    one report view, `view` when the caller has built it already (for the console), else built here once."""
    from analyzer.reporting.html import html_report

    formats = list(formats)
    unknown = [f for f in formats if f not in FILES]
    if unknown:
        raise ValueError(f"unknown format(s) {', '.join(unknown)}; expected some of {', '.join(FORMATS)}")
    if view is None and {"md", "html"} & set(formats):
        view = report_view(report)
    renderers = {"json": to_json, "csv": to_csv, "md": lambda r: markdown(r, view=view),
                 "html": lambda r: html_report(r, view=view)}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in formats:
        path = out / FILES[name]
        path.write_text(renderers[name](report), encoding="utf-8", newline="")
        written.append(path)
    return written


def render_saved(json_path: Path | str, out_dir: Path | str, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Render any formats again from a saved report.json, measuring and scoring nothing."""
    return write_report(read_report(json_path), out_dir, formats)


def task_sources(study: StudyResults, task: str, *, root: Path | str = ".") -> dict[tuple[str, str], str]:
    """(framework, variant) -> source text of a task's implementations, for the side-by-side view.

    Paths are tried as saved (relative to `root`), then under root/<corpus>/<task>/; a file that cannot be read
    gives a one-line note instead of its text.
    """
    sources = {}
    files = study.static.files if study.static else ()
    for metrics in (f for f in files if f.task == task):
        saved = Path(metrics.path)
        candidates = [saved if saved.is_absolute() else Path(root) / saved,
                      Path(root) / study.static.corpus / task / saved.name]  # type: ignore[union-attr]
        text = next((p.read_text(encoding="utf-8", errors="replace") for p in candidates if p.is_file()), None)
        sources[(metrics.framework, metrics.variant)] = text if text is not None else f"# source not found: {saved}"
    return sources


# ---------------------------------------------------------------------------------------------------- JSON, CSV


def to_json(report: Report) -> str:
    """The complete, versioned JSON document (analyzer.store.report_text)."""
    return report_text(report)


def to_csv(report: Report) -> str:
    """Tidy CSV, the same table as the Python API's frame (analyzer.tidy: one measurement per line with its
    category, interval, unit, status, machine and run id); text cells that a spreadsheet would read as a formula
    are neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in tidy_rows(report.study, settings=report.scorecard.settings, categories=study_categories(report.study)):
        writer.writerow([csv_text(cell) if isinstance(cell, str) else "" if cell != cell else repr(cell)
                         for cell in row])  # NaN (no interval) as an empty cell
    return buffer.getvalue()


def csv_text(text: str) -> str:
    """A text cell no spreadsheet evaluates: one starting like a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_START) else text


# ---------------------------------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#<>!~])")


def md(text: object) -> str:
    """Text made safe for a Markdown table cell: HTML escaped, Markdown syntax and pipes backslash-escaped."""
    flat = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))


def md_table(headers: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> str:
    """A GitHub Markdown table; cells must already be escaped. align: one of l/r per column."""
    align = align or "l" * len(headers)
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join(":---" if a == "l" else "---:" for a in align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(report: Report, *, view: ReportView | None = None) -> str:
    """The report in GitHub Markdown, for a README or a pull-request comment (`view`: its view, if built)."""
    return markdown_view(view or report_view(report))


def markdown_view(view: ReportView) -> str:
    """A report view in Markdown: the title, when and how it was made, the verdict, then each section."""
    out = [f"# {md(view.title)}", ""]
    if view.byline:
        out += [md(view.byline), ""]
    out += [f"**{md(view.verdict)}**", ""]
    for section in view.sections:
        out += [f"## {md(section.title)}", "", *md_tables(section.tables, heading=section.title)]
    return "\n".join(out)


def md_tables(tables: Sequence[Table], *, heading: str = "") -> list[str]:
    """Each table as lines: its title (unless it is the section's `heading`), the table, its note and the lines
    listed under it, each followed by a blank line."""
    out: list[str] = []
    for table in tables:
        if table.title != heading:
            out += [f"### {md(table.title)}", ""]
        out += [md_view_table(table), ""]
        if table.note:
            out += [md(table.note), ""]
        if table.items:
            out += [*(f"- {md(item)}" for item in table.items), ""]
    return out


def md_view_table(table: Table) -> str:
    """A table of the view; one without headers is a list of "name: value" lines."""
    if not table.headers:
        return "\n".join("- " + ": ".join(md(cell) for cell in row) for row in table.rows)
    rows = []
    for row in range(len(table.rows)):
        if heading := table.heading(row):
            rows.append([f"**{md(heading)}**", *[""] * (len(table.headers) - 1)])
        rows.append([md_cell(cell) for cell in table.cells(row)])
    align = "".join("r" if table.is_numeric(column) else "l" for column in range(len(table.headers)))
    return md_table([md(header) for header in table.headers], rows, align)


def md_cell(cell: Cell) -> str:
    """A cell: the best figure bold with ▲, the worst with ▼; bad and warning words (and a row's finding) bold,
    where the other formats have colour."""
    text = md(cell.shown)
    if cell.mark == "best":
        return f"**{text} {BEST}**"
    if cell.mark == "worst":
        return f"{text} {WORST}"
    return f"**{text}**" if cell.strong or cell.tone in ("bad", "warn") else text
