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

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from analyzer.claims import ClaimResult
from analyzer.model import StudyResults
from analyzer.reporting.files import REPORT_FORMAT, Report, ReportError, build_report, read_json, report_from_data
from analyzer.scoring import DEBUG_FIELDS, DIMENSIONS, Measurement, Scorecard, ScoringSettings, measurements

if TYPE_CHECKING:  # pragma: no cover
    import pandas

#: Columns of the tidy frame, in order.
COLUMNS = ("task", "category", "framework", "variant", "mode", "size", "metric", "value", "ci_low", "ci_high", "unit",
           "status", "machine", "run_id")
UNITS = {
    "median_s": "s", "iqr_s": "s", "best_s": "s", "compile_s": "s", "import_s": "s", "first_result_s": "s",
    "cold_start_s": "s", "peak_host_mb": "MiB", "peak_device_mb": "MiB", "max_abs_err": "", "max_rel_err": "",
    "passed": "0/1", "sloc": "lines", "statements": "statements", "tokens": "tokens", "deploy_paths": "paths",
    "debug_score": "score 0-1", **{name: "share" for name in DEBUG_FIELDS if name != "debug_score"},
}


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
        found = (machine_of(p.study.environment) for p in self.parts) if self.parts else [
            machine_of(self.study.environment)]
        return tuple(dict.fromkeys(found))

    def report(self, *, weights: Path | str | None = None, claims: Path | str | None = None) -> Report:
        """The scored study: the saved report when read from one and no other weights or claims are asked for,
        else scored now (shipped weights and claims unless paths are given)."""
        if self.saved is not None and weights is None and claims is None:
            return self.saved
        if len(self.machines) > 1:
            raise LoadError(f"{self.source}: records of {len(self.machines)} machines ({'; '.join(self.machines)}) "
                            f"have one scorecard each: score each part, or compare them in to_frame()")
        return build_report(self.study, weights_path=weights, claims_path=claims)

    def scorecard(self, **options: Any) -> Scorecard:
        return self.report(**options).scorecard

    def claims(self, **options: Any) -> tuple[ClaimResult, ...]:
        return self.report(**options).claims

    def measurements(self) -> tuple[Measurement, ...]:
        settings = self.saved.scorecard.settings if self.saved else ScoringSettings()
        return measurements(self.study, device=settings.device, size=settings.size)

    def to_frame(self) -> "pandas.DataFrame":
        """One row per measurement (COLUMNS): static figures, run figures per mode and size (median_s with its 95%
        interval), deployment and debuggability figures; with the task's category, the unit, the status of the
        runs behind the row, and the machine (CPU and GPUs) and run id (the study's creation time) it came from."""
        import pandas as pd

        if self.parts:
            return pd.concat([part.to_frame() for part in self.parts], ignore_index=True)
        return pd.DataFrame(self._records(), columns=list(COLUMNS))

    def _records(self) -> Iterable[tuple[Any, ...]]:
        runs = {(r.task, r.framework, r.variant, r.mode, r.size): r for r in self.study.runs}
        machine, run_id = machine_of(self.study.environment), self.study.created
        for row in sorted(self.measurements(), key=lambda r: (r.task, r.framework, r.variant, r.mode, r.size,
                                                              r.metric)):
            run = runs.get((row.task, row.framework, row.variant, row.mode, row.size))
            low = high = math.nan
            if row.metric == "median_s" and run is not None and run.timing is not None:
                low, high = run.timing.ci_low_s, run.timing.ci_high_s
            status = run.status if run is not None else "measured"
            yield (row.task, self.categories.get(row.task, ""), row.framework, row.variant, row.mode, row.size,
                   row.metric, row.value, low, high, UNITS.get(row.metric, ""), status, machine, run_id)

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
        return Results(report.study, str(path), report, catalog_categories())
    try:
        study = StudyResults.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise LoadError(f"{path}: not a study this version reads ({type(exc).__name__}: {exc})") from None
    return Results(study, str(path), None, catalog_categories())


def merge(*parts: Results) -> Results:
    """One study from several (machines, shards, runs): every record kept, and each row of its frame still names
    the machine and run it came from. Parts of one machine (shards) score as one study; parts of several machines
    are read side by side (to_frame), each scored on its own. Static figures come from the first part with them."""
    if not parts:
        raise ValueError("merge needs at least one study")
    seen: dict[tuple[str, ...], str] = {}
    for part in parts:  # one figure measured twice on one machine: two settings, or a shard merged twice
        machine = machine_of(part.study.environment)
        for run in part.study.runs:
            key = (machine, run.task, run.framework, run.variant, run.mode, run.size, run.device, str(run.round))
            if key in seen and seen[key] != part.source:
                raise LoadError(f"{part.source} and {seen[key]} both hold {'/'.join(key[1:6])} measured on "
                                f"{machine or 'the same machine'}: merge parts that measured different jobs "
                                f"(shards), or machines")
            seen[key] = part.source
    runs, deployments, debug, probes = [], [], [], []
    for part in parts:
        runs += part.study.runs
        deployments += part.study.deployments
        debug += part.study.debug
        probes += part.study.probes
    static = next((p.study.static for p in parts if p.study.static is not None), None)
    first = {k: v for k, v in parts[0].study.environment.items() if k != "shard"}
    environment = {**first, "merged": [{"machine": machine_of(p.study.environment), "run_id": p.study.created,
                                        "shard": p.study.environment.get("shard", ""), "source": p.source}
                                       for p in parts]}
    study = StudyResults(static=static, runs=tuple(runs), environment=environment,
                         created=max(p.study.created for p in parts), deployments=tuple(deployments),
                         debug=tuple(debug), probes=tuple(probes))
    categories = {k: v for p in parts for k, v in p.categories.items()}
    flat = tuple(q for p in parts for q in (p.parts or (p,)))
    return Results(study, " + ".join(p.source for p in parts), None, categories, flat)


def machine_of(environment: Mapping[str, Any]) -> str:
    """A short name of the machine a study ran on: its CPU model and GPUs."""
    gpus = [str(g.get("name", "")) for g in environment.get("gpus", ()) if isinstance(g, dict)]
    return " + ".join(filter(None, [str(environment.get("cpu", "")), *gpus]))


def catalog_categories() -> dict[str, str]:
    """task -> category from the catalog of the current folder or the installed project (without running any of
    its code: task.toml files only)."""
    from analyzer.corpus import PROJECT_ROOT
    from analyzer.spec import SpecError, load_spec

    root = Path.cwd() if (Path.cwd() / "tasks").is_dir() else PROJECT_ROOT
    found = {}
    for folder in sorted((root / "tasks").glob("*")) if (root / "tasks").is_dir() else ():
        try:
            found[folder.name] = load_spec(folder).category
        except (SpecError, OSError):
            continue
    return found
