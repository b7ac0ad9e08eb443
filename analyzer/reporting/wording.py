"""How a report words its figures: numbers, marks, verdicts, notes and the order of rows, as plain text.

Pure functions from a scorecard, measurements and records to strings; no renderer. The view (reporting.view) builds
every table of a report from them, so the console, Markdown and HTML reports say the same thing the same way.

Best values are marked ▲ and worst ▼; `†` marks the leader of a fragile verdict (one whose leader changes under an
alternative definition, analyzer.sensitivity); `~` marks a timing flagged unstable, `≠` a run that gave different
results on a second fresh run.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from analyzer.claims import ClaimResult
from analyzer.frameworks import DEPLOY_PATHS, FRAMEWORKS
from analyzer.model import DeployRecord
from analyzer.overhead import SizeProfile, median_share
from analyzer.scoring import (
    COMPOSITE, DEFAULT_VARIANT, SIZELESS, STATIC_MODE, Measurement, Scorecard, primary_size,
)
from analyzer.sensitivity import flip_summary

BEST, WORST, UNSTABLE, NONDETERMINISTIC, FRAGILE = "▲", "▼", "~", "≠", "†"
#: Columns of the per-task view: (metric, mode, header, unit, scale applied before printing).
TASK_COLUMNS: tuple[tuple[str, str, str, str, float], ...] = (
    ("sloc", STATIC_MODE, "SLOC", "lines", 1.0),
    ("cognitive", STATIC_MODE, "cog", "", 1.0),
    ("api_distinct", STATIC_MODE, "APIs", "", 1.0),
    ("ceremony_total", STATIC_MODE, "cer", "", 1.0),
    ("median_s", "eager", "eager ms", "ms", 1000.0),
    ("median_s", "compiled", "comp ms", "ms", 1000.0),
    ("compile_s", "compiled", "compile s", "s", 1.0),
    ("peak_host_mb", "eager", "peak MiB", "MiB", 1.0),
    ("cold_start_s", "eager", "cold s", "s", 1.0),
)
RUN_MODES = ("eager", "compiled")


def environment_lines(environment: Mapping[str, object]) -> list[tuple[str, str]]:
    """The study's environment as (name, readable value) pairs, in a fixed order: what a reader of a published
    report needs to know about the machine and the run, never a raw Python dict."""
    return [(name.replace("_", " "), _environment_value(name, value))
            for name, value in sorted(environment.items()) if name != "analyzer"]


def _environment_value(name: str, value: object) -> str:
    if name == "frameworks" and isinstance(value, Mapping):
        return "; ".join(_versions(versions) for versions in value.values() if isinstance(versions, Mapping)) or "-"
    if name in ("deployment", "debugging") and isinstance(value, Mapping):
        parts = [f"{value.get('device', '?')}, {value.get('size', '?')} size, {value.get('threads', '?')} thread(s)"]
        if isinstance(value.get("frameworks"), Mapping) and value["frameworks"]:
            parts.append(_environment_value("frameworks", value["frameworks"]))
        if value.get("isolation"):
            parts.append(f"isolation: {value['isolation']}")
        return "; ".join(parts)
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {_environment_value(str(key), item)}" for key, item in value.items()) or "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(_environment_value(name, item) for item in value) or "none"
    return str(value)


def _versions(versions: Mapping[str, object]) -> str:
    accelerators = versions.get("accelerators") or []
    named = " ".join(f"{key} {item}" for key, item in versions.items() if key != "accelerators")
    return named + (f" (on {', '.join(map(str, accelerators))})" if accelerators else "")


def label(framework: str) -> str:
    """The framework's short name as reports show it."""
    return framework


def implementation_label(framework: str, variant: str) -> str:
    """"torch", or "tensorflow (fit)" for a variant."""
    return label(framework) if variant == DEFAULT_VARIANT else f"{label(framework)} ({variant})"


def number(value: float | None, digits: int = 3) -> str:
    """A figure with `digits` significant digits, whole numbers without a decimal point; "-" when missing."""
    if value is None:
        return "-"
    if float(value).is_integer() and abs(value) < 10 ** 6:
        return str(int(value))
    return f"{value:.{digits}g}"


