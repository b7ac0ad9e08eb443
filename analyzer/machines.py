"""The same study on several machines, read side by side: per task, each framework's speed on each machine, and
whether the order of the frameworks changes from one machine to another.

A study holds records of several machines when it ran on a Ray cluster of more than one kind of node or was merged
from studies run on different machines (`usability-score merge`). For every task, mode and size (default
implementations), the frameworks that passed on every machine are put in order of their median time on each
machine. The order *changes* when some pair of frameworks is in one order on one machine and in the other order on
another; the change is *significant* when both orders are backed by the same evidence a comparison of studies asks
for (`usability-score compare`): the two frameworks' 95% intervals of the median are apart on both machines.
Otherwise a change is within the noise: the machines may well agree.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Mapping, Sequence

from analyzer.corpus import DEFAULT_VARIANT
from analyzer.model import RunRecord, StudyResults


@dataclass(frozen=True)
class MachineTiming:
    """One framework's median on one machine, with its 95% interval."""

    median_s: float
    ci_low_s: float
    ci_high_s: float


@dataclass(frozen=True)
class MachineRow:
    """One task at one mode and size across the machines."""

    task: str
    mode: str
    size: str
    timings: Mapping[str, Mapping[str, MachineTiming]]  #: framework -> machine -> timing (passed runs only)
    orders: Mapping[str, tuple[str, ...]]  #: machine -> the frameworks timed on every machine, fastest first
    flips: tuple[tuple[str, str, str, str], ...]  #: (faster there, slower there, machine, other machine) pairs
    significant: tuple[tuple[str, str, str, str], ...]  #: the flips with intervals apart on both machines

    @property
    def verdict(self) -> str:
        if self.significant:
            return "order changes"
        return "order changes within the noise" if self.flips else "same order"


@dataclass(frozen=True)
class MachineComparison:
    """Every task's row, and the machines in the order the study holds them."""

    machines: tuple[str, ...]
    rows: tuple[MachineRow, ...]

    def count(self, verdict: str) -> int:
        return sum(row.verdict == verdict for row in self.rows)


def cross_machine(study: StudyResults) -> MachineComparison | None:
    """The side-by-side reading of a study of several machines; None for a study of one."""
    machines = study.machines
    if len(machines) < 2:
        return None
    groups: dict[tuple[str, str, str], dict[str, dict[str, MachineTiming]]] = {}
    for run in study.runs:
        if run.variant != DEFAULT_VARIANT or run.status != "passed" or run.timing is None:
            continue
        timing = MachineTiming(run.timing.median_s, run.timing.ci_low_s, run.timing.ci_high_s)
        by_framework = groups.setdefault((run.task, run.mode, run.size), {})
        by_framework.setdefault(run.framework, {})[_machine(run, study)] = timing
    rows = tuple(_row(key, groups[key], machines) for key in sorted(groups))
    return MachineComparison(machines, tuple(row for row in rows if row.orders))


def _machine(run: RunRecord, study: StudyResults) -> str:
    return run.machine or study.machine


def _row(key: tuple[str, str, str], timings: dict[str, dict[str, MachineTiming]],
         machines: Sequence[str]) -> MachineRow:
    present = [m for m in machines if any(m in by_machine for by_machine in timings.values())]
    everywhere = sorted(fw for fw, by_machine in timings.items() if all(m in by_machine for m in present))
    orders = {m: tuple(sorted(everywhere, key=lambda fw: timings[fw][m].median_s)) for m in present}
    if len(present) < 2 or len(everywhere) < 2:
        orders = {}
    flips, significant = [], []
    for a, b in itertools.combinations(everywhere, 2):
        for x, y in itertools.combinations(orders, 2):
            ta, tb = timings[a], timings[b]
            if (ta[x].median_s < tb[x].median_s) == (ta[y].median_s < tb[y].median_s):
                continue
            first, second = (a, b) if ta[x].median_s < tb[x].median_s else (b, a)
            flip = (first, second, x, y)
            flips.append(flip)
            if _apart(timings[first][x], timings[second][x]) and _apart(timings[second][y], timings[first][y]):
                significant.append(flip)
    return MachineRow(*key, timings=timings, orders=orders, flips=tuple(flips), significant=tuple(significant))


def _apart(faster: MachineTiming, slower: MachineTiming) -> bool:
    """The faster one's interval lies wholly below the slower one's."""
    return faster.ci_high_s < slower.ci_low_s


# ------------------------------------------------------------------------------------- the rows every format shows


def machine_labels(comparison: MachineComparison) -> dict[str, str]:
    """A short label per machine (M1, M2, ...), for table headers; machine_legend says which is which."""
    return {machine: f"M{index}" for index, machine in enumerate(comparison.machines, start=1)}


def machine_legend(comparison: MachineComparison) -> list[str]:
    labels = machine_labels(comparison)
    return [f"{labels[m]}: {m}" for m in comparison.machines]


def machine_header(comparison: MachineComparison, frameworks: Sequence[str]) -> list[str]:
    return ["task", "mode", "size", *frameworks, "order (fastest first)", "verdict"]


def machine_rows(comparison: MachineComparison, frameworks: Sequence[str]) -> list[list[str]]:
    """One row per task, mode and size: each framework's median on each machine ("M1 1.2 ms · M2 0.8 ms"), the
    order on each machine, and the verdict (with the pairs that change order significantly)."""
    labels = machine_labels(comparison)
    rows = []
    for row in comparison.rows:
        cells = []
        for fw in frameworks:
            by_machine = row.timings.get(fw, {})
            cells.append(" · ".join(f"{labels[m]} {_ms(by_machine[m].median_s)}" for m in comparison.machines
                                    if m in by_machine) or "–")
        orders = "; ".join(f"{labels[m]} {' < '.join(order)}" for m, order in row.orders.items())
        verdict = row.verdict
        if row.significant:
            verdict += ": " + ", ".join(f"{a} ahead of {b} on {labels[x]}, behind on {labels[y]}"
                                        for a, b, x, y in row.significant)
        rows.append([row.task, row.mode, row.size, *cells, orders, verdict])
    return rows


def machine_note(comparison: MachineComparison) -> str:
    changed, noisy = comparison.count("order changes"), comparison.count("order changes within the noise")
    return (f"{len(comparison.rows)} task, mode and size combinations timed on {len(comparison.machines)} machines: "
            f"the order of the frameworks changes on {changed} (95% intervals apart on both machines), changes "
            f"within the noise on {noisy}, and stays the same on {len(comparison.rows) - changed - noisy}. "
            f"Medians in milliseconds; " + "; ".join(machine_legend(comparison)) + ".")


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3g} ms"
