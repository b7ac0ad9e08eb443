"""Sensitivity of the verdicts: each leader recomputed under alternative definitions; fragile ones marked in every
report format."""

from __future__ import annotations

import dataclasses
import io
import json

import pytest
from rich.console import Console

from analyzer.model import CodeFigures, FileMetrics, Plumbing
from analyzer.report import Report
from analyzer.reporting.files import markdown
from analyzer.reporting.html import html_report
from analyzer.reporting.scorecard import dimension_table, scorecard_table, sensitivity_table
from analyzer.scoring import COMPOSITE, DIMENSIONS, Scorecard, ScoringSettings, score_study
from analyzer.sensitivity import alternatives, check_verdicts, fragile_verdicts
from tests.test_scoring import make_file, make_run, make_study

FAST = ScoringSettings(resamples=200, weightings=200)
EQUAL = {dimension: 1.0 for dimension in DIMENSIONS}
CODE = {d: (1.0 if d in ("conciseness", "complexity", "api_surface", "ceremony") else 0.0) for d in DIMENSIONS}
TASKS = ("a", "b", "c", "d", "e")


def with_ceremony(metrics: FileMetrics, occurrences: int, idioms: tuple[str, ...]) -> FileMetrics:
    return dataclasses.replace(metrics, ceremony={"gradient": occurrences}, ceremony_idioms={"gradient": idioms})


def with_plumbing(metrics: FileMetrics, whole_sloc: int) -> FileMetrics:
    """The file's figures, plus a whole file (plumbing included) of `whole_sloc` lines."""
    def figures(sloc: int) -> CodeFigures:
        return CodeFigures(sloc=sloc, statements=sloc, tokens=sloc * 6, cyclomatic=1, cognitive=metrics.cognitive,
                           max_nesting=1, api_calls=metrics.api_calls, api_distinct=metrics.api_distinct,
                           api_unresolved=0, api_keywords=0, api_string_args=0, api_names=metrics.api_names,
                           unresolved_calls=(), ceremony=dict(metrics.ceremony),
                           ceremony_idioms=dict(metrics.ceremony_idioms))
    plumbing = Plumbing(parts=("def result",), excluded=figures(whole_sloc - metrics.sloc), whole=figures(whole_sloc))
    return dataclasses.replace(metrics, plumbing=plumbing)


def card_of(files, runs=(), weights=EQUAL) -> Scorecard:
    return score_study(make_study(files, runs), weights, settings=FAST)


def test_occurrences_against_distinct_idioms_flips_the_ceremony_verdict() -> None:
    # torch repeats one idiom six times; tensorflow and jax use two and three idioms once each
    files = [with_ceremony(make_file(t, fw), n, idioms) for t in TASKS
             for fw, n, idioms in (("torch", 6, ("backward",)), ("tensorflow", 2, ("tape", "apply")),
                                   ("jax", 3, ("grad", "update", "apply")))]
    card = card_of(files, weights=CODE)
    assert card.leaders("ceremony") == ("tensorflow",)
    assert [(c.alternative, c.leaders("ceremony")) for c in card.flips("ceremony")] == [
        ("ceremony-distinct", ("torch",))]
    assert card.fragile("ceremony") and not card.fragile("conciseness")
    distinct = next(c for c in card.sensitivity if c.alternative == "ceremony-distinct")
    # (best + 1) / (value + 1) over distinct idioms: torch 1, tensorflow 2, jax 3
    assert distinct.scores["ceremony"] == pytest.approx({"torch": 1.0, "tensorflow": 2 / 3, "jax": 0.5})
    assert card.leaders("conciseness") == ("torch", "tensorflow", "jax")  # a tie leads together


def test_whole_files_with_plumbing_flip_conciseness() -> None:
    # torch's user code is shortest, but its weight loading and result conversion make its whole file longest
    files = [with_plumbing(make_file(t, fw, sloc=user), whole) for t in TASKS
             for fw, user, whole in (("torch", 10, 40), ("tensorflow", 15, 17), ("jax", 12, 30))]
    card = card_of(files, weights=CODE)
    assert card.leaders("conciseness") == ("torch",)
    plumbing = next(c for c in card.sensitivity if c.alternative == "with-plumbing")
    assert plumbing.scores["conciseness"] == pytest.approx({"torch": 17 / 40, "tensorflow": 1.0, "jax": 17 / 30})
    assert fragile_verdicts(card) == (COMPOSITE, "conciseness")


def test_speed_at_one_size_against_every_size() -> None:
    # torch is fastest at the overhead-bound size, jax at the compute-bound one
    runs = [make_run(t, fw, mode, size=size, median_s=time) for t in TASKS for mode in ("eager", "compiled")
            for fw, size, time in (("torch", "small", 0.001), ("jax", "small", 0.004),
                                   ("torch", "medium", 0.020), ("jax", "medium", 0.010))]
    card = card_of([], runs, weights={**{d: 0.0 for d in DIMENSIONS}, "speed": 1.0})
    assert card.verdict_scores("speed") == pytest.approx({"torch": 0.5 ** 0.5, "jax": 0.5})
    by_id = {c.alternative: c for c in card.sensitivity}
    assert (by_id["speed-small"].leaders("speed"), by_id["speed-medium"].leaders("speed")) == (("torch",), ("jax",))
    assert [c.alternative for c in card.flips("speed")] == ["speed-medium"]


