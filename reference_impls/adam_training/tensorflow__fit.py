"""Full-batch training of a ReLU MLP classifier with Keras compile/fit and Adam; losses from the History."""

import keras

STEPS = 10


def build_classifier(d_in, hidden, classes):
    inputs = keras.Input((d_in,))
    features = keras.layers.Dense(hidden, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(classes)(features))


def setup(inputs, device):
    w1, w2 = inputs["w1"], inputs["w2"]
    model = build_classifier(w1.shape[0], w1.shape[1], w2.shape[1])
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-12),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=True,
    )
    return {"model": model, "x": inputs["x"], "labels": inputs["labels"]}


def load_weights(state, inputs):
    state["model"].set_weights([inputs[name] for name in ("w1", "b1", "w2", "b2")])


def run(state):
    x = state["x"]
    history = state["model"].fit(x, state["labels"], batch_size=len(x), epochs=STEPS, shuffle=False, verbose=0)
    return history.history["loss"]


def result(state, losses):
    w1, b1, w2, b2 = state["model"].weights
    return {"losses": losses, "w1": w1, "b1": b1, "w2": w2, "b2": b2}
