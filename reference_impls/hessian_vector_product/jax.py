"""Hessian-vector product of a regularised logistic loss as forward-over-reverse: jax.jvp of jax.grad."""

import jax
import jax.numpy as jnp
import optax


def loss_fn(w, x, y, l2):
    return optax.sigmoid_binary_cross_entropy(x @ w, y).mean() + 0.5 * l2 * w @ w


@jax.jit
def hvp(w, v, x, y, l2):
    def loss_of_w(w):
        return loss_fn(w, x, y, l2)

    return jax.jvp(jax.grad(loss_of_w), (w,), (v,))[1], loss_of_w(w)


def setup(inputs, device):
    return {name: jnp.asarray(value) for name, value in inputs.items()}


def run(state):
    return hvp(state["w"], state["v"], state["x"], state["y"], state["l2"])


def result(state, output):
    hv, loss = output
    return {"hvp": hv, "loss": loss}
