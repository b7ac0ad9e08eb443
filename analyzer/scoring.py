"""Measurements in, scores out: pure functions (the one exception, `load_weights`, reads the weights file).

How a score is made, step by step; every step is kept in the result, so each figure traces back to its records.

1. **Measurements.** `measurements()` flattens a StudyResults into tidy rows (task, framework, variant, mode,
   metric, value, sources). Static figures have mode "static". A run contributes `passed` (1 or 0) always and its
   other figures only when it passed: the time of a wrong answer is not a time of the task. Records of the same
   implementation from several interleaving rounds are combined by the study's one rule (analyzer.rounds):
   `passed` only if every round passed, then the samples pooled. Runs come from one device and one input size.
2. **Metrics and dimensions.** A scored metric is one raw figure in one mode (`METRICS`):

   =============== ==================================== =========================================================
   dimension       metric(s)                            note
   =============== ==================================== =========================================================
   conciseness     sloc                                 FileMetrics.sloc
   complexity      cognitive (+1)                       cyclomatic is 1-2 for almost all DL code: it cannot rank
   api_surface     api_distinct                         distinct fully qualified framework APIs
   ceremony        ceremony_total (+1)                  zero is common
   speed           median_s@eager, median_s@compiled    Timing.median_s; the two modes are separate metrics
   compile_latency compile_s@compiled (+0.01 s)         first call minus steady state; below 10 ms nobody waits
   memory          peak_host_mb@eager, @compiled (+10)  growth of the worker's resident memory during the job, MiB;
                                                        below ~10 MiB it is allocator and page granularity
   cold_start      cold_start_s@eager                   import_s + first_result_s of the eager run
   correctness     passed@eager, passed@compiled (+1)   1 passed, 0 not; a failure halves that task's value
   debuggability   debug_score@eager, @compiled (+0.1)  tasks of the debuggability pass: the mean over the injected
                                                        faults of analyzer.debugging.fault_score (1 handled, 0.4
                                                        an error, +0.3 localised, +0.3 informative, 0.1 a wrong
                                                        shape or NaN, 0 a silent wrong answer)
   deployment      deploy_paths (+1)                    model tasks only: the deployment paths (not legacy) whose
                                                        artifact reloaded in a fresh process and matched the
                                                        oracle; the +1 makes a framework with none score 1/3 of
                                                        one with two rather than nothing. Artifact sizes, export
                                                        and reload times and latencies are reported, not scored:
                                                        they differ in kind from path to path (a .tflite flat
                                                        buffer against a SavedModel folder)
   =============== ==================================== =========================================================

   Deployment figures come from StudyResults.deployments, one row per model task and framework (mode "deploy").
   A framework whose non-legacy path was skipped (a converter or runtime not installed) has no deploy_paths on
   that task: the count is unknown, so the task leaves the paired comparison rather than scoring the machine.

3. **Relative value per task.** Only the default variant of each framework is scored (variants are listed, not
   scored). A task is kept for a metric only when every framework has a value (a paired comparison); otherwise it
   is left out of that metric for all frameworks (per metric: a task without a compiled mode still counts for
   eager speed, and its dimension's tasks are those with at least one paired metric). Lower is better everywhere except `passed`. The value relative to
   the best framework on that task is `(best + c) / (value + c)` (higher is better: `(value + c) / (best + c)`),
   in (0, 1], 1 for the best. `c` (the "+" above) is 0 for most metrics, which makes them unit-free; counts where
   zero is common use 1, and compile latency 10 ms. A ratio that would divide by zero uses c + 1 on that task.
4. **Dimension score.** Per task, the geometric mean of the dimension's metric values on that task; per dimension
   and framework, the geometric mean over the dimension's tasks. A dimension without paired data is skipped, never
   counted as zero.
5. **Composite.** 100 x the weighted arithmetic mean of the dimension scores, weights from a TOML file
   (`analyzer/data/weights.toml`) renormalised over the dimensions that have data. 100 means best on every task of
   every weighted dimension.
6. **Honesty.** A metric on which all frameworks tie on >= 90% of its tasks is flagged (it does not tell them
   apart). A bootstrap over tasks (seeded) gives each composite a 95% percentile interval. Random weightings
   (Dirichlet(1, ..., 1) over the dimensions with data, seeded) give each framework's probability of ranking
   first. Per dimension and framework pair, a Wilcoxon signed-rank test over tasks of the log relative values
   (the log ratio of the raw values) with the matched-pairs rank-biserial correlation as effect size; p-values are
   Holm-corrected within each dimension (its framework pairs) unless settings say "none"; alpha 0.05.
7. **Sensitivity.** `score_study` recomputes every verdict (the leader of the composite and of each dimension)
   under reasonable alternative definitions (analyzer.sensitivity: distinct ceremony idioms, whole files with
   plumbing, tokens, call sites, speed per size and per mode, random weightings); a verdict whose leader changes
   under one of them is fragile (Scorecard.fragile) and every report marks it.
"""

from __future__ import annotations

import collections.abc
from collections import Counter
import dataclasses
import itertools
import math
import statistics
import types
import typing
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence, TypeVar

import msgspec
import numpy as np

from analyzer.corpus import DEFAULT_VARIANT
from analyzer.errors import FieldError
from analyzer.frameworks import FRAMEWORKS
from analyzer.model import (
    NEVER_RAN, CodeFigures, DebugRecord, DeployRecord, FileMetrics, RunRecord, StudyResults,
)
from analyzer.rounds import combine
from analyzer.spec import SIZES
from analyzer.typed import convert, read_toml

#: Format of the scores part of a saved report; record every change here.
#:   1  first version: dimensions with per-task traces, composites, pair tests, flags, settings.
#:   2  sensitivity: each verdict recomputed under alternative definitions (VerdictCheck); version 1 still reads.
SCORES_VERSION = 2
#: Versions `Scorecard.from_dict` reads.
READABLE_SCORES_VERSIONS = (1, 2)
#: The verdict of the composite, beside one per dimension (the dimension's name).
COMPOSITE = "composite"

