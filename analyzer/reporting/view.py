"""The report as data: every section built once from a scored study, then drawn three ways.

`report_view(report)` gives a ReportView: the verdict and the sections in order (scorecard, dimensions,
sensitivity, claims, the tasks at the primary size, input sizes, machines, deployment, debuggability, environment).
A section holds tables; a table holds headers, rows of cells, which columns are figures, a note and the lines
listed under it. A cell is its text plus how to show it: a best/worst mark, note symbols and a tone.

The renderers only lay these out: reporting.scorecard (rich, the console), reporting.files (Markdown) and
reporting.html (HTML through Jinja2 templates). What a cell says, which figure is marked and the order of the rows
are decided here, once, so the three reports cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from analyzer._version import __version__
from analyzer.catalog import catalog_categories, study_categories
from analyzer.claims import ClaimResult
from analyzer.machines import MachineComparison, machine_header, machine_note, machine_rows
from analyzer.model import DebugRecord, DeployRecord, ProbeRecord
from analyzer.overhead import SizeProfile
from analyzer.report import Report
from analyzer.reporting.wording import (
    BEST, COMPOSITE_HEADERS, DEPLOY_COLUMNS, DEPLOY_NOTE, FRAGILE, NONDETERMINISTIC, TASK_COLUMNS, UNSTABLE, WORST,
    alternative_notes, at_primary_size, byte_size, claim_evidence, composite_rows, correction_note, deploy_order,
    deploy_status, dimension_name, environment_lines, extremes, fragile_mark, frameworks_of, implementation_label,
    index, label, number, path_label, profile_note, profile_rows, scorecard_note, sensitivity_rows, significance,
    status_cell, tasks_title, verdict_text,
)
from analyzer.reporting.table import Cell, CellLike, Mark, Table, Tone, cell_of
from analyzer.scoring import COMPOSITE, DEFAULT_VARIANT, DIMENSIONS, HIGHER_IS_BETTER, Measurement, Scorecard

__all__ = ["Cell", "CellLike", "Mark", "Table", "Tone", "cell_of", "Section", "ReportView", "report_view", "build_view"]

REPORT_TITLE = "usability-score report"
#: A figure that is not there (not run, not measured).
MISSING = "–"
TASK_NOTE = (f"{BEST} best, {WORST} worst per task; {UNSTABLE} unstable timing; status ✓ passed, ✗ failed, · not run "
             f"(eager, compiled); {NONDETERMINISTIC} nondeterministic")
CLAIMS_NOTE = "paired claims: Wilcoxon signed-rank over tasks, not corrected across claims"
VERDICT_TONE: dict[str, Tone] = {"supported": "good", "contradicted": "bad", "inconclusive": "warn"}


@dataclass(frozen=True)
class Section:
    key: str  #: a stable name (scorecard, dimensions, ..., environment) for what a format adds (HTML's charts)
    title: str
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class ReportView:
    """A whole report, as every format shows it."""

    title: str
    byline: str  #: when and with which analyzer the study was made; "" when not known
    verdict: str  #: the scorecard in words (reporting.wording.verdict_text)
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


# ---------------------------------------------------------------------------------------------------- the report


def report_view(report: Report) -> ReportView:
    """Every section of a scored study's report, built once."""
    study = report.study
    return build_view(report.scorecard, report.claims, report.rows, deployments=study.deployments,
                      profiles=report.profiles, debug=study.debug, probes=study.probes, machines=report.machines,
                      environment=study.environment, categories=study_categories(study),
                      byline=f"{study.created or 'undated'} · analyzer {__version__}")


def build_view(card: Scorecard, claims: Sequence[ClaimResult], rows: Sequence[Measurement], *,
               deployments: Sequence[DeployRecord] = (), profiles: Sequence[SizeProfile] = (),
               debug: Sequence[DebugRecord] = (), probes: Sequence[ProbeRecord] = (),
               machines: MachineComparison | None = None, environment: Mapping[str, object] | None = None,
               categories: Mapping[str, str] | None = None, byline: str = "") -> ReportView:
    """The report from its parts (report_view takes them from a Report); a part left out leaves its section out.
    `categories` (task -> category) group the task table; None: the catalog at hand's."""
    from analyzer.reporting.debug import debug_tables

    size, at_size = at_primary_size(rows)
    sections = [Section("scorecard", "Scorecard", (scorecard_table(card),)),
                Section("dimensions", "Dimensions", (dimension_table(card),))]
    if card.sensitivity:
        sections.append(Section("sensitivity", "Sensitivity", (sensitivity_table(card),)))
    if claims:
        sections.append(Section("claims", "Claims", (claims_table(claims),)))
    tasks = task_table(at_size, frameworks=card.frameworks, title=tasks_title(size),
                       categories=catalog_categories() if categories is None else categories)
    sections.append(Section("tasks", tasks.title, (tasks,)))
    if profiles:
        sections.append(Section("sizes", "Input sizes", (size_table(profiles, card.frameworks),)))
    if machines is not None:
        sections.append(Section("machines", "Machines", (machine_table(machines, card.frameworks),)))
    if deployments:
        sections.append(Section("deployment", "Deployment", (deployment_table(deployments),)))
    if debug_found := tuple(debug_tables(debug, probes)):
        sections.append(Section("debuggability", "Debuggability", debug_found))
    if environment and environment_lines(environment):
        sections.append(Section("environment", "Environment", (environment_table(environment),)))
    return ReportView(REPORT_TITLE, byline, verdict_text(card), tuple(sections))


