"""The tidy table of a study: one row per measurement (COLUMNS), as the CSV report writes it and the Python API's
`Results.to_frame()` returns it. Plain tuples: pandas is the API's business, not this module's."""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Iterator, Mapping

from analyzer.model import StudyResults
from analyzer.scoring import DEBUG_FIELDS, ScoringSettings, measurements

#: Columns of the tidy table, in order.
COLUMNS = ("task", "category", "framework", "variant", "mode", "size", "metric", "value", "ci_low", "ci_high", "unit",
           "status", "machine", "run_id")
UNITS = {
    "median_s": "s", "iqr_s": "s", "best_s": "s", "compile_s": "s", "import_s": "s", "first_result_s": "s",
    "cold_start_s": "s", "peak_host_mb": "MiB", "peak_device_mb": "MiB", "max_abs_err": "", "max_rel_err": "",
    "passed": "0/1", "sloc": "lines", "statements": "statements", "tokens": "tokens", "deploy_paths": "paths",
    "debug_score": "score 0-1", **{name: "share" for name in DEBUG_FIELDS if name != "debug_score"},
}


def on_machine(study: StudyResults, machine: str) -> StudyResults:
    """The part of a study measured on one machine (its static figures, deployments and debuggability pass
    included), as a study of its own."""
    runs = tuple(r for r in study.runs if (r.machine or study.machine) == machine)
    return dataclasses.replace(study, runs=runs, environment={**study.environment, "machine": machine})


def tidy_rows(study: StudyResults, *, settings: ScoringSettings = ScoringSettings(),
              categories: Mapping[str, str] | None = None) -> Iterator[tuple[Any, ...]]:
    """The rows of COLUMNS: static figures, run figures per mode and size (median_s with its 95% interval),
    deployment and debuggability figures; with the task's category, the unit, the status of the runs behind the
    row, and the machine and run id it came from. A study of several machines gives each machine's rows in turn."""
    if len(study.machines) > 1:
        for machine in study.machines:
            yield from tidy_rows(on_machine(study, machine), categories=categories)
        return
    categories = categories or {}
    runs = {(r.task, r.framework, r.variant, r.mode, r.size): r for r in study.runs}
    machine = study.environment.get("machine") or study.machine
    rows = measurements(study, device=settings.device, machine=settings.machine, size=settings.size)
    for row in sorted(rows, key=lambda r: (r.task, r.framework, r.variant, r.mode, r.size, r.metric)):
        run = runs.get((row.task, row.framework, row.variant, row.mode, row.size))
        low = high = math.nan
        if row.metric == "median_s" and run is not None and run.timing is not None:
            low, high = run.timing.ci_low_s, run.timing.ci_high_s
        status = run.status if run is not None else "measured"
        yield (row.task, categories.get(row.task, ""), row.framework, row.variant, row.mode, row.size,
               row.metric, row.value, low, high, UNITS.get(row.metric, ""), status, machine, study.created)
