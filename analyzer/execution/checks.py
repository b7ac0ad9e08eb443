"""Compare an implementation's outputs with the task's float64 oracle. Pure NumPy; no framework."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from analyzer.spec import Tolerance


@dataclass(frozen=True)
class Comparison:
    """The verdict of comparing outputs with the oracle."""

    ok: bool  #: every output within tolerance, none NaN or Inf, no key missing
    max_abs_err: float  #: largest |got - want| over all outputs (NaN when not comparable)
    max_rel_err: float  #: largest |got - want| / max(|want|, atol) over all outputs
    reason: str  #: empty when ok, else the first problem found, naming the output


def compare(got: Mapping[str, object], want: Mapping[str, np.ndarray], tol: Tolerance) -> Comparison:
    """Check `got` (the implementation's result) against `want` (the oracle), output by output."""
    worst_abs, worst_rel, problems = 0.0, 0.0, []
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    if missing:
        problems.append(f"missing output(s) {', '.join(missing)}")
    if extra:
        problems.append(f"unexpected output(s) {', '.join(extra)}")
    for key in sorted(set(want) & set(got)):
        expected = np.asarray(want[key], dtype=np.float64)
        try:
            actual = np.asarray(got[key], dtype=np.float64)
        except (TypeError, ValueError) as exc:
            problems.append(f"output '{key}' is not numeric ({exc})")
            continue
        if actual.shape != expected.shape:
            problems.append(f"output '{key}' has shape {actual.shape}, expected {expected.shape}")
            continue
        if not np.all(np.isfinite(actual)):
            problems.append(f"output '{key}' contains NaN or Inf")
            worst_abs = worst_rel = float("nan")
            continue
        diff = np.abs(actual - expected)
        abs_err = float(diff.max(initial=0.0))
        # Relative to |want|, floored at atol so that outputs near zero give a readable, finite figure.
        rel_err = float((diff / np.maximum(np.abs(expected), max(tol.atol, 1e-12))).max(initial=0.0))
        worst_abs, worst_rel = max(worst_abs, abs_err), max(worst_rel, rel_err)
        if not np.all(diff <= tol.atol + tol.rtol * np.abs(expected)):
            problems.append(
                f"output '{key}' differs from the oracle: max abs error {abs_err:.3g}, max rel error {rel_err:.3g}"
                f" (tolerance rtol={tol.rtol:g}, atol={tol.atol:g})"
            )
    return Comparison(not problems, worst_abs, worst_rel, "; ".join(problems))
