"""Loss and parameter gradients of a 2-layer MLP with torch.func.grad_and_value over functional_call."""

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call, grad_and_value


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
        "params": {name: p.detach() for name, p in model.named_parameters()},
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


@torch.compile
def loss_and_grads(model, params, x, y):
    def loss_fn(params):
        return F.cross_entropy(functional_call(model, params, (x,)), y)

    return grad_and_value(loss_fn)(params)


def run(state):
    return loss_and_grads(state["model"], state["params"], state["x"], state["y"])


def result(state, output):
    grads, loss = output
    return {
        "loss": loss,
        "grad_w1": grads["fc1.weight"].T,
        "grad_b1": grads["fc1.bias"],
        "grad_w2": grads["fc2.weight"].T,
        "grad_b2": grads["fc2.bias"],
    }
