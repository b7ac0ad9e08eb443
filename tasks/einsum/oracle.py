"""Inputs and float64 oracle for the einsum task.

q is (batch, heads, q_len, head_dim); k and v are (batch, heads, k_len, head_dim), q_len != k_len so that a swapped
axis shows. scores is (batch, heads, q_len, k_len), context (batch, heads, q_len, head_dim). The bilinear form
takes u (batch, i_dim), a (i_dim, j_dim) and w (batch, j_dim) to bilinear[b] = u[b] @ a @ w[b], (batch,).
"""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    b, h, d = size["batch"], size["heads"], size["head_dim"]
    i_dim, j_dim = size["i_dim"], size["j_dim"]
    return {
        "q": rng.standard_normal((b, h, size["q_len"], d)),
        "k": rng.standard_normal((b, h, size["k_len"], d)),
        "v": rng.standard_normal((b, h, size["k_len"], d)),
        "u": rng.standard_normal((b, i_dim)),
        "a": rng.standard_normal((i_dim, j_dim)) / np.sqrt(i_dim * j_dim),
        "w": rng.standard_normal((b, j_dim)),
    }


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    q, k, v = inputs["q"], inputs["k"], inputs["v"]
    scores = q @ k.swapaxes(-1, -2) / np.sqrt(q.shape[-1])
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    context = weights @ v
    bilinear = np.einsum("bi,ij,bj->b", inputs["u"], inputs["a"], inputs["w"], optimize=True)
    return {"scores": scores, "context": context, "bilinear": bilinear}
