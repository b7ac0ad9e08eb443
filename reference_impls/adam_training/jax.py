"""Full-batch training of a ReLU MLP classifier (Flax NNX) with optax.adam in an nnx.jit train step."""

import jax.numpy as jnp
import optax
from flax import nnx

STEPS = 10


class Classifier(nnx.Module):
    def __init__(self, d_in, hidden, classes, *, rngs):
        self.hidden = nnx.Linear(d_in, hidden, rngs=rngs)
        self.out = nnx.Linear(hidden, classes, rngs=rngs)

    def __call__(self, x):
        return self.out(nnx.relu(self.hidden(x)))


@nnx.jit
def train_step(model, optimizer, x, labels):
    def loss_fn(model):
        return optax.softmax_cross_entropy_with_integer_labels(model(x), labels).mean()

    loss, grads = nnx.value_and_grad(loss_fn)(model)
    optimizer.update(model, grads)
    return loss


def setup(inputs, device):
    (d_in, hidden), classes = inputs["w1"].shape, inputs["w2"].shape[1]
    model = Classifier(d_in, hidden, classes, rngs=nnx.Rngs(0))
    tx = optax.adam(learning_rate=0.01, b1=0.9, b2=0.999, eps=1e-12)
    return {
        "model": model,
        "optimizer": nnx.Optimizer(model, tx, wrt=nnx.Param),
        "x": jnp.asarray(inputs["x"]),
        "labels": jnp.asarray(inputs["labels"]),
    }


def load_weights(state, inputs):
    model = state["model"]
    model.hidden.kernel[...] = inputs["w1"]
    model.hidden.bias[...] = inputs["b1"]
    model.out.kernel[...] = inputs["w2"]
    model.out.bias[...] = inputs["b2"]


def run(state):
    model, optimizer = state["model"], state["optimizer"]
    return jnp.stack([train_step(model, optimizer, state["x"], state["labels"]) for _ in range(STEPS)])


def result(state, losses):
    model = state["model"]
    return {
        "losses": losses,
        "w1": model.hidden.kernel[...],
        "b1": model.hidden.bias[...],
        "w2": model.out.kernel[...],
        "b2": model.out.bias[...],
    }
