"""Loss and parameter gradients of a 2-layer MLP with nn.Module and loss.backward()."""

import torch
import torch.nn.functional as F
from torch import nn


class MLP(nn.Module):
    def __init__(self, features, hidden, classes):
        super().__init__()
        self.fc1 = nn.Linear(features, hidden)
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


def setup(inputs, device):
    features, hidden = inputs["w1"].shape
    model = MLP(features, hidden, inputs["w2"].shape[1]).to(device)
    return {
        "model": model,
        "compiled": torch.compile(model),
        "x": torch.from_numpy(inputs["x"]).to(device),
        "y": torch.from_numpy(inputs["y"]).to(device),
    }


def load_weights(state, inputs):
    state["model"].load_state_dict({
        "fc1.weight": torch.from_numpy(inputs["w1"].T),  # nn.Linear keeps its weight as (out, in)
        "fc1.bias": torch.from_numpy(inputs["b1"]),
        "fc2.weight": torch.from_numpy(inputs["w2"].T),
        "fc2.bias": torch.from_numpy(inputs["b2"]),
    })


def run(state):
    state["model"].zero_grad()
    loss = F.cross_entropy(state["compiled"](state["x"]), state["y"])
    loss.backward()
    return loss.detach()


def result(state, loss):
    model = state["model"]
    return {
        "loss": loss,
        "grad_w1": model.fc1.weight.grad.T,
        "grad_b1": model.fc1.bias.grad,
        "grad_w2": model.fc2.weight.grad.T,
        "grad_b2": model.fc2.bias.grad,
    }
