"""Sensitivity of the verdicts: each leader recomputed under reasonable alternative definitions of the scores.

A scorecard decides who leads the composite and each dimension. Those verdicts rest on choices a careful reader
could make otherwise, so `check_verdicts` scores the same study again under each alternative below and keeps
every framework's score; a verdict whose leader changes under one of them is *fragile* (Scorecard.fragile), and
the reports mark it so wherever it appears.

=================== ==================================================================================
alternative         what changes
=================== ==================================================================================
ceremony-distinct   ceremony counts each idiom once per file (ceremony_distinct), not every occurrence
with-plumbing       static figures of whole files: load_weights, result, export and the export constants
                    included (the harness's plumbing; FileMetrics.plumbing.whole)
conciseness-tokens  conciseness from code tokens instead of source lines
api-calls           API surface from framework call sites instead of distinct APIs
speed-<size>        speed at one input size only (small: overhead-bound, medium: compute-bound), each
                    framework at its faster mode; only when the study has several sizes
speed-eager         speed of the eager mode only, every size (the former default)
speed-compiled      speed of the compiled mode only, every size
debug-caught        debuggability as the share of injected faults that raised an error, not the fault score
                    (a fault a framework handled correctly, a cast say, then counts as missed)
debug-eager         debuggability of the eager mode only
random-weights      the composite under random weightings of the dimensions (Dirichlet(1, ..., 1)): the
                    leader is the framework ranking first most often (P(first)) instead of the one first
                    under equal weights
=================== ==================================================================================

An alternative that does not apply to a study (no plumbing, one size, no compiled runs) is left out, and a
verdict an alternative cannot score (a dimension it leaves without paired data) is not counted as a flip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analyzer.model import StudyResults
from analyzer.scoring import (
    BEST_MODE, COMPOSITE, EVERY_SIZE, METRICS, STATIC_MODE, Measurement, Metric, Scorecard, ScoringError, VerdictCheck,
    measurements, run_sizes, score_measurements,
)


@dataclass(frozen=True)
class Alternative:
    """One alternative definition: other metrics for some dimensions, or whole files' static figures."""

    id: str
    description: str
    #: metrics replacing every metric of the dimensions they name; () keeps the scorecard's metrics
    metrics: tuple[Metric, ...] = ()
    whole_files: bool = False  #: static figures of whole files, plumbing included

    def scored_metrics(self) -> tuple[Metric, ...]:
        replaced = {m.dimension for m in self.metrics}
        return tuple(m for m in METRICS if m.dimension not in replaced) + self.metrics


#: Alternatives that every study with the data they need gets.
FIXED: tuple[Alternative, ...] = (
    Alternative("ceremony-distinct", "ceremony as distinct idioms per file, not occurrences",
                (Metric("ceremony_distinct", STATIC_MODE, "ceremony", offset=1.0),)),
    Alternative("with-plumbing", "static figures of whole files, plumbing (load_weights, result, export) included",
                whole_files=True),
    Alternative("conciseness-tokens", "conciseness from code tokens instead of source lines",
                (Metric("tokens", STATIC_MODE, "conciseness"),)),
    Alternative("api-calls", "API surface from framework call sites instead of distinct APIs",
                (Metric("api_calls", STATIC_MODE, "api_surface"),)),
    Alternative("speed-eager", "speed of the eager mode only, at every size",
                (Metric("median_s", "eager", "speed", size=EVERY_SIZE),)),
    Alternative("speed-compiled", "speed of the compiled mode only, at every size",
                (Metric("median_s", "compiled", "speed", size=EVERY_SIZE),)),
    Alternative("debug-caught", "debuggability as the share of injected faults that raised an error (a fault "
                "the framework handled correctly counts as missed)",
                (Metric("debug_caught", "eager", "debuggability", offset=0.1),
                 Metric("debug_caught", "compiled", "debuggability", offset=0.1))),
    Alternative("debug-eager", "debuggability of the eager mode only",
                (Metric("debug_score", "eager", "debuggability", offset=0.1),)),
)
RANDOM_WEIGHTS = "random-weights"


def alternatives(results: StudyResults, card: Scorecard,
                 rows: Sequence[Measurement] | None = None) -> tuple[Alternative, ...]:
    """The alternatives that apply to this study: one speed-<size> per input size when there are several.

    `rows` are the study's measurements (plumbing excluded) when the caller has them already."""
    if rows is None:
        rows = measurements(results, device=card.settings.device, machine=card.settings.machine,
                            size=card.settings.size)
    sizes = run_sizes(rows)
    found = list(FIXED)
    if not any(f.plumbing for f in (results.static.files if results.static else ())):
        found = [a for a in found if not a.whole_files]
    if len(sizes) > 1:
        found += [Alternative(f"speed-{size}", f"speed at the {size} size only, each framework at its faster mode",
                              (Metric("best_s", BEST_MODE, "speed", size=size),)) for size in sizes]
    measured = {(r.metric, r.mode) for r in rows}
    return tuple(a for a in found if all((m.name, m.mode) in measured for m in a.metrics))


def check_verdicts(results: StudyResults, card: Scorecard) -> tuple[VerdictCheck, ...]:
    """Every verdict of `card` recomputed under each alternative that applies to `results`."""
    settings = card.settings
    by_files = {whole: measurements(results, device=settings.device, machine=settings.machine, size=settings.size,
                                    whole_files=whole) for whole in (False, True)}
    checks = []
    for alternative in alternatives(results, card, by_files[False]):
        rows = by_files[alternative.whole_files]
        try:
            other = score_measurements(rows, card.weights, settings=card.settings,
                                       weights_source=card.weights_source, metrics=alternative.scored_metrics())
        except ScoringError:
            continue  # nothing weighted left to score under it: it decides nothing
        checks.append(VerdictCheck(alternative.id, alternative.description,
                                   {verdict: other.verdict_scores(verdict) for verdict in other.verdicts}))
    if len(card.composites) > 1:
        checks.append(VerdictCheck(
            RANDOM_WEIGHTS, "the composite under random weightings of the dimensions: the framework first most "
                            "often (P(first)) leads",
            {COMPOSITE: {c.framework: c.p_first for c in card.composites}}))
    return tuple(checks)


def fragile_verdicts(card: Scorecard) -> tuple[str, ...]:
    """The verdicts of a scorecard whose leader changes under at least one alternative."""
    return tuple(v for v in card.verdicts if card.fragile(v))


def flip_summary(card: Scorecard, verdict: str) -> str:
    """'robust' or the alternatives that change the leader and the leader each gives, in words."""
    flips = card.flips(verdict)
    if not flips:
        checked = sum(bool(c.leaders(verdict)) for c in card.sensitivity)
        return f"robust under {checked} alternatives" if checked else "not checked"
    return "; ".join(f"{c.alternative}: {', '.join(c.leaders(verdict))}" for c in flips)

