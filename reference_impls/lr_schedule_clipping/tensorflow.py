"""SGD with a warm-up + cosine keras.optimizers.schedules.CosineDecay and global_clipnorm, in a GradientTape step."""

import keras
import tensorflow as tf

STEPS = 10
WARMUP_STEPS = 3


def setup(inputs, device):
    w1, w2 = inputs["w1"], inputs["w2"]
    model = keras.Sequential([
        keras.Input((w1.shape[0],)),
        keras.layers.Dense(w1.shape[1], activation="silu"),
        keras.layers.Dense(w2.shape[1]),
    ])
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.02,
        warmup_target=0.2,
        warmup_steps=WARMUP_STEPS,
        decay_steps=STEPS - WARMUP_STEPS,
        alpha=0.01,
    )
    optimizer = keras.optimizers.SGD(learning_rate=schedule, global_clipnorm=1.5)
    loss_fn = keras.losses.MeanSquaredError()

    @tf.function(jit_compile=True)
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        learning_rate = optimizer.learning_rate
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss, learning_rate

    return {"model": model, "train_step": train_step, "x": tf.constant(inputs["x"]), "y": tf.constant(inputs["y"])}


def load_weights(state, inputs):
    state["model"].set_weights([inputs[name] for name in ("w1", "b1", "w2", "b2")])


def run(state):
    losses, rates = zip(*(state["train_step"](state["x"], state["y"]) for _ in range(STEPS)))
    return tf.stack(losses), tf.stack(rates)


def result(state, output):
    losses, rates = output
    w1, b1, w2, b2 = state["model"].weights
    return {"losses": losses, "learning_rates": rates, "w1": w1, "b1": b1, "w2": w2, "b2": b2}
