"""Embedding text classifier: Keras Embedding(mask_zero=True) + GlobalAveragePooling1D, which honours the mask."""

import os

import keras
import tensorflow as tf


@tf.function(jit_compile=True)
def classify(model, tokens):
    return model(tokens)


def setup(inputs, device):
    vocab_size, embed_dim = inputs["embedding"].shape
    hidden_dim, num_classes = inputs["w2"].shape
    model = keras.Sequential([
        keras.Input(shape=(None,), dtype="int64"),
        keras.layers.Embedding(vocab_size, embed_dim, mask_zero=True),
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(hidden_dim, activation="relu"),
        keras.layers.Dense(num_classes),
    ])
    return {"model": model, "tokens": tf.constant(inputs["tokens"])}


def load_weights(state, inputs):
    state["model"].set_weights([inputs[name] for name in ("embedding", "w1", "b1", "w2", "b2")])


def run(state):
    return classify(state["model"], state["tokens"])


def result(state, logits):
    return {"logits": logits}


EXPORT_INPUTS = ("tokens",)
EXPORT_OUTPUT = "logits"


def export(state, directory, path):
    model = state["model"]
    if path == "saved_model":
        model.export(os.path.join(directory, "saved_model"), format="tf_saved_model")
        return os.path.join(directory, "saved_model")
    if path == "litert":
        model.export(os.path.join(directory, "model.tflite"), format="litert")
        return os.path.join(directory, "model.tflite")
    raise ValueError(f"unknown deployment path {path!r}")
