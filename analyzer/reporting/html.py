"""A self-contained HTML report: inline CSS and inline SVG charts drawn here, no scripts, no external resources.

Charts: the per-dimension comparison (grouped bars), each framework's profile (a radar of its dimension scores),
and per task the code size (SLOC) and the steady-state time (log scale, eager and compiled). Every string from a
task, a file name or code goes through `esc`; a Content-Security-Policy forbids scripts and remote loads, so even a
string that escaped escaping could not run.
"""

from __future__ import annotations

import math
import re
from html import escape
from typing import Any, Iterable, Mapping, Sequence

from analyzer._version import __version__
from analyzer.machines import MachineComparison, machine_header, machine_note, machine_rows
from analyzer.model import DeployRecord
from analyzer.catalog import catalog_categories
from analyzer.report import Report
from analyzer.reporting.scorecard import (
    BEST, COMPOSITE_HEADERS, DEPLOY_COLUMNS, DEPLOY_NOTE, FRAGILE, NONDETERMINISTIC, TASK_COLUMNS, UNSTABLE, WORST,
    alternative_notes, at_primary_size, claim_evidence, claim_verdict, composite_rows, correction_note, deploy_cells, deploy_order,
    deploy_status, dimension_name, environment_lines, extremes, fragile_mark, implementation_label,
    index, number, path_label, profile_note, profile_rows, scorecard_note, sensitivity_rows, significance, status_cell,
    tasks_title, verdict_text,
)
from analyzer.overhead import SizeProfile
from analyzer.scoring import (
    DEFAULT_VARIANT, DIMENSIONS, HIGHER_IS_BETTER, Measurement, Scorecard, dimension_interval,
)

#: Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
COLORS = {"torch": "#D55E00", "tensorflow": "#0072B2", "jax": "#009E73"}
SPARE_COLORS = ("#CC79A7", "#E69F00", "#56B4E9", "#000000")
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
CSS = f"""
body {{ font-family: {FONT}; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1b1b1b; }}
h1 {{ font-size: 1.6rem; }} h2 {{ font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; }}
table {{ border-collapse: collapse; margin: .6rem 0; font-size: .9rem; }}
th, td {{ padding: .25rem .6rem; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }}
td.num, th.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.best {{ color: #1a7f37; font-weight: 600; }} .worst {{ color: #b42318; }}
.supported {{ color: #1a7f37; font-weight: 600; }} .contradicted {{ color: #b42318; font-weight: 600; }}
.inconclusive {{ color: #8a6d00; font-weight: 600; }}
.note {{ color: #555; font-size: .85rem; max-width: 60rem; }} .skipped {{ color: #888; }}
figure {{ margin: 1rem 0; }} figcaption {{ font-size: .85rem; color: #555; }}
svg.chart {{ display: block; max-width: 100%; height: auto; font-family: {FONT}; }}
svg text {{ font-size: 11px; fill: #333; }} .grid {{ stroke: #e5e5e5; }} .axis {{ stroke: #999; }}
nav.toc {{ font-size: .9rem; margin: .8rem 0; line-height: 1.6; }} .verdict {{ max-width: 60rem; }}
td {{ overflow-wrap: anywhere; }}
"""


def esc(text: object) -> str:
    """Text made safe for HTML content and attribute values."""
    return escape(str(text), quote=True)


def html_report(report: Report) -> str:
    """The whole report as one HTML document."""
    card, rows = report.scorecard, report.rows
    body = [
        "<h1>usability-score report</h1>",
        f"<p class='note'>{esc(report.study.created or 'undated')} · analyzer {esc(__version__)}</p>",
        f"<p class='verdict'><strong>{esc(verdict_text(card))}</strong></p>",
        "<h2>Scorecard</h2>", scorecard_html(card),
        f"<p class='note'>{esc(scorecard_note(card))}</p>",
        "<h2>Dimensions</h2>", dimension_chart(card), profile_chart(card), dimensions_html(card),
    ]
    if card.sensitivity:
        body += ["<h2>Sensitivity</h2>", sensitivity_html(card)]
    if report.claims:
        body += ["<h2>Claims</h2>", claims_html(report)]
    size, at_size = at_primary_size(rows)
    body += [f"<h2>{esc(tasks_title(size))}</h2>", size_chart(rows, card.frameworks),
             time_chart(at_size, card.frameworks, _intervals(report.study, size)),
             tasks_html(at_size, card.frameworks, catalog_categories())]
    profiles = report.profiles
    if profiles:
        body += ["<h2>Input sizes</h2>", sizes_html(profiles, card.frameworks)]
    if (machines := report.machines) is not None:
        body += ["<h2>Machines</h2>", machines_html(machines, card.frameworks)]
    if report.study.deployments:
        body += ["<h2>Deployment</h2>", deployments_html(report.study.deployments)]
    if report.study.debug or report.study.probes:
        from analyzer.reporting.debug import debug_tables, to_html

        body += ["<h2>Debuggability</h2>", to_html(debug_tables(report.study.debug, report.study.probes))]
    environment = environment_lines(report.study.environment)
    if environment:
        body += ["<h2>Environment</h2>", _table(["", ""], [[esc(name), esc(value)] for name, value in environment],
                                                 [False, False]).replace("<thead><tr><th></th><th></th></tr></thead>",
                                                                         "")]
    body = _with_contents(body)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>usability-score report</title><style>{CSS}</style></head>\n<body>\n"
        + "\n".join(body) + "\n</body></html>\n"
    )


