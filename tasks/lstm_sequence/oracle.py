"""Inputs and float64 oracle for the lstm_sequence task.

Canonical layout (as Keras): x is (batch, time, features); kernel is (features, 4 * hidden), recurrent_kernel is
(hidden, 4 * hidden) and bias is (4 * hidden,), each with the gates stacked in the order input, forget, cell
candidate, output (i, f, g, o); the initial hidden and cell states are zero. A dense layer with dense_w
(hidden, classes) and dense_b (classes,) maps the last hidden state to logits.
"""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    f, h, k = size["features"], size["hidden"], size["classes"]
    return {
        "x": rng.standard_normal((size["batch"], size["time"], f)),
        "kernel": rng.standard_normal((f, 4 * h)) / np.sqrt(f),
        "recurrent_kernel": rng.standard_normal((h, 4 * h)) / np.sqrt(h),
        "bias": 0.1 * rng.standard_normal(4 * h),
        "dense_w": rng.standard_normal((h, k)) / np.sqrt(h),
        "dense_b": 0.1 * rng.standard_normal(k),
    }


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    x = inputs["x"]
    batch, time, _ = x.shape
    h = np.zeros((batch, size["hidden"]))
    c = np.zeros_like(h)
    hidden = []
    for t in range(time):
        z = x[:, t] @ inputs["kernel"] + h @ inputs["recurrent_kernel"] + inputs["bias"]
        i, f, g, o = np.split(z, 4, axis=-1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        hidden.append(h)
    return {"hidden": np.stack(hidden, axis=1), "logits": h @ inputs["dense_w"] + inputs["dense_b"]}
