"""Inputs and float64 oracle for an embedding text classifier with masked mean pooling.

tokens: (batch, seq) int ids in [0, vocab), right-padded with id 0; every example has at least one real token.
Canonical weight layout:
  embedding: (vocab, embed), row i is token i's vector; row 0 (padding) holds arbitrary values, so it must be
    masked out rather than relied on to be zero;
  w1 (embed, hidden), b1 (hidden,), w2 (hidden, classes), b2 (classes,): dense kernels as (in, out).
logits = relu(mean of the real tokens' embeddings @ w1 + b1) @ w2 + b2.
"""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    batch, seq, vocab = size["batch"], size["seq"], size["vocab"]
    embed, hidden, classes = size["embed"], size["hidden"], size["classes"]
    lengths = rng.integers(1, seq + 1, size=batch)
    lengths[0] = seq
    tokens = rng.integers(1, vocab, size=(batch, seq))
    tokens[np.arange(seq)[None, :] >= lengths[:, None]] = 0
    return {
        "tokens": tokens,
        "embedding": rng.standard_normal((vocab, embed)),
        "w1": rng.standard_normal((embed, hidden)) / np.sqrt(embed),
        "b1": 0.1 * rng.standard_normal(hidden),
        "w2": rng.standard_normal((hidden, classes)) / np.sqrt(hidden),
        "b2": 0.1 * rng.standard_normal(classes),
    }


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    tokens = inputs["tokens"]
    mask = (tokens != 0)[..., None]
    pooled = (inputs["embedding"][tokens] * mask).sum(axis=1) / mask.sum(axis=1)
    hidden = np.maximum(pooled @ inputs["w1"] + inputs["b1"], 0.0)
    return {"logits": hidden @ inputs["w2"] + inputs["b2"]}
