"""Inputs and float64 oracle for multi-head self-attention with a key padding mask.

Canonical weight layout (Keras' and Flax's per-head layout; heads and head_dim are read from the shapes):
  wq, wk, wv: (embed, heads, head_dim) kernels, so head h of q is x @ wq[:, h, :] + bq[h];
  bq, bk, bv: (heads, head_dim);
  wo: (heads, head_dim, embed), bo: (embed,), so y = sum over h, d of attended[h, d] * wo[h, d, :] + bo.
Flattening (heads, head_dim) head-major gives the (in, out) dense kernel: wq.reshape(embed, embed).
Scores are scaled by 1 / sqrt(head_dim).
valid: (batch, seq) bool, True for real tokens; every example has at least one. Only keys are masked, so every
query position (padded ones too) attends over its example's valid keys.
"""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    batch, seq, embed, heads = size["batch"], size["seq"], size["embed"], size["heads"]
    head_dim = embed // heads
    lengths = rng.integers(1, seq + 1, size=batch)
    lengths[0] = seq
    inputs = {
        "x": rng.standard_normal((batch, seq, embed)),
        "valid": np.arange(seq)[None, :] < lengths[:, None],
    }
    for name in ("q", "k", "v"):
        inputs[f"w{name}"] = rng.standard_normal((embed, heads, head_dim)) / np.sqrt(embed)
        inputs[f"b{name}"] = 0.1 * rng.standard_normal((heads, head_dim))
    inputs["wo"] = rng.standard_normal((heads, head_dim, embed)) / np.sqrt(embed)
    inputs["bo"] = 0.1 * rng.standard_normal(embed)
    return inputs


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    x, valid = inputs["x"], inputs["valid"]
    head_dim = inputs["wq"].shape[-1]
    q, k, v = (np.einsum("bse,ehd->bhsd", x, inputs[f"w{n}"]) + inputs[f"b{n}"][:, None, :] for n in "qkv")
    scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head_dim)
    scores = np.where(valid[:, None, None, :], scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    attended = weights @ v
    return {"y": np.einsum("bhsd,hde->bse", attended, inputs["wo"]) + inputs["bo"]}
