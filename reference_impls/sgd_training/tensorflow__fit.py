"""Full-batch training of a tanh MLP with Keras compile/fit and SGD (momentum); losses from the History."""

import keras

STEPS = 8


def setup(inputs, device):
    w1, w2 = inputs["w1"], inputs["w2"]
    model = keras.Sequential([
        keras.Input((w1.shape[0],)),
        keras.layers.Dense(w1.shape[1], activation="tanh"),
        keras.layers.Dense(w2.shape[1]),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss="mse", jit_compile=True)
    return {"model": model, "x": inputs["x"], "y": inputs["y"]}


def load_weights(state, inputs):
    state["model"].set_weights([inputs[name] for name in ("w1", "b1", "w2", "b2")])


def run(state):
    x = state["x"]
    history = state["model"].fit(x, state["y"], batch_size=len(x), epochs=STEPS, shuffle=False, verbose=0)
    return history.history["loss"]


def result(state, losses):
    w1, b1, w2, b2 = state["model"].weights
    return {"losses": losses, "w1": w1, "b1": b1, "w2": w2, "b2": b2}
