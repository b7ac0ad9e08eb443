"""Inputs and float64 oracle for the matmul task."""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n = size["n"]
    return {"a": rng.standard_normal((n, n)), "b": rng.standard_normal((n, n))}


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    return {"c": inputs["a"] @ inputs["b"]}
