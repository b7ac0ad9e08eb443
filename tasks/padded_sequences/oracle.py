"""Inputs and float64 oracle for the padded_sequences task.

The sequences come concatenated: tokens (sum(lengths),) int64 and lengths (sequences,) int64 in [1, max_len];
sequence s is tokens[sum(lengths[:s]):sum(lengths[:s + 1])]. Token ids are in [1, vocab): 0 is free for padding,
but the mask comes from the lengths. table is (vocab, dim); batch_size is a 0-d int64 that does not divide the
number of sequences. Batches are consecutive, in order. padded_lengths (batches,) is the longest length in each
batch; masked_means (sequences, dim) is each sequence's mean embedding over its real (unpadded) tokens.
"""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    assert size["sequences"] % size["batch_size"], "the task needs a last partial batch"
    lengths = rng.integers(1, size["max_len"] + 1, size["sequences"])
    return {
        "tokens": rng.integers(1, size["vocab"], lengths.sum()),
        "lengths": lengths,
        "table": rng.standard_normal((size["vocab"], size["dim"])),
        "batch_size": np.array(size["batch_size"]),
    }


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    lengths, batch_size = inputs["lengths"], int(inputs["batch_size"])
    sequences = np.split(inputs["tokens"], np.cumsum(lengths)[:-1])
    padded_lengths = [lengths[start:start + batch_size].max() for start in range(0, len(lengths), batch_size)]
    masked_means = np.stack([inputs["table"][sequence].mean(axis=0) for sequence in sequences])
    return {"padded_lengths": np.array(padded_lengths), "masked_means": masked_means}
