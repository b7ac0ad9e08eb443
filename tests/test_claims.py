"""Claims: the shipped file, the vocabulary's errors, and verdicts from synthetic evidence."""

from __future__ import annotations

import json
import sys

import pytest

from analyzer.claims import (
    Claim, ClaimResult, ClaimsError, Side, check_claim, check_claims, load_claims, parse_claims,
)
from analyzer.model import StudyResults
from analyzer.scoring import DIMENSIONS, ScoringSettings, measurements, score_study
from tests.test_scoring import figures_study, make_run, make_study, synthetic_study

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FAST = ScoringSettings(resamples=100, weightings=100)
EQUAL = {d: 1.0 for d in DIMENSIONS}


def verdict(claim_text: str, study: StudyResults) -> ClaimResult:
    """The verdict of one claim written as TOML, on a study."""
    (claim,) = parse_claims(tomllib.loads("[[claim]]\nid = 'x'\nstatement = 's'\n" + claim_text))
    card = score_study(study, EQUAL, settings=FAST)
    return check_claim(claim, measurements(study), card)


def sloc_study(torch: list[int], tensorflow: list[int]) -> StudyResults:
    return figures_study({f"t{i}": {"torch": {"sloc": a}, "tensorflow": {"sloc": b}}
                          for i, (a, b) in enumerate(zip(torch, tensorflow))})


CONCISE = "metric = 'sloc'\na = 'torch'\nb = 'tensorflow'\nexpect = 'lower'\n"


def test_shipped_claims_load_and_cover_the_survey_and_jax() -> None:
    claims = {c.id: c for c in load_claims()}
    surveyed = {c.survey for c in claims.values()}
    assert {"U1", "U3", "P1", "P5", "D1"} <= surveyed
    assert claims["U1-concise"] == Claim("U1-concise", "PyTorch code is more concise than TensorFlow's", "U1",
                                         "paired", "sloc", a=Side("torch"), b=Side("tensorflow"), expect="lower")
    assert claims["P5-torch-compiled-faster"].a == Side("torch", "compiled")
    jax = [c for c in claims.values() if not c.survey]
    assert len(jax) >= 6 and all("jax" in {c.a.framework, c.b.framework} for c in jax)


def test_supported_contradicted_and_inconclusive() -> None:
    shorter = sloc_study([10, 12, 14, 9, 20, 11, 15], [20, 25, 30, 18, 28, 22, 24])
    result = verdict(CONCISE, shorter)
    assert result.verdict == "supported"
    assert result.evidence["tasks"] == 7 and result.evidence["torch lower"] == 7
    assert result.evidence["median torch"] == 12 and result.evidence["median tensorflow"] == 24
    assert result.evidence["p_value"] == pytest.approx(0.015625)
    assert result.summary == ("torch higher on 0, lower on 7 of 7 tasks; median 12 vs 24; Wilcoxon p=0.0156, "
                              "r=-1.00")
    assert verdict(CONCISE, sloc_study([20, 25, 30, 18, 28, 22, 24], [10, 12, 14, 9, 20, 11, 15])).verdict \
        == "contradicted"
    mixed = verdict(CONCISE, sloc_study([10, 30, 12, 28, 20, 21], [20, 15, 25, 14, 20, 19]))
    assert mixed.verdict == "inconclusive" and mixed.summary.startswith("no significant difference: ")


def test_better_and_worse_follow_the_metric_direction() -> None:
    study = sloc_study([10, 12, 14, 9, 20, 11, 15], [20, 25, 30, 18, 28, 22, 24])
    assert verdict("metric = 'sloc'\na = 'torch'\nb = 'tensorflow'\nexpect = 'better'\n", study).verdict \
        == "supported"
    assert verdict("dimension = 'conciseness'\na = 'torch'\nb = 'tensorflow'\nexpect = 'better'\n", study).verdict \
        == "supported"
    assert verdict("dimension = 'conciseness'\na = 'torch'\nb = 'tensorflow'\nexpect = 'worse'\n", study).verdict \
        == "contradicted"


