"""A self-contained HTML report: the report view (reporting.view) through Jinja2 templates, with inline CSS and
inline SVG charts drawn here; no scripts, no external resources.

The templates (templates/report.html, templates/tables.html) escape every value (autoescape). The charts are
built here: the per-dimension comparison (grouped bars), each framework's profile (a radar of its dimension
scores), and per task the code size (SLOC) and the steady-state time (log scale, eager and compiled); every string
in them goes through `esc` before the chart enters the template as Markup. A Content-Security-Policy forbids scripts
and remote loads, so even a string that escaped escaping could not run.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from html import escape
from typing import Any, Mapping, Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from analyzer.report import Report
from analyzer.reporting.view import ReportView, Table, report_view
from analyzer.reporting.wording import BEST, WORST, at_primary_size, dimension_name, number
from analyzer.scoring import DEFAULT_VARIANT, Measurement, Scorecard, dimension_interval

#: Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
COLORS = {"torch": "#D55E00", "tensorflow": "#0072B2", "jax": "#009E73"}
SPARE_COLORS = ("#CC79A7", "#E69F00", "#56B4E9", "#000000")
#: tone of a cell (reporting.view.Tone) -> its class in templates/report.css
TONE_CLASS = {"good": "supported", "bad": "contradicted", "warn": "inconclusive", "muted": "skipped", "note": "note"}
#: markupsafe writes ' and " as &#39; and &#34;; the page keeps html.escape's spelling (the charts' too), so a
#: report renders byte for byte as it did before the templates. Both spellings are the same character.
_ENTITIES = (("&#39;", "&#x27;"), ("&#34;", "&quot;"))


def esc(text: object) -> str:
    """Text made safe for HTML content and attribute values (the charts, built here)."""
    return escape(str(text), quote=True)


def html_report(report: Report, *, view: ReportView | None = None) -> str:
    """The whole report as one HTML document (`view`: its view, if built)."""
    card, rows = report.scorecard, report.rows
    size, at_size = at_primary_size(rows)
    charts = {"dimensions": [dimension_chart(card), profile_chart(card)],
              "tasks": [size_chart(rows, card.frameworks),
                        time_chart(at_size, card.frameworks, _intervals(report.study, size))]}
    return page_html(view or report_view(report), charts)


def page_html(view: ReportView, charts: Mapping[str, Sequence[str]]) -> str:
    """A report view as a page; `charts` maps a section's key to the SVG figures shown above its tables."""
    trusted = {key: [Markup(chart) for chart in drawn] for key, drawn in charts.items()}  # escaped where drawn
    return _spelled(_templates().get_template("report.html").render(view=view, charts=trusted))


def tables_html(tables: Sequence[Table]) -> str:
    """Tables of the view, each under its title, as an HTML fragment."""
    macro = _templates().get_template("tables.html").module.tables  # type: ignore[attr-defined]
    return _spelled(str(macro(tables)))


def anchor(title: str) -> str:
    """A section's id, for the table of contents: "Tasks, small size" -> "s-tasks-small-size"."""
    return "s-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


@lru_cache(maxsize=1)
def _templates() -> Environment:
    templates = Environment(loader=PackageLoader("analyzer.reporting", "templates"), autoescape=True,
                            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                            keep_trailing_newline=True)
    templates.globals.update(anchor=anchor, glyph={"best": BEST, "worst": WORST}, tone_class=TONE_CLASS)
    return templates


def _spelled(page: str) -> str:
    for spelled, kept in _ENTITIES:
        page = page.replace(spelled, kept)
    return page


def _intervals(study: Any, size: str) -> dict[tuple[str, str, str], tuple[float, float]]:
    """(task, framework, mode) -> the 95% interval of the default implementation's median at `size`, seconds."""
    return {(r.task, r.framework, r.mode): (r.timing.ci_low_s, r.timing.ci_high_s) for r in study.runs
            if r.timing is not None and r.variant == DEFAULT_VARIANT and r.size == size}


def color(framework: str, frameworks: Sequence[str]) -> str:
    if framework in COLORS:
        return COLORS[framework]
    others = [fw for fw in frameworks if fw not in COLORS]
    return SPARE_COLORS[others.index(framework) % len(SPARE_COLORS)] if framework in others else SPARE_COLORS[0]


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
