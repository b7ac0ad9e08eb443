"""Inputs and float64 oracle for one post-LN transformer encoder block.

Canonical weight layout (heads, head_dim and ff are read from the shapes):
  attention as in multihead_attention: wq, wk, wv (embed, heads, head_dim), bq, bk, bv (heads, head_dim),
    wo (heads, head_dim, embed), bo (embed,); scores scaled by 1 / sqrt(head_dim);
  ln1_scale, ln1_bias, ln2_scale, ln2_bias: (embed,), LayerNorm over the last axis with epsilon 1e-5;
  w1 (embed, ff), b1 (ff,), w2 (ff, embed), b2 (embed,): dense kernels as (in, out), so y = x @ w + b.
Block: x = LN1(x + attention(x)); y = LN2(x + gelu(x @ w1 + b1) @ w2 + b2), gelu exact: x * Phi(x).
"""

import math

import numpy as np

EPSILON = 1e-5


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    batch, seq, embed, heads, ff = size["batch"], size["seq"], size["embed"], size["heads"], size["ff"]
    head_dim = embed // heads
    inputs = {"x": rng.standard_normal((batch, seq, embed))}
    for name in ("q", "k", "v"):
        inputs[f"w{name}"] = rng.standard_normal((embed, heads, head_dim)) / np.sqrt(embed)
        inputs[f"b{name}"] = 0.1 * rng.standard_normal((heads, head_dim))
    inputs["wo"] = rng.standard_normal((heads, head_dim, embed)) / np.sqrt(embed)
    inputs["bo"] = 0.1 * rng.standard_normal(embed)
    for norm in ("ln1", "ln2"):
        inputs[f"{norm}_scale"] = 1.0 + 0.1 * rng.standard_normal(embed)
        inputs[f"{norm}_bias"] = 0.1 * rng.standard_normal(embed)
    inputs["w1"] = rng.standard_normal((embed, ff)) / np.sqrt(embed)
    inputs["b1"] = 0.1 * rng.standard_normal(ff)
    inputs["w2"] = rng.standard_normal((ff, embed)) / np.sqrt(ff)
    inputs["b2"] = 0.1 * rng.standard_normal(embed)
    return inputs


def attention(x, p):
    head_dim = p["wq"].shape[-1]
    q, k, v = (np.einsum("bse,ehd->bhsd", x, p[f"w{n}"]) + p[f"b{n}"][:, None, :] for n in "qkv")
    scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head_dim)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    return np.einsum("bhsd,hde->bse", weights @ v, p["wo"]) + p["bo"]


def layer_norm(x, scale, bias):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + EPSILON) * scale + bias


def gelu(x):
    return 0.5 * x * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    p = inputs
    x = layer_norm(p["x"] + attention(p["x"], p), p["ln1_scale"], p["ln1_bias"])
    hidden = gelu(x @ p["w1"] + p["b1"]) @ p["w2"] + p["b2"]
    return {"y": layer_norm(x + hidden, p["ln2_scale"], p["ln2_bias"])}