def dimension_name(dimension: str) -> str:
    return dimension.replace("_", " ")


def significance(card: Scorecard, dimension: str) -> str:
    """The pair tests of a dimension in words: "tensorflow > torch (p=0.001, r=0.91)" or "no significant difference"."""
    found = [t for t in card.tests_of(dimension) if t.significant]
    if not found:
        return "no significant difference"
    parts = []
    for test in found:
        worse = test.b if test.better == test.a else test.a
        parts.append(f"{test.better} > {worse} (p={test.p_adjusted:.2g}, r={abs(test.rank_biserial):.2f})")
    return "; ".join(parts)


def correction_note(card: Scorecard) -> str:
    settings = card.settings
    corrected = "Holm-corrected within each dimension" if settings.correction == "holm" else "not corrected"
    return (f"Wilcoxon signed-rank over tasks, alpha {settings.alpha:g}, {corrected}; r: matched-pairs "
            f"rank-biserial correlation")


def composite_note(card: Scorecard) -> str:
    settings = card.settings
    return (f"composite 0-100: weighted mean of dimension scores (weights: {card.weights_source or 'given'}); "
            f"interval: 95% bootstrap over tasks ({settings.resamples} resamples, seed {settings.seed}); "
            f"P(first): share of {settings.weightings} random weightings under which it ranks first")


def verdict_name(verdict: str) -> str:
    return "composite" if verdict == COMPOSITE else dimension_name(verdict)


def fragile_mark(card: Scorecard, verdict: str, framework: str) -> str:
    """FRAGILE beside a framework's figure when it leads a verdict that is fragile, else ""."""
    return FRAGILE if framework in card.leaders(verdict) and card.fragile(verdict) else ""


def fragile_note(card: Scorecard) -> str:
    fragile = [verdict_name(v) for v in card.verdicts if card.fragile(v)]
    if not card.sensitivity:
        return "sensitivity not checked"
    if not fragile:
        return f"every verdict keeps its leader under {len(card.sensitivity)} alternative definitions"
    return f"{FRAGILE} fragile (the leader changes under an alternative definition): {', '.join(fragile)}"


def sensitivity_rows(card: Scorecard) -> list[tuple[str, str, str, str]]:
    """Per verdict: its name, its leader(s), "fragile" or "robust", and what each flipping alternative gives."""
    rows = []
    for verdict in card.verdicts:
        status = "fragile" if card.fragile(verdict) else ("robust" if card.sensitivity else "not checked")
        rows.append((verdict_name(verdict), ", ".join(card.leaders(verdict)), status, flip_summary(card, verdict)))
    return rows


def alternative_notes(card: Scorecard) -> list[str]:
    """One line per alternative definition checked: its id and what it changes."""
    return [f"{c.alternative}: {c.description}" for c in card.sensitivity]


def claim_evidence(result: ClaimResult) -> str:
    """The evidence line, and what each alternative definition that changes the verdict gives."""
    if not result.fragile:
        return result.summary
    changes = ", ".join(f"{name}: {verdict}" for name, verdict in result.flips.items())
    return f"{result.summary}; {FRAGILE} fragile, under {changes}"


def profile_sizes(profiles: Sequence[SizeProfile]) -> list[str]:
    """The input sizes the profiles cover, smallest first."""
    from analyzer.spec import SIZES

    present = {s for p in profiles for s in p.seconds}
    return sorted(present, key=lambda s: (SIZES.index(s) if s in SIZES else len(SIZES), s))


def profile_cell(profile: SizeProfile | None, sizes: Sequence[str]) -> str:
    """"93% → 21% (3.4 GFLOP/s)": the overhead share at each size and the FLOP/s at the largest; "–" unknown."""
    if profile is None:
        return "–"
    shares = " → ".join("?" if (v := profile.share(s)) is None else f"{v:.0%}" for s in sizes)
    largest = next((s for s in reversed(sizes) if s in profile.flop_s), None)
    rate = f" ({profile.flop_s[largest] / 1e9:.3g} GFLOP/s {profile.mode})" if largest else f" ({profile.mode})"
    if not profile.flop_s:
        return "no flops declared" + rate
    if not profile.overhead_share:  # the time did not grow with the work: the fit says nothing
        return "no fit" + rate
    return shares + rate


