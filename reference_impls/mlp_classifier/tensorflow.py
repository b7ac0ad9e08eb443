"""MLP classifier inference in Keras 3: a keras.Sequential of Dense layers called in an XLA tf.function."""

import os

import keras
import tensorflow as tf


def setup(inputs, device):
    features, hidden1 = inputs["w1"].shape
    hidden2, classes = inputs["w3"].shape
    model = keras.Sequential([
        keras.Input(shape=(features,)),
        keras.layers.Dense(hidden1, activation="relu"),
        keras.layers.Dense(hidden2, activation="relu"),
        keras.layers.Dense(classes),
    ])
    return {"model": model, "x": tf.constant(inputs["x"])}


def load_weights(state, inputs):
    state["model"].set_weights([inputs[name] for name in ("w1", "b1", "w2", "b2", "w3", "b3")])


@tf.function(jit_compile=True)
def predict(model, x):
    logits = model(x, training=False)
    return logits, keras.ops.softmax(logits, axis=-1)


def run(state):
    return predict(state["model"], state["x"])


def result(state, output):
    logits, probs = output
    return {"logits": logits, "probs": probs}


EXPORT_INPUTS = ("x",)
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