def _intervals(study: Any, size: str) -> dict[tuple[str, str, str], tuple[float, float]]:
    """(task, framework, mode) -> the 95% interval of the default implementation's median at `size`, seconds."""
    return {(r.task, r.framework, r.mode): (r.timing.ci_low_s, r.timing.ci_high_s) for r in study.runs
            if r.timing is not None and r.variant == DEFAULT_VARIANT and r.size == size}


def _with_contents(body: list[str]) -> list[str]:
    """The page's sections given anchors, and a table of contents of them after the verdict."""
    titles, out = [], []
    for part in body:
        match = re.fullmatch(r"<h2>(.*)</h2>", part)
        if match:
            anchor = "s-" + re.sub(r"[^a-z0-9]+", "-", match.group(1).lower()).strip("-")
            titles.append((anchor, match.group(1)))
            part = f"<h2 id='{anchor}'>{match.group(1)}</h2>"
        out.append(part)
    contents = "<nav class='toc'><strong>Contents</strong> " + " · ".join(
        f"<a href='#{anchor}'>{title}</a>" for anchor, title in titles) + "</nav>"
    at = next((i + 1 for i, part in enumerate(out) if part.startswith("<p class='verdict'>")), 2)
    return [*out[:at], contents, *out[at:]]


def color(framework: str, frameworks: Sequence[str]) -> str:
    if framework in COLORS:
        return COLORS[framework]
    others = [fw for fw in frameworks if fw not in COLORS]
    return SPARE_COLORS[others.index(framework) % len(SPARE_COLORS)] if framework in others else SPARE_COLORS[0]


