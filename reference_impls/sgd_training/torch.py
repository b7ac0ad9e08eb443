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
    w1, w2 = inputs["w1"], inputs["w2"]
    model = MLP(w1.shape[0], w1.shape[1], w2.shape[1])
    model.load_state_dict({
        "fc1.weight": torch.from_numpy(w1.T), "fc1.bias": torch.from_numpy(inputs["b1"]),
        "fc2.weight": torch.from_numpy(w2.T), "fc2.bias": torch.from_numpy(inputs["b2"]),
    })
    model.to(device)
    model.compile()
    return {
        "model": model,
        "optimizer": torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9),
        "loss_fn": nn.MSELoss(),
        "x": torch.from_numpy(inputs["x"]).to(device),
        "y": torch.from_numpy(inputs["y"]).to(device),
    }


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
    return {
        "losses": losses.cpu().numpy(),
        "w1": model.fc1.weight.detach().cpu().numpy().T,
        "b1": model.fc1.bias.detach().cpu().numpy(),
        "w2": model.fc2.weight.detach().cpu().numpy().T,
        "b2": model.fc2.bias.detach().cpu().numpy(),
    }
