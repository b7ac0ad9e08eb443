"""CNN classifier inference in Keras 3: a keras.Sequential called with training=False in an XLA tf.function."""

import os

import keras
import tensorflow as tf


def setup(inputs, device):
    channels = inputs["conv1_w"].shape[2]
    channels1, channels2 = inputs["conv2_w"].shape[2:]
    classes = inputs["dense_w"].shape[1]
    model = keras.Sequential([
        keras.Input(shape=(None, None, channels)),  # images of any size
        keras.layers.Conv2D(channels1, 3, padding="same", use_bias=False),
        keras.layers.BatchNormalization(epsilon=1e-5),
        keras.layers.ReLU(),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(channels2, 3, padding="same", activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(classes),
    ])
    return {"model": model, "x": tf.constant(inputs["x"])}


def load_weights(state, inputs):
    state["model"].set_weights([inputs[name] for name in (
        "conv1_w", "bn_gamma", "bn_beta", "bn_mean", "bn_var", "conv2_w", "conv2_b", "dense_w", "dense_b",
    )])


@tf.function(jit_compile=True)
def predict(model, x):
    return model(x, training=False)


def run(state):
    return predict(state["model"], state["x"])


def result(state, logits):
    return {"logits": logits}


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
