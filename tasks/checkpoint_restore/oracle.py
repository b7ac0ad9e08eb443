"""Inputs and float64 oracle for checkpoint_restore: save and restore a model with its Adam state mid-training.

Model: y_hat = tanh(x @ w1 + b1) @ w2 + b2, dense kernels stored (in, out) as Keras and Flax store them
(PyTorch's nn.Linear keeps the transpose, (out, in)); loss: mean squared error over every element.
Each implementation takes TRAIN_STEPS = 2 full-batch Adam steps, saves the model and the optimiser state to a
temporary directory, restores both into a freshly built model and optimiser, then takes one more step with the
original pair and with the restored pair. A correct restore carries Adam's moments and step count, so the restored
pair's third step is the same as an uninterrupted third step; a restore that lost the optimiser state (zero moments,
bias correction restarting at step 1) moves the weights by up to lr = 0.01 more and fails the check.
Adam: learning rate 0.01, betas (0.9, 0.999), epsilon 1e-12 in every framework, no weight decay. The tiny epsilon
keeps Keras' placement (epsilon added to sqrt(v) before bias correction, an effective epsilon of
eps / sqrt(1 - b2^t)) indistinguishable from the torch / optax one used here; see adam_training's oracle.
Outputs: the restored model's predictions on x after its step, its weights, and the largest absolute difference
between the original and the restored pair's weights after that step, which is exactly 0.
"""

import numpy as np

TRAIN_STEPS = 2
LEARNING_RATE = 0.01
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-12


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n, d_in, hidden, d_out = size["n"], size["d_in"], size["hidden"], size["d_out"]
    x = rng.standard_normal((n, d_in))
    return {
        "x": x,
        "y": np.cos(x @ rng.standard_normal((d_in, d_out)) / np.sqrt(d_in)),
        "w1": rng.standard_normal((d_in, hidden)) / np.sqrt(d_in),
        "b1": 0.1 * rng.standard_normal(hidden),
        "w2": rng.standard_normal((hidden, d_out)) / np.sqrt(hidden),
        "b2": 0.1 * rng.standard_normal(d_out),
    }


def forward(params: dict, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    hidden = np.tanh(x @ params["w1"] + params["b1"])
    return hidden, hidden @ params["w2"] + params["b2"]


def grads(params: dict, x: np.ndarray, y: np.ndarray) -> dict:
    hidden, pred = forward(params, x)
    d_out = 2.0 * (pred - y) / pred.size
    d_hidden = (d_out @ params["w2"].T) * (1.0 - hidden**2)
    return {"w1": x.T @ d_hidden, "b1": d_hidden.sum(0), "w2": hidden.T @ d_out, "b2": d_out.sum(0)}


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    params = {name: inputs[name].copy() for name in ("w1", "b1", "w2", "b2")}
    m = {name: np.zeros_like(value) for name, value in params.items()}
    v = {name: np.zeros_like(value) for name, value in params.items()}
    for t in range(1, TRAIN_STEPS + 2):
        g = grads(params, inputs["x"], inputs["y"])
        for name in params:
            m[name] = BETA_1 * m[name] + (1 - BETA_1) * g[name]
            v[name] = BETA_2 * v[name] + (1 - BETA_2) * g[name] ** 2
            m_hat = m[name] / (1 - BETA_1**t)
            v_hat = v[name] / (1 - BETA_2**t)
            params[name] -= LEARNING_RATE * m_hat / (np.sqrt(v_hat) + EPSILON)
    return {"predictions": forward(params, inputs["x"])[1], **params, "max_weight_diff": np.array(0.0)}
