"""Full-batch training of a tanh MLP with torch.optim.SGD (momentum) in the usual zero_grad/backward/step loop."""

import torch
from torch import nn

STEPS = 8


class MLP(nn.Module):
    def __init__(self, d_in, hidden, d_out):
        super().__init__()
        self.fc1 = nn.Linear(d_in, hidden)
        self.fc2 = nn.Linear(hidden, d_out)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


def setup(inputs, device):
    d_in, hidden = inputs["w1"].shape
    model = MLP(d_in, hidden, inputs["w2"].shape[1]).to(device)
    model.compile()
    return {
        "model": model,
        "optimizer": torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9),
        "loss_fn": nn.MSELoss(),
        "x": torch.from_numpy(inputs["x"]).to(device),
        "y": torch.from_numpy(inputs["y"]).to(device),
    }


def load_weights(state, inputs):
    t = {name: torch.from_numpy(inputs[name]) for name in ("w1", "b1", "w2", "b2")}
    # nn.Linear keeps its weight as (out, in): the transpose of the given kernels.
    state["model"].load_state_dict({
        "fc1.weight": t["w1"].T, "fc1.bias": t["b1"],
        "fc2.weight": t["w2"].T, "fc2.bias": t["b2"],
    })


def run(state):
    model, optimizer, loss_fn = state["model"], state["optimizer"], state["loss_fn"]
    losses = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = loss_fn(model(state["x"]), state["y"])
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
    return torch.stack(losses)


def result(state, losses):
    model = state["model"]
    return {"losses": losses, "w1": model.fc1.weight.T, "b1": model.fc1.bias, "w2": model.fc2.weight.T,
            "b2": model.fc2.bias}
