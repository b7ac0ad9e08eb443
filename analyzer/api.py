"""The Python API: read a study or a report and get its figures as pandas DataFrames, its scorecard and claims.

    from analyzer import load, merge

    results = load("results")                 # a folder holding study.json or report.json, or either file
    frame = results.to_frame()                # one tidy row per measurement
    frame.query("metric == 'median_s' and size == 'medium'").pivot_table(
        index="task", columns="framework", values="value")
    results.scorecard_frame()                 # rank, composite, interval, P(first) per framework
    results.dimensions_frame()                # dimension x framework scores
    print(results.to_latex())                 # both tables, for a paper
    both = merge(load("machine_a"), load("machine_b"))   # rows keep their machine and run id

Nothing here measures or runs anything; importing it imports no deep-learning framework (pandas only when a frame
is asked for).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from analyzer.claims import ClaimResult
from analyzer.model import StudyResults
from analyzer.catalog import catalog_categories, study_categories
from analyzer.orchestration import build_report
from analyzer.report import REPORT_FORMAT, Report, ReportError, report_from_data
from analyzer.scoring import DIMENSIONS, Measurement, Scorecard, ScoringSettings, measurements
from analyzer.store import read_json
from analyzer.tidy import COLUMNS, UNITS, on_machine, tidy_rows

__all__ = ["COLUMNS", "UNITS", "LoadError", "Results", "load", "merge", "catalog_categories"]

if TYPE_CHECKING:  # pragma: no cover
    import pandas

class LoadError(ValueError):
    """A path that holds no study or report this version reads; the message names it and says why."""


@dataclass(frozen=True)
class Results:
    """A study (and, when read from a report.json, the scorecard and claims saved with it)."""

    study: StudyResults
    source: str = ""  #: where it was read from
    saved: Report | None = None  #: the report it was read from, if any
    categories: Mapping[str, str] = field(default_factory=dict)  #: task -> category, from the catalog at hand
    parts: tuple["Results", ...] = ()  #: the studies a merge was made of; () for one study

    @property
    def machines(self) -> tuple[str, ...]:
        """The machines its records come from."""
        return self.study.machines

    def report(self, *, weights: Path | str | None = None, claims: Path | str | None = None,
               machine: str = "") -> Report:
        """The scored study: the saved report when read from one and no other weights, claims or machine are asked
        for, else scored now (shipped weights and claims unless paths are given). A study of several machines is
        scored on `machine` (a name or a part of one, see machine_named), by default the one with the most passed
        runs."""
        if self.saved is not None and weights is None and claims is None and not machine:
            return self.saved
        settings = ScoringSettings(machine=self.machine_named(machine)) if machine else ScoringSettings()
        return build_report(self.study, weights_path=weights, claims_path=claims, settings=settings)

    def machine_named(self, text: str) -> str:
        """The one machine of the study whose name is `text` or contains it (case-insensitive)."""
        exact = [m for m in self.machines if m == text]
        found = exact or [m for m in self.machines if text.lower() in m.lower()]
        if len(found) != 1:
            said = "no machine" if not found else f"{len(found)} machines"
            raise LoadError(f"{self.source}: {said} named like {text!r}; its machines: {'; '.join(self.machines)}")
        return found[0]

    def scorecard(self, **options: Any) -> Scorecard:
        return self.report(**options).scorecard

    def claims(self, **options: Any) -> tuple[ClaimResult, ...]:
        return self.report(**options).claims

    def measurements(self) -> tuple[Measurement, ...]:
        settings = self.saved.scorecard.settings if self.saved else ScoringSettings()
        return measurements(self.study, device=settings.device, machine=settings.machine, size=settings.size)

    def to_frame(self) -> "pandas.DataFrame":
        """One row per measurement (analyzer.tidy.COLUMNS): static figures, run figures per mode and size
        (median_s with its 95% interval), deployment and debuggability figures; with the task's category, the unit,
        the status of the runs behind the row, and the machine (CPU and GPUs) and run id (the study's creation
        time) it came from."""
        import pandas as pd

        if self.parts:
            return pd.concat([part.to_frame() for part in self.parts], ignore_index=True)
        settings = self.saved.scorecard.settings if self.saved else ScoringSettings()
        return pd.DataFrame(list(tidy_rows(self.study, settings=settings, categories=self.categories)),
                            columns=list(COLUMNS))

    def on_machine(self, machine: str) -> "Results":
        """The part of the study measured on one machine (its static figures, deployments and debuggability pass
        included), as a study of its own."""
        return Results(on_machine(self.study, machine), f"{self.source} on {machine}", None, self.categories)

    def scorecard_frame(self, **options: Any) -> "pandas.DataFrame":
        """rank, framework, composite, ci_low, ci_high, p_first: one row per framework (rank empty where the
        scorecard covers too little to rank)."""
        import pandas as pd

        card = self.scorecard(**options)
        ranked = card.coverage.ranked
        rows = [(c.rank if ranked else None, c.framework, c.composite, c.ci_low, c.ci_high,
                 c.p_first if ranked else None) for c in sorted(card.composites, key=lambda c: c.rank)]
        return pd.DataFrame(rows, columns=["rank", "framework", "composite", "ci_low", "ci_high", "p_first"])

    def dimensions_frame(self, **options: Any) -> "pandas.DataFrame":
        """One row per dimension with data: its weight, tasks, and each framework's score (1 = best everywhere)."""
        import pandas as pd

        card = self.scorecard(**options)
        rows = []
        for dimension in DIMENSIONS:
            scores = card.scores_of(dimension)
            if scores:
                tasks = len(next(iter(scores.values())).tasks)
                rows.append({"dimension": dimension, "weight": card.weights.get(dimension, 0.0), "tasks": tasks,
                             **{fw: scores[fw].score for fw in card.frameworks if fw in scores}})
        return pd.DataFrame(rows)

    def to_latex(self, **options: Any) -> str:
        """The scorecard and dimension tables as LaTeX (booktabs), for a paper."""
        card = self.scorecard(**options)
        scorecard = self.scorecard_frame(**options).to_latex(
            index=False, float_format="%.2f", na_rep="--",
            caption=f"Composite scores. {card.coverage.describe().capitalize()}.", label="tab:scorecard")
        dimensions = self.dimensions_frame(**options).to_latex(
            index=False, float_format="%.2f", caption="Dimension scores (1 = best on every task).",
            label="tab:dimensions")
        return scorecard + "\n" + dimensions


