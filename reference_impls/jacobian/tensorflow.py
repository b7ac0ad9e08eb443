"""Per-point Jacobian of a Keras MLP with tf.GradientTape.batch_jacobian."""

import keras
import tensorflow as tf


@tf.function(jit_compile=True)
def batch_jacobian(model, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = model(x)
    return tape.batch_jacobian(y, x)


def setup(inputs, device):
    n, hidden = inputs["w1"].shape
    model = keras.Sequential([
        keras.Input((n,)),
        keras.layers.Dense(hidden, activation="tanh"),
        keras.layers.Dense(inputs["w2"].shape[1]),
    ])
    return {"model": model, "x": tf.constant(inputs["x"])}


def load_weights(state, inputs):
    state["model"].set_weights([inputs["w1"], inputs["b1"], inputs["w2"], inputs["b2"]])


def run(state):
    return batch_jacobian(state["model"], state["x"])


def result(state, jac):
    return {"jac": jac}