DIMENSIONS: tuple[str, ...] = (
    "conciseness", "complexity", "api_surface", "ceremony", "speed", "compile_latency", "memory", "cold_start",
    "correctness", "deployment", "debuggability",
)
STATIC_FIELDS: tuple[str, ...] = (
    "sloc", "statements", "tokens", "cyclomatic", "cognitive", "max_nesting", "api_calls", "api_distinct",
    "api_unresolved", "api_keywords", "api_string_args", "ceremony_total", "ceremony_distinct",
)
RUN_FIELDS: tuple[str, ...] = (
    "passed", "median_s", "iqr_s", "compile_s", "import_s", "first_result_s", "cold_start_s", "peak_host_mb",
    "peak_device_mb", "max_abs_err", "max_rel_err",
)
#: Figures read from Timing: the only ones an unstable timing makes doubtful.
TIMING_FIELDS: frozenset[str] = frozenset({"median_s", "iqr_s"})
#: Figures of the deployment records (analyzer.model.DeployRecord), per model task and framework.
DEPLOY_FIELDS: tuple[str, ...] = ("deploy_paths",)
#: Figures of the debuggability pass (analyzer.model.DebugRecord), per task, framework and mode, over the faults
#: that were judged: the mean fault score; the shares of faults that raised and that stayed silent (a wrong
#: answer, shape, or NaN/Inf); of the errors raised, the shares localised and informative (analyzer.debugging).
#: They have a mode and no input size (the pass runs at the small size).
DEBUG_FIELDS: tuple[str, ...] = ("debug_score", "debug_caught", "debug_silent", "debug_localised", "debug_informative")
#: Raw figures where a larger value is better; every other figure is better lower.
HIGHER_IS_BETTER: frozenset[str] = frozenset({"passed", "deploy_paths", "debug_score", "debug_caught",
                                               "debug_localised", "debug_informative"})
STATIC_MODE = "static"
DEPLOY_MODE = "deploy"
#: The pseudo-mode of `best_s`: each implementation at its faster measured mode (eager or compiled).
BEST_MODE = "best"
#: Figures derived from several runs: `best_s`, the faster of the modes' medians, per task, framework and size.
DERIVED_FIELDS: tuple[str, ...] = ("best_s",)
#: Modes of figures that are not measured per run mode: their metric ids carry no "@mode".
MODELESS: frozenset[str] = frozenset({STATIC_MODE, DEPLOY_MODE, BEST_MODE})
#: Figures without a run size (static analysis, deployment of the primary size).
SIZELESS: frozenset[str] = frozenset({STATIC_MODE, DEPLOY_MODE})
#: A Metric.size that stands for one metric per input size present in the study.
EVERY_SIZE = "*"
#: A record with a device and an input size: a RunRecord or a DeployRecord.
Record = TypeVar("Record", RunRecord, DeployRecord)


class ScoringError(ValueError):
    """Scores cannot be computed from these inputs; the message says why and what to change."""


class WeightsError(FieldError):
    """A weights file that cannot be used; the message names the file, the field and what was expected."""


@dataclass(frozen=True)
class Metric:
    """One scored series: a raw figure in one mode, feeding one dimension."""

    name: str  #: raw figure, as in Measurement.metric
    mode: str  #: "static", "eager" or "compiled"
    dimension: str  #: one of DIMENSIONS
    offset: float = 0.0  #: added to value and best before the ratio: what "nothing" is for this figure
    #: input size of a run figure: "" for the study's primary size, EVERY_SIZE for one metric per size present
    size: str = ""

    @property
    def id(self) -> str:
        base = self.name if self.mode in MODELESS else f"{self.name}@{self.mode}"
        return f"{base}@{self.size}" if self.size else base

    @property
    def higher_is_better(self) -> bool:
        return self.name in HIGHER_IS_BETTER


METRICS: tuple[Metric, ...] = (
    Metric("sloc", STATIC_MODE, "conciseness"),
    Metric("cognitive", STATIC_MODE, "complexity", offset=1.0),
    Metric("api_distinct", STATIC_MODE, "api_surface"),
    Metric("ceremony_total", STATIC_MODE, "ceremony", offset=1.0),
    Metric("best_s", BEST_MODE, "speed", size=EVERY_SIZE),
    Metric("compile_s", "compiled", "compile_latency", offset=0.01),
    Metric("peak_host_mb", "eager", "memory", offset=10.0),
    Metric("peak_host_mb", "compiled", "memory", offset=10.0),
    Metric("cold_start_s", "eager", "cold_start"),
    Metric("passed", "eager", "correctness", offset=1.0, size=EVERY_SIZE),
    Metric("passed", "compiled", "correctness", offset=1.0, size=EVERY_SIZE),
    Metric("deploy_paths", DEPLOY_MODE, "deployment", offset=1.0),
    Metric("debug_score", "eager", "debuggability", offset=0.1),
    Metric("debug_score", "compiled", "debuggability", offset=0.1),
)


# ---------------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Measurement:
    """One raw figure of one implementation in one mode: a row of the tidy table."""

    task: str
    framework: str
    variant: str  #: "default" or the variant suffix
    mode: str  #: "static", "eager", "compiled" or "deploy"
    metric: str  #: a name from STATIC_FIELDS, RUN_FIELDS or DEPLOY_FIELDS
    value: float
    #: the records behind it: "static:<path>", "run:<task>/<framework>/<variant>/<mode>#<round>" or
    #: "deploy:<task>/<framework>/<path>"
    sources: tuple[str, ...] = ()
    unstable: bool = False  #: a timing figure whose Timing was flagged unstable
    nondeterministic: bool = False  #: a run behind it gave different results on a second fresh run
    size: str = ""  #: input size of a run figure; "" for static figures and deployments