# ---------------------------------------------------------------------------------------------------- sections


def marked(text: str, key: str, best: set[str], worst: set[str], *, symbols: str = "") -> Cell:
    """A figure with its mark: best when `key` holds the best value, worst when it holds the worst."""
    mark: Mark = "best" if key in best else "worst" if key in worst else ""
    return Cell(text, mark=mark, symbols=symbols)


def scorecard_table(card: Scorecard) -> Table:
    """One row per framework: rank, composite (marked), its 95% interval and P(first)."""
    rows, best, worst = composite_rows(card)
    cells = tuple((rank, label(fw), marked(composite, fw, best, worst, symbols=fragile_mark(card, COMPOSITE, fw)),
                   interval, p_first) for rank, fw, composite, interval, p_first in rows)
    return Table("Scorecard", COMPOSITE_HEADERS, cells, scorecard_note(card), numeric=(True, False, True, True, True))


def dimension_table(card: Scorecard) -> Table:
    """Dimension by framework (scores in (0, 1], 1 = best on every task), weight, tasks and significance; the
    metrics that do not tell the frameworks apart listed under it."""
    flagged = {f.dimension for f in card.flags}
    rows = []
    for dimension in DIMENSIONS:
        name = dimension_name(dimension) + (" ⚑" if dimension in flagged else "")
        weight = number(card.weights.get(dimension, 0.0))
        if (why := card.skip_reason(dimension)) is not None:
            rows.append((Cell(name, tone="muted"), weight, "0", *[MISSING] * len(card.frameworks),
                         Cell(f"skipped: {why}", tone="muted")))
            continue
        scores = card.scores_of(dimension)
        best, worst = extremes({fw: d.score for fw, d in scores.items()}, higher_is_better=True)
        rows.append((name, weight, str(len(scores[card.frameworks[0]].tasks)),
                     *[marked(f"{scores[fw].score:.2f}", fw, best, worst, symbols=fragile_mark(card, dimension, fw))
                       for fw in card.frameworks],
                     significance(card, dimension)))
    note = ("score: geometric mean over tasks of the value relative to the best framework (1 = best everywhere); "
            f"⚑ a metric that does not tell frameworks apart; {FRAGILE} the leader of a fragile verdict (see "
            f"Sensitivity); {correction_note(card)}")
    flags = tuple(f"⚑ {f.metric} ({dimension_name(f.dimension)}): all frameworks tie on {f.tied_share:.0%} of "
                  f"{f.tasks} tasks" for f in card.flags)
    return Table("Dimensions", ("dimension", "weight", "tasks", *map(label, card.frameworks), "significance"),
                 tuple(rows), note, numeric=(False, True, True, *[True] * len(card.frameworks), False),
                 labels=(True,), items=flags)


def sensitivity_table(card: Scorecard) -> Table:
    """Each verdict, its leader, and whether a reasonable alternative definition changes the leader."""
    tones: dict[str, Tone] = {"fragile": "bad", "robust": "good"}
    rows = tuple((name, leader, Cell(status, tone=tones.get(status, "muted")), detail)
                 for name, leader, status, detail in sensitivity_rows(card))
    return Table("Sensitivity", ("verdict", "leader", "status", "leader under the alternatives that change it"), rows,
                 "Alternative definitions checked:", items=tuple(alternative_notes(card)))


def claims_table(results: Sequence[ClaimResult]) -> Table:
    """One row per claim: its id, survey reference, verdict, statement and the numbers behind the verdict."""
    rows = tuple((r.claim.id, r.claim.survey or "new",
                  Cell(r.verdict, symbols=FRAGILE if r.fragile else "", tone=VERDICT_TONE.get(r.verdict, ""),
                       strong=True),
                  r.claim.statement, Cell(claim_evidence(r), tone="note")) for r in results)
    return Table("Claims", ("claim", "survey", "verdict", "statement", "evidence"), rows, CLAIMS_NOTE,
                 labels=(True, True, True), grouped=True)


def task_table(rows: Sequence[Measurement], *, frameworks: Sequence[str] = (), tasks: Sequence[str] = (),
               title: str = "Tasks", categories: Mapping[str, str] | None = None) -> Table:
    """Task by implementation: static figures, times, memory, cold start and status; best and worst among the
    default implementations marked, variants listed after them unmarked (they are not scored). With `categories`
    (task -> category) the tasks are grouped under a heading per category."""
    found = index(rows)
    frameworks = list(frameworks) or frameworks_of(rows)
    categories = {t: c for t, c in (categories or {}).items() if any(r.task == t for r in rows)}
    keys = _implementations(rows, frameworks, tasks, categories)
    body: list[tuple[CellLike, ...]] = []
    headings, heading = [], None
    for task, fw, variant in keys:
        if categories and categories.get(task, "") != heading:
            heading = categories.get(task, "")
            headings.append((len(body), heading or "uncategorised"))
        cells = [_task_cell(found, (task, fw, variant), column, frameworks) for column in TASK_COLUMNS]
        body.append((task, implementation_label(fw, variant), *cells, status_cell(found, task, fw, variant)))
    headers = ("task", "implementation", *[header for _, _, header, _, _ in TASK_COLUMNS], "status")
    return Table(title, headers, tuple(body), TASK_NOTE, numeric=(False, False, *[True] * len(TASK_COLUMNS), False),
                 labels=(False, True, *[False] * len(TASK_COLUMNS), True), headings=tuple(headings), grouped=True,
                 compact=True)


