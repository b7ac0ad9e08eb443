"""One view, three renderings: every row of every table of the report view (analyzer.reporting.view) shows, cell by
cell, in the console, the Markdown and the HTML report; the Markdown task table marks best and worst; a hostile task
name stays text in the HTML (no markup, no template expression evaluated)."""

from __future__ import annotations

import dataclasses
import html
import io
import re
from html.parser import HTMLParser

import pytest
from rich.console import Console

from analyzer.claims import check_claims, parse_claims
from analyzer.model import DebugRecord, ProbeRecord, StudyResults
from analyzer.orchestration import build_report
from analyzer.report import Report
from analyzer.reporting.files import markdown, md
from analyzer.reporting.html import html_report
from analyzer.reporting.scorecard import rich_report
from analyzer.reporting.view import Cell, ReportView, Table, report_view
from analyzer.scoring import DIMENSIONS, ScoringSettings, score_study
from tests.test_deploy import deploy_study
from tests.test_machines import two_machine_study
from tests.test_scoring import HOSTILE, make_file, make_run, make_study, make_timing, report_study

FAST = ScoringSettings(resamples=100, weightings=100)
EQUAL = {d: 1.0 for d in DIMENSIONS}
#: Short claims, so that each claim's row fits one line of a 200-column console.
CLAIMS = parse_claims({"claim": [
    {"id": "short", "statement": "torch is shorter", "metric": "sloc", "a": "torch", "b": "tensorflow",
     "expect": "lower"},
    {"id": "faster", "statement": "jax is faster", "metric": "median_s", "mode": "eager", "a": "jax", "b": "torch",
     "expect": "lower"},
]})


# ---------------------------------------------------------------------------------------------------- studies


def with_medium_size(study: StudyResults) -> StudyResults:
    """The study's passed runs again at the medium size, ten times slower, with the work each size declares: the
    report gains its input-sizes section."""
    small = [dataclasses.replace(r, flops=1e6) for r in study.runs]
    medium = [dataclasses.replace(r, size="medium", flops=1e8, timing=make_timing(r.timing.median_s * 10))
              for r in study.runs if r.timing is not None]
    return dataclasses.replace(study, runs=tuple(small + medium))


def debug_records() -> tuple[DebugRecord, ...]:
    """torch raises on the wider data and jax does not, in eager mode, on two tasks; both give NaN back for NaN."""
    records = []
    for task in ("attn", "conv"):
        for fw, line in (("torch", "h = self.fc(x)"), ("jax", "return x @ w")):
            raised = fw == "torch"
            records.append(DebugRecord(
                task, fw, "default", "eager", "feature_off_by_one", "small", "cpu",
                "raised" if raised else "returned", outcome="raised" if raised else "silent_wrong",
                phase="first_call" if raised else "", error="RuntimeError" if raised else "",
                message="RuntimeError: shapes 4x21 and 20x8" if raised else "", message_chars=34 if raised else None,
                frames_total=5 if raised else None, frames_user=1 if raised else None,
                user_line=12 if raised else None, user_source=line if raised else "", localised=raised or None,
                informative=raised or None, score=1.0 if raised else 0.0))
            records.append(DebugRecord(task, fw, "default", "eager", "nan_in_data", "small", "cpu", "returned",
                                       outcome="nonfinite", score=0.1))
    return tuple(records)


def full_report() -> Report:
    """Eight tasks (one with a hostile name), a variant, an unstable timing, a nondeterministic run and a failed
    compiled run (report_study), two sizes, deployments with a hostile failure reason, a debuggability pass with
    its probe, and short claims."""
    study = with_medium_size(report_study())
    deployments = deploy_study({"torch": 2, "tensorflow": 1, "jax": 2}, tasks=2).deployments
    hostile = dataclasses.replace(deployments[4], reason="export: <b>bold</b> | *x*")
    probes = (ProbeRecord("torch", "eager", "passed", calls=3, python_print=3, breakpoint=3),
              ProbeRecord("jax", "eager", "passed", calls=3, python_print=3, breakpoint=3, framework_print=3))
    study = dataclasses.replace(study, deployments=deployments[:4] + (hostile,) + deployments[5:],
                                debug=debug_records(), probes=probes)
    card = score_study(study, EQUAL, settings=FAST, weights_source="weights.toml")
    return Report(study, card, check_claims(CLAIMS, study, card))


def machines_report() -> Report:
    """A study timed on two machines: the report gains its machines section."""
    return dataclasses.replace(build_report(two_machine_study(), settings=FAST), claims=())


#: The catalog's categories, as the view reads them (analyzer.catalog.catalog_categories): the task tables group
#: their tasks under a heading per category, the tasks of none last.
CATEGORIES = {"attn": "models", "conv": "models", "rnn": "sequences", "flips": "timing", "noisy": "timing"}


@pytest.fixture(scope="module", autouse=True)
def categories():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("analyzer.catalog.catalog_categories", lambda: dict(CATEGORIES))
        yield


