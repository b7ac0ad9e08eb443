"""Hessian-vector product of a regularised logistic loss by double backward with torch.autograd.grad."""

import torch
import torch.nn.functional as F


def loss_fn(w, x, y, l2):
    return F.binary_cross_entropy_with_logits(x @ w, y) + 0.5 * l2 * w.dot(w)


# usability-score: eager-only: torch.compile's AOTAutograd cannot do double backward (pytorch/pytorch#91469)
# The compiled form is torch.py, with torch.func.
def hvp(w, v, x, y, l2):
    loss = loss_fn(w, x, y, l2)
    (grad,) = torch.autograd.grad(loss, w, create_graph=True)
    (hv,) = torch.autograd.grad(grad, w, grad_outputs=v)
    return hv, loss.detach()


def setup(inputs, device):
    state = {name: torch.from_numpy(value).to(device) for name, value in inputs.items()}
    state["w"].requires_grad_()
    return state


def run(state):
    return hvp(state["w"], state["v"], state["x"], state["y"], state["l2"])


def result(state, output):
    hv, loss = output
    return {"hvp": hv, "loss": loss}
