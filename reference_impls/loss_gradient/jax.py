"""Loss and parameter gradients of a 2-layer Flax NNX MLP with nnx.value_and_grad."""

import jax.numpy as jnp
import optax
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, features, hidden, classes, *, rngs):
        self.fc1 = nnx.Linear(features, hidden, rngs=rngs)
        self.fc2 = nnx.Linear(hidden, classes, rngs=rngs)

    def __call__(self, x):
        return self.fc2(jnp.tanh(self.fc1(x)))


def loss_fn(model, x, y):
    return optax.softmax_cross_entropy_with_integer_labels(model(x), y).mean()


@nnx.jit
def loss_and_grads(model, x, y):
    return nnx.value_and_grad(loss_fn)(model, x, y)


def setup(inputs, device):
    features, hidden = inputs["w1"].shape
    model = MLP(features, hidden, inputs["w2"].shape[1], rngs=nnx.Rngs(0))
    return {"model": model, "x": jnp.asarray(inputs["x"]), "y": jnp.asarray(inputs["y"])}


def load_weights(state, inputs):
    model = state["model"]
    model.fc1.kernel[...] = inputs["w1"]
    model.fc1.bias[...] = inputs["b1"]
    model.fc2.kernel[...] = inputs["w2"]
    model.fc2.bias[...] = inputs["b2"]


def run(state):
    return loss_and_grads(state["model"], state["x"], state["y"])


def result(state, output):
    loss, grads = output
    return {
        "loss": loss,
        "grad_w1": grads["fc1"]["kernel"][...],
        "grad_b1": grads["fc1"]["bias"][...],
        "grad_w2": grads["fc2"]["kernel"][...],
        "grad_b2": grads["fc2"]["bias"][...],
    }
