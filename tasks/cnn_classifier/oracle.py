"""Inputs and float64 oracle for the cnn_classifier task.

Canonical layout (NHWC, as Keras and Flax): x is (batch, height, width, channels); conv kernels are
(kh, kw, in, out) with conv1 bias-free (BatchNorm follows it) and conv2 biased by conv2_b; the batch-norm
parameters bn_gamma, bn_beta, bn_mean, bn_var are (channels1,) with epsilon EPS; the dense kernel is (in, out).
Network: conv3x3 same -> batch norm (inference) -> ReLU -> max pool 2x2 -> conv3x3 same -> ReLU -> global
average pool -> dense logits.
"""

import numpy as np

EPS = 1e-5


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    c0, c1, c2, k = size["channels"], size["channels1"], size["channels2"], size["classes"]
    return {
        "x": rng.standard_normal((size["batch"], size["height"], size["width"], c0)),
        "conv1_w": rng.standard_normal((3, 3, c0, c1)) * np.sqrt(2.0 / (9 * c0)),
        "bn_gamma": rng.uniform(0.5, 1.5, c1),
        "bn_beta": 0.1 * rng.standard_normal(c1),
        "bn_mean": 0.1 * rng.standard_normal(c1),
        "bn_var": rng.uniform(0.5, 1.5, c1),
        "conv2_w": rng.standard_normal((3, 3, c1, c2)) * np.sqrt(2.0 / (9 * c1)),
        "conv2_b": 0.1 * rng.standard_normal(c2),
        "dense_w": rng.standard_normal((c2, k)) * np.sqrt(1.0 / c2),
        "dense_b": 0.1 * rng.standard_normal(k),
    }


def conv3x3_same(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    height, width = x.shape[1:3]
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    return sum(
        padded[:, i:i + height, j:j + width, :] @ w[i, j]
        for i in range(3)
        for j in range(3)
    )


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    h = conv3x3_same(inputs["x"], inputs["conv1_w"])
    h = (h - inputs["bn_mean"]) / np.sqrt(inputs["bn_var"] + EPS) * inputs["bn_gamma"] + inputs["bn_beta"]
    h = np.maximum(h, 0.0)
    n, height, width, c = h.shape
    h = h.reshape(n, height // 2, 2, width // 2, 2, c).max(axis=(2, 4))
    h = np.maximum(conv3x3_same(h, inputs["conv2_w"]) + inputs["conv2_b"], 0.0)
    return {"logits": h.mean(axis=(1, 2)) @ inputs["dense_w"] + inputs["dense_b"]}