# ---------------------------------------------------------------------------------------------------- tables


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[bool]) -> str:
    """An HTML table; header and cell strings must already be escaped."""
    head = "".join(f"<th class='num'>{h}</th>" if n else f"<th>{h}</th>" for h, n in zip(headers, numeric))
    body = "".join("<tr>" + "".join(f"<td class='num'>{c}</td>" if n else f"<td>{c}</td>"
                                    for c, n in zip(row, numeric)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _marked(text: str, key: str, best: set[str], worst: set[str]) -> str:
    if key in best:
        return f"<span class='best'>{esc(text)} {BEST}</span>"
    if key in worst:
        return f"<span class='worst'>{esc(text)} {WORST}</span>"
    return esc(text)


def scorecard_html(card: Scorecard) -> str:
    rows, best, worst = composite_rows(card)
    cells = [[rank, esc(framework), _marked(text, framework, best, worst), interval, p_first]
             for rank, framework, text, interval, p_first in rows]
    return _table(list(COMPOSITE_HEADERS), cells, [True, False, True, True, True])


def dimensions_html(card: Scorecard) -> str:
    flagged = {f.dimension for f in card.flags}
    rows = []
    for dimension in DIMENSIONS:
        name = esc(dimension_name(dimension)) + (" ⚑" if dimension in flagged else "")
        weight = number(card.weights.get(dimension, 0.0))
        if (why := card.skip_reason(dimension)) is not None:
            rows.append([f"<span class='skipped'>{name}</span>", weight, "0", *["–"] * len(card.frameworks),
                         f"<span class='skipped'>skipped: {esc(why)}</span>"])
            continue
        scores = card.scores_of(dimension)
        best, worst = extremes({fw: d.score for fw, d in scores.items()}, higher_is_better=True)
        tasks = len(scores[card.frameworks[0]].tasks)
        rows.append([name, weight, str(tasks),
                     *[_marked(f"{scores[fw].score:.2f}{fragile_mark(card, dimension, fw)}", fw, best, worst)
                       for fw in card.frameworks], esc(significance(card, dimension))])
    table = _table(["dimension", "weight", "tasks", *[esc(fw) for fw in card.frameworks], "significance"], rows,
                   [False, True, True, *[True] * len(card.frameworks), False])
    flags = "".join(f"<li>⚑ {esc(f.metric)}: all frameworks tie on {f.tied_share:.0%} of {f.tasks} tasks</li>"
                    for f in card.flags)
    note = (f"<p class='note'>score: geometric mean over tasks of the value relative to the best framework "
            f"(1 = best everywhere); {FRAGILE} the leader of a fragile verdict (see Sensitivity). "
            f"{esc(correction_note(card))}.</p>")
    return table + note + (f"<ul class='note'>{flags}</ul>" if flags else "")


def sensitivity_html(card: Scorecard) -> str:
    rows = [[esc(name), esc(leader), f"<span class='{'contradicted' if status == 'fragile' else 'supported'}'>"
             f"{esc(status)}</span>", esc(detail)] for name, leader, status, detail in sensitivity_rows(card)]
    table = _table(["verdict", "leader", "status", "leader under the alternatives that change it"], rows,
                   [False] * 4)
    notes = "".join(f"<li>{esc(n)}</li>" for n in alternative_notes(card))
    return table + f"<p class='note'>Alternative definitions checked:</p><ul class='note'>{notes}</ul>"


def sizes_html(profiles: Sequence[SizeProfile], frameworks: Sequence[str]) -> str:
    rows = [[esc(cell) for cell in row] for row in profile_rows(profiles, frameworks)]
    return (_table(["task", *[esc(fw) for fw in frameworks]], rows, [False, *[True] * len(frameworks)])
            + f"<p class='note'>{esc(profile_note(profiles, frameworks))}</p>")


def machines_html(comparison: MachineComparison, frameworks: Sequence[str]) -> str:
    rows = [[esc(cell) for cell in row] for row in machine_rows(comparison, frameworks)]
    header = [esc(h) for h in machine_header(comparison, frameworks)]
    return (_table(header, rows, [False] * 3 + [True] * len(frameworks) + [False, False])
            + f"<p class='note'>{esc(machine_note(comparison))}</p>")


def claims_html(report: Report) -> str:
    rows = [[esc(r.claim.id), esc(r.claim.survey or "new"),
             f"<span class='{esc(r.verdict)}'>{esc(claim_verdict(r))}</span>", esc(r.claim.statement),
             f"<span class='note'>{esc(claim_evidence(r))}</span>"] for r in report.claims]
    return (_table(["claim", "survey", "verdict", "statement", "evidence"], rows, [False] * 5)
            + "<p class='note'>paired claims: Wilcoxon signed-rank over tasks, not corrected across claims</p>")


def tasks_html(rows: Sequence[Measurement], frameworks: Sequence[str],
               categories: Mapping[str, str] | None = None) -> str:
    """The task table, grouped by the tasks' categories (a heading row per category) when they are known."""
    categories = {task: c for task, c in (categories or {}).items() if any(r.task == task for r in rows)}
    found = index(rows)
    order = {fw: i for i, fw in enumerate(frameworks)}
    keys = sorted({(r.task, r.framework, r.variant) for r in rows},
                  key=lambda k: (categories.get(k[0], "~"), k[0], k[2] != DEFAULT_VARIANT,
                                 order.get(k[1], len(order)), k[1], k[2]))
    body, heading = [], None
    for task, fw, variant in keys:
        category = categories.get(task, "")
        if categories and category != heading:
            heading = category
            body.append([f"<strong>{esc(category or 'uncategorised')}</strong>", *[""] * (len(TASK_COLUMNS) + 2)])
        cells = []
        for metric, mode, _, _, scale in TASK_COLUMNS:
            m = found.get((task, fw, variant, mode, metric))
            if m is None:
                cells.append("–")
                continue
            text = number(m.value * scale) + (UNSTABLE if m.unstable else "")
            peers = {f: found[(task, f, DEFAULT_VARIANT, mode, metric)].value for f in frameworks
                     if (task, f, DEFAULT_VARIANT, mode, metric) in found}
            best, worst = extremes(peers, higher_is_better=metric in HIGHER_IS_BETTER)
            cells.append(_marked(text, fw, best, worst) if variant == DEFAULT_VARIANT else esc(text))
        body.append([esc(task), esc(implementation_label(fw, variant)), *cells, status_cell(found, task, fw, variant)])
    headers = ["task", "implementation", *[esc(h) for _, _, h, _, _ in TASK_COLUMNS], "status"]
    return (_table(headers, body, [False, False, *[True] * len(TASK_COLUMNS), False])
            + f"<p class='note'>{BEST} best, {WORST} worst per task; {UNSTABLE} unstable timing; status ✓ passed, "
              f"✗ failed, · not run (eager, compiled); {NONDETERMINISTIC} nondeterministic</p>")


def deployments_html(records: Sequence[DeployRecord]) -> str:
    """Task by framework and path: ok or the failure with its reason, then the figures."""
    body = []
    for r in deploy_order(records):
        status = ("<span class='supported'>passed</span>" if r.status == "passed"
                  else f"<span class='{'inconclusive' if r.status == 'skipped' else 'contradicted'}'>"
                       f"{esc(deploy_status(r))}</span>")
        reason = f"<span class='note'>{esc(r.reason)}</span>" if r.status != "passed" else ""
        body.append([esc(r.task), esc(r.framework), esc(path_label(r)), status,
                     *[esc(cell) for cell in deploy_cells(r)], reason])
    headers = ["task", "framework", "path", "status", *[esc(h) for h, _ in DEPLOY_COLUMNS], "reason"]
    return (_table(headers, body, [False] * 4 + [True] * len(DEPLOY_COLUMNS) + [False])
            + f"<p class='note'>{esc(DEPLOY_NOTE)}; {UNSTABLE} unstable timing</p>")


# ---------------------------------------------------------------------------------------------------- charts


def _svg(name: str, width: float, height: float, content: Sequence[str], title: str, caption: str) -> str:
    return (f"<figure><svg class='chart' data-chart='{esc(name)}' xmlns='http://www.w3.org/2000/svg' "
            f"viewBox='0 0 {width:.0f} {height:.0f}' width='{width:.0f}' height='{height:.0f}' role='img' "
            f"aria-label='{esc(title)}'><title>{esc(title)}</title>" + "".join(content)
            + f"</svg><figcaption>{esc(caption)}</figcaption></figure>")


def _legend(frameworks: Sequence[str], x: float, y: float, extra: Sequence[tuple[str, str, float]] = ()) -> list[str]:
    items = [(fw, color(fw, frameworks), 1.0) for fw in frameworks] + list(extra)
    out = []
    for i, (name, fill, opacity) in enumerate(items):
        out.append(f"<rect class='legend' x='{x:.1f}' y='{y + 16 * i:.1f}' width='10' height='10' fill='{fill}' "
                   f"fill-opacity='{opacity}'/><text x='{x + 14:.1f}' y='{y + 16 * i + 9:.1f}'>{esc(name)}</text>")
    return out


def dimension_chart(card: Scorecard) -> str:
    """Grouped bars: each dimension's score per framework (1 = best on every task)."""
    dims, fws = card.scored_dimensions, card.frameworks
    left, top, plot_h, group_w, legend_w = 36.0, 12.0, 200.0, 72.0, 110.0
    width, height = left + group_w * len(dims) + legend_w, top + plot_h + 70.0
    bar_w = group_w * 0.8 / len(fws)
    parts = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot_h * (1 - tick)
        parts.append(f"<line class='grid' x1='{left}' x2='{left + group_w * len(dims):.1f}' y1='{y:.1f}' y2='{y:.1f}'/>"
                     f"<text x='{left - 4}' y='{y + 4:.1f}' text-anchor='end'>{tick:g}</text>")
    for i, dimension in enumerate(dims):
        x0 = left + group_w * i + group_w * 0.1
        for j, fw in enumerate(fws):
            found = card.scores_of(dimension)[fw]
            score, (low, high) = found.score, dimension_interval(found, seed=card.settings.seed)
            h = plot_h * score
            parts.append(f"<rect class='bar' x='{x0 + bar_w * j:.1f}' y='{top + plot_h - h:.1f}' width='{bar_w:.1f}' "
                         f"height='{h:.1f}' fill='{color(fw, fws)}'><title>{esc(dimension_name(dimension))} · "
                         f"{esc(fw)}: {score:.2f} (95% interval {low:.2f}–{high:.2f})</title></rect>")
            cx = x0 + bar_w * (j + 0.5)
            parts.append(f"<line class='errorbar' x1='{cx:.1f}' x2='{cx:.1f}' y1='{top + plot_h * (1 - high):.1f}' "
                         f"y2='{top + plot_h * (1 - low):.1f}' stroke='#222' stroke-width='1'/>")
        cx, ly = left + group_w * (i + 0.5), top + plot_h + 12
        parts.append(f"<text x='{cx:.1f}' y='{ly:.1f}' text-anchor='end' transform='rotate(-35 {cx:.1f} {ly:.1f})'>"
                     f"{esc(dimension_name(dimension))}</text>")
    parts += _legend(fws, left + group_w * len(dims) + 16, top)
    return _svg("dimensions", width, height, parts, "Score per dimension",
                "score per dimension: geometric mean over tasks of the value relative to the best (1 = best); "
                "whiskers: 95% bootstrap interval over tasks")


def profile_chart(card: Scorecard) -> str:
    """A radar per framework over the scored dimensions: the shape of its strengths."""
    dims, fws = card.scored_dimensions, card.frameworks
    radius, pad = 120.0, 110.0
    cx = cy = radius + pad
    width, height = 2 * (radius + pad) + 120, 2 * (radius + pad)

    def point(i: int, r: float) -> tuple[float, float]:
        angle = 2 * math.pi * i / len(dims) - math.pi / 2
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts = []
    for ring in (0.25, 0.5, 0.75, 1.0):
        ring_points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, radius * ring) for i in range(len(dims))))
        parts.append(f"<polygon class='grid' points='{ring_points}' fill='none'/>")
    for i, dimension in enumerate(dims):
        (x, y), (lx, ly) = point(i, radius), point(i, radius + 14)
        anchor = "middle" if abs(lx - cx) < 1 else ("start" if lx > cx else "end")
        parts.append(f"<line class='axis' x1='{cx:.1f}' y1='{cy:.1f}' x2='{x:.1f}' y2='{y:.1f}'/>"
                     f"<text x='{lx:.1f}' y='{ly + 4:.1f}' text-anchor='{anchor}'>"
                     f"{esc(dimension_name(dimension))}</text>")
    for fw in fws:
        scores = [card.scores_of(d)[fw].score for d in dims]
        vertices = [point(i, radius * s) for i, s in enumerate(scores)]
        fill = color(fw, fws)
        parts.append(f"<polygon class='profile' data-framework='{esc(fw)}' points='"
                     + " ".join(f"{x:.1f},{y:.1f}" for x, y in vertices)
                     + f"' fill='{fill}' fill-opacity='0.12' stroke='{fill}' stroke-width='2'/>")
        parts += [f"<circle class='point' cx='{x:.1f}' cy='{y:.1f}' r='3.5' fill='{fill}'><title>{esc(fw)} · "
                  f"{esc(dimension_name(d))}: {s:.2f}</title></circle>" for (x, y), d, s in zip(vertices, dims, scores)]
    parts += _legend(fws, 2 * (radius + pad) + 10, 20)
    return _svg("profile", width, height, parts, "Profile of each framework",
                "profile: each framework's dimension scores; the outer ring is 1 (best on every task)")


