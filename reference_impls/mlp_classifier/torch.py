"""MLP classifier inference in PyTorch: an nn.Sequential loaded from a state dict, compiled with torch.compile."""

import torch
from torch import nn


def setup(inputs, device):
    t = {name: torch.from_numpy(array) for name, array in inputs.items()}
    features, hidden1 = t["w1"].shape
    hidden2, classes = t["w3"].shape
    model = nn.Sequential(
        nn.Linear(features, hidden1),
        nn.ReLU(),
        nn.Linear(hidden1, hidden2),
        nn.ReLU(),
        nn.Linear(hidden2, classes),
    )
    # nn.Linear stores its weight as (out, in), the transpose of the given kernels.
    model.load_state_dict({
        "0.weight": t["w1"].T, "0.bias": t["b1"],
        "2.weight": t["w2"].T, "2.bias": t["b2"],
        "4.weight": t["w3"].T, "4.bias": t["b3"],
    })
    model.to(device).eval()
    return {"model": torch.compile(model), "x": t["x"].to(device)}


@torch.inference_mode()
def run(state):
    logits = state["model"](state["x"])
    return logits, logits.softmax(dim=-1)


def result(state, output):
    logits, probs = output
    return {"logits": logits.cpu().numpy(), "probs": probs.cpu().numpy()}
