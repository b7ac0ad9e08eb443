"""The survey's testable claims as data (analyzer/data/claims.toml), each given a verdict from a study's evidence.

A claim is one of two tests, over the tasks of a study (default variants only):

- `paired`: framework (or mode) `a` against `b` on a metric or a dimension, task by task. A Wilcoxon signed-rank
  test of the per-task differences (log ratios when every value is positive, else plain differences; for a
  dimension, log relative values) with the matched-pairs rank-biserial correlation as effect size. p < alpha in
  the expected direction: supported; in the other direction: contradicted; otherwise inconclusive ("no significant
  difference"). Each claim is its own hypothesis: p-values are not corrected across claims.
- `winner_varies`: which framework is best depends on the task. Contradicted when one framework is best on at
  least `threshold` of the tasks (ties share a win); supported when no framework is.

Fewer than `min_tasks` paired tasks, or a dimension without data (deployment when the study did not measure it),
give inconclusive. A new claim is a new [[claim]] table: no code.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import msgspec

from analyzer.errors import FieldError
from analyzer.frameworks import UnknownFrameworkError, canonical_framework
from analyzer.model import StudyResults
from analyzer.scoring import (
    BEST_MODE, DEBUG_FIELDS, DEFAULT_VARIANT, DEPLOY_FIELDS, DEPLOY_MODE, DERIVED_FIELDS, DIMENSIONS, HIGHER_IS_BETTER, RUN_FIELDS,
    SIZELESS, STATIC_FIELDS, STATIC_MODE, Measurement, Scorecard, build_dataclass, measurements, paired_test,
    primary_size, run_sizes,
)
from analyzer.spec import SIZES
from analyzer.typed import convert, read_toml

VERDICTS = ("supported", "contradicted", "inconclusive")
TESTS = ("paired", "winner_varies")
EXPECTATIONS = ("lower", "higher", "better", "worse")
MODES = (STATIC_MODE, "eager", "compiled")


class ClaimsError(FieldError):
    """A claims file that cannot be used; the message names the file, the field and what was expected."""


@dataclass(frozen=True)
class Side:
    """One side of a paired claim: a framework, and a mode where the metric has modes."""

    framework: str
    mode: str = ""  #: "" = the claim's mode, else the metric's natural one

    def label(self) -> str:
        return f"{self.framework}/{self.mode}" if self.mode else self.framework


@dataclass(frozen=True)
class Claim:
    """One testable claim, as written in the claims file."""

    id: str
    statement: str  #: the claim in words
    survey: str = ""  #: the survey's claim id (U1, P5, D1, ...), "" for a question the survey did not ask (JAX)
    test: str = "paired"  #: one of TESTS
    metric: str = ""  #: a raw figure (STATIC_FIELDS, RUN_FIELDS, DEPLOY_FIELDS), or ""
    dimension: str = ""  #: a scoring dimension, or ""
    mode: str = ""  #: mode of a run metric for both sides ("eager" when left out)
    size: str = ""  #: input size of a run metric ("" = the study's primary, smallest, size)
    a: Side | None = None  #: paired: the claim's subject
    b: Side | None = None  #: paired: what it is compared with
    expect: str = ""  #: paired: a's values are "lower" / "higher", or "better" / "worse" than b's
    frameworks: tuple[str, ...] = ()  #: winner_varies: the frameworks (all scored ones when empty)
    threshold: float = 0.75  #: winner_varies: share of tasks one framework must win to contradict
    alpha: float = 0.05
    min_tasks: int = 5

    @property
    def subject(self) -> str:
        return self.metric or self.dimension


@dataclass(frozen=True)
class ClaimResult:
    """A claim's verdict, with the numbers behind it and the tasks it rests on."""

    claim: Claim
    verdict: str  #: one of VERDICTS
    summary: str  #: the evidence in one line
    evidence: Mapping[str, float | int | str]
    tasks: tuple[str, ...] = ()
    #: alternative definition (analyzer.sensitivity's ids) -> the verdict under it, where it differs from `verdict`
    flips: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def fragile(self) -> bool:
        """The verdict changes under a reasonable alternative definition of its figure."""
        return bool(self.flips)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ClaimResult":
        return build_dataclass(cls, data)


# ---------------------------------------------------------------------------------------------------- loading


def default_claims_path() -> Path:
    """The claims file shipped with the package."""
    return Path(__file__).resolve().parent / "data" / "claims.toml"


def load_claims(path: Path | str | None = None) -> tuple[Claim, ...]:
    """Read and check a claims file (default: the shipped one); raise ClaimsError naming the field."""
    path = Path(path) if path is not None else default_claims_path()
    return parse_claims(read_toml(path, error=ClaimsError, field="claim"), source=str(path))


