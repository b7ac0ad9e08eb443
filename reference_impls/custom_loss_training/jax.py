"""A linear Flax NNX model trained with a hand-written Huber loss function and optax.sgd."""

import jax.numpy as jnp
import optax
from flax import nnx

STEPS = 8


def huber_loss(pred, target, delta=1.0):
    error = pred - target
    abs_error = jnp.abs(error)
    return jnp.mean(jnp.where(abs_error <= delta, 0.5 * error**2, delta * (abs_error - 0.5 * delta)))


@nnx.jit
def train_step(model, optimizer, x, y):
    def loss_fn(model):
        return huber_loss(model(x), y, delta=1.0)

    loss, grads = nnx.value_and_grad(loss_fn)(model)
    optimizer.update(model, grads)
    return loss


def setup(inputs, device):
    model = nnx.Linear(*inputs["w"].shape, rngs=nnx.Rngs(0))
    return {
        "model": model,
        "optimizer": nnx.Optimizer(model, optax.sgd(learning_rate=1.0), wrt=nnx.Param),
        "x": jnp.asarray(inputs["x"]),
        "y": jnp.asarray(inputs["y"]),
    }


def load_weights(state, inputs):
    state["model"].kernel[...] = inputs["w"]
    state["model"].bias[...] = inputs["b"]


def run(state):
    return jnp.stack([train_step(state["model"], state["optimizer"], state["x"], state["y"]) for _ in range(STEPS)])


def result(state, losses):
    model = state["model"]
    return {"losses": losses, "w": model.kernel[...], "b": model.bias[...]}