def test_only_the_alternatives_that_apply_are_checked() -> None:
    files = [make_file(t, fw) for t in TASKS for fw in ("torch", "jax")]
    study = make_study(files, [make_run(t, fw) for t in TASKS for fw in ("torch", "jax")])
    card = score_study(study, EQUAL, settings=FAST)
    # no plumbing, one size, no compiled runs
    assert [a.id for a in alternatives(study, card)] == [
        "ceremony-distinct", "conciseness-tokens", "api-calls", "speed-eager"]
    checks = check_verdicts(study, card)
    assert [c.alternative for c in checks] == [
        "ceremony-distinct", "conciseness-tokens", "api-calls", "speed-eager", "random-weights"]
    assert checks[-1].scores == {COMPOSITE: {c.framework: c.p_first for c in card.composites}}


def test_a_framework_best_everywhere_has_no_fragile_verdict() -> None:
    files = [with_plumbing(with_ceremony(make_file(t, fw, sloc=sloc), sloc // 10, ("x",) * (sloc // 10)), sloc * 2)
             for t in TASKS for fw, sloc in (("torch", 10), ("tensorflow", 30), ("jax", 20))]
    runs = [make_run(t, fw, mode, median_s=time) for t in TASKS for mode in ("eager", "compiled")
            for fw, time in (("torch", 0.001), ("tensorflow", 0.003), ("jax", 0.002))]
    card = card_of(files, runs)
    assert fragile_verdicts(card) == ()
    decided = (COMPOSITE, "conciseness", "ceremony", "speed")  # the others tie on the builders' common figures
    assert {c.leaders(v) for c in card.sensitivity for v in decided if v in c.scores} == {("torch",)}


@pytest.fixture(scope="module")
def fragile_report() -> Report:
    files = [with_ceremony(make_file(t, fw, sloc=sloc), n, idioms) for t in TASKS
             for fw, sloc, n, idioms in (("torch", 20, 6, ("backward",)), ("tensorflow", 30, 2, ("tape", "apply")),
                                         ("jax", 25, 3, ("grad", "update", "apply")))]
    study = make_study(files)
    return Report(study, score_study(study, CODE, settings=FAST, weights_source="weights.toml"))


def test_sensitivity_round_trips_and_version_1_scorecards_still_read(fragile_report) -> None:
    card = fragile_report.scorecard
    data = json.loads(json.dumps(card.to_dict()))
    assert Scorecard.from_dict(data) == card and Scorecard.from_dict(data).fragile("ceremony")
    del data["sensitivity"]
    data["version"] = 1
    old = Scorecard.from_dict(data)
    assert old.sensitivity == () and not old.fragile("ceremony")


def render(renderable) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=150, color_system=None).print(renderable)
    return buffer.getvalue()


def test_fragile_verdicts_are_marked_in_the_console(fragile_report) -> None:
    card = fragile_report.scorecard
    dimensions = render(dimension_table(card))
    ceremony = next(line for line in dimensions.splitlines() if line.strip().startswith("ceremony"))
    assert ceremony.split()[3:6] == ["0.43▼", "1.00†▲", "0.75"]  # (2 + 1) / (6 + 1), (2 + 1) / (3 + 1)
    conciseness = next(line for line in dimensions.splitlines() if line.strip().startswith("conciseness"))
    assert "1.00▲" in conciseness and "†" not in conciseness
    sensitivity = render(sensitivity_table(card))
    assert [line.split()[:4] for line in sensitivity.splitlines() if line.strip().startswith("ceremony")] == [
        ["ceremony", "tensorflow", "fragile", "ceremony-distinct:"]]
    assert "ceremony-distinct: ceremony as distinct idioms" in " ".join(sensitivity.split())
    assert "fragile (the leader changes under an alternative definition): composite, ceremony" in " ".join(
        render(scorecard_table(card)).split())


def test_fragile_verdicts_are_marked_in_markdown_and_html(fragile_report) -> None:
    text = markdown(fragile_report)
    assert "| ceremony | 1 | 5 | 0.43 ▼ | **1.00† ▲** | 0.75 |" in text
    assert "| ceremony | tensorflow | **fragile** | ceremony-distinct: torch |" in text
    assert "| conciseness | torch | robust | robust under 3 alternatives |" in text
    page = html_report(fragile_report)
    assert "<h2 id='s-sensitivity'>Sensitivity</h2>" in page
    assert "<td>ceremony</td><td>tensorflow</td><td><span class='contradicted'>fragile</span></td>" in page
    assert "<span class='best'>1.00† ▲</span>" in page


def test_a_claim_that_changes_under_an_alternative_definition_is_fragile() -> None:
    from analyzer.claims import check_claims, parse_claims
    from analyzer.reporting.files import markdown as render_markdown

    tasks = [f"t{i}" for i in range(8)]
    files = [with_ceremony(make_file(t, fw), n, idioms) for t in tasks
             for fw, n, idioms in (("torch", 6, ("backward",)), ("tensorflow", 2, ("tape", "apply")))]
    claims = parse_claims({"claim": [
        {"id": "less-ceremony", "statement": "torch needs less ceremony", "metric": "ceremony_total",
         "a": "torch", "b": "tensorflow", "expect": "lower"},
        {"id": "shorter", "statement": "torch is shorter", "metric": "sloc", "a": "torch", "b": "tensorflow",
         "expect": "lower"}]})
    study = make_study(files)
    card = score_study(study, CODE, settings=FAST)
    ceremony, sloc = check_claims(claims, study, card)
    assert (ceremony.verdict, ceremony.flips) == ("contradicted", {"ceremony-distinct": "supported"})
    assert ceremony.fragile and not sloc.fragile and sloc.flips == {}
    text = render_markdown(Report(study, card, (ceremony, sloc)))
    assert "| less-ceremony | new | **contradicted†** |" in text
    assert "† fragile, under ceremony-distinct: supported |" in text
