"""Inputs and float64 oracle for the loss_gradient task.

Layout: dense kernels are (in, out), so the network is logits = tanh(x @ w1 + b1) @ w2 + b2; labels are int64
class indices. Outputs: the mean cross-entropy `loss` and `grad_<param>` in the layout of that parameter.
"""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    batch, features, hidden, classes = size["batch"], size["features"], size["hidden"], size["classes"]
    return {
        "x": rng.standard_normal((batch, features)),
        "y": rng.integers(0, classes, batch),
        "w1": rng.standard_normal((features, hidden)) / np.sqrt(features),
        "b1": 0.1 * rng.standard_normal(hidden),
        "w2": rng.standard_normal((hidden, classes)) / np.sqrt(hidden),
        "b2": 0.1 * rng.standard_normal(classes),
    }


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    x, y = inputs["x"], inputs["y"]
    batch = x.shape[0]
    h = np.tanh(x @ inputs["w1"] + inputs["b1"])
    logits = h @ inputs["w2"] + inputs["b2"]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(batch), y].mean()
    d_logits = np.exp(log_probs)
    d_logits[np.arange(batch), y] -= 1.0
    d_logits /= batch
    d_h = (d_logits @ inputs["w2"].T) * (1.0 - h**2)
    return {
        "loss": np.asarray(loss),
        "grad_w1": x.T @ d_h,
        "grad_b1": d_h.sum(axis=0),
        "grad_w2": h.T @ d_logits,
        "grad_b2": d_logits.sum(axis=0),
    }