def _implementations(rows: Sequence[Measurement], frameworks: Sequence[str], tasks: Sequence[str],
                     categories: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(task, framework, variant) in the task table's order: by category (uncategorised last) and task, the
    default implementations in the frameworks' order, then the variants."""
    order = {fw: i for i, fw in enumerate(frameworks)}
    place = {task: i for i, task in enumerate(tasks)}
    keys = {(r.task, r.framework, r.variant) for r in rows if not tasks or r.task in place}
    return sorted(keys, key=lambda k: (categories.get(k[0], "~"), place.get(k[0], 0), k[0], k[2] != DEFAULT_VARIANT,
                                       order.get(k[1], len(order)), k[1], k[2]))


def _task_cell(found: Mapping[tuple[str, str, str, str, str], Measurement], key: tuple[str, str, str],
               column: tuple[str, str, str, str, float], frameworks: Sequence[str]) -> Cell:
    """One figure of one implementation, marked against the default implementations of the same task."""
    task, fw, variant = key
    metric, mode, _, _, scale = column
    m = found.get((task, fw, variant, mode, metric))
    if m is None:
        return Cell(MISSING)
    text, symbols = number(m.value * scale), UNSTABLE if m.unstable else ""
    if variant != DEFAULT_VARIANT:
        return Cell(text, symbols=symbols)
    peers = {f: found[(task, f, DEFAULT_VARIANT, mode, metric)].value for f in frameworks
             if (task, f, DEFAULT_VARIANT, mode, metric) in found}
    best, worst = extremes(peers, higher_is_better=metric in HIGHER_IS_BETTER)
    return marked(text, fw, best, worst, symbols=symbols)


def size_table(profiles: Sequence[SizeProfile], frameworks: Sequence[str]) -> Table:
    """Per task and framework: the overhead share at each size and the FLOP/s achieved at the largest."""
    return Table("Input sizes: overhead-bound and compute-bound", ("task", *map(label, frameworks)),
                 tuple(map(tuple, profile_rows(profiles, frameworks))), profile_note(profiles, frameworks),
                 numeric=(False, *[True] * len(frameworks)))


def machine_table(comparison: MachineComparison, frameworks: Sequence[str]) -> Table:
    """Each task's speed on each machine and whether the frameworks' order changes (analyzer.machines)."""
    headers = machine_header(comparison, frameworks)
    numeric = (False, False, False, *[True] * len(frameworks), False, False)
    return Table("Machines: each framework's median on each machine", tuple(headers),
                 tuple(map(tuple, machine_rows(comparison, frameworks))), machine_note(comparison), numeric=numeric)


def deployment_table(records: Sequence[DeployRecord]) -> Table:
    """Task by framework and path: the status, artifact size, export and reload time, latency and export lines;
    the reason of every path that did not pass listed under it."""
    tones: dict[str, Tone] = {"passed": "good", "skipped": "warn"}
    ordered = deploy_order(records)
    rows = tuple((r.task, label(r.framework), path_label(r), Cell(deploy_status(r), tone=tones.get(r.status, "bad")),
                  *_deploy_cells(r)) for r in ordered)
    failures = tuple(f"{r.task} {r.framework}/{r.path}: {deploy_status(r)}: {r.reason}" for r in ordered
                     if r.status != "passed")
    return Table("Deployment", ("task", "framework", "path", "status", *[h for h, _ in DEPLOY_COLUMNS]), rows,
                 f"{DEPLOY_NOTE}; {UNSTABLE} unstable timing", numeric=(False,) * 4 + (True,) * len(DEPLOY_COLUMNS),
                 labels=(False, True, True, True), items=failures, grouped=True, compact=True)


def _deploy_cells(record: DeployRecord) -> list[Cell]:
    """The figures of one deployment record, in DEPLOY_COLUMNS order."""
    latency = record.latency_s
    timed = Cell("-") if latency is None else Cell(number(latency * 1000.0),
                                                   symbols=UNSTABLE if record.latency.unstable else "")
    return [Cell(byte_size(record.artifact_bytes)), Cell(number(record.export_s)), Cell(number(record.reload_s)),
            timed, Cell(number(record.export_sloc))]


def environment_table(environment: Mapping[str, object]) -> Table:
    """The machine and the run, as name/value rows (a table without headers)."""
    return Table("Environment", (), tuple(environment_lines(environment)), numeric=(False, False))
