"""Console renderables rendered into a fixed-width console: scorecard, dimensions, tasks, claims, side by side."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from analyzer.claims import check_claims, load_claims
from analyzer.reporting.scorecard import (
    claims_table, dimension_table, report_group, scorecard_table, side_by_side, task_table,
)
from analyzer.scoring import DIMENSIONS, ScoringSettings, measurements, score_study
from tests.test_scoring import HOSTILE, report_study

SETTINGS = ScoringSettings(resamples=200, weightings=200)


@pytest.fixture(scope="module")
def study():
    return report_study()


@pytest.fixture(scope="module")
def card(study):
    return score_study(study, {d: 1.0 for d in DIMENSIONS}, settings=SETTINGS, weights_source="weights.toml")


def render(renderable, *, width: int = 100) -> list[str]:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, legacy_windows=False).print(renderable)
    return [line.rstrip() for line in buffer.getvalue().splitlines()]


def row(lines: list[str], first: str) -> list[str]:
    return next(line.split() for line in lines if line.split()[:1] == [first] or line.strip().startswith(first))


def test_scorecard_lists_frameworks_by_rank_with_interval_and_p_first(card) -> None:
    lines = render(scorecard_table(card))
    assert lines[0] == "Scorecard"
    assert row(lines, "rank") == ["rank", "framework", "composite", "95%", "interval", "P(first)"]
    ranked = [line.split() for line in lines if line.split()[1:2] in (["torch"], ["tensorflow"], ["jax"])]
    assert [r[:2] for r in ranked] == [["1", "jax"], ["2", "torch"], ["3", "tensorflow"]]
    jax = card.composite("jax")
    assert ranked[0][2:] == [f"{jax.composite:.1f}▲", f"{jax.ci_low:.1f}–{jax.ci_high:.1f}", f"{jax.p_first:.0%}"]
    assert ranked[2][2].endswith("▼") and not ranked[1][2].endswith(("▲", "▼"))
    assert any("weights: weights.toml" in line for line in lines)


def test_dimension_table_gives_scores_significance_skips_and_flags(card) -> None:
    lines = render(dimension_table(card), width=140)
    conciseness = row(lines, "conciseness")
    assert conciseness[:6] == ["conciseness", "1", "8", "1.00▲", "0.70▼", "0.82"]
    assert " ".join(conciseness[6:]) == "torch > tensorflow (p=0.023, r=1.00); torch > jax (p=0.023, r=1.00);"
    assert row(lines, "speed")[:6] == ["speed", "1", "8", "0.50", "0.23▼", "1.00▲"]  # each at its faster mode
    assert row(lines, "compile")[:7] == ["compile", "latency", "⚑", "1", "7", "1.00", "1.00"]  # rnn failed: 7 tasks
    assert row(lines, "complexity")[-3:] == ["no", "significant", "difference"]
    assert row(lines, "deployment") == ["deployment", "1", "0", "–", "–", "–", "skipped:", "no", "deploy_paths", "in",
                                        "this", "study"]
    assert row(lines, "correctness")[:2] == ["correctness", "⚑"]
    assert "Holm-corrected within each dimension" in " ".join(" ".join(lines).split())


def test_task_table_marks_best_worst_instability_nondeterminism_and_failures(study, card) -> None:
    lines = render(task_table(measurements(study), frameworks=card.frameworks))
    attn = [line.split() for line in lines if line.split()[:1] == ["attn"]][0]
    assert attn == ["attn", "torch", "20▲", "1", "10", "2", "10", "5", "1", "500", "1.2", "✓≠✓"]
    conv_jax = next(line.split() for line in lines if "5~▲" in line)
    assert conv_jax == ["jax", "26", "1", "10", "2", "5~▲", "2.5▲", "1", "500", "1.2", "✓✓"]
    rnn_tf = [line.split() for line in lines if line.split()[:1] == ["tensorflow"] and line.split()[-1] == "✓✗"]
    assert len(rnn_tf) == 1 and rnn_tf[0][1:] == ["34▼", "1", "10", "2", "20▼", "–", "–", "500", "1.2", "✓✗"]
    variant = next(line.split() for line in lines if "(fit)" in line)
    assert variant == ["tensorflow", "(fit)", "12", "1", "8", "2", "–", "–", "–", "–", "–", "··"]  # not marked
    assert "▲ best, ▼ worst per task; ~ unstable timing;" in " ".join(lines)


def test_hostile_strings_are_shown_as_text_not_markup(study, card) -> None:
    text = "\n".join(render(task_table(measurements(study)), width=200))
    assert HOSTILE in text


def test_claims_table_gives_verdicts_with_their_numbers(study, card) -> None:
    results = check_claims(load_claims(), study, card)
    lines = render(claims_table(results), width=320)  # five columns: the evidence on one line
    concise = row(lines, "U1-concise")
    assert concise[:3] == ["U1-concise", "U1", "supported"]
    text = "\n".join(lines)
    assert "torch higher on 0, lower on 8 of 8 tasks; median 23.5 vs 33.5; Wilcoxon p=0.00781, r=-1.00" in text
    assert "no deployment data: no deploy_paths in this study" in text
    assert row(lines, "D1-tensorflow-deployment")[1:3] == ["D1", "inconclusive"]


def test_side_by_side_shows_each_implementation_with_its_figures(study) -> None:
    sources = {("torch", "default"): "import torch\nx = torch.ones(3)\n",
               ("tensorflow", "default"): "import tensorflow as tf\nx = tf.ones(3)\n",
               ("tensorflow", "fit"): "model.fit(x)\n", ("jax", "default"): "import jax.numpy as jnp\n"}
    text = "\n".join(render(side_by_side("mlp", measurements(study), sources), width=160))
    header = next(line for line in text.splitlines() if "torch" in line and "jax" in line)
    # variants stand beside their framework's default
    assert [cell.strip() for cell in header.split("│")[1:-1]] == ["torch", "tensorflow", "tensorflow (fit)", "jax"]
    assert "x = torch.ones(3)" in text and "model.fit(x)" in text
    assert "SLOC: 23▲" in text and "SLOC: 33▼" in text
    assert "SLOC: 12 " in text and "APIs: 8 " in text  # the variant is shown, not ranked


def test_report_group_renders_everything_in_order(study, card) -> None:
    lines = render(report_group(card, check_claims(load_claims(), study, card), measurements(study)))
    titles = [line for line in lines if line in ("Scorecard", "Dimensions", "Tasks, small size", "Claims")]
    assert titles == ["Scorecard", "Dimensions", "Claims", "Tasks, small size"]  # the order of every format
    flag = "- ⚑ passed@eager@small (correctness): all frameworks tie on 100% of 8 tasks"
    assert any(line.startswith(flag) for line in lines)


def test_the_run_table_marks_the_disturbed_timings_it_is_given() -> None:
    from analyzer.execution.stats import disturbed, summarize
    from analyzer.model import RunRecord
    from analyzer.reporting.console import run_table

    def run(framework: str, probe_s: float) -> RunRecord:
        return RunRecord(task="matmul", framework=framework, variant="default", mode="eager", device="cpu",
                         size="small", status="passed", timing=summarize([0.001] * 5, loops=1, probes=[probe_s] * 5))

    records = [run("torch", 1e-4), run("jax", 1.3e-4)]

    def marks(*, given: list[bool] | None = None) -> dict[str, bool]:
        lines = render(run_table(records, disturbed=disturbed([r.timing for r in records]) if given is None
                                 else given), width=120)
        return {fw: "!" in next(line for line in lines if fw in line) for fw in ("torch", "jax")}

    assert disturbed([r.timing for r in records]) == [False, True]  # jax's probe ran 1.3x the fastest
    assert marks() == marks(given=[False, True]) == {"torch": False, "jax": True}
    assert marks(given=[True, False]) == {"torch": True, "jax": False}  # the table draws what it is given
    with pytest.raises(ValueError, match="disturbed has 1 entries for 2 records"):
        run_table(records, disturbed=[True])
