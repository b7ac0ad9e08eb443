"""Full-batch training of a ReLU MLP classifier with torch.optim.Adam and nn.CrossEntropyLoss."""

import torch
from torch import nn

STEPS = 10


class Classifier(nn.Module):
    def __init__(self, d_in, hidden, classes):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU(), nn.Linear(hidden, classes))

    def forward(self, x):
        return self.net(x)


def setup(inputs, device):
    w1, w2 = inputs["w1"], inputs["w2"]
    model = Classifier(w1.shape[0], w1.shape[1], w2.shape[1])
    model.load_state_dict({
        "net.0.weight": torch.from_numpy(w1.T), "net.0.bias": torch.from_numpy(inputs["b1"]),
        "net.2.weight": torch.from_numpy(w2.T), "net.2.bias": torch.from_numpy(inputs["b2"]),
    })
    model.to(device)
    model.compile()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.9, 0.999), eps=1e-12, weight_decay=0.0)
    return {
        "model": model,
        "optimizer": optimizer,
        "loss_fn": nn.CrossEntropyLoss(),
        "x": torch.from_numpy(inputs["x"]).to(device),
        "labels": torch.from_numpy(inputs["labels"]).to(device),
    }


def run(state):
    model, optimizer, loss_fn = state["model"], state["optimizer"], state["loss_fn"]
    losses = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = loss_fn(model(state["x"]), state["labels"])
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
    return torch.stack(losses)


def result(state, losses):
    first, last = state["model"].net[0], state["model"].net[2]
    return {
        "losses": losses.cpu().numpy(),
        "w1": first.weight.detach().cpu().numpy().T,
        "b1": first.bias.detach().cpu().numpy(),
        "w2": last.weight.detach().cpu().numpy().T,
        "b2": last.bias.detach().cpu().numpy(),
    }
