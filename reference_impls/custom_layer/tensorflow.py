"""A gated dense layer as a keras.layers.Layer with build()/add_weight(), trained through tf.GradientTape."""

import os

import keras
import tensorflow as tf
from keras import ops


@keras.saving.register_keras_serializable()
class GatedDense(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        shape = (input_shape[-1], self.units)
        self.kernel = self.add_weight(shape=shape, initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")
        self.gate_kernel = self.add_weight(shape=shape, initializer="glorot_uniform", name="gate_kernel")

    def call(self, inputs):
        return (ops.matmul(inputs, self.kernel) + self.bias) * ops.sigmoid(ops.matmul(inputs, self.gate_kernel))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@tf.function(jit_compile=True)
def forward_and_grads(model, x):
    with tf.GradientTape() as tape:
        y = model(x)
        loss = tf.reduce_sum(tf.square(y))
    return y, tape.gradient(loss, model.get_layer("gated").trainable_variables)


def setup(inputs, device):
    features, hidden = inputs["w"].shape
    model = keras.Sequential([
        keras.Input((features,)),
        GatedDense(hidden, name="gated"),
        keras.layers.Dense(inputs["w_out"].shape[1]),
    ])
    return {"model": model, "x": tf.constant(inputs["x"])}


def load_weights(state, inputs):
    state["model"].set_weights([inputs["w"], inputs["b"], inputs["g"], inputs["w_out"], inputs["b_out"]])


def run(state):
    return forward_and_grads(state["model"], state["x"])


def result(state, output):
    y, (grad_w, grad_b, grad_g) = output
    return {"y": y, "grad_w": grad_w, "grad_b": grad_b, "grad_g": grad_g}


EXPORT_INPUTS = ("x",)
EXPORT_OUTPUT = "y"


def export(state, directory, path):
    model = state["model"]
    if path == "saved_model":
        model.export(os.path.join(directory, "saved_model"), format="tf_saved_model")
        return os.path.join(directory, "saved_model")
    if path == "litert":
        model.export(os.path.join(directory, "model.tflite"), format="litert")
        return os.path.join(directory, "model.tflite")
    raise ValueError(f"unknown deployment path {path!r}")