class ClaimTable(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The shape of one [[claim]] table (types, required fields, no others; analyzer.typed checks it). What a type
    cannot say (which metric, which framework, ranges) is checked after, naming the claim by its id."""

    id: str
    statement: str
    survey: str = ""
    test: str = ""  #: "paired" (the default) or "winner_varies"
    metric: str = ""
    dimension: str = ""
    mode: str = ""
    size: str = ""
    a: str = ""  #: paired: "framework" or "framework/mode"
    b: str = ""
    expect: str = ""
    frameworks: list[str] = []  #: winner_varies: the frameworks compared (default: all)
    threshold: float | None = None
    alpha: float | None = None
    min_tasks: int | None = None


class ClaimsFile(msgspec.Struct, forbid_unknown_fields=True):
    claim: list[ClaimTable] = []


def parse_claims(data: Mapping[str, Any], *, source: str = "<claims>") -> tuple[Claim, ...]:
    """Check the parsed TOML of a claims file: an array of [[claim]] tables."""
    tables = convert(data, ClaimsFile, source=source, error=ClaimsError).claim
    if not tables:
        raise ClaimsError(source, "claim", "expected one or more [[claim]] tables")
    claims = tuple(_parse_claim(table, source, f"claim[{i}]") for i, table in enumerate(tables))
    seen: set[str] = set()
    for i, claim in enumerate(claims):
        if claim.id in seen:
            raise ClaimsError(source, f"claim[{i}].id", f"expected a unique id; {claim.id!r} is used twice")
        seen.add(claim.id)
    return claims


def _parse_claim(table: ClaimTable, source: str, where: str) -> Claim:
    def fail(name: str, expected: str) -> ClaimsError:
        return ClaimsError(source, f"{where}.{name}", expected)

    for name in ("id", "statement"):
        if not getattr(table, name).strip():
            raise fail(name, "expected a non-empty string")
    where = f"claim[id={table.id}]"
    test = table.test or "paired"
    _check_choice(fail, "test", test, TESTS)
    metric, dimension = table.metric, table.dimension
    if bool(metric) == bool(dimension):
        raise fail("metric", "expected exactly one of 'metric' or 'dimension'")
    if metric:
        _check_choice(fail, "metric", metric, STATIC_FIELDS + RUN_FIELDS + DERIVED_FIELDS + DEPLOY_FIELDS
                      + DEBUG_FIELDS)
    if dimension:
        _check_choice(fail, "dimension", dimension, DIMENSIONS)
    modeless = bool(dimension) or metric in STATIC_FIELDS + DEPLOY_FIELDS + DERIVED_FIELDS
    if table.size:
        if bool(dimension) or metric in STATIC_FIELDS + DEPLOY_FIELDS + DEBUG_FIELDS:
            raise fail("size", f"{dimension or metric} has no input size; leave 'size' out")
        _check_choice(fail, "size", table.size, SIZES)
    if table.mode:
        if modeless:
            raise fail("mode", f"{dimension or metric} has no modes; leave 'mode' out")
        _check_choice(fail, "mode", table.mode, MODES[1:])
    options = _numbers(table, fail)
    common = (table.id, table.statement, table.survey, test, metric, dimension, table.mode, table.size)
    if test == "paired":
        a, b = (_side(getattr(table, name), name, fail, modeless) for name in ("a", "b"))
        _check_choice(fail, "expect", table.expect, ("better", "worse") if dimension else EXPECTATIONS)
        if a == b:
            raise fail("b", f"expected something other than a ({a.label()})")
        return Claim(*common, a, b, table.expect, **options)
    names = tuple(_framework(f, "frameworks", fail) for f in table.frameworks)
    return Claim(*common, frameworks=names, **options)


def _check_choice(fail: Any, name: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise fail(name, f"expected one of {', '.join(choices)}, got {value!r}")


def _numbers(table: ClaimTable, fail: Any) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for name, low, high in (("threshold", 0.0, 1.0), ("alpha", 0.0, 1.0)):
        value = getattr(table, name)
        if value is not None:
            if not low < value <= high:  # NaN fails this too
                raise fail(name, f"expected a number in ({low:g}, {high:g}], got {value!r}")
            options[name] = float(value)
    if table.min_tasks is not None:
        if table.min_tasks < 1:
            raise fail("min_tasks", f"expected an integer >= 1, got {table.min_tasks!r}")
        options["min_tasks"] = table.min_tasks
    return options


def _side(value: str, name: str, fail: Any, subject_has_no_modes: bool) -> Side:
    if not value:
        raise fail(name, "expected \"framework\" or \"framework/mode\"")
    framework, _, mode = value.partition("/")
    if mode and subject_has_no_modes:
        raise fail(name, "this metric or dimension has no modes; expected a framework name only")
    if mode:
        _check_choice(fail, name, mode, MODES[1:])
    return Side(_framework(framework, name, fail), mode)


def _framework(name: str, field_name: str, fail: Any) -> str:
    try:
        return canonical_framework(name)
    except UnknownFrameworkError as exc:
        raise fail(field_name, str(exc)) from None


# ---------------------------------------------------------------------------------------------------- verdicts


#: A static figure's alternative definition for the sensitivity check: metric -> (alternative id, other metric).
METRIC_ALTERNATIVES: dict[str, tuple[str, str]] = {
    "ceremony_total": ("ceremony-distinct", "ceremony_distinct"),
    "ceremony_distinct": ("ceremony-occurrences", "ceremony_total"),
    "sloc": ("conciseness-tokens", "tokens"),
    "api_distinct": ("api-calls", "api_calls"),
}


def check_claims(claims: Sequence[Claim], results: StudyResults, scorecard: Scorecard) -> tuple[ClaimResult, ...]:
    """A verdict for each claim, from the study's measurements and its scorecard, with the verdicts it would get
    under the alternative definitions of its figure (`ClaimResult.flips`)."""
    settings = scorecard.settings
    rows = measurements(results, device=settings.device, machine=settings.machine, size=settings.size)
    whole = measurements(results, device=settings.device, machine=settings.machine, size=settings.size,
                         whole_files=True)
    has_plumbing = any(f.plumbing for f in (results.static.files if results.static else ()))
    checked = []
    for claim in claims:
        result = check_claim(claim, rows, scorecard)
        others: dict[str, ClaimResult] = {}
        if claim.metric in STATIC_FIELDS:
            if claim.metric in METRIC_ALTERNATIVES:
                name, metric = METRIC_ALTERNATIVES[claim.metric]
                others[name] = check_claim(dataclasses.replace(claim, metric=metric), rows, scorecard)
            if has_plumbing:
                others["with-plumbing"] = check_claim(claim, whole, scorecard)
        elif claim.metric and claim.metric not in DEPLOY_FIELDS + DEBUG_FIELDS and not claim.size:
            read = settings.size or primary_size(rows)
            for size in (s for s in run_sizes(rows) if s != read):  # the claim reads one size; others are alternatives
                others[f"size-{size}"] = check_claim(dataclasses.replace(claim, size=size), rows, scorecard)
        flips = {name: other.verdict for name, other in others.items() if other.verdict != result.verdict}
        checked.append(dataclasses.replace(result, flips=flips))
    return tuple(checked)


def check_claim(claim: Claim, rows: Sequence[Measurement], scorecard: Scorecard) -> ClaimResult:
    """The verdict of one claim."""
    if claim.dimension and claim.dimension not in scorecard.scored_dimensions:
        reason = scorecard.skipped.get(claim.dimension, "not scored")
        return ClaimResult(claim, "inconclusive", f"no {claim.dimension} data: {reason}", {"tasks": 0})
    if claim.test == "winner_varies":
        return _winner_varies(claim, rows, scorecard)
    return _paired(claim, rows, scorecard)


def _mode(claim: Claim, side_mode: str = "") -> str:
    if claim.dimension or claim.metric in STATIC_FIELDS:
        return STATIC_MODE
    if claim.metric in DEPLOY_FIELDS:
        return DEPLOY_MODE
    if claim.metric in DERIVED_FIELDS:
        return BEST_MODE
    return side_mode or claim.mode or "eager"


def _values(claim: Claim, framework: str, mode: str, rows: Sequence[Measurement],
            scorecard: Scorecard) -> dict[str, float]:
    """task -> value: a raw figure, or the framework's relative value on a dimension (higher better)."""
    if claim.dimension:
        score = scorecard.dimension(claim.dimension, framework)
        return {t.task: t.relative for t in score.tasks} if score else {}
    size = "" if mode in SIZELESS or claim.metric in DEBUG_FIELDS else (
        claim.size or scorecard.settings.size or primary_size(rows))
    return {r.task: r.value for r in rows if (r.framework, r.variant, r.mode, r.metric, r.size)
            == (framework, DEFAULT_VARIANT, mode, claim.metric, size)}


def _lower_is_better(claim: Claim) -> bool:
    return not claim.dimension and claim.metric not in HIGHER_IS_BETTER


def _paired(claim: Claim, rows: Sequence[Measurement], scorecard: Scorecard) -> ClaimResult:
    assert claim.a is not None and claim.b is not None
    a_label, b_label = (_side_label(claim, side) for side in (claim.a, claim.b))
    va = _values(claim, claim.a.framework, _mode(claim, claim.a.mode), rows, scorecard)
    vb = _values(claim, claim.b.framework, _mode(claim, claim.b.mode), rows, scorecard)
    tasks = tuple(sorted(set(va) & set(vb)))
    if len(tasks) < claim.min_tasks:
        return ClaimResult(claim, "inconclusive", f"{len(tasks)} paired task(s) of {a_label} and {b_label}; "
                           f"the test needs {claim.min_tasks}", {"tasks": len(tasks)}, tasks)
    xa, xb = [va[t] for t in tasks], [vb[t] for t in tasks]
    logs = all(x > 0 for x in xa + xb)
    result = paired_test([math.log(x / y) if logs else x - y for x, y in zip(xa, xb)])
    larger, smaller = sum(x > y for x, y in zip(xa, xb)), sum(x < y for x, y in zip(xa, xb))
    evidence: dict[str, float | int | str] = {
        "tasks": len(tasks), f"{a_label} higher": larger, f"{a_label} lower": smaller,
        "ties": len(tasks) - larger - smaller, f"median {a_label}": statistics.median(xa),
        f"median {b_label}": statistics.median(xb), "p_value": result.p_value,
        "rank_biserial": result.rank_biserial, "alpha": claim.alpha,
        "differences": "log ratio" if logs else "difference",
    }
    expected_sign = _expected_sign(claim)
    words = ("better", "worse") if claim.dimension else ("higher", "lower")
    summary = (f"{a_label} {words[0]} on {larger}, {words[1]} on {smaller} of {len(tasks)} tasks; median "
               f"{_g(evidence[f'median {a_label}'])} vs {_g(evidence[f'median {b_label}'])}; Wilcoxon "
               f"p={result.p_value:.3g}, r={result.rank_biserial:+.2f}")
    if result.p_value >= claim.alpha:
        return ClaimResult(claim, "inconclusive", f"no significant difference: {summary}", evidence, tasks)
    observed = 1 if result.rank_biserial > 0 else -1
    verdict = "supported" if observed == expected_sign else "contradicted"
    return ClaimResult(claim, verdict, summary, evidence, tasks)


def _expected_sign(claim: Claim) -> int:
    """+1 when the claim expects a's values above b's."""
    if claim.expect in ("higher", "lower"):
        return 1 if claim.expect == "higher" else -1
    better_is_higher = not _lower_is_better(claim)
    return 1 if (claim.expect == "better") == better_is_higher else -1


def _side_label(claim: Claim, side: Side) -> str:
    assert claim.a is not None and claim.b is not None
    if claim.dimension or _mode(claim) in (STATIC_MODE, DEPLOY_MODE, BEST_MODE):
        return side.framework
    modes_differ = _mode(claim, claim.a.mode) != _mode(claim, claim.b.mode)
    return f"{side.framework}/{_mode(claim, side.mode)}" if modes_differ else side.framework


def _g(value: float | int | str) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _winner_varies(claim: Claim, rows: Sequence[Measurement], scorecard: Scorecard) -> ClaimResult:
    frameworks = claim.frameworks or scorecard.frameworks
    mode = _mode(claim)
    values = {fw: _values(claim, fw, mode, rows, scorecard) for fw in frameworks}
    tasks = tuple(sorted(set.intersection(*(set(v) for v in values.values()))))
    if len(tasks) < claim.min_tasks:
        return ClaimResult(claim, "inconclusive", f"{len(tasks)} task(s) with every framework; the test needs "
                           f"{claim.min_tasks}", {"tasks": len(tasks)}, tasks)
    wins = {fw: 0.0 for fw in frameworks}
    for task in tasks:
        figures = {fw: values[fw][task] for fw in frameworks}
        best = min(figures.values()) if _lower_is_better(claim) else max(figures.values())
        winners = [fw for fw, v in figures.items() if v == best]
        for fw in winners:
            wins[fw] += 1.0 / len(winners)
    top = max(wins, key=lambda fw: wins[fw])
    share = wins[top] / len(tasks)
    evidence: dict[str, float | int | str] = {"tasks": len(tasks), "threshold": claim.threshold,
                                               "top share": share, **{f"best {fw}": w for fw, w in wins.items()}}
    listing = ", ".join(f"{fw} {_g(round(w, 1))}" for fw, w in sorted(wins.items(), key=lambda kv: -kv[1]))
    subject = claim.subject if mode in (STATIC_MODE, DEPLOY_MODE, BEST_MODE) else f"{claim.subject}@{mode}"
    subject += f"@{claim.size}" if claim.size else ""
    summary = f"best per task ({subject}): {listing} of {len(tasks)}"
    verdict = "contradicted" if share >= claim.threshold else "supported"
    return ClaimResult(claim, verdict, summary, evidence, tasks)