Bar = tuple[str, str, float, float, "tuple[float, float] | None"]  #: series, colour, opacity, value, interval


def _hbar_chart(name: str, title: str, caption: str, groups: Sequence[tuple[str, list[Bar]]],
                *, unit: str, log: bool, legend: list[str]) -> str:
    """Horizontal grouped bars, each with an optional interval drawn as a whisker. groups: (label, [Bar])."""
    left, top, plot_w, bar_h, gap, legend_w = 170.0, 10.0, 460.0, 7.0, 8.0, 150.0
    values = [v for _, bars in groups for *_, v, _ in bars if v > 0 or not log]
    values += [end for _, bars in groups for *_, interval in bars if interval for end in interval if end > 0]
    low, high = _scale(values, log)

    def x_of(value: float) -> float:
        v = math.log10(value) if log else value
        return plot_w * (v - low) / (high - low) if high > low else plot_w

    height = top + sum(len(bars) * bar_h + gap for _, bars in groups) + 30
    parts, y = [], top
    for tick in _ticks(low, high, log):
        x = left + x_of(tick)
        parts.append(f"<line class='grid' x1='{x:.1f}' x2='{x:.1f}' y1='{top}' y2='{height - 24:.1f}'/>"
                     f"<text x='{x:.1f}' y='{height - 10:.1f}' text-anchor='middle'>{number(tick)}</text>")
    for group, bars in groups:
        parts.append(f"<text x='{left - 6}' y='{y + len(bars) * bar_h / 2 + 4:.1f}' text-anchor='end'>"
                     f"{esc(group)}</text>")
        for series, fill, opacity, value, interval in bars:
            w = max(x_of(value), 1.0) if value > 0 or not log else 1.0
            said = f" (95% interval {number(interval[0])}–{number(interval[1])})" if interval else ""
            parts.append(f"<rect class='bar' x='{left}' y='{y:.1f}' width='{w:.1f}' height='{bar_h - 1}' "
                         f"fill='{fill}' fill-opacity='{opacity}'><title>{esc(group)} · {esc(series)}: "
                         f"{number(value)} {esc(unit)}{said}</title></rect>")
            if interval and min(interval) > 0:
                x1, x2 = left + x_of(interval[0]), left + x_of(interval[1])
                parts.append(f"<line class='errorbar' x1='{x1:.1f}' x2='{x2:.1f}' y1='{y + bar_h / 2 - 0.5:.1f}' "
                             f"y2='{y + bar_h / 2 - 0.5:.1f}' stroke='#222' stroke-width='1'/>")
            y += bar_h
        y += gap
    parts += legend
    return _svg(name, left + plot_w + legend_w, height, parts, title, caption)


