"""Shuffled mini-batches over epochs with a tf.data pipeline."""

import tensorflow as tf

SEED = 0


def setup(inputs, device):
    labels = inputs["labels"]
    dataset = (
        tf.data.Dataset.from_tensor_slices((inputs["features"], labels))
        .shuffle(len(labels), seed=SEED, reshuffle_each_iteration=True)
        .batch(int(inputs["batch_size"]))
        .prefetch(tf.data.AUTOTUNE)
    )
    return {"dataset": dataset, "epochs": int(inputs["epochs"]), "classes": int(inputs["classes"])}


def run(state):
    batch_sizes, feature_sums, label_counts = [], [], []
    for epoch in range(state["epochs"]):
        feature_sum, label_count = 0, 0
        for features, labels in state["dataset"]:
            batch_sizes.append(len(labels))
            feature_sum += tf.reduce_sum(features, axis=0)
            label_count += tf.math.bincount(labels, minlength=state["classes"])
        feature_sums.append(feature_sum)
        label_counts.append(label_count)
    return batch_sizes, tf.stack(feature_sums), tf.stack(label_counts)


def result(state, output):
    batch_sizes, feature_sums, label_counts = output
    return {
        "num_batches": len(batch_sizes),
        "batch_sizes": sorted(batch_sizes),
        "epoch_feature_sums": feature_sums,
        "epoch_label_counts": label_counts,
    }
