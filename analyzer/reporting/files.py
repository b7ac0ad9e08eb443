"""Report files: JSON (complete, versioned: analyzer.report), tidy CSV, Markdown and HTML, written into one folder.

The JSON document holds the whole StudyResults document plus the scores and claim verdicts, so every other format
can be rendered again from it (`render_saved`) without measuring anything. Every string that comes from a task, a
file name or code is escaped in Markdown and HTML.
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path
from typing import Iterable, Sequence

from analyzer._version import __version__
from analyzer.catalog import catalog_categories
from analyzer.claims import ClaimResult
from analyzer.machines import MachineComparison, machine_header, machine_note, machine_rows
from analyzer.model import DeployRecord, StudyResults
from analyzer.overhead import SizeProfile
from analyzer.report import Report
from analyzer.scoring import DIMENSIONS, Measurement, Scorecard
from analyzer.store import read_report, report_text
from analyzer.tidy import COLUMNS, tidy_rows

#: Format name -> file written into the output folder.
FILES: dict[str, str] = {"json": "report.json", "csv": "measurements.csv", "md": "report.md", "html": "report.html"}
FORMATS = tuple(FILES)
#: A cell starting with one of these is a formula to a spreadsheet (CSV injection): such text cells get a leading '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------------------------------------------- files


def write_report(report: Report, out_dir: Path | str, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write the chosen formats into out_dir (created if needed); return the paths written."""
    from analyzer.reporting.html import html_report

    renderers = {"json": to_json, "csv": to_csv, "md": markdown, "html": html_report}
    formats = list(formats)
    unknown = [f for f in formats if f not in FILES]
    if unknown:
        raise ValueError(f"unknown format(s) {', '.join(unknown)}; expected some of {', '.join(FORMATS)}")
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
    for row in tidy_rows(report.study, settings=report.scorecard.settings, categories=catalog_categories()):
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


def markdown(report: Report) -> str:
    """The report in GitHub Markdown, for a README or a pull-request comment."""
    from analyzer.reporting.scorecard import at_primary_size, environment_lines, tasks_title, verdict_text

    card = report.scorecard
    environment = [f"- {md(name)}: {md(value)}" for name, value in environment_lines(report.study.environment)]
    out = ["# usability-score report", "",
           f"{md(report.study.created or 'undated')} · analyzer {md(__version__)}", "",
           f"**{md(verdict_text(card))}**", "",
           "## Scorecard", "", _md_scorecard(card), "", "## Dimensions", "", _md_dimensions(card)]
    if card.sensitivity:
        out += ["", "## Sensitivity", "", _md_sensitivity(card)]
    if report.claims:
        out += ["", "## Claims", "", _md_claims(report.claims)]
    size, at_size = at_primary_size(report.rows)
    out += ["", f"## {tasks_title(size)}", "", _md_tasks(at_size, card.frameworks), ""]
    profiles = report.profiles
    if profiles:
        out += ["## Input sizes", "", _md_sizes(profiles, card.frameworks), ""]
    if (machines := report.machines) is not None:
        out += ["## Machines", "", _md_machines(machines, card.frameworks), ""]
    if report.study.deployments:
        out += ["## Deployment", "", _md_deployments(report.study.deployments), ""]
    if report.study.debug or report.study.probes:
        from analyzer.reporting.debug import debug_tables, to_markdown

        out += ["## Debuggability", "", to_markdown(debug_tables(report.study.debug, report.study.probes))]
    if environment:
        out += ["## Environment", "", *environment, ""]
    return "\n".join(out)


def _md_marked(text: str, key: str, best: set[str], worst: set[str]) -> str:
    from analyzer.reporting.scorecard import BEST, WORST

    return f"**{text} {BEST}**" if key in best else (f"{text} {WORST}" if key in worst else text)


def _md_scorecard(card: Scorecard) -> str:
    from analyzer.reporting.scorecard import COMPOSITE_HEADERS, composite_rows, scorecard_note

    rows, best, worst = composite_rows(card)
    cells = [[rank, md(framework), _md_marked(text, framework, best, worst), interval, p_first]
             for rank, framework, text, interval, p_first in rows]
    return md_table(COMPOSITE_HEADERS, cells, "rlrrr") + "\n\n" + md(scorecard_note(card))


