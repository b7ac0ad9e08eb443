"""Padded batches of ragged sequences with tf.data ragged_batch and to_tensor, then a masked mean of embeddings."""

import tensorflow as tf


def setup(inputs, device):
    sequences = tf.RaggedTensor.from_row_lengths(inputs["tokens"], inputs["lengths"])
    dataset = (
        tf.data.Dataset.from_tensor_slices(sequences)
        .ragged_batch(int(inputs["batch_size"]))
        .map(lambda batch: (batch.to_tensor(), batch.row_lengths()))
    )
    return {"dataset": dataset, "table": tf.constant(inputs["table"])}


def run(state):
    padded_lengths, means = [], []
    for tokens, lengths in state["dataset"]:
        mask = tf.sequence_mask(lengths, maxlen=tf.shape(tokens)[1], dtype=tf.float32)
        embedded = tf.nn.embedding_lookup(state["table"], tokens)
        total = tf.reduce_sum(embedded * mask[..., tf.newaxis], axis=1)
        means.append(total / tf.reduce_sum(mask, axis=1, keepdims=True))
        padded_lengths.append(tokens.shape[1])
    return padded_lengths, tf.concat(means, axis=0)


def result(state, output):
    padded_lengths, means = output
    return {"padded_lengths": padded_lengths, "masked_means": means}
