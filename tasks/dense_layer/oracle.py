"""Inputs and float64 oracle for the dense_layer task.

Layout: x is (batch, d_in); the kernel w is (d_in, d_out), so y = x @ w + b; b, gamma and beta are (d_out,).
Layer normalisation is over the last axis with the biased variance and epsilon 1e-5.
"""

import numpy as np

EPSILON = 1e-5


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    batch, d_in, d_out = size["batch"], size["d_in"], size["d_out"]
    return {
        "x": rng.standard_normal((batch, d_in)),
        "w": rng.standard_normal((d_in, d_out)) / np.sqrt(d_in),
        "b": 0.1 * rng.standard_normal(d_out),
        "gamma": 1.0 + 0.1 * rng.standard_normal(d_out),
        "beta": 0.1 * rng.standard_normal(d_out),
    }


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    y = np.maximum(inputs["x"] @ inputs["w"] + inputs["b"], 0.0)
    mean = y.mean(axis=-1, keepdims=True)
    var = y.var(axis=-1, keepdims=True)
    y_norm = (y - mean) / np.sqrt(var + EPSILON) * inputs["gamma"] + inputs["beta"]
    return {"y": y, "y_norm": y_norm}
