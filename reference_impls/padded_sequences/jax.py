"""Padded batches built with NumPy, then a masked mean of embeddings in jax.numpy."""

import jax.numpy as jnp
import numpy as np


def padded_batches(tokens, lengths, batch_size):
    sequences = np.split(tokens, np.cumsum(lengths)[:-1])
    for start in range(0, len(sequences), batch_size):
        batch, batch_lengths = sequences[start:start + batch_size], lengths[start:start + batch_size]
        padded = np.zeros((len(batch), batch_lengths.max()), dtype=tokens.dtype)
        for row, sequence in enumerate(batch):
            padded[row, :len(sequence)] = sequence
        yield padded, batch_lengths


def masked_mean(table, tokens, lengths):
    mask = jnp.arange(tokens.shape[1]) < lengths[:, None]
    return jnp.sum(table[tokens], axis=1, where=mask[..., None]) / lengths[:, None]


def setup(inputs, device):
    return {
        "tokens": inputs["tokens"],
        "lengths": inputs["lengths"],
        "batch_size": int(inputs["batch_size"]),
        "table": jnp.asarray(inputs["table"]),
    }


def run(state):
    padded_lengths, means = [], []
    for tokens, lengths in padded_batches(state["tokens"], state["lengths"], state["batch_size"]):
        padded_lengths.append(tokens.shape[1])
        means.append(masked_mean(state["table"], jnp.asarray(tokens), jnp.asarray(lengths)))
    return padded_lengths, jnp.concatenate(means)


def result(state, output):
    padded_lengths, means = output
    return {"padded_lengths": padded_lengths, "masked_means": means}
