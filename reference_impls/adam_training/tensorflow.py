"""Full-batch training of a ReLU MLP classifier with keras.optimizers.Adam in a tf.GradientTape train step."""

import keras
import tensorflow as tf

STEPS = 10


def build_classifier(d_in, hidden, classes):
    inputs = keras.Input((d_in,))
    features = keras.layers.Dense(hidden, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(classes)(features))


def setup(inputs, device):
    w1, w2 = inputs["w1"], inputs["w2"]
    model = build_classifier(w1.shape[0], w1.shape[1], w2.shape[1])
    optimizer = keras.optimizers.Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-12)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function(jit_compile=True)
    def train_step(x, labels):
        with tf.GradientTape() as tape:
            loss = loss_fn(labels, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return {
        "model": model,
        "train_step": train_step,
        "x": tf.constant(inputs["x"]),
        "labels": tf.constant(inputs["labels"]),
    }


def load_weights(state, inputs):
    state["model"].set_weights([inputs[name] for name in ("w1", "b1", "w2", "b2")])


def run(state):
    return tf.stack([state["train_step"](state["x"], state["labels"]) for _ in range(STEPS)])


def result(state, losses):
    w1, b1, w2, b2 = state["model"].weights
    return {"losses": losses, "w1": w1, "b1": b1, "w2": w2, "b2": b2}