@dataclass(frozen=True)
class MetricValue:
    """One metric of one framework on one task, with the best value it was divided by."""

    metric: str  #: Metric.id, e.g. "median_s@eager"
    value: float  #: raw value
    best: float  #: best raw value among the frameworks on this task
    relative: float  #: in (0, 1], 1 for the best
    sources: tuple[str, ...] = ()  #: records behind `value`
    unstable: bool = False
    nondeterministic: bool = False


@dataclass(frozen=True)
class TaskScore:
    """A framework's relative value on one task of one dimension: geometric mean of its metrics there."""

    task: str
    relative: float
    metrics: tuple[MetricValue, ...]


@dataclass(frozen=True)
class DimensionScore:
    """A framework's score on one dimension: geometric mean over the dimension's tasks, in (0, 1]."""

    dimension: str
    framework: str
    score: float
    tasks: tuple[TaskScore, ...]


@dataclass(frozen=True)
class FrameworkScore:
    """A framework's composite, its bootstrap interval, its chance of ranking first under random weights."""

    framework: str
    composite: float  #: 0 to 100
    ci_low: float  #: 2.5th percentile of the bootstrap over tasks
    ci_high: float  #: 97.5th percentile
    p_first: float  #: share of random weightings under which it ranks first (ties share)
    rank: int  #: 1 is best; tied composites share a rank


@dataclass(frozen=True)
class PairTest:
    """Wilcoxon signed-rank test over tasks of one dimension between two frameworks."""

    dimension: str
    a: str
    b: str
    n: int  #: tasks with a non-zero difference
    statistic: float
    p_value: float
    p_adjusted: float  #: after the correction in ScoringSettings
    rank_biserial: float  #: matched-pairs rank-biserial correlation; > 0: `a` better
    significant: bool  #: p_adjusted < alpha

    @property
    def better(self) -> str | None:
        """The framework that is significantly better, or None: no significant difference."""
        if not self.significant:
            return None
        return self.a if self.rank_biserial > 0 else self.b


@dataclass(frozen=True)
class MetricFlag:
    """A metric that does not tell the frameworks apart: all tie on `tied_share` of its tasks."""

    metric: str
    dimension: str
    tied_share: float
    tasks: int


@dataclass(frozen=True)
class ScoringSettings:
    """Choices a scorecard depends on; saved with it so it can be reproduced."""

    seed: int = 0
    resamples: int = 2000  #: bootstrap resamples over tasks
    weightings: int = 2000  #: Dirichlet weightings for P(first)
    alpha: float = 0.05
    correction: str = "holm"  #: "holm" (within each dimension) or "none"
    tied_share: float = 0.9  #: flag a metric when all frameworks tie on at least this share of its tasks
    device: str = ""  #: runs from this device; "" when runs come from one device only
    machine: str = ""  #: runs from this machine (a Ray cluster's node kind, a part of a merged study); "" for one
    size: str = ""  #: primary input size (every run figure but speed, which covers every size); "" = smallest
    frameworks: tuple[str, ...] = ()  #: frameworks to compare; () for all with default-variant data


@dataclass(frozen=True)
class VerdictCheck:
    """The verdicts (the leading framework of each dimension and of the composite) recomputed under one
    alternative definition of the scores (analyzer.sensitivity)."""

    alternative: str  #: its id, e.g. "ceremony-distinct"
    description: str  #: what it changes, in words
    #: verdict (a dimension or COMPOSITE) -> framework -> score under the alternative (composite 0-100, dims 0-1)
    scores: Mapping[str, Mapping[str, float]]

    def leaders(self, verdict: str) -> tuple[str, ...]:
        """The frameworks leading `verdict` under this alternative; () when it has no such verdict."""
        return leaders(self.scores.get(verdict, {}))


def leaders(scores: Mapping[str, float]) -> tuple[str, ...]:
    """The frameworks with the highest score (several on a tie), in the order given."""
    if not scores:
        return ()
    top = max(scores.values())
    return tuple(fw for fw, score in scores.items() if score >= top - 1e-9)


#: Below either floor a scorecard shows its dimensions but ranks nothing: too little evidence for an overall verdict.
MIN_RANKED_TASKS = 5  #: paired tasks, over the scored dimensions
MIN_RANKED_SHARE = 0.5  #: of the weighted dimensions, scored


@dataclass(frozen=True)
class Coverage:
    """What a scorecard rests on: the weighted dimensions, those of them with data, and the paired tasks."""

    weighted: tuple[str, ...]
    scored: tuple[str, ...]  #: weighted dimensions that have a score
    tasks: int  #: distinct tasks paired in at least one scored dimension
    modes: tuple[str, ...] = ()  #: the run modes the scored figures come from ("eager", "compiled")
    machine: str = ""  #: the machine the run figures come from, in a study of several ("" for one)

    @property
    def ranked(self) -> bool:
        """Enough evidence for a rank and P(first): MIN_RANKED_TASKS tasks and MIN_RANKED_SHARE of the weighted
        dimensions."""
        return self.tasks >= MIN_RANKED_TASKS and len(self.scored) >= MIN_RANKED_SHARE * len(self.weighted)

    def describe(self) -> str:
        covers = (f"covers {len(self.scored)} of {len(self.weighted)} weighted dimensions and {self.tasks} "
                  f"task{'s' * (self.tasks != 1)}" + (f" ({' and '.join(self.modes)})" if self.modes else ""))
        if self.machine:
            covers += f", run figures of {self.machine} (every machine in the Machines section)"
        if self.ranked:
            return covers
        return (f"{covers}: too little for a rank (a rank needs {MIN_RANKED_TASKS} or more paired tasks and at least "
                f"{MIN_RANKED_SHARE:.0%} of the weighted dimensions); read the dimensions, not the composite")


