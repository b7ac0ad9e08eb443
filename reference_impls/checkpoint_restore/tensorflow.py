"""Save a compiled Keras model with its Adam state to a .keras file, reload it with load_model, keep training."""

import os
import tempfile

import keras
import numpy as np

TRAIN_STEPS = 2


def setup(inputs, device):
    w1, w2 = inputs["w1"], inputs["w2"]
    model = keras.Sequential([
        keras.Input((w1.shape[0],)),
        keras.layers.Dense(w1.shape[1], activation="tanh"),
        keras.layers.Dense(w2.shape[1]),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-12),
                  loss="mse")
    return {"model": model, "x": inputs["x"], "y": inputs["y"]}


def load_weights(state, inputs):
    state["model"].set_weights([inputs[name] for name in ("w1", "b1", "w2", "b2")])


def run(state):
    model, x, y = state["model"], state["x"], state["y"]
    for _ in range(TRAIN_STEPS):
        model.train_on_batch(x, y)

    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "model.keras")
        model.save(path)
        restored = keras.models.load_model(path)

    model.train_on_batch(x, y)
    restored.train_on_batch(x, y)
    max_diff = max(np.abs(a - b).max() for a, b in zip(model.get_weights(), restored.get_weights()))
    return restored.predict_on_batch(x), restored, max_diff


def result(state, output):
    predictions, model, max_diff = output
    w1, b1, w2, b2 = model.weights
    return {"predictions": predictions, "w1": w1, "b1": b1, "w2": w2, "b2": b2, "max_weight_diff": max_diff}
