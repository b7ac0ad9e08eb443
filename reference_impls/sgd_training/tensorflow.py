"""Full-batch training of a tanh MLP with keras.optimizers.SGD (momentum) in a tf.GradientTape train step."""

import keras
import tensorflow as tf

STEPS = 8


def setup(inputs, device):
    w1, w2 = inputs["w1"], inputs["w2"]
    model = keras.Sequential([
        keras.Input((w1.shape[0],)),
        keras.layers.Dense(w1.shape[1], activation="tanh"),
        keras.layers.Dense(w2.shape[1]),
    ])
    optimizer = keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)
    loss_fn = keras.losses.MeanSquaredError()

    @tf.function(jit_compile=True)
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return {"model": model, "train_step": train_step, "x": tf.constant(inputs["x"]), "y": tf.constant(inputs["y"])}


def load_weights(state, inputs):
    state["model"].set_weights([inputs[name] for name in ("w1", "b1", "w2", "b2")])


def run(state):
    return tf.stack([state["train_step"](state["x"], state["y"]) for _ in range(STEPS)])


def result(state, losses):
    w1, b1, w2, b2 = state["model"].weights
    return {"losses": losses, "w1": w1, "b1": b1, "w2": w2, "b2": b2}
