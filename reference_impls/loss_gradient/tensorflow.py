"""Loss and parameter gradients of a 2-layer Keras MLP with tf.GradientTape."""

import keras
import tensorflow as tf

loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


@tf.function(jit_compile=True)
def loss_and_grads(model, x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x))
    return loss, tape.gradient(loss, model.trainable_variables)


def setup(inputs, device):
    features, hidden = inputs["w1"].shape
    model = keras.Sequential([
        keras.Input((features,)),
        keras.layers.Dense(hidden, activation="tanh"),
        keras.layers.Dense(inputs["w2"].shape[1]),
    ])
    return {"model": model, "x": tf.constant(inputs["x"]), "y": tf.constant(inputs["y"])}


def load_weights(state, inputs):
    state["model"].set_weights([inputs["w1"], inputs["b1"], inputs["w2"], inputs["b2"]])


def run(state):
    return loss_and_grads(state["model"], state["x"], state["y"])


def result(state, output):
    loss, (w1, b1, w2, b2) = output
    return {"loss": loss, "grad_w1": w1, "grad_b1": b1, "grad_w2": w2, "grad_b2": b2}
