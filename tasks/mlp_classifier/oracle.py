"""Inputs and float64 oracle for the mlp_classifier task.

Canonical layout: x is (batch, features); dense kernels w1, w2, w3 are (in, out) and biases b1, b2, b3 are (out,).
The network is Dense-ReLU-Dense-ReLU-Dense; the outputs are the logits and their softmax.
"""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    widths = [size["features"], size["hidden1"], size["hidden2"], size["classes"]]
    inputs = {"x": rng.standard_normal((size["batch"], widths[0]))}
    for i, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:]), start=1):
        inputs[f"w{i}"] = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
        inputs[f"b{i}"] = 0.1 * rng.standard_normal(fan_out)
    return inputs


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    h = np.maximum(inputs["x"] @ inputs["w1"] + inputs["b1"], 0.0)
    h = np.maximum(h @ inputs["w2"] + inputs["b2"], 0.0)
    logits = h @ inputs["w3"] + inputs["b3"]
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return {"logits": logits, "probs": e / e.sum(axis=-1, keepdims=True)}
