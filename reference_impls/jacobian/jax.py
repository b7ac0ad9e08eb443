"""Per-point Jacobian of a Flax NNX MLP with jax.vmap over jax.jacrev."""

import jax
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, inputs, hidden, outputs, *, rngs):
        self.fc1 = nnx.Linear(inputs, hidden, rngs=rngs)
        self.fc2 = nnx.Linear(hidden, outputs, rngs=rngs)

    def __call__(self, x):
        return self.fc2(jnp.tanh(self.fc1(x)))


@nnx.jit
def batch_jacobian(model, x):
    return jax.vmap(jax.jacrev(model))(x)


def setup(inputs, device):
    n, hidden = inputs["w1"].shape
    model = MLP(n, hidden, inputs["w2"].shape[1], rngs=nnx.Rngs(0))
    return {"model": model, "x": jnp.asarray(inputs["x"])}


def load_weights(state, inputs):
    model = state["model"]
    model.fc1.kernel[...] = inputs["w1"]
    model.fc1.bias[...] = inputs["b1"]
    model.fc2.kernel[...] = inputs["w2"]
    model.fc2.bias[...] = inputs["b2"]


def run(state):
    return batch_jacobian(state["model"], state["x"])


def result(state, jac):
    return {"jac": jac}
