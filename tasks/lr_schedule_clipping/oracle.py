"""Inputs and float64 oracle for lr_schedule_clipping: SGD with linear warm-up, cosine decay and global-norm clipping.

Model: y_hat = silu(x @ w1 + b1) @ w2 + b2 with silu(z) = z * sigmoid(z), dense kernels stored (in, out) as Keras
and Flax store them (PyTorch's nn.Linear keeps the transpose, (out, in)). Loss: mean squared error over every
element. STEPS = 10 full-batch steps of plain SGD (no momentum, no weight decay), step k = 0..9:
    lr_k = 0.02 + (0.2 - 0.02) k / 3                                   for k < 3 (linear warm-up),
    lr_k = 0.002 + (0.2 - 0.002) (1 + cos(pi (k - 3) / 7)) / 2         for k >= 3 (cosine decay),
    g <- g * min(1, 1.5 / ||g||) over all parameters together (clip_norm 1.5),   w <- w - lr_k g.
The targets are offset so that the gradient norm starts above the threshold and falls under it as the loss drops:
clipping is active in steps 0-4 and inactive in steps 5-9 at the small size (norms 2.63 ... 1.61, then 1.31 ...
0.94), active in steps 0-3 at the medium size (3.12 ... 1.99, then 1.24 ... 0.77) and in steps 0-2 at the full
size (3.37 ... 2.50, then 1.37 ... 0.63); see clipped_steps().

The same schedule in each library: torch SequentialLR of LinearLR(start_factor=0.1, total_iters=3) and
CosineAnnealingLR(T_max=7, eta_min=0.002) on a base lr of 0.2; Keras CosineDecay(initial_learning_rate=0.02,
warmup_target=0.2, warmup_steps=3, decay_steps=7, alpha=0.01); optax.warmup_cosine_decay_schedule(0.02, 0.2,
warmup_steps=3, decay_steps=10, end_value=0.002), whose decay_steps counts the warm-up. All three give step k the
value after k completed steps. Plain SGD rather than momentum: Keras folds the learning rate into its velocity
(m = 0.9 m - lr g), which departs from torch and optax (v = 0.9 v + g, w -= lr v) once the rate changes.
torch.nn.utils.clip_grad_norm_ scales by 1.5 / (||g|| + 1e-6) rather than 1.5 / ||g||, a relative change of
about 4e-7 in the clipped steps, below float32 resolution; Keras' global_clipnorm and optax.clip_by_global_norm
divide by ||g|| exactly.
Outputs: the loss before each step, the learning rate used by each step and the weights after the last one.
"""

import numpy as np

STEPS = 10
WARMUP_STEPS = 3
INIT_LR, PEAK_LR, END_LR = 0.02, 0.2, 0.002
CLIP_NORM = 1.5


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n, d_in, hidden, d_out = size["n"], size["d_in"], size["hidden"], size["d_out"]
    x = rng.standard_normal((n, d_in))
    y = 2.0 * np.tanh(x @ rng.standard_normal((d_in, d_out)) / np.sqrt(d_in)) + 1.0
    return {
        "x": x,
        "y": y,
        "w1": rng.standard_normal((d_in, hidden)) / np.sqrt(d_in),
        "b1": 0.1 * rng.standard_normal(hidden),
        "w2": rng.standard_normal((hidden, d_out)) / np.sqrt(hidden),
        "b2": 0.1 * rng.standard_normal(d_out),
    }


def learning_rate(step: int) -> float:
    if step < WARMUP_STEPS:
        return INIT_LR + (PEAK_LR - INIT_LR) * step / WARMUP_STEPS
    decay_steps = STEPS - WARMUP_STEPS
    return END_LR + (PEAK_LR - END_LR) * 0.5 * (1.0 + np.cos(np.pi * (step - WARMUP_STEPS) / decay_steps))


def loss_and_grads(params: dict, x: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    pre = x @ params["w1"] + params["b1"]
    sigmoid = 1.0 / (1.0 + np.exp(-pre))
    hidden = pre * sigmoid
    residual = hidden @ params["w2"] + params["b2"] - y
    d_out = 2.0 * residual / residual.size
    d_pre = (d_out @ params["w2"].T) * sigmoid * (1.0 + pre * (1.0 - sigmoid))
    grads = {"w1": x.T @ d_pre, "b1": d_pre.sum(0), "w2": hidden.T @ d_out, "b2": d_out.sum(0)}
    return float(np.mean(residual**2)), grads


def train(inputs: dict[str, np.ndarray]) -> tuple[dict, list, list, list]:
    params = {name: inputs[name].copy() for name in ("w1", "b1", "w2", "b2")}
    losses, rates, norms = [], [], []
    for step in range(STEPS):
        loss, grads = loss_and_grads(params, inputs["x"], inputs["y"])
        norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
        scale = min(1.0, CLIP_NORM / norm)
        rate = learning_rate(step)
        for name in params:
            params[name] -= rate * scale * grads[name]
        losses.append(loss)
        rates.append(rate)
        norms.append(norm)
    return params, losses, rates, norms


def clipped_steps(inputs: dict[str, np.ndarray]) -> list[int]:
    """The steps whose gradient norm exceeds CLIP_NORM (a check on the inputs, not an output)."""
    return [step for step, norm in enumerate(train(inputs)[3]) if norm > CLIP_NORM]


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    params, losses, rates, _ = train(inputs)
    return {"losses": np.array(losses), "learning_rates": np.array(rates), **params}
