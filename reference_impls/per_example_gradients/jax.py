"""Per-example gradients of a linear-regression MSE loss with nnx.vmap over nnx.grad of a Flax NNX model."""

import jax.numpy as jnp
import optax
from flax import nnx


def loss_fn(model, x, y):
    return optax.squared_error(model(x), y).mean()


@nnx.jit
def per_example_grads(model, x, y):
    return nnx.vmap(nnx.grad(loss_fn), in_axes=(None, 0, 0))(model, x, y)


def setup(inputs, device):
    features, outputs = inputs["w"].shape
    model = nnx.Linear(features, outputs, rngs=nnx.Rngs(0))
    return {"model": model, "x": jnp.asarray(inputs["x"]), "y": jnp.asarray(inputs["y"])}


def load_weights(state, inputs):
    state["model"].kernel[...] = inputs["w"]
    state["model"].bias[...] = inputs["b"]


def run(state):
    return per_example_grads(state["model"], state["x"], state["y"])


def result(state, grads):
    return {"grad_w": grads["kernel"][...], "grad_b": grads["bias"][...]}
