"""Inputs and float64 oracle for the custom_layer task.

Layout: kernels are (in, out). The model is h = (x @ w + b) * sigmoid(x @ g) (the custom layer), then
out = h @ w_out + b_out. Outputs: `y` (the model's output) and `grad_w`, `grad_b`, `grad_g`, the gradients of
sum(y^2) with respect to the custom layer's parameters, in their own layouts.
"""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    batch, features, hidden, outputs = size["batch"], size["features"], size["hidden"], size["outputs"]
    return {
        "x": rng.standard_normal((batch, features)),
        "w": rng.standard_normal((features, hidden)) / np.sqrt(features),
        "b": 0.1 * rng.standard_normal(hidden),
        "g": rng.standard_normal((features, hidden)) / np.sqrt(features),
        "w_out": rng.standard_normal((hidden, outputs)) / np.sqrt(hidden),
        "b_out": 0.1 * rng.standard_normal(outputs),
    }


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    x = inputs["x"]
    linear = x @ inputs["w"] + inputs["b"]
    gate = 1.0 / (1.0 + np.exp(-(x @ inputs["g"])))
    y = (linear * gate) @ inputs["w_out"] + inputs["b_out"]
    d_h = (2.0 * y) @ inputs["w_out"].T
    d_linear = d_h * gate
    d_gate_logits = d_h * linear * gate * (1.0 - gate)
    return {
        "y": y,
        "grad_w": x.T @ d_linear,
        "grad_b": d_linear.sum(axis=0),
        "grad_g": x.T @ d_gate_logits,
    }
