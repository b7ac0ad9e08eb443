"""Hessian-vector product of a regularised logistic loss as forward-over-reverse with torch.func.jvp and grad."""

import torch
import torch.nn.functional as F
from torch.func import grad, jvp


def loss_fn(w, x, y, l2):
    return F.binary_cross_entropy_with_logits(x @ w, y) + 0.5 * l2 * w.dot(w)


@torch.compile
def hvp(w, v, x, y, l2):
    def loss_of_w(w):
        return loss_fn(w, x, y, l2)

    return jvp(grad(loss_of_w), (w,), (v,))[1], loss_of_w(w)


def setup(inputs, device):
    return {name: torch.from_numpy(value).to(device) for name, value in inputs.items()}


def run(state):
    return hvp(state["w"], state["v"], state["x"], state["y"], state["l2"])


def result(state, output):
    hv, loss = output
    return {"hvp": hv, "loss": loss}
