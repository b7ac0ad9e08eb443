"""Inputs and float64 oracle for the softmax_logsumexp task.

logits is (rows, classes): row r is offset[r] + spread[r] * N(0, 1), with offsets uniform in [-1000, 1000] and
spreads log-uniform in [0.1, 100], so rows range from nearly uniform to nearly one-hot and exp(logits) overflows
float32 for the high rows. lse is (rows,); softmax and log_softmax are (rows, classes); all along the last axis.
"""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    rows, classes = size["rows"], size["classes"]
    offset = rng.uniform(-1000.0, 1000.0, (rows, 1))
    spread = 10.0 ** rng.uniform(-1.0, 2.0, (rows, 1))
    return {"logits": offset + spread * rng.standard_normal((rows, classes))}


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    logits = inputs["logits"]
    peak = logits.max(axis=-1, keepdims=True)
    lse = peak + np.log(np.exp(logits - peak).sum(axis=-1, keepdims=True))
    log_softmax = logits - lse
    return {"lse": lse[:, 0], "softmax": np.exp(log_softmax), "log_softmax": log_softmax}
