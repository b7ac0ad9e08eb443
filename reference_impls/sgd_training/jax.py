"""Full-batch training of a tanh MLP (Flax NNX) with optax.sgd (momentum) in an nnx.jit train step."""

import jax.numpy as jnp
import optax
from flax import nnx

STEPS = 8


class MLP(nnx.Module):
    def __init__(self, d_in, hidden, d_out, *, rngs):
        self.linear1 = nnx.Linear(d_in, hidden, rngs=rngs)
        self.linear2 = nnx.Linear(hidden, d_out, rngs=rngs)

    def __call__(self, x):
        return self.linear2(nnx.tanh(self.linear1(x)))


@nnx.jit
def train_step(model, optimizer, x, y):
    def loss_fn(model):
        return jnp.mean((model(x) - y) ** 2)

    loss, grads = nnx.value_and_grad(loss_fn)(model)
    optimizer.update(model, grads)
    return loss


def setup(inputs, device):
    (d_in, hidden), d_out = inputs["w1"].shape, inputs["w2"].shape[1]
    model = MLP(d_in, hidden, d_out, rngs=nnx.Rngs(0))
    optimizer = nnx.Optimizer(model, optax.sgd(learning_rate=0.05, momentum=0.9), wrt=nnx.Param)
    return {"model": model, "optimizer": optimizer, "x": jnp.asarray(inputs["x"]), "y": jnp.asarray(inputs["y"])}


def load_weights(state, inputs):
    model = state["model"]
    model.linear1.kernel[...] = inputs["w1"]
    model.linear1.bias[...] = inputs["b1"]
    model.linear2.kernel[...] = inputs["w2"]
    model.linear2.bias[...] = inputs["b2"]


def run(state):
    return jnp.stack([train_step(state["model"], state["optimizer"], state["x"], state["y"]) for _ in range(STEPS)])


def result(state, losses):
    model = state["model"]
    return {
        "losses": losses,
        "w1": model.linear1.kernel[...],
        "b1": model.linear1.bias[...],
        "w2": model.linear2.kernel[...],
        "b2": model.linear2.bias[...],
    }
