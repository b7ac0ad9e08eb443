"""Multi-head self-attention with a key padding mask: keras.layers.MultiHeadAttention."""

import os

import keras
import tensorflow as tf


@tf.function(jit_compile=True)
def attend(layer, x, valid):
    return layer(x, x, attention_mask=valid[:, tf.newaxis, :])


def setup(inputs, device):
    _, heads, head_dim = inputs["wq"].shape
    layer = keras.layers.MultiHeadAttention(num_heads=heads, key_dim=head_dim)
    return {"model": layer, "x": tf.constant(inputs["x"]), "valid": tf.constant(inputs["valid"])}


def load_weights(state, inputs):
    layer, shape = state["model"], inputs["x"].shape
    layer.build(query_shape=shape, value_shape=shape)
    layer.set_weights([inputs[name] for name in ("wq", "bq", "wk", "bk", "wv", "bv", "wo", "bo")])


def run(state):
    return attend(state["model"], state["x"], state["valid"])


def result(state, y):
    return {"y": y}


EXPORT_INPUTS = ("x", "valid")
EXPORT_OUTPUT = "y"


def export(state, directory, path):
    x = keras.Input(shape=state["x"].shape[1:], name="x")
    valid = keras.Input(shape=state["valid"].shape[1:], dtype="bool", name="valid")
    model = keras.Model([x, valid], state["model"](x, x, attention_mask=keras.ops.expand_dims(valid, 1)))
    if path == "saved_model":
        model.export(os.path.join(directory, "saved_model"), format="tf_saved_model")
        return os.path.join(directory, "saved_model")
    if path == "litert":
        model.export(os.path.join(directory, "model.tflite"), format="litert")
        return os.path.join(directory, "model.tflite")
    raise ValueError(f"unknown deployment path {path!r}")
