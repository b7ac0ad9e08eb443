"""--shard K/N: deterministic, balanced, disjoint parts of a pass's job list; `merge` puts them back together."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.sharding import Shard, ShardError, assign, parse_shard, take
from tests.conftest import FIXTURES


def test_shards_are_parsed_and_bad_ones_named() -> None:
    assert parse_shard("2/4") == Shard(2, 4) and str(parse_shard(" 1/1 ")) == "1/1"
    for bad in ("0/4", "5/4", "2", "a/b", "2/0"):
        with pytest.raises(ShardError, match=f"--shard '{bad}': expected K/N"):
            parse_shard(bad)


def test_longest_jobs_first_to_the_least_loaded_shard() -> None:
    keys = [f"job{i}" for i in range(7)]
    costs = [5.0, 4.0, 3.0, 3.0, 2.0, 2.0, 1.0]
    assert assign(keys, costs, 2) == [0, 1, 1, 0, 1, 0, 1]  # loads 10 and 10
    assert assign(keys, costs, 2) == assign(list(keys), list(costs), 2)  # nothing random
    parts = [take(keys, Shard(k, 3), key=str, cost=lambda job: costs[keys.index(job)]) for k in (1, 2, 3)]
    assert sorted(sum(parts, [])) == sorted(keys) and sum(len(p) for p in parts) == len(keys)  # disjoint, whole
    loads = [sum(costs[keys.index(job)] for job in part) for part in parts]
    assert max(loads) - min(loads) <= max(costs)
    assert take(keys, None, key=str, cost=lambda job: 1.0) == keys


@pytest.mark.frameworks
def test_two_shards_run_disjoint_halves_and_merge_into_the_whole_study(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["run", "--root", str(FIXTURES / "debug_catalog"), "-f", "jax", "-f", "torch", "-m", "eager"]
    for k in (1, 2):
        result = runner.invoke(app, [*base, "--shard", f"{k}/2", "--out", str(tmp_path / f"s{k}")])
        assert result.exit_code == 0, result.output
    shards = [json.loads((tmp_path / f"s{k}" / "study.json").read_text()) for k in (1, 2)]
    keys = [{(r["task"], r["framework"], r["mode"]) for r in s["runs"]} for s in shards]
    assert len(keys[0]) == len(keys[1]) == 1 and not keys[0] & keys[1]
    assert keys[0] | keys[1] == {("tiny_regression", "jax", "eager"), ("tiny_regression", "torch", "eager")}
    assert [s["environment"]["shard"] for s in shards] == ["1/2", "2/2"]
    # resuming a shard as another is refused: the plan differs
    wrong = runner.invoke(app, [*base, "--shard", "2/2", "--resume", "--out", str(tmp_path / "s1")])
    assert wrong.exit_code == 2 and "shard" in " ".join(wrong.output.split())
    merged = runner.invoke(app, ["merge", str(tmp_path / "s1"), str(tmp_path / "s2" / "study.json"), "--out",
                                 str(tmp_path / "all")])
    assert merged.exit_code == 0, merged.output
    study = json.loads((tmp_path / "all" / "study.json").read_text())
    assert len(study["runs"]) == 2 and [m["shard"] for m in study["environment"]["merged"]] == ["1/2", "2/2"]
    assert (tmp_path / "all" / "report.md").is_file()
    twice = runner.invoke(app, ["merge", str(tmp_path / "s1"), str(tmp_path / "all"), "--out", str(tmp_path / "x")])
    assert twice.exit_code == 2 and "both hold tiny_regression" in " ".join(twice.output.split())
    bad = runner.invoke(app, [*base, "--shard", "3/2", "--out", str(tmp_path / "bad")])
    assert bad.exit_code == 2 and "--shard '3/2': expected K/N" in bad.output
