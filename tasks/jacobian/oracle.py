"""Inputs and float64 oracle for the jacobian task.

f(x) = tanh(x @ w1 + b1) @ w2 + b2 with dense kernels as (in, out). Output: `jac` of shape (batch, outputs,
inputs), jac[i, j, k] = d f(x_i)_j / d x_i,k.
"""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    batch, n, hidden, m = size["batch"], size["inputs"], size["hidden"], size["outputs"]
    return {
        "x": rng.standard_normal((batch, n)),
        "w1": rng.standard_normal((n, hidden)) / np.sqrt(n),
        "b1": 0.1 * rng.standard_normal(hidden),
        "w2": rng.standard_normal((hidden, m)) / np.sqrt(hidden),
        "b2": 0.1 * rng.standard_normal(m),
    }


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    w1, w2 = inputs["w1"], inputs["w2"]
    h = np.tanh(inputs["x"] @ w1 + inputs["b1"])
    return {"jac": np.einsum("hm,bh,nh->bmn", w2, 1.0 - h**2, w1)}
