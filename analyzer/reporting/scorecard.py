"""Rich renderables of a scored study: scorecard, dimensions, tasks, claims, and one task side by side.

Best values are marked ▲ and worst ▼ (and coloured where the console has colour); `†` marks the leader of a
fragile verdict (one whose leader changes under an alternative definition, analyzer.sensitivity); `~` marks a
timing flagged unstable, `≠` a run that gave different results on a second fresh run. The format helpers here are shared by the
Markdown and HTML reports, so every format says the same thing the same way.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.markup import escape
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from analyzer.claims import ClaimResult
from analyzer.frameworks import DEPLOY_PATHS, FRAMEWORKS
from analyzer.machines import MachineComparison, machine_header, machine_note, machine_rows
from analyzer.model import DebugRecord, DeployRecord, ProbeRecord
from analyzer.scoring import (
    COMPOSITE, DEFAULT_VARIANT, DIMENSIONS, HIGHER_IS_BETTER, SIZELESS, STATIC_MODE, Measurement, Scorecard,
    primary_size,
)
from analyzer.overhead import SizeProfile, median_share
from analyzer.sensitivity import flip_summary

BEST, WORST, UNSTABLE, NONDETERMINISTIC, FRAGILE = "▲", "▼", "~", "≠", "†"
VERDICT_STYLE = {"supported": "green", "contradicted": "red", "inconclusive": "yellow"}

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


# ---------------------------------------------------------------------------------------------------- shared helpers


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


def claim_verdict(result: ClaimResult) -> str:
    """A claim's verdict, with FRAGILE when an alternative definition of its figure changes it."""
    return result.verdict + (FRAGILE if result.fragile else "")


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


def mark(text: str, key: str, best: set[str], worst: set[str]) -> str:
    """Rich markup of a figure with its best/worst marker."""
    if key in best:
        return f"[bold green]{text}{BEST}[/]"
    if key in worst:
        return f"[red]{text}{WORST}[/]"
    return text


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


# ---------------------------------------------------------------------------------------------------- tables


COMPOSITE_HEADERS = ("rank", "framework", "composite", "95% interval", "P(first)")


