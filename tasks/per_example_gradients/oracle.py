"""Inputs and float64 oracle for the per_example_gradients task.

Layout: kernel w is (features, outputs), bias b is (outputs,). Example i's loss is mean_k((x_i @ w + b - y_i)_k^2).
Outputs: `grad_w` (batch, features, outputs) and `grad_b` (batch, outputs), example i's gradient in row i.
"""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    batch, features, outputs = size["batch"], size["features"], size["outputs"]
    return {
        "x": rng.standard_normal((batch, features)),
        "y": rng.standard_normal((batch, outputs)),
        "w": rng.standard_normal((features, outputs)) / np.sqrt(features),
        "b": 0.1 * rng.standard_normal(outputs),
    }


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    x = inputs["x"]
    d_pred = 2.0 * (x @ inputs["w"] + inputs["b"] - inputs["y"]) / inputs["y"].shape[1]
    return {"grad_w": np.einsum("bf,bo->bfo", x, d_pred), "grad_b": d_pred}