def _md_dimensions(card: Scorecard) -> str:
    from analyzer.reporting.scorecard import (
        FRAGILE, correction_note, dimension_name, extremes, fragile_mark, number, significance,
    )

    flagged = {f.dimension for f in card.flags}
    rows = []
    for dimension in DIMENSIONS:
        name = dimension_name(dimension) + (" ⚑" if dimension in flagged else "")
        weight = number(card.weights.get(dimension, 0.0))
        if (why := card.skip_reason(dimension)) is not None:
            skipped = f"skipped: {md(why)}"
            rows.append([name, weight, "0", *["–"] * len(card.frameworks), skipped])
            continue
        scores = card.scores_of(dimension)
        best, worst = extremes({fw: d.score for fw, d in scores.items()}, higher_is_better=True)
        rows.append([name, weight, str(len(scores[card.frameworks[0]].tasks)),
                     *[_md_marked(f"{scores[fw].score:.2f}{fragile_mark(card, dimension, fw)}", fw, best, worst)
                       for fw in card.frameworks],
                     md(significance(card, dimension))])
    headers = ["dimension", "weight", "tasks", *[md(fw) for fw in card.frameworks], "significance"]
    notes = [md("score: geometric mean over tasks of the value relative to the best framework (1 = best "
                f"everywhere); {FRAGILE} the leader of a fragile verdict (see Sensitivity). {correction_note(card)}.")]
    notes += [f"- ⚑ {md(f.metric)}: all frameworks tie on {f.tied_share:.0%} of {f.tasks} tasks" for f in card.flags]
    return md_table(headers, rows, "lrr" + "r" * len(card.frameworks) + "l") + "\n\n" + "\n".join(notes)


def _md_sensitivity(card: Scorecard) -> str:
    from analyzer.reporting.scorecard import alternative_notes, sensitivity_rows

    rows = [[md(name), md(leader), f"**{status}**" if status == "fragile" else status, md(detail)]
            for name, leader, status, detail in sensitivity_rows(card)]
    return (md_table(["verdict", "leader", "status", "leader under the alternatives that change it"], rows)
            + "\n\nAlternative definitions checked:\n\n" + "\n".join(f"- {md(n)}" for n in alternative_notes(card)))


def _md_machines(comparison: MachineComparison, frameworks: Sequence[str]) -> str:
    rows = [[md(cell) for cell in row] for row in machine_rows(comparison, frameworks)]
    header = [md(h) for h in machine_header(comparison, frameworks)]
    return md_table(header, rows, "lll" + "r" * len(frameworks) + "ll") + "\n\n" + md(machine_note(comparison))


def _md_sizes(profiles: Sequence[SizeProfile], frameworks: Sequence[str]) -> str:
    from analyzer.reporting.scorecard import profile_note, profile_rows

    rows = [[md(cell) for cell in row] for row in profile_rows(profiles, frameworks)]
    return (md_table(["task", *[md(fw) for fw in frameworks]], rows, "l" + "r" * len(frameworks)) + "\n\n"
            + md(profile_note(profiles, frameworks)))


def _md_claims(claims: Sequence[ClaimResult]) -> str:
    from analyzer.reporting.scorecard import claim_evidence, claim_verdict

    rows = [[md(r.claim.id), md(r.claim.survey or "new"), f"**{md(claim_verdict(r))}**", md(r.claim.statement),
             md(claim_evidence(r))] for r in claims]
    return md_table(["claim", "survey", "verdict", "statement", "evidence"], rows)


def _md_tasks(rows: Sequence[Measurement], frameworks: Sequence[str]) -> str:
    from analyzer.reporting.scorecard import TASK_COLUMNS, implementation_label, index, number, status_cell

    found = index(rows)
    order = {fw: i for i, fw in enumerate(frameworks)}
    keys = sorted({(r.task, r.framework, r.variant) for r in rows},
                  key=lambda k: (k[0], k[2] != "default", order.get(k[1], len(order)), k[1], k[2]))
    table = []
    for task, fw, variant in keys:
        cells = []
        for metric, mode, _, _, scale in TASK_COLUMNS:
            m = found.get((task, fw, variant, mode, metric))
            cells.append("–" if m is None else number(m.value * scale) + ("~" if m.unstable else ""))
        table.append([md(task), md(implementation_label(fw, variant)), *cells, status_cell(found, task, fw, variant)])
    headers = ["task", "implementation", *[h for _, _, h, _, _ in TASK_COLUMNS], "status"]
    return (md_table(headers, table, "ll" + "r" * len(TASK_COLUMNS) + "l")
            + "\n\n~ unstable timing; status ✓ passed, ✗ failed, · not run (eager, compiled); ≠ nondeterministic")


def _md_deployments(records: Sequence[DeployRecord]) -> str:
    from analyzer.reporting.scorecard import (
        DEPLOY_COLUMNS, DEPLOY_NOTE, UNSTABLE, deploy_cells, deploy_order, deploy_status, path_label,
    )

    ordered = deploy_order(records)
    rows = [[md(r.task), md(r.framework), md(path_label(r)),
             "passed" if r.status == "passed" else f"**{md(deploy_status(r))}**", *[md(cell) for cell in deploy_cells(r)]]
            for r in ordered]
    headers = ["task", "framework", "path", "status", *[h for h, _ in DEPLOY_COLUMNS]]
    failures = [f"- {md(r.task)} {md(r.framework)}/{md(r.path)}: {md(deploy_status(r))}: {md(r.reason)}"
                for r in ordered if r.status != "passed"]
    return "\n\n".join(part for part in (
        md_table(headers, rows, "llll" + "r" * len(DEPLOY_COLUMNS)),
        md(f"{DEPLOY_NOTE}; {UNSTABLE} unstable timing."),
        "\n".join(failures)) if part)
