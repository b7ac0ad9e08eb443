"""Inputs and float64 oracle for the broadcasting task.

x is (n, d) and y is (m, d); dist[i, j] = sum_k (x[i, k] - y[j, k])**2 is (n, m). standardized is x with each
feature (column) shifted by its mean and divided by its population standard deviation (ddof = 0).
"""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n, m, d = size["n"], size["m"], size["d"]
    # Features with distinct offsets and scales, so that standardisation has something to undo.
    offset = rng.uniform(-5.0, 5.0, d)
    scale = rng.uniform(0.5, 3.0, d)
    return {
        "x": offset + scale * rng.standard_normal((n, d)),
        "y": offset + scale * rng.standard_normal((m, d)),
    }


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    x, y = inputs["x"], inputs["y"]
    dist = ((x[:, None, :] - y[None, :, :]) ** 2).sum(axis=-1)
    standardized = (x - x.mean(axis=0)) / x.std(axis=0)
    return {"dist": dist, "standardized": standardized}
