"""Inputs and float64 oracle for the custom_gradient task.

pred = clip_gradient(x @ w, c), where clip_gradient is the identity going forward and clips the incoming
gradient to [-c, c] going backward; loss = 0.5 * sum((pred - y)^2). Outputs: `loss` (0-d) and `grad_w`, the
gradient of loss with respect to w through the custom rule: x.T @ clip(x @ w - y, -c, c). The inputs make about
half the residuals exceed c, so plain autodiff (x.T @ (x @ w - y)) would fail the check.
"""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    samples, features = size["samples"], size["features"]
    return {
        "x": rng.standard_normal((samples, features)),
        "y": rng.standard_normal(samples),
        "w": 1.5 * rng.standard_normal(features) / np.sqrt(features),
        "c": np.asarray(1.0),
    }


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    x, y, w, c = inputs["x"], inputs["y"], inputs["w"], inputs["c"]
    residual = x @ w - y
    return {"loss": np.asarray(0.5 * residual @ residual), "grad_w": x.T @ np.clip(residual, -c, c)}