def load(path: Path | str) -> Results:
    """Read a study.json, a report.json, or a folder holding either (report.json first)."""
    path = Path(path)
    if path.is_dir():
        found = [path / name for name in ("report.json", "study.json") if (path / name).is_file()]
        if not found:
            raise LoadError(f"{path}: holds neither report.json nor study.json")
        path = found[0]
    data = read_json(path, LoadError)
    if isinstance(data, dict) and data.get("format") == REPORT_FORMAT:
        try:
            report = report_from_data(path, data)
        except ReportError as exc:
            raise LoadError(str(exc)) from None
        return Results(report.study, str(path), report, study_categories(report.study))
    try:
        study = StudyResults.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise LoadError(f"{path}: not a study this version reads ({type(exc).__name__}: {exc})") from None
    return Results(study, str(path), None, study_categories(study))


def merge(*parts: Results, allow_mixed: bool = False) -> Results:
    """One study from several (machines, shards, runs): every record kept, each run naming the machine it was
    measured on, so that the merged study, written and read back, still tells them apart. Parts of one machine
    (shards) score as one study; a study of several machines is scored on one of them (ScoringSettings.machine)
    and read across machines in the report's Machines section and in to_frame(). Static figures come from the first
    part with them.

    Refused: a job measured twice on one machine (two settings, or a shard merged twice), and, unless
    `allow_mixed`, parts measured under different settings (MERGE_SETTINGS: threads, device, precision, the
    versions of usability-score and of the frameworks), whose figures would not measure the same thing."""
    if not parts:
        raise ValueError("merge needs at least one study")
    if not allow_mixed and (differ := mixed_settings(parts)):
        raise LoadError(f"{differ}; merge studies measured the same way, or pass --allow-mixed to keep them "
                        f"together anyway")
    seen: dict[tuple[str, ...], str] = {}
    runs = []
    for part in parts:
        for run in part.study.runs:
            machine = run.machine or part.study.machine
            key = (machine, run.task, run.framework, run.variant, run.mode, run.size, run.device, str(run.round))
            if key in seen and seen[key] != part.source:
                raise LoadError(f"{part.source} and {seen[key]} both hold {'/'.join(key[1:6])} measured on "
                                f"{machine or 'the same machine'}: merge parts that measured different jobs "
                                f"(shards), or machines")
            seen[key] = part.source
            runs.append(dataclasses.replace(run, machine=machine))
    deployments, debug, probes = [], [], []
    for part in parts:
        deployments += part.study.deployments
        debug += part.study.debug
        probes += part.study.probes
    static = next((p.study.static for p in parts if p.study.static is not None), None)
    first = {k: v for k, v in parts[0].study.environment.items() if k != "shard"}
    environment = {**first, "merged": [{"machine": p.study.machine, "run_id": p.study.created,
                                        "shard": p.study.environment.get("shard", ""), "source": p.source}
                                       for p in parts]}
    categories = {k: v for p in parts for k, v in p.categories.items()}
    study = StudyResults(static=static, runs=tuple(runs), environment=environment,
                         created=max(p.study.created for p in parts), deployments=tuple(deployments),
                         debug=tuple(debug), probes=tuple(probes), categories=categories)
    flat = tuple(q for p in parts for q in (p.parts or (p,)))
    return Results(study, " + ".join(p.source for p in parts), None, categories, flat)


#: Environment entries that must agree between the parts of a merged study (differences in the machine itself, CPU
#: and GPUs, are what a merge of machines is for; a framework's local build label, "+cpu" or "+cu126", is too).
MERGE_SETTINGS = ("analyzer", "threads_per_framework", "device_requested", "precision", "frameworks")


def mixed_settings(parts: Iterable[Results]) -> str:
    """'' when the parts were measured the same way, else what differs, in words (a framework absent from a part,
    one that ran only some frameworks, differs from nothing)."""
    parts = list(parts)
    for name in MERGE_SETTINGS:
        values = {p.source: _settings(p.study.environment, name) for p in parts}
        for item in sorted({item for found in values.values() for item in found}):
            seen = {source: found[item] for source, found in values.items() if item in found}
            if len(set(map(repr, seen.values()))) > 1:
                said = "; ".join(f"{source}: {value}" for source, value in seen.items())
                return f"the studies were measured under different {item} ({said})"
    return ""


def _settings(environment: Mapping[str, Any], name: str) -> dict[str, Any]:
    """One setting of an environment as {what: value}; the frameworks' entry as one item per library version."""
    value = environment.get(name)
    if name != "frameworks":
        return {name: value} if value is not None else {}
    return {f"{lib} version": str(version).split("+")[0]
            for libs in (value.values() if isinstance(value, dict) else ()) if isinstance(libs, dict)
            for lib, version in libs.items() if lib != "accelerators"}
