"""Inputs and float64 oracle for sgd_training: a tanh MLP fitted by full-batch SGD with momentum.

Model: y_hat = tanh(x @ w1 + b1) @ w2 + b2, dense kernels stored (in, out) as Keras and Flax store them
(PyTorch's nn.Linear keeps the transpose, (out, in)). Loss: mean squared error over every element.
Optimiser: SGD, learning rate 0.05, momentum 0.9, no dampening, no Nesterov, no weight decay, STEPS = 8
full-batch steps. The three libraries write momentum differently but identically for a constant learning rate:
torch and optax keep v = 0.9 v + g and step w -= lr v; Keras keeps m = 0.9 m - lr g and steps w += m = -lr v.
Outputs: the loss before each step and the weights after the last one.
"""

import numpy as np

STEPS = 8
LEARNING_RATE = 0.05
MOMENTUM = 0.9


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n, d_in, hidden, d_out = size["n"], size["d_in"], size["hidden"], size["d_out"]
    x = rng.standard_normal((n, d_in))
    y = np.sin(x @ rng.standard_normal((d_in, d_out)) / np.sqrt(d_in)) + 0.1 * rng.standard_normal((n, d_out))
    return {
        "x": x,
        "y": y,
        "w1": rng.standard_normal((d_in, hidden)) / np.sqrt(d_in),
        "b1": 0.1 * rng.standard_normal(hidden),
        "w2": rng.standard_normal((hidden, d_out)) / np.sqrt(hidden),
        "b2": 0.1 * rng.standard_normal(d_out),
    }


def loss_and_grads(params: dict, x: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    a = np.tanh(x @ params["w1"] + params["b1"])
    residual = a @ params["w2"] + params["b2"] - y
    d_out = 2.0 * residual / residual.size
    d_hidden = (d_out @ params["w2"].T) * (1.0 - a**2)
    grads = {"w1": x.T @ d_hidden, "b1": d_hidden.sum(0), "w2": a.T @ d_out, "b2": d_out.sum(0)}
    return float(np.mean(residual**2)), grads


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    params = {name: inputs[name].copy() for name in ("w1", "b1", "w2", "b2")}
    velocity = {name: np.zeros_like(value) for name, value in params.items()}
    losses = []
    for _ in range(STEPS):
        loss, grads = loss_and_grads(params, inputs["x"], inputs["y"])
        losses.append(loss)
        for name in params:
            velocity[name] = MOMENTUM * velocity[name] + grads[name]
            params[name] -= LEARNING_RATE * velocity[name]
    return {"losses": np.array(losses), **params}
