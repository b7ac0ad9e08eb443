"""Inputs and float64 oracle for the batch_shuffle task.

features is (examples, features) float, uniform in [0, 1) so that a duplicated or dropped example moves its
epoch's feature sum; labels is (examples,) int64 in [0, classes). batch_size, epochs and classes are 0-d int64;
examples is not a multiple of batch_size, so each epoch ends with a partial batch.

The frameworks shuffle differently, so every output is invariant to the order:
num_batches (0-d), batch_sizes (num_batches,) in ascending order, epoch_feature_sums (epochs, features) and
epoch_label_counts (epochs, classes).
"""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    examples, batch_size = size["examples"], size["batch_size"]
    assert examples % batch_size, "the task needs a last partial batch"
    return {
        "features": rng.random((examples, size["features"])),
        "labels": rng.integers(0, size["classes"], examples),
        "batch_size": np.array(batch_size),
        "epochs": np.array(size["epochs"]),
        "classes": np.array(size["classes"]),
    }


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    features, labels = inputs["features"], inputs["labels"]
    batch_size, epochs, classes = int(inputs["batch_size"]), int(inputs["epochs"]), int(inputs["classes"])
    full, last = divmod(len(labels), batch_size)
    per_epoch = [batch_size] * full + [last] * (last > 0)
    return {
        "num_batches": np.array(epochs * len(per_epoch)),
        "batch_sizes": np.sort(np.array(per_epoch * epochs)),
        "epoch_feature_sums": np.tile(features.sum(axis=0), (epochs, 1)),
        "epoch_label_counts": np.tile(np.bincount(labels, minlength=classes), (epochs, 1)),
    }