def composite_rows(card: Scorecard) -> tuple[list[list[str]], set[str], set[str]]:
    """The scorecard's rows as text (rank, framework, composite, interval, P(first)) for every renderer, with the
    best and worst frameworks to mark. A scorecard that covers too little to rank (Scorecard.coverage) shows its
    composites in framework order, with no rank, no P(first) and no marks."""
    ranked = card.coverage.ranked
    order = (sorted(card.composites, key=lambda c: (c.rank, card.frameworks.index(c.framework))) if ranked
             else list(card.composites))
    rows = [[str(c.rank) if ranked else "-", c.framework,
             f"{c.composite:.1f}{fragile_mark(card, COMPOSITE, c.framework)}",
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


def scorecard_table(card: Scorecard) -> Table:
    """One row per framework: rank, composite with its 95% interval, and P(first)."""
    table = Table(title="Scorecard", title_justify="left", box=box.SIMPLE_HEAD,
                  caption=escape(scorecard_note(card)), caption_justify="left", min_width=90)
    for header, justify in zip(COMPOSITE_HEADERS, ("right", "left", "right", "right", "right")):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    rows, best, worst = composite_rows(card)
    for rank, framework, text, interval, p_first in rows:
        table.add_row(rank, escape(label(framework)), mark(text, framework, best, worst), interval.replace("–", "-"),
                      p_first)
    return table


def dimension_table(card: Scorecard) -> Table:
    """Dimension by framework (scores in (0, 1], 1 = best on every task), tasks, weight and significance."""
    table = Table(title="Dimensions", title_justify="left", box=box.SIMPLE_HEAD, caption_justify="left",
                  caption="score: geometric mean over tasks of the value relative to the best framework (1 = best "
                          f"everywhere); ⚑ a metric that does not tell frameworks apart; {FRAGILE} the leader of a "
                          f"fragile verdict (see Sensitivity); {correction_note(card)}")
    table.add_column("dimension", no_wrap=True)
    table.add_column("weight", justify="right")
    table.add_column("tasks", justify="right")
    for fw in card.frameworks:
        table.add_column(escape(label(fw)), justify="right")
    table.add_column("significance")
    flagged = {f.dimension for f in card.flags}
    for dimension in DIMENSIONS:
        name = dimension_name(dimension) + (" ⚑" if dimension in flagged else "")
        weight = number(card.weights.get(dimension, 0.0))
        if (why := card.skip_reason(dimension)) is not None:
            table.add_row(f"[dim]{name}[/]", weight, "0", *["-"] * len(card.frameworks),
                          f"[dim]skipped: {escape(why)}[/]")
            continue
        scores = card.scores_of(dimension)
        best, worst = extremes({fw: d.score for fw, d in scores.items()}, higher_is_better=True)
        tasks = len(scores[card.frameworks[0]].tasks)
        table.add_row(name, weight, str(tasks),
                      *[mark(f"{scores[fw].score:.2f}{fragile_mark(card, dimension, fw)}", fw, best, worst)
                        for fw in card.frameworks],
                      escape(significance(card, dimension)))
    return table


def sensitivity_table(card: Scorecard) -> Table:
    """Each verdict, its leader, and whether a reasonable alternative definition changes the leader."""
    table = Table(title="Sensitivity", title_justify="left", box=box.SIMPLE_HEAD, caption_justify="left",
                  caption=escape("alternatives: " + "; ".join(alternative_notes(card))))
    for header in ("verdict", "leader", "status", "leader under the alternatives that change it"):
        table.add_column(header)
    for name, leader, status, detail in sensitivity_rows(card):
        style = {"fragile": "yellow", "robust": "green"}.get(status, "dim")
        table.add_row(escape(name), escape(leader), f"[{style}]{status}[/]", escape(detail))
    return table


def flags_text(card: Scorecard) -> Text:
    """One line per metric that does not tell the frameworks apart."""
    lines = [f"⚑ {f.metric} ({dimension_name(f.dimension)}): all frameworks tie on {f.tied_share:.0%} of "
             f"{f.tasks} tasks" for f in card.flags]
    return Text("\n".join(lines))


def task_table(rows: Sequence[Measurement], *, frameworks: Sequence[str] = (), tasks: Sequence[str] = (),
               title: str = "Tasks") -> Table:
    """Task by framework: static figures, times, memory, cold start and status; variants listed below the
    defaults, unmarked (they are not scored)."""
    found = index(rows)
    implementations = {(r.task, r.framework, r.variant) for r in rows}
    frameworks = list(frameworks) or _frameworks(rows)
    tasks = list(tasks) or sorted({r.task for r in rows})
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, caption_justify="left",
                  collapse_padding=True, pad_edge=False,
                  caption=f"{BEST} best, {WORST} worst per task; {UNSTABLE} unstable timing; status ✓ passed, "
                          f"✗ failed, · not run (eager, compiled); {NONDETERMINISTIC} nondeterministic")
    table.add_column("task", overflow="fold")
    table.add_column("framework", no_wrap=True)
    for _, _, header, _, _ in TASK_COLUMNS:
        table.add_column(header.replace(" ", "\n"), justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for position, task in enumerate(tasks):
        keys = [(fw, DEFAULT_VARIANT) for fw in frameworks if (task, fw, DEFAULT_VARIANT) in implementations]
        variants = sorted(k for k in implementations if k[0] == task and k[2] != DEFAULT_VARIANT
                          and k[1] in frameworks)
        keys += [(fw, variant) for _, fw, variant in sorted(variants, key=lambda k: _framework_order(k[1]))]
        cells: dict[tuple[str, str], list[str]] = {key: [] for key in keys}
        for metric, mode, _, _, scale in TASK_COLUMNS:
            values = {key: found[(task, *key, mode, metric)] for key in keys if (task, *key, mode, metric) in found}
            scored = {fw: m.value for (fw, variant), m in values.items() if variant == DEFAULT_VARIANT}
            best, worst = extremes(scored, higher_is_better=metric in HIGHER_IS_BETTER)
            for key in keys:
                m = values.get(key)
                text = "-" if m is None else number(m.value * scale) + (UNSTABLE if m.unstable else "")
                cells[key].append(mark(text, key[0], best, worst) if key[1] == DEFAULT_VARIANT else text)
        for i, key in enumerate(keys):
            table.add_row(escape(task) if i == 0 else "", escape(implementation_label(*key)), *cells[key],
                          status_cell(found, task, *key), end_section=i == len(keys) - 1 and position < len(tasks) - 1)
    return table


def size_table(profiles: Sequence[SizeProfile], frameworks: Sequence[str]) -> Table:
    """Per task and framework: the overhead share at each size and the FLOP/s achieved at the largest."""
    table = Table(title="Input sizes: overhead-bound and compute-bound", title_justify="left", box=box.SIMPLE_HEAD,
                  caption=escape(profile_note(profiles, frameworks)), caption_justify="left")
    table.add_column("task", overflow="fold")
    for fw in frameworks:
        table.add_column(escape(label(fw)), justify="right")
    for row in profile_rows(profiles, frameworks):
        table.add_row(*map(escape, row))
    return table


def claims_table(results: Sequence[ClaimResult]) -> Table:
    """One row per claim: its id and survey reference, the verdict, the statement and the numbers behind it."""
    table = Table(title="Claims", title_justify="left", box=box.SIMPLE_HEAD, show_lines=False,
                  caption="paired claims: Wilcoxon signed-rank over tasks, not corrected across claims",
                  caption_justify="left")
    table.add_column("claim", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("statement and evidence")
    for result in results:
        claim = result.claim
        style = VERDICT_STYLE.get(result.verdict, "")
        ident = escape(claim.id) + (f"\n[dim]survey {escape(claim.survey)}[/]" if claim.survey else "\n[dim]new[/]")
        table.add_row(ident, f"[{style}]{escape(claim_verdict(result))}[/]",
                      f"{escape(claim.statement)}\n[dim]{escape(claim_evidence(result))}[/]", end_section=True)
    return table


def side_by_side(task: str, rows: Sequence[Measurement], sources: Mapping[tuple[str, str], str]) -> Table:
    """A task's implementations in columns, each with its code and figures; best and worst defaults marked.

    `sources` maps (framework, variant) to the file's text (see reporting.files.task_sources).
    """
    found = index(rows)
    keys = sorted(sources, key=lambda k: (_framework_order(k[0]), k[1] != DEFAULT_VARIANT, k[1]))
    table = Table(title=f"Task {escape(task)}", title_justify="left", box=box.SQUARE, show_lines=True, expand=True)
    for key in keys:
        table.add_column(escape(implementation_label(*key)))
    figures: dict[tuple[str, str], list[str]] = {key: [] for key in keys}
    for metric, mode, header, _, scale in TASK_COLUMNS:
        values = {key: found[(task, *key, mode, metric)] for key in keys if (task, *key, mode, metric) in found}
        best, worst = extremes({fw: m.value for (fw, variant), m in values.items() if variant == DEFAULT_VARIANT},
                               higher_is_better=metric in HIGHER_IS_BETTER)
        for (fw, variant), m in values.items():
            text = number(m.value * scale) + (UNSTABLE if m.unstable else "")
            figures[(fw, variant)].append(f"{header}: " + (mark(text, fw, best, worst) if variant == DEFAULT_VARIANT
                                                           else text))
    codes: list[RenderableType] = [Syntax(sources[key], "python", word_wrap=True, theme="ansi_light")
                                   for key in keys]
    table.add_row(*codes)
    table.add_row(*["\n".join(figures[key] + [f"status: {status_cell(found, task, *key)}"]) for key in keys])
    return table


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
    return sorted(records, key=lambda r: (r.task, _framework_order(r.framework), order.get(r.path, len(order)),
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


def deploy_cells(record: DeployRecord) -> list[str]:
    """The figures of one deployment record as text, in DEPLOY_COLUMNS order."""
    latency = record.latency_s
    return [byte_size(record.artifact_bytes), number(record.export_s), number(record.reload_s),
            "-" if latency is None else number(latency * 1000.0) + (UNSTABLE if record.latency.unstable else ""),
            number(record.export_sloc)]


def deployment_table(records: Sequence[DeployRecord], *, title: str = "Deployment") -> Table:
    """Task by framework and path: ok or the failure, artifact size, export and reload time, latency, export
    lines; the reason of every failure below the table."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, caption_justify="left",
                  caption=escape(DEPLOY_NOTE + f"; {UNSTABLE} unstable timing"))
    for header in ("task", "framework", "path", "status"):
        table.add_column(header, no_wrap=header != "task", overflow="fold")
    for header, _ in DEPLOY_COLUMNS:
        table.add_column(header.replace(" ", "\n"), justify="right", no_wrap=True)
    ordered = deploy_order(records)
    for i, record in enumerate(ordered):
        first = i == 0 or ordered[i - 1].task != record.task
        last = i == len(ordered) - 1 or ordered[i + 1].task != record.task
        status = deploy_status(record)
        style = "green" if record.status == "passed" else ("yellow" if record.status == "skipped" else "red")
        table.add_row(escape(record.task) if first else "", escape(label(record.framework)),
                      escape(path_label(record)), f"[{style}]{escape(status)}[/]", *deploy_cells(record),
                      end_section=last and i < len(ordered) - 1)
    return table


def deployment_failures(records: Sequence[DeployRecord]) -> Text:
    """One line per path that did not pass: task, framework/path, status and reason."""
    lines = [f"{r.task} {r.framework}/{r.path}: {deploy_status(r)}: {r.reason}" for r in deploy_order(records)
             if r.status != "passed"]
    return Text("\n".join(lines))


def report_group(card: Scorecard, claims: Sequence[ClaimResult], rows: Sequence[Measurement],
                 deployments: Sequence[DeployRecord] = (), profiles: Sequence[SizeProfile] = (),
                 debug: Sequence[DebugRecord] = (), probes: Sequence[ProbeRecord] = (),
                 machines: MachineComparison | None = None) -> Group:
    """Everything a study's console report shows, in order."""
    from analyzer.reporting.debug import debug_tables, to_rich

    parts: list[RenderableType] = [Text(verdict_text(card), style="bold"), scorecard_table(card),
                                   dimension_table(card)]
    if card.sensitivity:
        parts.append(sensitivity_table(card))
    if card.flags:
        parts.append(flags_text(card))
    size, at_size = at_primary_size(rows)
    parts.append(task_table(at_size, frameworks=card.frameworks, title=tasks_title(size)))
    if profiles:
        parts.append(size_table(profiles, card.frameworks))
    if machines is not None:
        parts.append(machine_table(machines, card.frameworks))
    if deployments:
        parts += [deployment_table(deployments), deployment_failures(deployments)]
    if debug or probes:
        parts += to_rich(debug_tables(debug, probes))
    if claims:
        parts.append(claims_table(claims))
    return Group(*parts)


def machine_table(comparison: MachineComparison, frameworks: Sequence[str]) -> Table:
    """Each task's speed on each machine and whether the frameworks' order changes (analyzer.machines)."""
    table = Table(title="Machines: each framework's median on each machine", title_justify="left",
                  box=box.SIMPLE_HEAD, caption=escape(machine_note(comparison)), caption_justify="left")
    for index, header in enumerate(machine_header(comparison, frameworks)):
        numeric = 3 <= index < 3 + len(frameworks)
        table.add_column(escape(label(header) if numeric else header), justify="right" if numeric else "left",
                         overflow="fold")
    for row in machine_rows(comparison, frameworks):
        table.add_row(*map(escape, row))
    return table


def _frameworks(rows: Iterable[Measurement]) -> list[str]:
    return sorted({r.framework for r in rows}, key=lambda fw: (_framework_order(fw), fw))


def _framework_order(name: str) -> int:
    order = list(FRAMEWORKS)
    return order.index(name) if name in order else len(order)