@dataclass(frozen=True)
class Scorecard:
    """Everything scoring produced, from the composites down to the records behind every figure."""

    frameworks: tuple[str, ...]
    weights: Mapping[str, float]  #: as given, every dimension
    weights_source: str  #: the file they came from
    dimensions: tuple[DimensionScore, ...]  #: one per framework and dimension with data
    composites: tuple[FrameworkScore, ...]  #: in framework order
    tests: tuple[PairTest, ...]
    flags: tuple[MetricFlag, ...]
    skipped: Mapping[str, str]  #: dimension -> why it has no score
    settings: ScoringSettings = ScoringSettings()
    version: int = SCORES_VERSION
    #: the verdicts under each alternative definition (analyzer.sensitivity); () when not computed
    sensitivity: tuple[VerdictCheck, ...] = ()

    @property
    def coverage(self) -> Coverage:
        weighted = tuple(d for d in DIMENSIONS if self.weights.get(d, 0.0) > 0)
        scored = tuple(d for d in weighted if d in self.scored_dimensions)
        tasks = {t.task for d in self.dimensions if d.dimension in scored for t in d.tasks}
        ids = {m.metric for d in self.dimensions if d.dimension in scored for t in d.tasks for m in t.metrics}
        modes = tuple(mode for mode in ("eager", "compiled") if any(f"@{mode}" in metric for metric in ids))
        return Coverage(weighted, scored, len(tasks), modes, self.settings.machine)

    @property
    def verdicts(self) -> tuple[str, ...]:
        """What the scorecard decides: the leader of each scored dimension, and of the composite when it covers
        enough to rank (Coverage.ranked)."""
        return (COMPOSITE, *self.scored_dimensions) if self.coverage.ranked else self.scored_dimensions

    def verdict_scores(self, verdict: str) -> dict[str, float]:
        """framework -> score behind a verdict: the composite (0-100) or a dimension score (0-1)."""
        if verdict == COMPOSITE:
            return {c.framework: c.composite for c in self.composites}
        return {fw: d.score for fw, d in self.scores_of(verdict).items()}

    def leaders(self, verdict: str) -> tuple[str, ...]:
        """The frameworks leading a verdict (several on a tie)."""
        return leaders(self.verdict_scores(verdict))

    def flips(self, verdict: str) -> tuple[VerdictCheck, ...]:
        """The alternatives under which the verdict's leader changes: empty for a robust verdict."""
        mine = set(self.leaders(verdict))
        return tuple(c for c in self.sensitivity if c.leaders(verdict) and set(c.leaders(verdict)) != mine)

    def fragile(self, verdict: str) -> bool:
        """A verdict whose leader changes under at least one reasonable alternative definition."""
        return bool(self.flips(verdict))

    @property
    def scored_dimensions(self) -> tuple[str, ...]:
        present = {d.dimension for d in self.dimensions}
        return tuple(d for d in DIMENSIONS if d in present)

    def skip_reason(self, dimension: str) -> str | None:
        """Why a dimension has no score (None when it has one); a scorecard saved before the dimension existed
        says so."""
        if dimension in self.skipped:
            return self.skipped[dimension]
        return None if dimension in self.scored_dimensions else "not in this scorecard (made before it existed)"

    def dimension(self, dimension: str, framework: str) -> DimensionScore | None:
        return next((d for d in self.dimensions if (d.dimension, d.framework) == (dimension, framework)), None)

    def scores_of(self, dimension: str) -> dict[str, DimensionScore]:
        """framework -> its score on a dimension; empty for a skipped dimension."""
        return {d.framework: d for d in self.dimensions if d.dimension == dimension}

    def composite(self, framework: str) -> FrameworkScore | None:
        return next((c for c in self.composites if c.framework == framework), None)

    def tests_of(self, dimension: str) -> tuple[PairTest, ...]:
        return tuple(t for t in self.tests if t.dimension == dimension)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Scorecard":
        if data.get("version") not in READABLE_SCORES_VERSIONS:
            raise ValueError(f"scores version {data.get('version')!r} is not supported; expected one of "
                             f"{', '.join(map(str, READABLE_SCORES_VERSIONS))}")
        return build_dataclass(cls, data)


def build_dataclass(cls: type, data: Any) -> Any:
    """Rebuild a (nested) frozen dataclass from its `dataclasses.asdict` form, tuples and mappings included."""
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: _build(hints[f.name], data[f.name]) for f in dataclasses.fields(cls) if f.name in data})


def _build(hint: Any, value: Any) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if value is None:
        return None
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return build_dataclass(hint, value)
    if origin is tuple:
        return tuple(_build(args[0], item) for item in value)
    if origin in (dict, collections.abc.Mapping):
        return {key: _build(args[1], item) for key, item in value.items()}
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _build(inner[0], value) if len(inner) == 1 else value
    return value


# ---------------------------------------------------------------------------------------------------- weights


#: how a report names the shipped weights: the package's file, never a path of the machine that wrote the report
DEFAULT_WEIGHTS_LABEL = "the shipped analyzer/data/weights.toml"


def default_weights_path() -> Path:
    """The weights file shipped with the package."""
    return Path(__file__).resolve().parent / "data" / "weights.toml"


def load_weights(path: Path | str | None = None) -> dict[str, float]:
    """Read and check a weights file (default: the shipped one); raise WeightsError naming the field."""
    path = Path(path) if path is not None else default_weights_path()
    return parse_weights(read_toml(path, error=WeightsError, field="weights"), source=str(path))


class WeightsFile(msgspec.Struct, forbid_unknown_fields=True):
    """The shape of a weights file (analyzer.typed checks it): one [weights] table, keyed by dimension, each weight
    checked by hand so that an error names its dimension."""

    weights: dict[str, Any]