def test_too_few_tasks_and_missing_dimensions_are_inconclusive() -> None:
    few = verdict(CONCISE, sloc_study([10, 12], [20, 25]))
    assert (few.verdict, few.summary) == ("inconclusive", "2 paired task(s) of torch and tensorflow; the test needs 5")
    deploy = verdict("dimension = 'deployment'\na = 'tensorflow'\nb = 'torch'\nexpect = 'better'\n",
                     sloc_study([10] * 6, [12] * 6))
    assert (deploy.verdict, deploy.summary) == ("inconclusive", "no deployment data: no deploy_paths in this study")


def test_modes_of_one_framework_compared() -> None:
    runs = [r for t in range(6) for r in (make_run(f"t{t}", "torch", "eager", median_s=0.01 * (t + 1),
                                                   first_result_s=0.2),
                                          make_run(f"t{t}", "torch", "compiled", median_s=0.004 * (t + 1),
                                                   first_result_s=20.0),
                                          make_run(f"t{t}", "jax", "eager"))]
    study = make_study([], runs)
    faster = verdict("metric = 'median_s'\na = 'torch/compiled'\nb = 'torch/eager'\nexpect = 'lower'\n", study)
    assert faster.verdict == "supported"
    assert faster.summary.startswith("torch/compiled higher on 0, lower on 6 of 6 tasks; median 0.014 vs 0.035")
    price = verdict("metric = 'first_result_s'\na = 'torch/compiled'\nb = 'torch/eager'\nexpect = 'higher'\n", study)
    assert price.verdict == "supported" and price.evidence["median torch/compiled"] == 20.0


def test_winner_varies() -> None:
    varied = figures_study({f"t{i}": {"torch": {"eager_s": 1.0 if i % 3 else 0.5},
                                      "tensorflow": {"eager_s": 1.0 if i % 3 != 1 else 0.5},
                                      "jax": {"eager_s": 1.0 if i % 3 != 2 else 0.5}} for i in range(9)})
    claim = "test = 'winner_varies'\nmetric = 'median_s'\nmode = 'eager'\n"
    result = verdict(claim, varied)
    assert result.verdict == "supported"
    assert result.summary == "best per task (median_s@eager): torch 3, tensorflow 3, jax 3 of 9"
    one_wins = figures_study({f"t{i}": {"torch": {"eager_s": 0.5}, "tensorflow": {"eager_s": 1.0},
                                        "jax": {"eager_s": 1.0 if i else 0.1}} for i in range(8)})
    result = verdict(claim, one_wins)
    assert result.verdict == "contradicted" and result.evidence["top share"] == 7 / 8
    assert result.evidence["best torch"] == 7 and result.evidence["best jax"] == 1


def test_check_claims_over_a_whole_study_and_json_round_trip() -> None:
    study = synthetic_study(8)
    card = score_study(study, EQUAL, settings=FAST)
    results = check_claims(load_claims(), study, card)
    assert len(results) == len(load_claims())
    assert {r.verdict for r in results} <= {"supported", "contradicted", "inconclusive"}
    by_id = {r.claim.id: r for r in results}
    assert by_id["D1-tensorflow-deployment"].verdict == "inconclusive"
    assert by_id["J-P5-jit-faster"].evidence["tasks"] == 8
    for result in results:
        assert ClaimResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result


