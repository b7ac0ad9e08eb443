"""Inputs and float64 oracle for custom_loss_training: a linear model fitted with a hand-written Huber loss and SGD.

Model: y_hat = x @ w + b, the kernel stored (in, out) as Keras and Flax store it (PyTorch's nn.Linear keeps the
transpose, (out, in)). Loss: Huber with delta = 1, averaged over every element of the (n, d_out) residual:
    huber(r) = r^2 / 2 if |r| <= delta, else delta (|r| - delta / 2),
written by hand in each framework (none of the built-in Huber / smooth-L1 losses). A tenth of the targets are
outliers (shifted by +-8), so both branches of the loss are exercised at every step. Optimiser: plain SGD
(learning rate 1.0, no momentum), STEPS = 8 full-batch steps. Huber's gradient, clip(r, -delta, delta), is
continuous, so float32 and float64 cannot land on different branches with a visible effect.
Outputs: the loss before each step and the weights after the last one.
"""

import numpy as np

STEPS = 8
LEARNING_RATE = 1.0
DELTA = 1.0


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n, d_in, d_out = size["n"], size["d_in"], size["d_out"]
    x = rng.standard_normal((n, d_in))
    y = 2.0 * x @ rng.standard_normal((d_in, d_out)) / np.sqrt(d_in) + 0.5 + 0.1 * rng.standard_normal((n, d_out))
    outliers = rng.random((n, d_out)) < 0.1
    y[outliers] += 8.0 * rng.choice([-1.0, 1.0], size=outliers.sum())
    return {"x": x, "y": y, "w": 0.1 * rng.standard_normal((d_in, d_out)), "b": np.zeros(d_out)}


def huber(residual: np.ndarray) -> np.ndarray:
    small = np.abs(residual) <= DELTA
    return np.where(small, 0.5 * residual**2, DELTA * (np.abs(residual) - 0.5 * DELTA))


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    x, y = inputs["x"], inputs["y"]
    w, b = inputs["w"].copy(), inputs["b"].copy()
    losses = []
    for _ in range(STEPS):
        residual = x @ w + b - y
        losses.append(huber(residual).mean())
        d_residual = np.clip(residual, -DELTA, DELTA) / residual.size
        w -= LEARNING_RATE * x.T @ d_residual
        b -= LEARNING_RATE * d_residual.sum(0)
    return {"losses": np.array(losses), "w": w, "b": b}