def parse_weights(data: Mapping[str, Any], *, source: str = "<weights>") -> dict[str, float]:
    """Check the parsed TOML of a weights file: a [weights] table of dimension = weight >= 0, not all zero.

    Dimensions the file leaves out weigh 0: the file states the whole weighting.
    """
    table = convert(data, WeightsFile, source=source, error=WeightsError).weights
    weights = {dimension: 0.0 for dimension in DIMENSIONS}
    for name, value in table.items():
        where = f"weights.{name}"
        if name not in DIMENSIONS:
            raise WeightsError(source, where, f"unknown dimension; expected one of {', '.join(DIMENSIONS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise WeightsError(source, where, f"expected a number >= 0, got {value!r}")
        if value < 0:
            raise WeightsError(source, where, f"expected a number >= 0, got {value!r}")
        weights[name] = float(value)
    if not any(weights.values()):
        raise WeightsError(source, "weights", "all weights are zero; give at least one dimension a weight > 0")
    return weights


# ---------------------------------------------------------------------------------------------------- measurements


def measurements(results: StudyResults, *, device: str = "", size: str = "", machine: str = "",
                 whole_files: bool = False) -> tuple[Measurement, ...]:
    """The tidy rows of a study: every static figure; every run figure of one device, at every input size, with
    `best_s` (each implementation at its faster mode) per size; and the deployment figures of the primary size
    (`size`, or the smallest the runs have). Static figures cover the user's code, or with `whole_files` the
    whole file, plumbing included (an alternative definition the sensitivity check uses)."""
    rows = [row for metrics in (results.static.files if results.static else ())
            for row in _static_rows(metrics, whole_files)]
    runs = _select_runs(_on_machine(results, machine), attribute="device", wanted=device)
    groups: dict[tuple[str, str, str, str, str], list[RunRecord]] = {}
    for run in runs:
        groups.setdefault(run.key, []).append(run)
    for key in sorted(groups):
        rows.extend(_run_rows(sorted(groups[key], key=lambda r: r.round)))
    rows.extend(_best_rows(rows))
    primary = size or primary_size(rows)
    deployed: dict[tuple[str, str], list[DeployRecord]] = {}
    for record in _select_runs(results.deployments, attribute="size", wanted=primary):
        deployed.setdefault((record.task, record.framework), []).append(record)
    rows.extend(row for key in sorted(deployed) for row in _deploy_rows(deployed[key]))
    debugged: dict[tuple[str, str, str, str], list[DebugRecord]] = {}
    for record in results.debug:
        debugged.setdefault((record.task, record.framework, record.variant, record.mode), []).append(record)
    rows.extend(row for key in sorted(debugged) for row in _debug_rows(debugged[key]))
    return tuple(rows)


def run_sizes(rows: Sequence[Measurement]) -> tuple[str, ...]:
    """The input sizes the run figures cover, smallest first."""
    present = {r.size for r in rows if r.mode not in SIZELESS and r.size}
    return tuple(sorted(present, key=lambda s: (SIZES.index(s) if s in SIZES else len(SIZES), s)))


def primary_size(rows: Sequence[Measurement]) -> str:
    """The size whose runs give every run figure but speed: the smallest present ("" when there are no runs)."""
    sizes = run_sizes(rows)
    return sizes[0] if sizes else ""


def _best_rows(rows: Sequence[Measurement]) -> Iterable[Measurement]:
    """best_s per task, framework, variant and size: the smallest median_s over the modes that have one."""
    fastest: dict[tuple[str, str, str, str], Measurement] = {}
    for row in rows:
        if row.metric != "median_s":
            continue
        key = (row.task, row.framework, row.variant, row.size)
        if key not in fastest or row.value < fastest[key].value:
            fastest[key] = row
    for key in sorted(fastest):
        row = fastest[key]
        yield dataclasses.replace(row, mode=BEST_MODE, metric="best_s")


def _deploy_rows(records: Sequence[DeployRecord]) -> Iterable[Measurement]:
    """deploy_paths of one task and framework: its working non-legacy paths, unless one of them went unmeasured."""
    scored = [r for r in records if not r.legacy]
    if not scored or any(r.status in NEVER_RAN for r in scored):
        return
    first = scored[0]
    yield Measurement(first.task, first.framework, DEFAULT_VARIANT, DEPLOY_MODE, "deploy_paths",
                      float(sum(r.status == "passed" for r in scored)),
                      tuple(f"deploy:{r.task}/{r.framework}/{r.path}" for r in scored))


def _debug_rows(records: Sequence[DebugRecord]) -> Iterable[Measurement]:
    """The debuggability figures of one implementation in one mode, over its judged faults (none: no rows)."""
    judged = [r for r in records if r.status in ("raised", "returned") and r.score is not None]
    if not judged:
        return
    first = judged[0]
    sources = tuple(f"debug:{r.task}/{r.framework}/{r.variant}/{r.mode}/{r.fault}" for r in judged)
    raised = [r for r in judged if r.outcome == "raised"]
    figures = {"debug_score": statistics.fmean(r.score for r in judged if r.score is not None),
               "debug_caught": len(raised) / len(judged),
               "debug_silent": sum(r.outcome in ("silent_wrong", "silent_shape", "nonfinite") for r in judged)
               / len(judged)}
    if raised:
        figures["debug_localised"] = sum(bool(r.localised) for r in raised) / len(raised)
        figures["debug_informative"] = sum(bool(r.informative) for r in raised) / len(raised)
    for name in DEBUG_FIELDS:
        if name in figures:
            yield Measurement(first.task, first.framework, first.variant, first.mode, name, figures[name], sources)


def _static_rows(metrics: FileMetrics, whole_files: bool = False) -> Iterable[Measurement]:
    source = (f"static:{metrics.path}",)
    figures: FileMetrics | CodeFigures = metrics.plumbing.whole if whole_files and metrics.plumbing else metrics
    for name in STATIC_FIELDS:
        yield Measurement(metrics.task, metrics.framework, metrics.variant, STATIC_MODE, name,
                          float(getattr(figures, name)), source)


def _on_machine(results: StudyResults, machine: str) -> list[RunRecord]:
    """The runs measured on `machine` ("" when the study has one machine only)."""
    if machine:
        return [run for run in results.runs if (run.machine or results.machine) == machine]
    if len(results.machines) > 1:
        raise ScoringError(f"records of several machines ({'; '.join(results.machines)}); choose one with machine=")
    return list(results.runs)


def busiest_machine(results: StudyResults) -> str:
    """The machine with the most passed runs ("" for a study of one machine): the one a study of several is scored
    on unless another is asked for."""
    if len(results.machines) < 2:
        return ""
    passed = Counter(run.machine or results.machine for run in results.runs if run.status == "passed")
    return max(results.machines, key=lambda m: (passed[m], -results.machines.index(m)))


def _select_runs(runs: Sequence[Record], *, attribute: str, wanted: str) -> list[Record]:
    # A run that never started (not applicable, framework missing) carries the requested device ("auto"),
    # not one it ran on: it has no figures and does not make a study multi-device.
    found = sorted({getattr(run, attribute) for run in runs
                    if getattr(run, "status", "") not in NEVER_RAN})
    if wanted:
        return [run for run in runs if getattr(run, attribute) == wanted]
    if len(found) > 1:
        raise ScoringError(f"records of several {attribute}s ({', '.join(found)}); choose one with {attribute}=")
    return list(runs)


def _run_rows(records: Sequence[RunRecord]) -> Iterable[Measurement]:
    """The figures of one implementation in one mode and size: its rounds combined by the one rule
    (analyzer.rounds), the sources naming every round behind them."""
    if all(r.status in NEVER_RAN for r in records):
        return  # never ran: no figure at all, not a failure (the task is then left out of the pairing)
    combined = combine(list(records))
    sources = tuple(_run_source(r) for r in records)
    unstable = combined.status == "passed" and combined.timing is not None and combined.timing.unstable
    nondeterministic = any(bool(r.nondeterministic) for r in records)

    def row(metric: str, value: float) -> Measurement:
        return Measurement(combined.task, combined.framework, combined.variant, combined.mode, metric, value,
                           sources, unstable and metric in TIMING_FIELDS, nondeterministic, combined.size)

    yield row("passed", float(combined.status == "passed"))
    if combined.status != "passed":
        return  # the time of a wrong answer is not a time of the task
    for name in RUN_FIELDS[1:]:
        if (value := _run_figure(combined, name)) is not None:
            yield row(name, float(value))


def _run_source(run: RunRecord) -> str:
    return f"run:{run.task}/{run.framework}/{run.variant}/{run.mode}/{run.size}#{run.round}"


def _run_figure(run: RunRecord, name: str) -> float | None:
    if name == "median_s":
        return run.timing.median_s if run.timing else None
    if name == "iqr_s":
        return run.timing.iqr_s if run.timing else None
    if name == "cold_start_s":
        if run.import_s is None or run.first_result_s is None:
            return None
        return run.import_s + run.first_result_s
    return getattr(run, name)


# ---------------------------------------------------------------------------------------------------- scoring


def score_study(results: StudyResults, weights: Mapping[str, float] | None = None, *,
                settings: ScoringSettings = ScoringSettings(), weights_source: str = "") -> Scorecard:
    """Score a study; weights default to the shipped file."""
    if weights is None:
        weights, weights_source = load_weights(), DEFAULT_WEIGHTS_LABEL
    rows = measurements(results, device=settings.device, size=settings.size, machine=settings.machine)
    card = score_measurements(rows, weights, settings=settings, weights_source=weights_source)
    from analyzer.sensitivity import check_verdicts  # it scores alternatives with this module's functions

    return dataclasses.replace(card, sensitivity=check_verdicts(results, card))


def score_measurements(rows: Sequence[Measurement], weights: Mapping[str, float], *,
                       settings: ScoringSettings = ScoringSettings(), weights_source: str = "",
                       metrics: Sequence[Metric] = METRICS) -> Scorecard:
    """Score tidy measurements (see the module docstring for every step) with the given metric definitions."""
    weights = parse_weights({"weights": dict(weights)}, source=weights_source or "<weights>")
    frameworks = _frameworks(rows, settings.frameworks)
    concrete = resolve_metrics(metrics, run_sizes(rows))
    table = _metric_table(rows, frameworks, concrete, settings.size or primary_size(rows))
    measured = {(r.metric, r.mode) for r in rows if r.variant == DEFAULT_VARIANT}
    dimensions, skipped = _dimension_scores(table, frameworks, measured, concrete)
    scored = [d for d in DIMENSIONS if d not in skipped]
    if not any(weights[d] for d in scored):
        given = ", ".join(d for d in DIMENSIONS if weights[d]) or "none"
        raise ScoringError(f"{weights_source or 'weights'}: no weighted dimension has data (weighted: {given}; "
                           f"with data: {', '.join(scored) or 'none'})")
    logs = _log_matrices(dimensions, frameworks, scored)
    composites = _framework_scores(dimensions, logs, frameworks, scored, weights, settings)
    return Scorecard(
        frameworks=frameworks, weights=weights, weights_source=weights_source,
        dimensions=tuple(dimensions), composites=composites,
        tests=_pair_tests(logs, frameworks, scored, settings), flags=_flags(table, frameworks, settings, concrete),
        skipped=skipped, settings=settings,
    )


def _frameworks(rows: Sequence[Measurement], wanted: Sequence[str]) -> tuple[str, ...]:
    present = {r.framework for r in rows if r.variant == DEFAULT_VARIANT}
    chosen = set(wanted) if wanted else present
    missing = sorted(chosen - present)
    if missing:
        raise ScoringError(f"no measurements of {', '.join(missing)} (have: {', '.join(sorted(present)) or 'none'})")
    if len(chosen) < 2:
        raise ScoringError(f"scores compare frameworks; found only {', '.join(sorted(chosen)) or 'none'}")
    order = list(FRAMEWORKS)
    return tuple(sorted(chosen, key=lambda name: (order.index(name) if name in order else len(order), name)))


#: metric id -> task -> framework -> measurement, paired tasks only.
MetricTable = dict[str, dict[str, dict[str, Measurement]]]


def resolve_metrics(metrics: Sequence[Metric], sizes: Sequence[str]) -> tuple[Metric, ...]:
    """The metrics as scored: one per size present for those defined at EVERY_SIZE."""
    resolved: list[Metric] = []
    for metric in metrics:
        if metric.size == EVERY_SIZE:  # with no runs at all, one unsized metric that finds nothing and says so
            resolved.extend(dataclasses.replace(metric, size=size) for size in sizes or ("",))
        else:
            resolved.append(metric)
    return tuple(resolved)


def _metric_table(rows: Sequence[Measurement], frameworks: Sequence[str], metrics: Sequence[Metric],
                  primary: str) -> MetricTable:
    index = {(r.metric, r.mode, r.size, r.task, r.framework): r for r in rows if r.variant == DEFAULT_VARIANT}
    tasks = sorted({r.task for r in rows})
    table: MetricTable = {}
    for metric in metrics:
        size = "" if metric.mode in SIZELESS or metric.name in DEBUG_FIELDS else (metric.size or primary)
        per_task = {}
        for task in tasks:
            found = {fw: index[(metric.name, metric.mode, size, task, fw)] for fw in frameworks
                     if (metric.name, metric.mode, size, task, fw) in index}
            if len(found) == len(frameworks):
                per_task[task] = found
        table[metric.id] = per_task
    return table


def relative_values(metric: Metric, values: Mapping[str, float]) -> dict[str, float]:
    """Each framework's value on one task relative to the best, in (0, 1]; see the module docstring."""
    values = {fw: max(v, 0.0) if not metric.higher_is_better else v for fw, v in values.items()}
    best = max(values.values()) if metric.higher_is_better else min(values.values())
    for offset in (metric.offset, metric.offset + 1.0):
        if metric.higher_is_better:
            ratios = {fw: _ratio(v + offset, best + offset) for fw, v in values.items()}
        else:
            ratios = {fw: _ratio(best + offset, v + offset) for fw, v in values.items()}
        if all(r is not None and r > 0 for r in ratios.values()):
            return ratios  # type: ignore[return-value]
    return {fw: 1.0 for fw in values}  # every value is zero: a tie


def _ratio(numerator: float, denominator: float) -> float | None:
    if denominator == 0:
        return 1.0 if numerator == 0 else None
    return numerator / denominator


def _dimension_scores(table: MetricTable, frameworks: Sequence[str], measured: set[tuple[str, str]],
                      all_metrics: Sequence[Metric]) -> tuple[list[DimensionScore], dict[str, str]]:
    scores: list[DimensionScore] = []
    skipped: dict[str, str] = {}
    for dimension in DIMENSIONS:
        metrics = [m for m in all_metrics if m.dimension == dimension]
        per_task: dict[str, dict[str, list[MetricValue]]] = {}
        for metric in metrics:
            for task, found in sorted(table[metric.id].items()):
                best = _best(metric, [m.value for m in found.values()])
                relative = relative_values(metric, {fw: m.value for fw, m in found.items()})
                for fw, m in found.items():
                    per_task.setdefault(task, {}).setdefault(fw, []).append(MetricValue(
                        metric.id, m.value, best, relative[fw], m.sources, m.unstable, m.nondeterministic))
        if not per_task:
            skipped[dimension] = _skip_reason(metrics, measured)
            continue
        for fw in frameworks:
            tasks = tuple(TaskScore(task, _geomean(v.relative for v in per_task[task][fw]), tuple(per_task[task][fw]))
                          for task in sorted(per_task))
            scores.append(DimensionScore(dimension, fw, _geomean(t.relative for t in tasks), tasks))
    return scores, skipped


def _best(metric: Metric, values: Sequence[float]) -> float:
    return max(values) if metric.higher_is_better else min(values)


def _skip_reason(metrics: Sequence[Metric], measured: set[tuple[str, str]]) -> str:
    if not metrics:
        return "not measured yet"
    ids = " or ".join(m.id for m in metrics)
    if not any((m.name, m.mode) in measured for m in metrics):
        return f"no {ids} in this study"
    return f"no task has {ids} for every framework"


def _geomean(values: Iterable[float]) -> float:
    logs = [math.log(v) for v in values]
    return math.exp(sum(logs) / len(logs))


def _log_matrices(dimensions: Sequence[DimensionScore], frameworks: Sequence[str],
                  scored: Sequence[str]) -> dict[str, tuple[tuple[str, ...], np.ndarray]]:
    """dimension -> (its tasks, array tasks x frameworks of log relative values)."""
    result = {}
    for dimension in scored:
        by_fw = {d.framework: d for d in dimensions if d.dimension == dimension}
        tasks = tuple(t.task for t in by_fw[frameworks[0]].tasks)
        matrix = np.array([[math.log(t.relative) for t in by_fw[fw].tasks] for fw in frameworks]).T
        result[dimension] = (tasks, matrix)
    return result


def dimension_interval(score: DimensionScore, *, resamples: int = 1000, seed: int = 0) -> tuple[float, float]:
    """A 95% percentile bootstrap interval over tasks of one framework's dimension score (the geometric mean of its
    relative values), for the reports' error bars."""
    logs = np.log([t.relative for t in score.tasks])
    if len(logs) < 2:
        return score.score, score.score
    draws = np.random.default_rng(seed).integers(0, len(logs), size=(resamples, len(logs)))
    means = np.exp(logs[draws].mean(axis=1))
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def composite(scores: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """100 x the weighted mean of dimension scores, over the dimensions present in `scores`."""
    total = sum(weights[d] for d in scores)
    return 100.0 * sum(weights[d] * s for d, s in scores.items()) / total


def _framework_scores(dimensions: Sequence[DimensionScore], logs: Mapping[str, tuple[tuple[str, ...], np.ndarray]],
                      frameworks: Sequence[str], scored: Sequence[str], weights: Mapping[str, float],
                      settings: ScoringSettings) -> tuple[FrameworkScore, ...]:
    used = [d for d in scored if weights[d] > 0]
    values = {fw: composite({d.dimension: d.score for d in dimensions if d.framework == fw and d.dimension in used},
                            weights) for fw in frameworks}
    low, high = _bootstrap(logs, used, weights, settings)
    p_first = _p_first(dimensions, frameworks, scored, settings)
    ranks = {fw: 1 + sum(values[o] > values[fw] + 1e-9 for o in frameworks) for fw in frameworks}
    return tuple(FrameworkScore(fw, values[fw], float(low[i]), float(high[i]), float(p_first[i]), ranks[fw])
                 for i, fw in enumerate(frameworks))


def _bootstrap(logs: Mapping[str, tuple[tuple[str, ...], np.ndarray]], used: Sequence[str],
               weights: Mapping[str, float], settings: ScoringSettings) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of the composite when tasks are resampled with replacement."""
    tasks = sorted({task for d in used for task in logs[d][0]})
    rng = np.random.default_rng(settings.seed)
    draws = rng.integers(0, len(tasks), size=(settings.resamples, len(tasks)))
    counts = np.zeros((settings.resamples, len(tasks)))
    np.add.at(counts, (np.arange(settings.resamples)[:, None], draws), 1.0)
    position = {task: i for i, task in enumerate(tasks)}
    total = np.zeros((settings.resamples, next(iter(logs.values()))[1].shape[1]))
    weight_sum = np.zeros(settings.resamples)
    for d in used:
        own, matrix = logs[d]
        c = counts[:, [position[t] for t in own]]
        n = c.sum(axis=1)
        present = n > 0
        mean_log = (c @ matrix) / np.where(present, n, 1.0)[:, None]
        total = total + weights[d] * np.where(present[:, None], np.exp(mean_log), 0.0)
        weight_sum = weight_sum + weights[d] * present
    values = 100.0 * total / weight_sum[:, None]
    return np.percentile(values, 2.5, axis=0), np.percentile(values, 97.5, axis=0)


def _p_first(dimensions: Sequence[DimensionScore], frameworks: Sequence[str], scored: Sequence[str],
             settings: ScoringSettings) -> np.ndarray:
    """Share of Dirichlet(1, ..., 1) weightings over the dimensions with data under which each framework wins."""
    score = {(d.dimension, d.framework): d.score for d in dimensions}
    matrix = np.array([[score[(d, fw)] for fw in frameworks] for d in scored])
    rng = np.random.default_rng(settings.seed + 1)
    composites = rng.dirichlet(np.ones(len(scored)), size=settings.weightings) @ matrix
    winners = np.isclose(composites, composites.max(axis=1, keepdims=True), rtol=0, atol=1e-12)
    return (winners / winners.sum(axis=1, keepdims=True)).mean(axis=0)


# ---------------------------------------------------------------------------------------------------- tests


@dataclass(frozen=True)
class PairedResult:
    """A Wilcoxon signed-rank test on paired differences, with its matched-pairs rank-biserial correlation."""

    n: int  #: non-zero differences (zeros are dropped, as in Wilcoxon's original test)
    statistic: float
    p_value: float  #: two-sided; 1.0 when every difference is zero
    rank_biserial: float  #: (sum of ranks of positive - of negative differences) / total; > 0: first larger


def paired_test(differences: Sequence[float]) -> PairedResult:
    """Wilcoxon signed-rank test of differences (rounded to 12 digits so round-off makes no ranks)."""
    from scipy.stats import rankdata, wilcoxon

    d = np.round(np.asarray(differences, dtype=float), 12)
    d = d[d != 0]
    if len(d) == 0:
        return PairedResult(0, 0.0, 1.0, 0.0)
    ranks = rankdata(np.abs(d))
    r = float((ranks[d > 0].sum() - ranks[d < 0].sum()) / ranks.sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = wilcoxon(d)
    return PairedResult(len(d), float(result.statistic), float(result.pvalue), r)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values, in the order given."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [0.0] * len(p_values)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def _pair_tests(logs: Mapping[str, tuple[tuple[str, ...], np.ndarray]], frameworks: Sequence[str],
                scored: Sequence[str], settings: ScoringSettings) -> tuple[PairTest, ...]:
    tests: list[PairTest] = []
    pairs = list(itertools.combinations(range(len(frameworks)), 2))
    for dimension in scored:
        matrix = logs[dimension][1]
        results = [paired_test(matrix[:, i] - matrix[:, j]) for i, j in pairs]
        raw = [r.p_value for r in results]
        adjusted = holm(raw) if settings.correction == "holm" else raw
        for (i, j), result, p in zip(pairs, results, adjusted):
            tests.append(PairTest(dimension, frameworks[i], frameworks[j], result.n, result.statistic,
                                  result.p_value, p, result.rank_biserial, p < settings.alpha))
    return tuple(tests)


def _flags(table: MetricTable, frameworks: Sequence[str], settings: ScoringSettings,
           metrics: Sequence[Metric]) -> tuple[MetricFlag, ...]:
    flags = []
    for metric in metrics:
        per_task = table[metric.id]
        if not per_task:
            continue
        tied = sum(len({m.value for m in found.values()}) == 1 for found in per_task.values())
        share = tied / len(per_task)
        if share >= settings.tied_share:
            flags.append(MetricFlag(metric.id, metric.dimension, share, len(per_task)))
    return tuple(flags)
