"""Per-point Jacobian of an nn.Module MLP with torch.autograd.functional.jacobian."""

import torch
from torch import nn
from torch.autograd.functional import jacobian


class MLP(nn.Module):
    def __init__(self, inputs, hidden, outputs):
        super().__init__()
        self.fc1 = nn.Linear(inputs, hidden)
        self.fc2 = nn.Linear(hidden, outputs)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


def batch_jacobian(model, x):
    # Points are independent, so the Jacobian of the batch-summed output holds every per-point Jacobian.
    return jacobian(lambda x: model(x).sum(dim=0), x).permute(1, 0, 2)


def setup(inputs, device):
    n, hidden = inputs["w1"].shape
    model = MLP(n, hidden, inputs["w2"].shape[1]).to(device)
    return {"model": model, "compiled": torch.compile(model), "x": torch.from_numpy(inputs["x"]).to(device)}


def load_weights(state, inputs):
    state["model"].load_state_dict({
        "fc1.weight": torch.from_numpy(inputs["w1"].T),  # nn.Linear keeps its weight as (out, in)
        "fc1.bias": torch.from_numpy(inputs["b1"]),
        "fc2.weight": torch.from_numpy(inputs["w2"].T),
        "fc2.bias": torch.from_numpy(inputs["b2"]),
    })


def run(state):
    return batch_jacobian(state["compiled"], state["x"])


def result(state, jac):
    return {"jac": jac}
