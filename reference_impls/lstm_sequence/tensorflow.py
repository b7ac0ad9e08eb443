"""LSTM sequence model inference in Keras 3: a functional model of layers.LSTM and Dense, run with predict_on_batch."""

import os

import keras
import tensorflow as tf


def setup(inputs, device):
    time, features = inputs["x"].shape[1], inputs["kernel"].shape[0]
    hidden_size, classes = inputs["dense_w"].shape
    sequence = keras.Input(shape=(time, features))
    hidden = keras.layers.LSTM(hidden_size, return_sequences=True)(sequence)
    logits = keras.layers.Dense(classes)(hidden[:, -1])
    model = keras.Model(sequence, [hidden, logits])
    # On a GPU Keras turns jit_compile off again (with a warning): its cuDNN LSTM kernel has no XLA form.
    model.compile(jit_compile=True)
    return {"model": model, "x": tf.constant(inputs["x"])}


def load_weights(state, inputs):
    state["model"].set_weights([inputs[name] for name in ("kernel", "recurrent_kernel", "bias", "dense_w", "dense_b")])


def run(state):
    return state["model"].predict_on_batch(state["x"])


def result(state, output):
    hidden, logits = output
    return {"hidden": hidden, "logits": logits}


EXPORT_INPUTS = ("x",)
EXPORT_OUTPUT = ("hidden", "logits")


def export(state, directory, path):
    model = state["model"]
    if path == "saved_model":
        model.export(os.path.join(directory, "saved_model"), format="tf_saved_model")
        return os.path.join(directory, "saved_model")
    if path == "litert":
        model.export(os.path.join(directory, "model.tflite"), format="litert")
        return os.path.join(directory, "model.tflite")
    raise ValueError(f"unknown deployment path {path!r}")
