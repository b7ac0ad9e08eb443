"""Inputs and float64 oracle for adam_training: a ReLU MLP classifier fitted by full-batch Adam.

Model: logits = relu(x @ w1 + b1) @ w2 + b2, dense kernels stored (in, out) as Keras and Flax store them
(PyTorch's nn.Linear keeps the transpose, (out, in)). Labels are int64 class indices; the loss is the mean softmax
cross-entropy of the logits. Optimiser: Adam, learning rate 0.01, betas (0.9, 0.999), epsilon 1e-12 (see
below), no weight decay, no AMSGrad, STEPS = 10 full-batch steps. Outputs: the loss before each step and the
weights after the last one.

The update is the one of torch.optim.Adam and optax.adam (eps_root = 0):
    m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
Keras' Adam adds epsilon to sqrt(v) before the bias correction: the same update with an effective epsilon of
eps / sqrt(1 - b2^t), 31.6 eps at step 1. That matters for the tiniest gradient entries (|g| ~ 1e-5 here): with
epsilon 1e-8 in both (the torch and optax default; Keras' is 1e-7) the two rules' final weights differ by up to
3.6e-4, 29 times the tolerance. Every implementation therefore sets epsilon = 1e-12, at which the two placements
differ by at most 4e-8 on the small inputs (0.3% of the tolerance) and the three libraries share this oracle.
The smallest |pre-activation| over the ten steps is 7e-6, far above float32 rounding, so no ReLU unit switches
side between float32 and float64.
What remains is float32 rounding, which Adam's per-entry normalisation amplifies for the tiniest gradient entries
(an entry's step is about lr * sign(g) whatever |g| is): 0.6% of the tolerance at the small size, but at the full
size, among 5e5 entries of w1, some gradients are as small as their own float32 rounding error and step with
either sign in every framework; see task.toml.
"""

import numpy as np

STEPS = 10
LEARNING_RATE = 0.01
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-12


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n, d_in, hidden, classes = size["n"], size["d_in"], size["hidden"], size["classes"]
    x = rng.standard_normal((n, d_in))
    teacher = rng.standard_normal((d_in, classes))
    labels = np.argmax(x @ teacher + 0.5 * rng.standard_normal((n, classes)), axis=1).astype(np.int64)
    return {
        "x": x,
        "labels": labels,
        "w1": rng.standard_normal((d_in, hidden)) * np.sqrt(2.0 / d_in),
        "b1": 0.1 * rng.standard_normal(hidden),
        "w2": rng.standard_normal((hidden, classes)) / np.sqrt(hidden),
        "b2": 0.1 * rng.standard_normal(classes),
    }


def loss_and_grads(params: dict, x: np.ndarray, labels: np.ndarray) -> tuple[float, dict]:
    pre = x @ params["w1"] + params["b1"]
    hidden = np.maximum(pre, 0.0)
    logits = hidden @ params["w2"] + params["b2"]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(labels))
    d_logits = np.exp(log_probs)
    d_logits[rows, labels] -= 1.0
    d_logits /= len(labels)
    d_pre = (d_logits @ params["w2"].T) * (pre > 0)
    grads = {"w1": x.T @ d_pre, "b1": d_pre.sum(0), "w2": hidden.T @ d_logits, "b2": d_logits.sum(0)}
    return float(-log_probs[rows, labels].mean()), grads


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    params = {name: inputs[name].copy() for name in ("w1", "b1", "w2", "b2")}
    m = {name: np.zeros_like(value) for name, value in params.items()}
    v = {name: np.zeros_like(value) for name, value in params.items()}
    losses = []
    for t in range(1, STEPS + 1):
        loss, grads = loss_and_grads(params, inputs["x"], inputs["labels"])
        losses.append(loss)
        for name in params:
            m[name] = BETA_1 * m[name] + (1 - BETA_1) * grads[name]
            v[name] = BETA_2 * v[name] + (1 - BETA_2) * grads[name] ** 2
            m_hat = m[name] / (1 - BETA_1**t)
            v_hat = v[name] / (1 - BETA_2**t)
            params[name] -= LEARNING_RATE * m_hat / (np.sqrt(v_hat) + EPSILON)
    return {"losses": np.array(losses), **params}
