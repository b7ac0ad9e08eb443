"""The one rule for combining the rounds of a job (the same implementation, mode and size run several times,
interleaved with the other frameworks' jobs), used by the study when it saves and by scoring when it measures.

A job passed only if every round passed; otherwise the combined record is its worst round (by SEVERITY), with
that round's status and reason. When every round passed, the timing samples of all rounds are pooled into one
timing; compile, import and first-result times are the (upper) median over the rounds; peak memory the largest
any round reached; nondeterminism anyone's.
"""

from __future__ import annotations

import dataclasses
from typing import Iterable

from analyzer.execution.stats import summarize
from analyzer.model import SEVERITY, RunRecord, Timing

#: The round of a record that stands for several rounds combined.
COMBINED_ROUND = -1


def combine_rounds(records: Iterable[RunRecord]) -> list[RunRecord]:
    """One record per (machine, task, framework, variant, mode, size), in the order each first appears."""
    groups: dict[tuple[str, ...], list[RunRecord]] = {}
    for record in records:  # rounds of one job on one machine; two machines' records stay apart
        groups.setdefault((record.machine, *record.key), []).append(record)
    return [combine(group) for group in groups.values()]


def combine(group: list[RunRecord]) -> RunRecord:
    """The rounds of one job as one record (module docstring); a single record is returned as it is."""
    if len(group) == 1:
        return group[0]
    worst = max(group, key=lambda r: SEVERITY.get(r.status, 9))
    if worst.status != "passed":
        return worst
    timings = [r.timing for r in group if r.timing is not None]
    samples = [s for t in timings for s in t.samples]
    probes = [p for t in timings for p in t.probes]
    timing: Timing | None = summarize(samples, timings[0].loops, probes=probes) if samples else None
    first = min(group, key=lambda r: r.round)
    return dataclasses.replace(
        first, timing=timing, round=COMBINED_ROUND,
        nondeterministic=any(r.nondeterministic for r in group),
        peak_host_mb=max((r.peak_host_mb for r in group if r.peak_host_mb is not None), default=None),
        compile_s=_median([r.compile_s for r in group]), import_s=_median([r.import_s for r in group]),
        first_result_s=_median([r.first_result_s for r in group]),
    )


def _median(values: list[float | None]) -> float | None:
    present = sorted(v for v in values if v is not None)
    return present[len(present) // 2] if present else None