#: Each study and the sections its report has.
SECTIONS = {
    "full": ["scorecard", "dimensions", "sensitivity", "claims", "tasks", "sizes", "deployment", "debuggability",
             "environment"],
    "machines": ["scorecard", "dimensions", "sensitivity", "tasks", "machines", "environment"],
}


@pytest.fixture(scope="module", params=list(SECTIONS))
def name(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def report(name) -> Report:
    return full_report() if name == "full" else machines_report()


@pytest.fixture(scope="module")
def view(report) -> ReportView:
    return report_view(report)


@pytest.fixture(scope="module")
def rendered(report, view) -> dict[str, str]:
    console = Console(file=io.StringIO(), width=200, record=True)
    console.print(rich_report(view))
    return {"console": console.export_text(), "md": markdown(report), "html": html_report(report)}


def test_the_studies_cover_every_section(name, view) -> None:
    assert [s.key for s in view.sections] == SECTIONS[name]
    headings = [heading for _, heading in view.section("tasks").tables[0].headings]
    assert headings == (["models", "sequences", "uncategorised"] if name == "full" else ["timing", "uncategorised"])


# ---------------------------------------------------------------------------------------------------- every row


def shown(cell: Cell, *, space: str) -> str:
    """A cell as every format prints it: its text and symbols, then its mark's glyph (the console puts none
    between)."""
    glyph = {"best": "▲", "worst": "▼"}.get(cell.mark, "")
    return cell.shown + (space + glyph if glyph else "")


def expected_rows(table: Table) -> list[list[str]]:
    """The rows the Markdown and HTML tables must have: a heading row, then each row's cells."""
    rows = []
    for i in range(len(table.rows)):
        if table.heading(i):
            rows.append([table.heading(i)] + [""] * (len(table.headers) - 1))
        rows.append([shown(cell, space=" ") for cell in table.cells(i)])
    return rows


def tables_of(view: ReportView) -> list[Table]:
    return [table for section in view.sections for table in section.tables]


def markdown_tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """(headers, rows) of every table in a Markdown document, its cells as plain text (escapes and bold undone)."""
    def plain(cell: str) -> str:
        cell = cell.strip()
        cell = cell[2:-2] if cell.startswith("**") and cell.endswith("**") else cell
        return html.unescape(re.sub(r"\\(.)", r"\1", cell))

    found = []
    for block in re.findall(r"((?:^\|.*\|\n)+)", text, flags=re.M):
        lines = [[plain(c) for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in block.splitlines()]
        found.append((lines[0], lines[2:]))
    return found


class HtmlTables(HTMLParser):
    """The text of every header and cell of every <table>, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict[str, list]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self.tables.append({"head": [], "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            table = self.tables[-1]
            (table["head"] if tag == "th" else table["rows"][-1]).append("".join(self.cell))
            self.cell = None
        elif tag == "thead":
            self.tables[-1]["rows"].pop()  # the header row, kept in "head"

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def test_every_row_of_every_table_is_in_the_markdown(view, rendered) -> None:
    tables = [t for t in tables_of(view) if t.headers]
    found = markdown_tables(rendered["md"])
    assert len(found) == len(tables)
    for table, (headers, rows) in zip(tables, found):
        assert headers == list(table.headers), table.title
        assert rows == expected_rows(table), table.title
    for table in tables_of(view):
        if not table.headers:  # the environment: a list of "name: value" lines
            for row in table.rows:
                assert "- " + ": ".join(md(cell) for cell in row) in rendered["md"]


def test_every_row_of_every_table_is_in_the_html(view, rendered) -> None:
    parser = HtmlTables()
    parser.feed(rendered["html"])
    assert len(parser.tables) == len(tables_of(view))
    for table, found in zip(tables_of(view), parser.tables):
        assert found["head"] == list(table.headers), table.title
        assert found["rows"] == expected_rows(table), table.title


def test_every_row_of_every_table_is_in_the_console(view, rendered) -> None:
    lines = rendered["console"].splitlines()
    flat = " ".join(rendered["console"].split())
    for table in tables_of(view):
        assert " ".join(table.title.split()) in flat
        for i in range(len(table.rows)):
            if table.heading(i):
                assert any(line.strip() == table.heading(i) for line in lines), table.heading(i)
            cells = [shown(cell, space="") for cell in table.cells(i)]
            if not table.starts_group(i):
                cells = cells[1:]  # a group shows its first cell once
            pattern = r"\s+".join(re.escape(c) for c in cells if c)
            assert any(re.search(pattern, line) for line in lines), (table.title, cells)


def test_every_note_and_listed_line_is_in_every_format(view, rendered) -> None:
    parser = HtmlTables()
    parser.feed(rendered["html"])
    page_text = html.unescape(re.sub(r"<[^>]+>", " ", rendered["html"]))
    flat = {name: " ".join(text.split()) for name, text in
            (("console", rendered["console"]), ("html", page_text))}
    for table in tables_of(view):
        for text in ([table.note] if table.note else []) + list(table.items):
            assert md(text) in rendered["md"], text
            assert " ".join(text.split()) in flat["html"], text
            assert " ".join(text.split()) in flat["console"], text


# ---------------------------------------------------------------------------------------------------- marks


def test_the_markdown_task_table_marks_best_and_worst() -> None:
    text = markdown(full_report())
    # torch has the fewest lines, tensorflow the most and the slowest runs, jax the fastest
    assert "| attn | torch | **20 ▲** | 1 | 10 | 2 | 10 | 5 |" in text
    assert "| attn | tensorflow | 30 ▼ | 1 | 10 | 2 | 20 ▼ | 10 ▼ |" in text
    assert "| attn | jax | 25 | 1 | 10 | 2 | **5 ▲** | **2.5 ▲** |" in text
    assert "| mlp | tensorflow (fit) | 12 | 1 | 8 | 2 | – |" in text  # a variant is listed, not ranked
    assert "▲ best, ▼ worst per task; \\~ unstable timing" in text


def test_every_format_marks_the_same_cells(view, rendered) -> None:
    marked = [(t.title, c) for t in tables_of(view) for i in range(len(t.rows)) for c in t.cells(i) if c.mark]
    assert marked  # the scorecard, the dimensions and the tasks have some
    page, text = rendered["html"], rendered["md"]
    assert page.count("<span class='best'>") == sum(c.mark == "best" for _, c in marked)
    assert page.count("<span class='worst'>") == sum(c.mark == "worst" for _, c in marked)
    assert text.count(" ▲**") == sum(c.mark == "best" for _, c in marked)
    assert text.count(" ▼ |") == sum(c.mark == "worst" for _, c in marked)


# ---------------------------------------------------------------------------------------------------- hostile names

SCRIPT, BRACES = "<script>alert(1)</script>", "{{ 7*7 }}"
#: Stand-ins that sort where the hostile names do (before and after the letters), so the pages line up.
PLAIN = {SCRIPT: "0-script", BRACES: "~-braces"}


def named_study(names: dict[str, str]) -> Report:
    tasks = ["attn", "conv", names[SCRIPT], names[BRACES], "mlp", "rnn"]
    files, runs = [], []
    for i, task in enumerate(tasks):
        for fw, sloc, eager in (("torch", 20 + i, 0.01), ("tensorflow", 30 + i, 0.02), ("jax", 25 + i, 0.005)):
            files.append(make_file(task, fw, sloc=sloc))
            runs += [make_run(task, fw, "eager", median_s=eager), make_run(task, fw, "compiled", median_s=eager / 2)]
    study = make_study(files, runs)
    card = score_study(study, EQUAL, settings=FAST)
    return Report(study, card, check_claims(CLAIMS, study, card))


def test_the_html_escapes_hostile_task_names_and_evaluates_no_template_expression() -> None:
    page = html_report(named_study({SCRIPT: SCRIPT, BRACES: BRACES}))
    assert SCRIPT not in page and "<script" not in page.lower()
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in page
    assert f"<td>{BRACES}</td>" in page and "<td>49</td>" not in page
    # Apart from the names, escaped, the page is the one of harmless names: nothing else came out of them.
    plain = html_report(named_study(PLAIN))
    assert page.replace(html.escape(SCRIPT), PLAIN[SCRIPT]).replace(BRACES, PLAIN[BRACES]) == plain
    assert page.count("49") == plain.count("49")


def test_hostile_strings_stay_text_in_markdown_and_the_console() -> None:
    report = full_report()
    console = Console(file=io.StringIO(), width=200, record=True)
    console.print(rich_report(report_view(report)))
    rendered = {"console": console.export_text(), "md": markdown(report), "html": html_report(report)}
    assert HOSTILE in rendered["console"]
    assert "<script>" not in rendered["md"] and "<b>" not in rendered["md"]
    assert "<script>" not in rendered["html"] and "<b>bold</b>" not in rendered["html"]
    assert "export: &lt;b&gt;bold&lt;/b&gt; | *x*" in rendered["html"]


def test_the_task_table_groups_by_the_categories_saved_with_the_study() -> None:
    """A study of schema 6 carries its tasks' categories: its report renders the same in any folder (an older study
    takes them from the catalog at hand)."""
    study = report_study()
    tasks = sorted({r.task for r in study.runs})
    saved = dataclasses.replace(study, categories={task: ("beta group" if i % 2 else "alpha group")
                                                   for i, task in enumerate(tasks)})
    again = StudyResults.from_dict(saved.to_dict())
    assert again.categories == saved.categories and "categories" not in study.to_dict()
    text = markdown(build_report(again))
    alpha, beta = text.index("| **alpha group** |"), text.index("| **beta group** |")
    assert alpha < beta
    assert all(f"| {md(task)} |" in text[alpha:] for task in tasks)
