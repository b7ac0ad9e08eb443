"""What changed between two saved reports: for a pull request that edits a pair, or for a framework upgrade.

Per task, framework, variant, mode and metric: the old value, the new one and the change, for every value that
differs (or appeared, or went away); the composites and dimension scores; the claim verdicts; and the environment
(framework versions, hardware) so an upgrade shows as one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from rich import box
from rich.console import Group
from rich.markup import escape
from rich.table import Table

from analyzer.reporting.files import Report, md, md_table
from analyzer.reporting.scorecard import dimension_name, number


@dataclass(frozen=True)
class Change:
    """One figure that differs between the old and the new report; None where it is absent."""

    task: str  #: "" for a composite or dimension score
    framework: str
    variant: str
    mode: str
    metric: str
    old: float | None
    new: float | None

    @property
    def change(self) -> float | None:
        return None if self.old is None or self.new is None else self.new - self.old

    @property
    def relative(self) -> float | None:
        """(new - old) / |old|; None when either is missing or old is zero."""
        if self.old is None or self.new is None or self.old == 0:
            return None
        return (self.new - self.old) / abs(self.old)


@dataclass(frozen=True)
class Comparison:
    """Everything that differs between two reports."""

    measurements: tuple[Change, ...]  #: raw figures, every variant
    scores: tuple[Change, ...]  #: composites (metric "composite") and dimension scores (metric: the dimension)
    verdicts: tuple[tuple[str, str, str], ...]  #: (claim id, old verdict, new verdict) where they differ
    environment: tuple[tuple[str, str, str], ...]  #: (key, old, new) where they differ

    @property
    def unchanged(self) -> bool:
        return not (self.measurements or self.scores or self.verdicts or self.environment)


def compare(old: Report, new: Report, *, min_relative: float = 0.0) -> Comparison:
    """What changed from `old` to `new`; figures whose relative change is at most `min_relative` are left out."""
    measurement_changes = _changes(
        {(r.task, r.framework, r.variant, r.mode, r.metric): r.value for r in old.rows},
        {(r.task, r.framework, r.variant, r.mode, r.metric): r.value for r in new.rows}, min_relative)
    return Comparison(measurement_changes, _changes(_scores(old), _scores(new), min_relative),
                      _verdicts(old, new), _environment(old.study.environment, new.study.environment))


Key = tuple[str, str, str, str, str]


def _changes(old: Mapping[Key, float], new: Mapping[Key, float], min_relative: float) -> tuple[Change, ...]:
    changes = []
    for key in sorted(set(old) | set(new)):
        change = Change(*key, old=old.get(key), new=new.get(key))
        if change.old == change.new:
            continue
        if change.relative is not None and abs(change.relative) <= min_relative:
            continue
        changes.append(change)
    return tuple(changes)


def _scores(report: Report) -> dict[Key, float]:
    card = report.scorecard
    scores: dict[Key, float] = {("", c.framework, "default", "", "composite"): c.composite for c in card.composites}
    scores.update({("", d.framework, "default", "", d.dimension): d.score for d in card.dimensions})
    return scores


def _verdicts(old: Report, new: Report) -> tuple[tuple[str, str, str], ...]:
    before = {r.claim.id: r.verdict for r in old.claims}
    after = {r.claim.id: r.verdict for r in new.claims}
    return tuple((cid, before.get(cid, "-"), after.get(cid, "-")) for cid in sorted(set(before) | set(after))
                 if before.get(cid) != after.get(cid))


def _environment(old: Mapping[str, object], new: Mapping[str, object]) -> tuple[tuple[str, str, str], ...]:
    return tuple((key, _text(old.get(key)), _text(new.get(key))) for key in sorted(set(old) | set(new))
                 if old.get(key) != new.get(key))


def _text(value: object) -> str:
    return "-" if value is None else str(value)


def _cells(change: Change) -> list[str]:
    relative = change.relative
    delta = "added" if change.old is None else "removed" if change.new is None else (
        f"{number(change.change)} ({relative:+.1%})" if relative is not None else number(change.change))
    return [number(change.old), number(change.new), delta]


# ---------------------------------------------------------------------------------------------------- rendering


def comparison_renderable(comparison: Comparison) -> Group:
    """Rich tables of a comparison: environment, scores, verdicts, measurements."""
    if comparison.unchanged:
        return Group("no changes")
    parts = []
    if comparison.environment:
        table = Table(title="Environment", title_justify="left", box=box.SIMPLE_HEAD)
        for header in ("key", "old", "new"):
            table.add_column(header)
        for key, old, new in comparison.environment:
            table.add_row(escape(key), escape(old), escape(new))
        parts.append(table)
    if comparison.scores:
        table = Table(title="Scores", title_justify="left", box=box.SIMPLE_HEAD)
        for header, justify in (("framework", "left"), ("score", "left"), ("old", "right"), ("new", "right"),
                                ("change", "right")):
            table.add_column(header, justify=justify)  # type: ignore[arg-type]
        for change in comparison.scores:
            table.add_row(escape(change.framework), dimension_name(change.metric), *_cells(change))
        parts.append(table)
    if comparison.verdicts:
        table = Table(title="Claims", title_justify="left", box=box.SIMPLE_HEAD)
        for header in ("claim", "old", "new"):
            table.add_column(header)
        for row in comparison.verdicts:
            table.add_row(*(escape(cell) for cell in row))
        parts.append(table)
    if comparison.measurements:
        parts.append(_measurements_table(comparison.measurements))
    return Group(*parts)


def _measurements_table(changes: Sequence[Change]) -> Table:
    table = Table(title="Measurements", title_justify="left", box=box.SIMPLE_HEAD)
    for header, justify in (("task", "left"), ("implementation", "left"), ("mode", "left"), ("metric", "left"),
                            ("old", "right"), ("new", "right"), ("change", "right")):
        table.add_column(header, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for c in changes:
        name = c.framework if c.variant == "default" else f"{c.framework} ({c.variant})"
        table.add_row(escape(c.task), escape(name), c.mode, escape(c.metric), *_cells(c))
    return table


def comparison_markdown(comparison: Comparison) -> str:
    """A comparison as GitHub Markdown, for a pull-request comment."""
    out = ["## usability-score: what changed", ""]
    if comparison.unchanged:
        return "\n".join(out + ["No changes.", ""])
    if comparison.environment:
        out += [md_table(["environment", "old", "new"], [[md(k), md(o), md(n)] for k, o, n in comparison.environment]),
                ""]
    if comparison.scores:
        out += [md_table(["framework", "score", "old", "new", "change"],
                         [[md(c.framework), md(dimension_name(c.metric)), *_cells(c)] for c in comparison.scores],
                         "llrrr"), ""]
    if comparison.verdicts:
        out += [md_table(["claim", "old", "new"], [[md(cell) for cell in row] for row in comparison.verdicts]), ""]
    if comparison.measurements:
        rows = [[md(c.task), md(c.framework if c.variant == "default" else f"{c.framework} ({c.variant})"),
                 md(c.mode), md(c.metric), *_cells(c)] for c in comparison.measurements]
        out += [md_table(["task", "implementation", "mode", "metric", "old", "new", "change"], rows, "llllrrr"), ""]
    return "\n".join(out)
