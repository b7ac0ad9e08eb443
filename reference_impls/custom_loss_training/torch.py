"""A linear model trained with a hand-written Huber loss function and torch.optim.SGD."""

import torch
from torch import nn

STEPS = 8


def huber_loss(pred, target, delta=1.0):
    error = pred - target
    abs_error = error.abs()
    return torch.where(abs_error <= delta, 0.5 * error**2, delta * (abs_error - 0.5 * delta)).mean()


def setup(inputs, device):
    model = nn.Linear(*inputs["w"].shape)
    model.to(device)
    return {
        "model": model,
        # torch.compile(model), not model.compile(): on a built-in module (nn.Sequential, nn.Linear) the latter
        # compiles nothing in torch 2.13, silently (pytorch/pytorch#150915).
        "compiled": torch.compile(model),
        "optimizer": torch.optim.SGD(model.parameters(), lr=1.0),
        "x": torch.from_numpy(inputs["x"]).to(device),
        "y": torch.from_numpy(inputs["y"]).to(device),
    }


def load_weights(state, inputs):
    # nn.Linear stores its weight as (out, in), the transpose of the given kernel.
    state["model"].load_state_dict({"weight": torch.from_numpy(inputs["w"].T), "bias": torch.from_numpy(inputs["b"])})


def run(state):
    model, optimizer = state["compiled"], state["optimizer"]
    losses = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = huber_loss(model(state["x"]), state["y"], delta=1.0)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
    return torch.stack(losses)


def result(state, losses):
    model = state["model"]
    return {"losses": losses, "w": model.weight.T, "b": model.bias}
