"""Shuffled mini-batches over epochs from a generator over jax.random.permutation."""

import jax
import jax.numpy as jnp

SEED = 0


def shuffled_batches(key, features, labels, batch_size):
    order = jax.random.permutation(key, len(labels))
    features, labels = features[order], labels[order]
    for start in range(0, len(labels), batch_size):
        yield features[start:start + batch_size], labels[start:start + batch_size]


def setup(inputs, device):
    return {
        "features": jnp.asarray(inputs["features"]),
        "labels": jnp.asarray(inputs["labels"]),
        "batch_size": int(inputs["batch_size"]),
        "epochs": int(inputs["epochs"]),
        "classes": int(inputs["classes"]),
        "key": jax.random.key(SEED),
    }


def run(state):
    batch_sizes, feature_sums, label_counts = [], [], []
    for epoch_key in jax.random.split(state["key"], state["epochs"]):
        feature_sum, label_count = 0, 0
        for features, labels in shuffled_batches(epoch_key, state["features"], state["labels"], state["batch_size"]):
            batch_sizes.append(len(labels))
            feature_sum += features.sum(axis=0)
            label_count += jnp.bincount(labels, length=state["classes"])
        feature_sums.append(feature_sum)
        label_counts.append(label_count)
    return batch_sizes, jnp.stack(feature_sums), jnp.stack(label_counts)


def result(state, output):
    batch_sizes, feature_sums, label_counts = output
    return {
        "num_batches": len(batch_sizes),
        "batch_sizes": sorted(batch_sizes),
        "epoch_feature_sums": feature_sums,
        "epoch_label_counts": label_counts,
    }
