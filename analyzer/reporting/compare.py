"""What changed between two studies or reports, in the manner of pyperf's compare_to: for a pull request that edits
a pair, a framework upgrade, or two machines.

Per figure (task, implementation, mode, size, metric) present in both: the ratio new/old in words ("1.23x slower")
and whether the change is real:

- **exact** figures (static counts, passed, deployment paths, debuggability) change only when the code or the
  framework's behaviour did: every change counts;
- **timed** figures (median_s) carry a 95% interval: a change counts when the two intervals do not overlap;
- other **measured** figures (compile latency, memory, import and first-call times) carry none: a change counts when
  it exceeds the noise threshold (10% by default).

Changes that do not count are hidden unless asked for. The rest are sorted by effect size (|log ratio|); a summary
gives each framework's geometric-mean time ratio per mode and size, and the composites and dimension scores
side by side; claim verdicts that changed are listed. Figures present on one side only are counted, not listed, and
when the two environments differ (machine, modes, sizes, threads, versions) the comparison says what differs first.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

from rich import box
from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from analyzer.corpus import DEFAULT_VARIANT
from analyzer.report import Report
from analyzer.reporting.files import md, md_table
from analyzer.reporting.scorecard import dimension_name, number
from analyzer.scoring import DEBUG_FIELDS, DEPLOY_FIELDS, HIGHER_IS_BETTER, STATIC_FIELDS

EXACT = frozenset((*STATIC_FIELDS, *DEPLOY_FIELDS, *DEBUG_FIELDS, "passed"))
TIMED = frozenset({"median_s"})
#: Environment entries whose difference makes two studies measure different things.
CONDITIONS = ("cpu", "gpus", "cores_available", "threads_per_framework", "device_requested", "precision", "modes",
              "sizes", "frameworks", "analyzer")
NOISE = 0.10

Key = tuple[str, str, str, str, str, str]  #: task, framework, variant, mode, size, metric


@dataclass(frozen=True)
class Change:
    """One figure in both studies."""

    task: str
    framework: str
    variant: str
    mode: str
    size: str
    metric: str
    old: float
    new: float
    significant: bool  #: the change counts (see the module docstring)
    evidence: str  #: why it counts or not, in words

    @property
    def ratio(self) -> float | None:
        """new / old; None when old is zero."""
        return self.new / self.old if self.old else None

    @property
    def effect(self) -> float:
        """|log ratio|, for sorting; infinite when a figure went from or to zero."""
        if self.old == self.new:
            return 0.0
        if self.old <= 0 or self.new <= 0:
            return math.inf
        return abs(math.log(self.new / self.old))

    @property
    def worse(self) -> bool:
        if self.old == self.new:
            return False
        return (self.new < self.old) if self.metric in HIGHER_IS_BETTER else (self.new > self.old)

    def words(self) -> str:
        if self.old == self.new:
            return "same"
        if self.ratio is None or self.new == 0:
            return f"{number(self.old)} -> {number(self.new)}"
        factor = max(self.ratio, 1 / self.ratio)
        if self.metric in TIMED or self.metric.endswith("_s"):
            return f"{factor:.2f}x {'slower' if self.new > self.old else 'faster'}"
        return f"{factor:.2f}x {'higher' if self.new > self.old else 'lower'}"

    @property
    def implementation(self) -> str:
        return self.framework if self.variant == DEFAULT_VARIANT else f"{self.framework} ({self.variant})"


@dataclass(frozen=True)
class Score:
    """A composite or a dimension score of one framework, before and after."""

    framework: str
    name: str  #: "composite" or a dimension
    old: float | None
    new: float | None
    note: str = ""  #: the composites' intervals


@dataclass(frozen=True)
class Comparison:
    changes: tuple[Change, ...]  #: every figure in both that differs, significant or not, by effect size
    scores: tuple[Score, ...]
    verdicts: tuple[tuple[str, str, str], ...]  #: (claim id, old verdict, new verdict) where they differ
    environment: tuple[tuple[str, str, str], ...]  #: (key, old, new) where a condition differs
    only_old: int  #: figures measured in the old study only
    only_new: int
    #: framework, mode, size, geometric-mean time ratio new/old over tasks, tasks: where it is not 1
    geomeans: tuple[tuple[str, str, str, float, int], ...]

    @property
    def shown(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.significant)

    @property
    def hidden(self) -> int:
        return sum(not c.significant for c in self.changes)

    @property
    def unchanged(self) -> bool:
        return not (self.changes or self.verdicts or self.environment or self.only_old or self.only_new
                    or any(s.old != s.new for s in self.scores))

    def regressions(self, threshold: float) -> tuple[Change, ...]:
        """Significant changes for the worse by more than `threshold` (0.1 = 10%)."""
        return tuple(c for c in self.shown if c.worse and (c.ratio is None or abs(c.ratio - 1) > threshold))

    def warnings(self) -> list[str]:
        notes = [f"the two studies ran under different conditions ({', '.join(k for k, _, _ in self.environment)}): "
                 f"read the ratios as a comparison of settings, not of code"] if self.environment else []
        if self.only_old or self.only_new:
            notes.append(f"{self.only_old} figure(s) only in the old study and {self.only_new} only in the new one "
                         f"(modes, sizes, tasks or frameworks that one of them did not measure) are not compared")
        return notes


def compare(old: Report, new: Report, *, noise: float = NOISE) -> Comparison:
    """What changed from `old` to `new`."""
    before, after = _figures(old), _figures(new)
    changes = []
    for key in sorted(set(before) & set(after)):
        (a, interval_a), (b, interval_b) = before[key], after[key]
        if a != b:
            changes.append(Change(*key, a, b, *_significance(key[5], a, b, interval_a, interval_b, noise)))
    changes.sort(key=lambda c: (-c.effect, c.task, c.framework, c.metric))
    return Comparison(
        tuple(changes), _scores(old, new), _verdicts(old, new), _environment(old, new),
        len(set(before) - set(after)), len(set(after) - set(before)), _geomeans(before, after),
    )


def _figures(report: Report) -> dict[Key, tuple[float, tuple[float, float] | None]]:
    intervals = {(r.task, r.framework, r.variant, r.mode, r.size): (r.timing.ci_low_s, r.timing.ci_high_s)
                 for r in report.study.runs if r.timing is not None}
    return {(r.task, r.framework, r.variant, r.mode, r.size, r.metric):
            (r.value, intervals.get((r.task, r.framework, r.variant, r.mode, r.size)) if r.metric in TIMED else None)
            for r in report.rows}


def _significance(metric: str, old: float, new: float, a: tuple[float, float] | None,
                  b: tuple[float, float] | None, noise: float) -> tuple[bool, str]:
    if metric in EXACT:
        return True, "exact"
    if a is not None and b is not None:
        apart = a[1] < b[0] or b[1] < a[0]
        return apart, "95% intervals apart" if apart else "95% intervals overlap"
    relative = abs(new - old) / abs(old) if old else math.inf
    above = relative > noise
    return above, f"no interval: {'above' if above else 'below'} {noise:.0%} noise"


def _geomeans(before: Mapping[Key, tuple], after: Mapping[Key, tuple]) -> tuple[tuple[str, str, str, float, int], ...]:
    logs: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for key in set(before) & set(after):
        task, framework, variant, mode, size, metric = key
        a, b = before[key][0], after[key][0]
        if metric in TIMED and variant == DEFAULT_VARIANT and a > 0 and b > 0:
            logs[(framework, mode, size)].append(math.log(b / a))
    means = ((fw, mode, size, math.exp(sum(v) / len(v)), len(v)) for (fw, mode, size), v in sorted(logs.items()))
    return tuple(row for row in means if abs(row[3] - 1) >= 5e-4)  # only what changed


def _scores(old: Report, new: Report) -> tuple[Score, ...]:
    def table(report: Report) -> dict[tuple[str, str], tuple[float, str]]:
        card = report.scorecard
        found = {(c.framework, "composite"): (c.composite, f"{c.ci_low:.1f}–{c.ci_high:.1f}") for c in card.composites}
        found.update({(d.framework, d.dimension): (d.score, "") for d in card.dimensions})
        return found

    a, b = table(old), table(new)
    scores = []
    for key in sorted(set(a) | set(b), key=lambda k: (k[1] != "composite", k[1], k[0])):
        notes = " -> ".join(filter(None, (a.get(key, (0, ""))[1], b.get(key, (0, ""))[1])))
        scores.append(Score(key[0], key[1], a[key][0] if key in a else None, b[key][0] if key in b else None, notes))
    return tuple(scores)


def _verdicts(old: Report, new: Report) -> tuple[tuple[str, str, str], ...]:
    before = {r.claim.id: r.verdict for r in old.claims}
    after = {r.claim.id: r.verdict for r in new.claims}
    return tuple((cid, before.get(cid, "-"), after.get(cid, "-")) for cid in sorted(set(before) | set(after))
                 if before.get(cid) != after.get(cid))


def _environment(old: Report, new: Report) -> tuple[tuple[str, str, str], ...]:
    a, b = old.study.environment, new.study.environment
    machines = [r.scorecard.settings.machine or r.study.machine for r in (old, new)]
    differ = (("machine", *machines),) if machines[0] != machines[1] else ()  # the run figures' machine
    return differ + tuple((key, _text(a.get(key)), _text(b.get(key))) for key in CONDITIONS
                          if a.get(key) != b.get(key))


def _text(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict):
        return "; ".join(f"{k} {_text(v)}" for k, v in sorted(value.items()))
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value) or "none"
    return str(value)


# ---------------------------------------------------------------------------------------------------- rendering

CHANGE_HEADERS = ("task", "implementation", "mode", "size", "metric", "old", "new", "change", "evidence")


def _change_cells(c: Change) -> list[str]:
    return [c.task, c.implementation, c.mode, c.size or "-", c.metric, number(c.old), number(c.new),
            c.words() + (" (worse)" if c.worse else " (better)"), c.evidence]


def _score_cells(s: Score) -> list[str]:
    name = "composite" if s.name == "composite" else dimension_name(s.name)
    digits = 1 if s.name == "composite" else 2
    value = [f"{v:.{digits}f}" if v is not None else "-" for v in (s.old, s.new)]
    return [s.framework, name, *value, s.note]


def _geomean_cells(row: tuple[str, str, str, float, int]) -> list[str]:
    framework, mode, size, ratio, tasks = row
    words = f"{max(ratio, 1 / ratio):.2f}x {'slower' if ratio > 1 else 'faster'}"
    return [framework, mode, size or "-", words, str(tasks)]


def comparison_renderable(comparison: Comparison, *, show_all: bool = False) -> Group:
    """Rich tables of a comparison: warnings, environment, summary, scores, verdicts, changes."""
    if comparison.unchanged:
        return Group("no changes")
    parts: list = [Text(f"warning: {note}", style="yellow") for note in comparison.warnings()]
    if comparison.environment:
        parts.append(_rich_table("Conditions that differ", ("condition", "old", "new"), comparison.environment))
    if comparison.geomeans:
        parts.append(_rich_table("Time per framework (geometric mean of new/old over tasks)",
                                 ("framework", "mode", "size", "change", "tasks"),
                                 [_geomean_cells(row) for row in comparison.geomeans]))
    changed_scores = [s for s in comparison.scores if s.old != s.new]
    if changed_scores:
        parts.append(_rich_table("Scores", ("framework", "score", "old", "new", "interval"),
                                 [_score_cells(s) for s in changed_scores]))
    if comparison.verdicts:
        parts.append(_rich_table("Claims", ("claim", "old", "new"), comparison.verdicts))
    changes = comparison.changes if show_all else comparison.shown
    if changes:
        parts.append(_rich_table("Changes, largest first", CHANGE_HEADERS, [_change_cells(c) for c in changes]))
    if comparison.hidden and not show_all:
        parts.append(Text(f"{comparison.hidden} change(s) within the noise hidden (--all shows them)"))
    return Group(*parts)


def _rich_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    return table


def comparison_markdown(comparison: Comparison, *, show_all: bool = False) -> str:
    """A comparison as GitHub Markdown, for a pull-request comment."""
    out = ["## usability-score: what changed", ""]
    if comparison.unchanged:
        return "\n".join(out + ["No changes.", ""])
    out += [f"> warning: {md(note)}" for note in comparison.warnings()]
    out += [""] if comparison.warnings() else []
    sections = [("Conditions that differ", ("condition", "old", "new"), comparison.environment),
                ("Time per framework", ("framework", "mode", "size", "change", "tasks"),
                 [_geomean_cells(row) for row in comparison.geomeans]),
                ("Scores", ("framework", "score", "old", "new", "interval"),
                 [_score_cells(s) for s in comparison.scores if s.old != s.new]),
                ("Claims", ("claim", "old", "new"), comparison.verdicts),
                ("Changes, largest first", CHANGE_HEADERS,
                 [_change_cells(c) for c in (comparison.changes if show_all else comparison.shown)])]
    for title, headers, rows in sections:
        if rows:
            out += [f"### {title}", "", md_table(headers, [[md(cell) for cell in row] for row in rows]), ""]
    if comparison.hidden and not show_all:
        out += [f"{comparison.hidden} change(s) within the noise hidden.", ""]
    return "\n".join(out)
