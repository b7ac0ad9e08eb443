"""The HTML report: self-contained, escaped, and its charts drawn (checked in headless Chromium when available).

The browser tests need the `playwright` Python package and a Chromium binary (default /usr/bin/chromium, or the
CHROMIUM_PATH environment variable); they are skipped, with the reason, when either is missing. Playwright's own
browser download is not used.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from analyzer.claims import check_claims, load_claims
from analyzer.report import Report
from analyzer.reporting.files import write_report
from analyzer.reporting.html import html_report
from analyzer.scoring import DIMENSIONS, ScoringSettings, score_study
from tests.test_scoring import HOSTILE, report_study

SETTINGS = ScoringSettings(resamples=200, weightings=200)
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def report() -> Report:
    study = report_study()
    card = score_study(study, {d: 1.0 for d in DIMENSIONS}, settings=SETTINGS, weights_source="weights.toml")
    return Report(study, card, check_claims(load_claims(), study, card))


@pytest.fixture(scope="module")
def expected_marks(report) -> dict[str, int]:
    """How many bars or points each chart must draw."""
    card, rows = report.scorecard, report.rows
    default = [r for r in rows if r.variant == "default"]
    return {
        "dimensions": len(card.scored_dimensions) * len(card.frameworks),
        "profile": len(card.scored_dimensions) * len(card.frameworks),
        "size": sum(r.metric == "sloc" for r in default),
        "time": sum(r.metric == "median_s" for r in default),
    }


def test_the_page_is_self_contained(report) -> None:
    page = html_report(report)
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert "@import" not in page and "url(" not in page
    assert re.findall(r"https?://[^'\" ]+", page) == ["http://www.w3.org/2000/svg"] * 4  # the SVG namespace only
    assert "default-src 'none'" in page  # and the Content-Security-Policy forbids anything else


def test_strings_from_tasks_are_escaped(report) -> None:
    page = html_report(report)
    assert "<script>alert" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;|[bold]x[/]") >= 3  # tables, chart labels, tooltips


def test_charts_draw_the_expected_marks(report, expected_marks) -> None:
    page = html_report(report)
    charts = dict(re.findall(r"<svg class='chart' data-chart='(\w+)'(.*?)</svg>", page, flags=re.S))
    assert set(charts) == set(expected_marks)
    counts = {name: len(re.findall(r"<circle class='point'" if name == "profile" else r"<rect class='bar'", svg))
              for name, svg in charts.items()}
    assert counts == expected_marks
    assert expected_marks == {"dimensions": 27, "profile": 27, "size": 24, "time": 47}  # one compiled run failed


# ---------------------------------------------------------------------------------------------------- in a browser


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(browser, report, tmp_path_factory):
    (path,) = write_report(report, tmp_path_factory.mktemp("html"), ["html"])
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"{message.type}: {message.text}")
            if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("request", lambda request: problems.append(f"request: {request.url}")
            if not request.url.startswith("file://") else None)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.problems = problems  # type: ignore[attr-defined]
    yield page
    page.close()


def test_no_console_errors_dialogs_or_network(page) -> None:
    assert page.problems == []


@pytest.mark.parametrize("chart", ["dimensions", "profile", "size", "time"])
def test_each_chart_is_drawn_with_its_marks(page, expected_marks, chart: str) -> None:
    svg = page.locator(f"svg.chart[data-chart='{chart}']")
    box = svg.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
    selector = "circle.point" if chart == "profile" else "rect.bar"
    marks = svg.locator(selector)
    assert marks.count() == expected_marks[chart]
    sizes = [marks.nth(i).bounding_box() for i in range(marks.count())]
    assert all(b is not None and b["width"] > 0 and b["height"] > 0 for b in sizes)


def test_hostile_strings_show_as_text_not_markup(page) -> None:
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    assert HOSTILE in page.evaluate("document.body.innerText")
    labels = page.locator("svg.chart[data-chart='size'] text").all_text_contents()
    assert HOSTILE in labels


def test_best_and_worst_are_marked_in_the_scorecard(page) -> None:
    rows = page.locator("table").first.locator("tbody tr").all_inner_texts()
    assert rows[0].split("\t")[:3] == ["1", "jax", "98.0 ▲"]
    assert rows[-1].split("\t")[2].endswith("▼")


def test_the_verdict_comes_first_then_contents_that_lead_somewhere(report) -> None:
    page = html_report(report)
    body = page.split("<body>", 1)[1]
    assert body.index("<p class='verdict'>") < body.index("<nav class='toc'>") < body.index("<h2 id='s-scorecard'>")
    anchors = re.findall(r"<a href='#([\w-]+)'>", body)
    assert anchors[:3] == ["s-scorecard", "s-dimensions", "s-sensitivity"] and "s-environment" in anchors
    assert all(f"<h2 id='{anchor}'>" in body for anchor in anchors)


def test_nothing_overflows_a_1280_pixel_window(page, tmp_path) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == 1280  # width, from IHDR
    assert page.locator("nav.toc a").count() == 6  # scorecard, dimensions, sensitivity, claims, tasks, environment


def test_every_bar_carries_its_interval(report) -> None:
    page = html_report(report)
    charts = dict(re.findall(r"<svg class='chart' data-chart='(\w+)'(.*?)</svg>", page, flags=re.S))
    whiskers = {name: svg.count("class='errorbar'") for name, svg in charts.items()}
    # every dimension bar (a bootstrap over tasks) and every timed bar (the median's 95% interval); sizes have none
    assert whiskers == {"dimensions": 27, "profile": 0, "size": 0, "time": 47}
    assert "(95% interval " in charts["dimensions"] and "(95% interval " in charts["time"]
