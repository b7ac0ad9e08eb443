"""Hessian-vector product of a regularised logistic loss with nested tf.GradientTape."""

import tensorflow as tf


def loss_fn(w, x, y, l2):
    logits = tf.linalg.matvec(x, w)
    data_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
    return data_loss + 0.5 * l2 * tf.reduce_sum(w * w)


@tf.function(jit_compile=True)
def hvp(w, v, x, y, l2):
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            loss = loss_fn(w, x, y, l2)
        grad = inner.gradient(loss, w)
    return outer.gradient(grad, w, output_gradients=v), loss


def setup(inputs, device):
    state = {name: tf.constant(value) for name, value in inputs.items()}
    state["w"] = tf.Variable(inputs["w"])
    return state


def run(state):
    return hvp(state["w"], state["v"], state["x"], state["y"], state["l2"])


def result(state, output):
    hv, loss = output
    return {"hvp": hv, "loss": loss}
