"""Save a Flax NNX model and its nnx.Optimizer state with Orbax, restore them into a fresh pair, keep training."""

import os
import tempfile

import jax
import jax.numpy as jnp
import optax
import orbax.checkpoint as ocp
from flax import nnx

TRAIN_STEPS = 2


class MLP(nnx.Module):
    def __init__(self, d_in, hidden, d_out, *, rngs):
        self.linear1 = nnx.Linear(d_in, hidden, rngs=rngs)
        self.linear2 = nnx.Linear(hidden, d_out, rngs=rngs)

    def __call__(self, x):
        return self.linear2(nnx.tanh(self.linear1(x)))


def make_model_and_optimizer(shapes):
    model = MLP(*shapes, rngs=nnx.Rngs(0))
    optimizer = nnx.Optimizer(model, optax.adam(learning_rate=0.01, b1=0.9, b2=0.999, eps=1e-12), wrt=nnx.Param)
    return model, optimizer


@nnx.jit
def train_step(model, optimizer, x, y):
    def loss_fn(model):
        return jnp.mean((model(x) - y) ** 2)

    grads = nnx.grad(loss_fn)(model)
    optimizer.update(model, grads)


def setup(inputs, device):
    w1, w2 = inputs["w1"], inputs["w2"]
    shapes = (w1.shape[0], w1.shape[1], w2.shape[1])
    model, optimizer = make_model_and_optimizer(shapes)
    return {
        "model": model,
        "optimizer": optimizer,
        "shapes": shapes,
        "x": jnp.asarray(inputs["x"]),
        "y": jnp.asarray(inputs["y"]),
    }


def load_weights(state, inputs):
    model = state["model"]
    model.linear1.kernel[...] = inputs["w1"]
    model.linear1.bias[...] = inputs["b1"]
    model.linear2.kernel[...] = inputs["w2"]
    model.linear2.bias[...] = inputs["b2"]


def run(state):
    model, optimizer, x, y = state["model"], state["optimizer"], state["x"], state["y"]
    for _ in range(TRAIN_STEPS):
        train_step(model, optimizer, x, y)

    abstract_pair = nnx.eval_shape(lambda: make_model_and_optimizer(state["shapes"]))
    graphdef, abstract_state = nnx.split(abstract_pair)
    with tempfile.TemporaryDirectory() as directory, ocp.StandardCheckpointer() as checkpointer:
        path = os.path.join(directory, "state")
        checkpointer.save(path, nnx.state((model, optimizer)))
        checkpointer.wait_until_finished()
        restored_state = checkpointer.restore(path, abstract_state)
    restored_model, restored_optimizer = nnx.merge(graphdef, restored_state)

    train_step(model, optimizer, x, y)
    train_step(restored_model, restored_optimizer, x, y)
    differences = jax.tree.map(lambda a, b: jnp.max(jnp.abs(a - b)), nnx.state(model), nnx.state(restored_model))
    return restored_model(x), restored_model, jnp.max(jnp.stack(jax.tree.leaves(differences)))


def result(state, output):
    predictions, model, max_diff = output
    return {
        "predictions": predictions,
        "w1": model.linear1.kernel[...],
        "b1": model.linear1.bias[...],
        "w2": model.linear2.kernel[...],
        "b2": model.linear2.bias[...],
        "max_weight_diff": max_diff,
    }