def profile_rows(profiles: Sequence[SizeProfile], frameworks: Sequence[str]) -> list[list[str]]:
    """Per task: its name and one profile_cell per framework."""
    sizes = profile_sizes(profiles)
    by_key = {(p.task, p.framework): p for p in profiles}
    return [[task, *[profile_cell(by_key.get((task, fw)), sizes) for fw in frameworks]]
            for task in sorted({p.task for p in profiles})]


def profile_note(profiles: Sequence[SizeProfile], frameworks: Sequence[str]) -> str:
    """The model behind the shares and each framework's median share per size."""
    sizes = profile_sizes(profiles)
    medians = []
    for fw in frameworks:
        values = [median_share(profiles, fw, s) for s in sizes]
        medians.append(f"{fw} " + " → ".join("?" if v is None else f"{v:.0%}" for v in values))
    return (f"share of run() time outside the kernels at {' → '.join(sizes)}, estimated from t = overhead + "
            f"flops / rate fitted over the sizes; FLOP/s at the largest size, each framework at the mode faster "
            f"there. Median over tasks: {'; '.join(medians)}")


def extremes(values: Mapping[str, float], *, higher_is_better: bool) -> tuple[set[str], set[str]]:
    """The keys holding the best and the worst value; both empty when all values are equal."""
    if len(values) < 2 or len(set(values.values())) == 1:
        return set(), set()
    best = max(values.values()) if higher_is_better else min(values.values())
    worst = min(values.values()) if higher_is_better else max(values.values())
    return ({k for k, v in values.items() if v == best}, {k for k, v in values.items() if v == worst})


def index(rows: Iterable[Measurement]) -> dict[tuple[str, str, str, str, str], Measurement]:
    """(task, framework, variant, mode, metric) -> measurement."""
    return {(r.task, r.framework, r.variant, r.mode, r.metric): r for r in rows}


def at_primary_size(rows: Sequence[Measurement]) -> tuple[str, tuple[Measurement, ...]]:
    """The primary size (the smallest the runs have) and the rows that hold at it: static figures, and run figures
    of that size only, so a task table never mixes sizes (its keys carry none)."""
    size = primary_size(rows)
    return size, tuple(r for r in rows if r.mode in SIZELESS or not r.size or r.size == size)


def tasks_title(size: str) -> str:
    return f"Tasks, {size} size" if size else "Tasks"


def status_cell(found: Mapping[tuple[str, str, str, str, str], Measurement], task: str, framework: str,
                variant: str = DEFAULT_VARIANT) -> str:
    """✓ or ✗ per mode (eager, compiled), · where not run; ≠ when a run was nondeterministic."""
    cell = ""
    for mode in RUN_MODES:
        row = found.get((task, framework, variant, mode, "passed"))
        cell += "·" if row is None else ("✓" if row.value else "✗")
        cell += NONDETERMINISTIC if row is not None and row.nondeterministic else ""
    return cell


COMPOSITE_HEADERS = ("rank", "framework", "composite", "95% interval", "P(first)")


def composite_rows(card: Scorecard) -> tuple[list[list[str]], set[str], set[str]]:
    """The scorecard's rows as text (rank, framework, composite, interval, P(first)), with the best and worst
    frameworks to mark (the view adds the fragile mark, fragile_mark). A scorecard that covers too little to rank
    (Scorecard.coverage) shows its composites in framework order, with no rank, no P(first) and no marks."""
    ranked = card.coverage.ranked
    order = (sorted(card.composites, key=lambda c: (c.rank, card.frameworks.index(c.framework))) if ranked
             else list(card.composites))
    rows = [[str(c.rank) if ranked else "-", c.framework, f"{c.composite:.1f}",
             f"{c.ci_low:.1f}–{c.ci_high:.1f}", f"{c.p_first:.0%}" if ranked else "-"] for c in order]
    if not ranked:
        return rows, set(), set()
    best, worst = extremes({c.framework: c.composite for c in card.composites}, higher_is_better=True)
    return rows, best, worst


