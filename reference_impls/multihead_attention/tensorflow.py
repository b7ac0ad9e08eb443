"""Multi-head self-attention with a key padding mask: keras.layers.MultiHeadAttention."""

import keras
import tensorflow as tf


@tf.function(jit_compile=True)
def attend(layer, x, valid):
    return layer(x, x, attention_mask=valid[:, tf.newaxis, :])


def setup(inputs, device):
    _, heads, head_dim = inputs["wq"].shape
    layer = keras.layers.MultiHeadAttention(num_heads=heads, key_dim=head_dim)
    layer.build(query_shape=inputs["x"].shape, value_shape=inputs["x"].shape)
    layer.set_weights([inputs[name] for name in ("wq", "bq", "wk", "bk", "wv", "bv", "wo", "bo")])
    return {"model": layer, "x": tf.constant(inputs["x"]), "valid": tf.constant(inputs["valid"])}


def run(state):
    return attend(state["model"], state["x"], state["valid"])


def result(state, y):
    return {"y": y.numpy()}
