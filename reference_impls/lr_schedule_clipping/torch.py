"""SGD with a LinearLR warm-up then CosineAnnealingLR (SequentialLR) and clip_grad_norm_, on a SiLU MLP."""

import torch
from torch import nn
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR

STEPS = 10
WARMUP_STEPS = 3


class MLP(nn.Module):
    def __init__(self, d_in, hidden, d_out):
        super().__init__()
        self.fc1 = nn.Linear(d_in, hidden)
        self.fc2 = nn.Linear(hidden, d_out)

    def forward(self, x):
        return self.fc2(nn.functional.silu(self.fc1(x)))


def setup(inputs, device):
    w1, w2 = inputs["w1"], inputs["w2"]
    model = MLP(w1.shape[0], w1.shape[1], w2.shape[1])
    model.to(device)
    model.compile()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.2)
    warmup = LinearLR(optimizer, start_factor=0.1, end_factor=1.0, total_iters=WARMUP_STEPS)
    decay = CosineAnnealingLR(optimizer, T_max=STEPS - WARMUP_STEPS, eta_min=0.002)
    return {
        "model": model,
        "optimizer": optimizer,
        "scheduler": SequentialLR(optimizer, [warmup, decay], milestones=[WARMUP_STEPS]),
        "loss_fn": nn.MSELoss(),
        "x": torch.from_numpy(inputs["x"]).to(device),
        "y": torch.from_numpy(inputs["y"]).to(device),
    }


def load_weights(state, inputs):
    # nn.Linear stores its weight as (out, in), the transpose of the given kernels.
    state["model"].load_state_dict({
        "fc1.weight": torch.from_numpy(inputs["w1"].T), "fc1.bias": torch.from_numpy(inputs["b1"]),
        "fc2.weight": torch.from_numpy(inputs["w2"].T), "fc2.bias": torch.from_numpy(inputs["b2"]),
    })


def run(state):
    model, optimizer, scheduler, loss_fn = state["model"], state["optimizer"], state["scheduler"], state["loss_fn"]
    losses, rates = [], []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = loss_fn(model(state["x"]), state["y"])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.5)
        rates.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
        losses.append(loss.detach())
    return torch.stack(losses), rates


def result(state, output):
    losses, rates = output
    model = state["model"]
    return {
        "losses": losses,
        "learning_rates": rates,
        "w1": model.fc1.weight.T,
        "b1": model.fc1.bias,
        "w2": model.fc2.weight.T,
        "b2": model.fc2.bias,
    }
