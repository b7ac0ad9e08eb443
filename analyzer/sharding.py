"""Shards: a deterministic, balanced part of a pass's job list, so that N machines (a SLURM array, a CI matrix, N
shell loops) each run one part of the same study.

Every shard plans the whole pass exactly as a single machine would, then keeps its part: the jobs are sorted by
expected cost, largest first, and each is given to the shard with the least expected work so far (longest
processing time first; ties go to the lower shard, then the job's key decides). Nothing random and nothing
machine-specific enters, so `--shard 2/4` means the same jobs on every machine. Records a shard writes are normal
records (`--resume` works per shard); `usability-score merge` puts the shards' studies back together.

Expected cost, in seconds: from an earlier study's records of the same job when one is given (its first call plus
its samples), else an estimate from the job's mode and size (a compiled job pays its compiler, a medium one runs
longer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence, TypeVar

Item = TypeVar("Item")
SHARD = re.compile(r"^(\d+)/(\d+)$")
#: Seconds a run job is expected to take without an earlier study to say better (a 2-core CPU machine).
MODE_COST = {"eager": 2.0, "compiled": 6.0}
SIZE_FACTOR = {"small": 1.0, "medium": 2.0, "full": 8.0}


class ShardError(ValueError):
    """A --shard that is not K/N with 1 <= K <= N."""


@dataclass(frozen=True)
class Shard:
    index: int  #: 1-based
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    match = SHARD.match(text.strip())
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise ShardError(f"--shard {text!r}: expected K/N with 1 <= K <= N, e.g. 2/4")
    return Shard(int(match.group(1)), int(match.group(2)))


def assign(keys: Sequence[str], costs: Sequence[float], count: int) -> list[int]:
    """The 0-based shard of each key: longest processing time first, deterministic."""
    loads = [0.0] * count
    shard_of = [0] * len(keys)
    for i in sorted(range(len(keys)), key=lambda i: (-costs[i], keys[i])):
        target = min(range(count), key=lambda s: (loads[s], s))
        shard_of[i] = target
        loads[target] += costs[i]
    return shard_of


def take(items: Sequence[Item], shard: Shard | None, *, key: Callable[[Item], str],
         cost: Callable[[Item], float]) -> list[Item]:
    """The items of `shard`, in their planned order (all of them when shard is None)."""
    if shard is None:
        return list(items)
    owners = assign([key(item) for item in items], [max(cost(item), 0.0) for item in items], shard.count)
    return [item for item, owner in zip(items, owners) if owner == shard.index - 1]


def run_cost(mode: str, size: str, earlier: Mapping[tuple[str, ...], float], key: tuple[str, ...]) -> float:
    """A run job's expected seconds: an earlier study's figure for the same key, else the mode x size estimate."""
    if key in earlier:
        return earlier[key]
    return MODE_COST.get(mode, 2.0) * SIZE_FACTOR.get(size, 1.0)


def earlier_costs(runs: Iterable[object]) -> dict[tuple[str, ...], float]:
    """(task, framework, variant, mode, size) -> seconds an earlier study's job took: first call plus samples."""
    found: dict[tuple[str, ...], float] = {}
    for run in runs:
        timing = getattr(run, "timing", None)
        spent = (getattr(run, "first_result_s", None) or 0.0) + (
            sum(timing.samples) * timing.loops if timing is not None else 0.0)
        if spent > 0:
            key = (run.task, run.framework, run.variant, run.mode, run.size)  # type: ignore[attr-defined]
            found[key] = max(found.get(key, 0.0), spent)
    return found