@pytest.mark.parametrize(("text", "field", "expected"), [
    ("", "claim", "expected one or more [[claim]] tables"),
    ("[[claim]]\nstatement = 's'\n", "claim[0].id", "missing; it is required"),
    ("[[claim]]\nid = ' '\nstatement = 's'\n", "claim[0].id", "expected a non-empty string"),
    ("[[claim]]\nid = 'a'\nstatement = 's'\nmetric = 'sloc'\nthreshold = true\n", "claim[0].threshold",
     "expected float | null, got bool"),
    ("[[claim]]\nid = 'a'\nstatement = 's'\nmetric = 'sloc'\nframeworks = 'torch'\n", "claim[0].frameworks",
     "expected array, got str"),
    ("colour = 1\n", "colour", "unknown field"),
    ("[[claim]]\nid = 'a'\nstatement = 's'\nmetric = 'sloc'\ndimension = 'speed'\n", "claim[id=a].metric",
     "expected exactly one of 'metric' or 'dimension'"),
    ("[[claim]]\nid = 'a'\nstatement = 's'\nmetric = 'lines'\n", "claim[id=a].metric", "expected one of sloc, "),
    ("[[claim]]\nid = 'a'\nstatement = 's'\ndimension = 'fun'\n", "claim[id=a].dimension", "expected one of "),
    ("[[claim]]\nid = 'a'\nstatement = 's'\nmetric = 'sloc'\na = 'torch'\nb = 'mxnet'\nexpect = 'lower'\n",
     "claim[id=a].b", "unknown framework 'mxnet'"),
    ("[[claim]]\nid = 'a'\nstatement = 's'\nmetric = 'sloc'\na = 'torch'\nb = 'tf'\nexpect = 'smaller'\n",
     "claim[id=a].expect", "expected one of lower, higher, better, worse, got 'smaller'"),
    ("[[claim]]\nid = 'a'\nstatement = 's'\nmetric = 'sloc'\na = 'torch/compiled'\nb = 'tf'\nexpect = 'lower'\n",
     "claim[id=a].a", "has no modes"),
    ("[[claim]]\nid = 'a'\nstatement = 's'\nmetric = 'median_s'\na = 'torch/jit'\nb = 'tf'\nexpect = 'lower'\n",
     "claim[id=a].a", "expected one of eager, compiled, got 'jit'"),
    ("[[claim]]\nid = 'a'\nstatement = 's'\nmetric = 'sloc'\na = 'torch'\nb = 'pytorch'\nexpect = 'lower'\n",
     "claim[id=a].b", "expected something other than a (torch)"),
    ("[[claim]]\nid = 'a'\nstatement = 's'\ndimension = 'speed'\nexpect = 'lower'\na = 'torch'\nb = 'jax'\n",
     "claim[id=a].expect", "expected one of better, worse, got 'lower'"),
    ("[[claim]]\nid = 'a'\nstatement = 's'\ntest = 'anova'\nmetric = 'sloc'\n", "claim[id=a].test", "expected one of"),
    ("[[claim]]\nid = 'a'\nstatement = 's'\nmetric = 'sloc'\nsize = 'medium'\n", "claim[id=a].size",
     "sloc has no input size; leave 'size' out"),
    ("[[claim]]\nid = 'a'\nstatement = 's'\nmetric = 'best_s'\nsize = 'huge'\n", "claim[id=a].size",
     "expected one of small, medium, full, got 'huge'"),
    ("[[claim]]\nid = 'a'\nstatement = 's'\ntest = 'winner_varies'\nmetric = 'sloc'\nthreshold = 2\n",
     "claim[id=a].threshold", "expected a number in (0, 1], got 2"),
    ("[[claim]]\nid = 'a'\nstatement = 's'\ntest = 'winner_varies'\nmetric = 'sloc'\nmin_tasks = 0\n",
     "claim[id=a].min_tasks", "expected an integer >= 1, got 0"),
    ("[[claim]]\nid = 'a'\nstatement = 's'\ntest = 'winner_varies'\nmetric = 'sloc'\nwho = 1\n",
     "claim[0].who", "unknown field"),
    ("[[claim]]\nid = 'a'\nstatement = 's'\ntest = 'winner_varies'\nmetric = 'sloc'\n" * 2, "claim[1].id",
     "expected a unique id; 'a' is used twice"),
    ("[[claim]\n", "claim", "expected valid TOML"),
])
def test_bad_claims_files_name_the_file_and_field(tmp_path, text: str, field: str, expected: str) -> None:
    path = tmp_path / "claims.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ClaimsError) as caught:
        load_claims(path)
    assert str(caught.value).startswith(f"{path}: field '{field}': ")
    assert expected in str(caught.value)


def test_a_speed_claim_reads_the_size_it_names() -> None:
    # torch is faster at small, jax at medium: the same claim gets opposite verdicts at the two sizes.
    runs = [make_run(f"t{i}", fw, mode, size=size, median_s=time * (1 + i / 10))
            for i in range(6) for mode in ("eager", "compiled")
            for fw, size, time in (("torch", "small", 0.001), ("jax", "small", 0.004),
                                   ("torch", "medium", 0.020), ("jax", "medium", 0.010))]
    study = make_study([], runs)
    claim = "metric = 'best_s'\na = 'torch'\nb = 'jax'\nexpect = 'lower'\n"
    assert verdict(claim + "size = 'small'\n", study).verdict == "supported"
    assert verdict(claim + "size = 'medium'\n", study).verdict == "contradicted"
    assert verdict(claim, study).verdict == "supported"  # the default: the smallest size
