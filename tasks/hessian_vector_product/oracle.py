"""Inputs and float64 oracle for the hessian_vector_product task.

loss(w) = mean(log(1 + exp(x @ w)) - y * (x @ w)) + 0.5 * l2 * ||w||^2, with y in {0, 1} as floats and l2 a
0-d input. Outputs: `hvp` = H v with H the Hessian of loss at w (shape (features,)), and `loss` (0-d).
"""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    samples, features = size["samples"], size["features"]
    return {
        "x": rng.standard_normal((samples, features)),
        "y": rng.integers(0, 2, samples).astype(np.float64),
        "w": rng.standard_normal(features) / np.sqrt(features),
        "v": rng.standard_normal(features),
        "l2": np.asarray(0.01),
    }


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    x, y, w, v, l2 = inputs["x"], inputs["y"], inputs["w"], inputs["v"], inputs["l2"]
    z = x @ w
    p = 1.0 / (1.0 + np.exp(-z))
    loss = np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * w @ w
    hvp = x.T @ (p * (1.0 - p) * (x @ v)) / x.shape[0] + l2 * v
    return {"hvp": hvp, "loss": np.asarray(loss)}