def _scale(values: Sequence[float], log: bool) -> tuple[float, float]:
    if not values:
        return 0.0, 1.0
    if log:
        return math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
    return 0.0, max(values) * 1.05 if max(values) > 0 else 1.0


def _ticks(low: float, high: float, log: bool) -> list[float]:
    if log:
        return [10.0 ** e for e in range(int(low), int(high) + 1)]
    step = 10 ** math.floor(math.log10(high / 4)) if high > 0 else 1
    step *= 2 if high / step > 10 else 1
    return [step * i for i in range(int(high / step) + 1)]


def _per_task(rows: Sequence[Measurement], frameworks: Sequence[str], metric: str,
              mode: str) -> dict[str, dict[str, float]]:
    """task -> framework -> value of one metric in one mode, default variants only."""
    found: dict[str, dict[str, float]] = {}
    for r in rows:
        if (r.metric, r.mode, r.variant) == (metric, mode, DEFAULT_VARIANT) and r.framework in frameworks:
            found.setdefault(r.task, {})[r.framework] = r.value
    return found


def size_chart(rows: Sequence[Measurement], frameworks: Sequence[str]) -> str:
    """Per task, each framework's source lines of code."""
    sloc = _per_task(rows, frameworks, "sloc", "static")
    groups = [(task, [(fw, color(fw, frameworks), 1.0, sloc[task][fw], None) for fw in frameworks
                      if fw in sloc[task]]) for task in sorted(sloc)]
    return _hbar_chart("size", "Code size per task", "source lines of code per task (default implementations)",
                       groups, unit="lines", log=False, legend=_legend(frameworks, 650, 10))