def verdict_text(card: Scorecard) -> str:
    """The scorecard in words, for the head of every report: who ranks first, whether that rank is significant (it
    is not where the leader's 95% interval overlaps another framework's), how often random weightings agree, and
    whether the lead is fragile; or why there is no rank."""
    coverage = card.coverage
    if not coverage.ranked or not card.composites:
        return f"Verdict: no rank. This scorecard {coverage.describe()}."
    first = max(card.composites, key=lambda c: c.composite)
    overlapping = [c for c in card.composites if c is not first and c.ci_high >= first.ci_low]
    lead = (f"{label(first.framework)} ranks first ({first.composite:.1f}, 95% interval "
            f"{first.ci_low:.1f}–{first.ci_high:.1f})")
    if overlapping:
        others = " and ".join(f"{label(c.framework)}'s ({c.ci_low:.1f}–{c.ci_high:.1f})" for c in overlapping)
        significance_words = f"but its interval overlaps {others}: the rank is not significant"
    else:
        significance_words = "and its interval clears every other framework's"
    favourite = max(card.composites, key=lambda c: c.p_first)
    weighting = (f"random weightings put it first {first.p_first:.0%} of the time" if favourite is first else
                 f"random weightings put {label(favourite.framework)} first more often ({favourite.p_first:.0%} "
                 f"against {first.p_first:.0%})")
    fragile = (f" The lead is fragile: {flip_summary(card, COMPOSITE)}." if card.fragile(COMPOSITE) else "")
    return (f"Verdict: {lead}, {significance_words}; {weighting}.{fragile} The scorecard {coverage.describe()}.")


def scorecard_note(card: Scorecard) -> str:
    return f"{card.coverage.describe()}; {composite_note(card)}; {fragile_note(card)}"


#: Columns of the deployment table after task, framework, path and status: (header, figure of a DeployRecord).
DEPLOY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("size", "artifact"), ("export s", "export_s"), ("reload s", "reload_s"), ("latency ms", "latency"),
    ("export lines", "export_sloc"),
)
DEPLOY_NOTE = ("reload s: loading the artifact plus its first inference, in a fresh process that never imported "
               "the implementation (runtime import apart); latency: steady-state median of one inference call; "
               "export lines: SLOC of the implementation's export function, for all of its framework's paths, with the "
               "helpers only it uses; "
               "legacy paths are reported, not scored; artifact sizes and latencies differ in kind between paths")


def deploy_order(records: Iterable[DeployRecord]) -> list[DeployRecord]:
    """Task by task, frameworks and their paths in registry order."""
    order = {p.name: i for i, p in enumerate(DEPLOY_PATHS)}
    return sorted(records, key=lambda r: (r.task, framework_order(r.framework), order.get(r.path, len(order)),
                                          r.path))


def path_label(record: DeployRecord) -> str:
    return f"{record.path} (legacy)" if record.legacy else record.path


def deploy_status(record: DeployRecord) -> str:
    """The status in words, as runs say it ("passed", "crashed", "wrong answer", "skipped")."""
    return record.status.replace("_", " ")


def byte_size(value: float | None) -> str:
    """Bytes in B, KiB, MiB or GiB (powers of 1024, the unit of every memory figure in the reports); "-" when
    missing."""
    if value is None:
        return "-"
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{int(value)} B"


def frameworks_of(rows: Iterable[Measurement]) -> list[str]:
    """The frameworks of some measurements, in the registry's order (unknown ones last, by name)."""
    return sorted({r.framework for r in rows}, key=lambda fw: (framework_order(fw), fw))


def framework_order(name: str) -> int:
    """A framework's place in the registry (torch, tensorflow, jax); unknown ones after them."""
    order = list(FRAMEWORKS)
    return order.index(name) if name in order else len(order)
