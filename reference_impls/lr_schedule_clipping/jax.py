"""SGD with optax.warmup_cosine_decay_schedule, chained after optax.clip_by_global_norm, on a Flax NNX SiLU MLP."""

import jax.numpy as jnp
import optax
from flax import nnx

STEPS = 10

schedule = optax.warmup_cosine_decay_schedule(
    init_value=0.02, peak_value=0.2, warmup_steps=3, decay_steps=STEPS, end_value=0.002
)


class MLP(nnx.Module):
    def __init__(self, d_in, hidden, d_out, *, rngs):
        self.linear1 = nnx.Linear(d_in, hidden, rngs=rngs)
        self.linear2 = nnx.Linear(hidden, d_out, rngs=rngs)

    def __call__(self, x):
        return self.linear2(nnx.silu(self.linear1(x)))


@nnx.jit
def train_step(model, optimizer, x, y):
    def loss_fn(model):
        return jnp.mean((model(x) - y) ** 2)

    loss, grads = nnx.value_and_grad(loss_fn)(model)
    learning_rate = schedule(optimizer.step[...])
    optimizer.update(model, grads)
    return loss, learning_rate


def setup(inputs, device):
    w1, w2 = inputs["w1"], inputs["w2"]
    model = MLP(w1.shape[0], w1.shape[1], w2.shape[1], rngs=nnx.Rngs(0))
    tx = optax.chain(optax.clip_by_global_norm(1.5), optax.sgd(learning_rate=schedule))
    return {
        "model": model,
        "optimizer": nnx.Optimizer(model, tx, wrt=nnx.Param),
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
    steps = [train_step(state["model"], state["optimizer"], state["x"], state["y"]) for _ in range(STEPS)]
    losses, rates = zip(*steps)
    return jnp.stack(losses), jnp.stack(rates)


def result(state, output):
    losses, rates = output
    model = state["model"]
    return {
        "losses": losses,
        "learning_rates": rates,
        "w1": model.linear1.kernel[...],
        "b1": model.linear1.bias[...],
        "w2": model.linear2.kernel[...],
        "b2": model.linear2.bias[...],
    }