def time_chart(rows: Sequence[Measurement], frameworks: Sequence[str],
               intervals: Mapping[tuple[str, str, str], tuple[float, float]] | None = None) -> str:
    """Per task, each framework's steady-state median time, eager (solid) and compiled (light), log scale, with the
    95% interval of each median (`intervals`: (task, framework, mode) -> (low, high) seconds) as a whisker."""
    intervals = intervals or {}
    modes = {mode: _per_task(rows, frameworks, "median_s", mode) for mode in ("eager", "compiled")}
    tasks = sorted(set(modes["eager"]) | set(modes["compiled"]))
    if not tasks:
        return "<p class='note' data-chart='time'>no timings in this study</p>"
    def interval(task: str, fw: str, mode: str) -> tuple[float, float] | None:
        found = intervals.get((task, fw, mode))
        return (found[0] * 1000.0, found[1] * 1000.0) if found else None

    groups = [(task, [(f"{fw} {mode}", color(fw, frameworks), 1.0 if mode == "eager" else 0.45,
                       modes[mode][task][fw] * 1000.0, interval(task, fw, mode))
                      for fw in frameworks for mode in ("eager", "compiled") if fw in modes[mode].get(task, {})])
              for task in tasks]
    legend = _legend(frameworks, 650, 10, [("compiled (light)", "#777777", 0.45)])
    return _hbar_chart("time", "Time per task", "steady-state median time per call in ms, log scale; solid eager, "
                       "light compiled; whiskers: 95% interval of the median", groups, unit="ms", log=True,
                       legend=legend)
