"""Full-batch training of a ReLU MLP classifier with torch.optim.Adam and nn.CrossEntropyLoss."""

import torch
from torch import nn

STEPS = 10


def setup(inputs, device):
    d_in, hidden = inputs["w1"].shape
    classes = inputs["w2"].shape[1]
    model = nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU(), nn.Linear(hidden, classes)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.9, 0.999), eps=1e-12, weight_decay=0.0)
    return {
        "model": model,
        # torch.compile(model), not model.compile(): on a built-in module (nn.Sequential, nn.Linear) the latter
        # compiles nothing in torch 2.13, silently (pytorch/pytorch#150915).
        "compiled": torch.compile(model),
        "optimizer": optimizer,
        "loss_fn": nn.CrossEntropyLoss(),
        "x": torch.from_numpy(inputs["x"]).to(device),
        "labels": torch.from_numpy(inputs["labels"]).to(device),
    }


def load_weights(state, inputs):
    t = {name: torch.from_numpy(inputs[name]) for name in ("w1", "b1", "w2", "b2")}
    # nn.Linear keeps its weight as (out, in): the transpose of the given kernels.
    state["model"].load_state_dict({
        "0.weight": t["w1"].T, "0.bias": t["b1"],
        "2.weight": t["w2"].T, "2.bias": t["b2"],
    })


def run(state):
    model, optimizer, loss_fn = state["compiled"], state["optimizer"], state["loss_fn"]
    losses = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = loss_fn(model(state["x"]), state["labels"])
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
    return torch.stack(losses)


def result(state, losses):
    first, last = state["model"][0], state["model"][2]
    return {"losses": losses, "w1": first.weight.T, "b1": first.bias, "w2": last.weight.T, "b2": last.bias}
