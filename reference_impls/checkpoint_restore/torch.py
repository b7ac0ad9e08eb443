"""Save model and Adam state_dicts with torch.save, restore them into a fresh pair with torch.load, keep training."""

import os
import tempfile

import torch
from torch import nn

TRAIN_STEPS = 2


class MLP(nn.Module):
    def __init__(self, d_in, hidden, d_out):
        super().__init__()
        self.fc1 = nn.Linear(d_in, hidden)
        self.fc2 = nn.Linear(hidden, d_out)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


def make_model_and_optimizer(shapes, device):
    model = MLP(*shapes).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.9, 0.999), eps=1e-12)
    return model, optimizer


def train_step(model, optimizer, x, y):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()


def setup(inputs, device):
    w1, w2 = inputs["w1"], inputs["w2"]
    shapes = (w1.shape[0], w1.shape[1], w2.shape[1])
    model, optimizer = make_model_and_optimizer(shapes, device)
    return {
        "model": model,
        "optimizer": optimizer,
        "shapes": shapes,
        "device": device,
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
    model, optimizer, x, y = state["model"], state["optimizer"], state["x"], state["y"]
    for _ in range(TRAIN_STEPS):
        train_step(model, optimizer, x, y)

    restored_model, restored_optimizer = make_model_and_optimizer(state["shapes"], state["device"])
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "checkpoint.pt")
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, path)
        checkpoint = torch.load(path, map_location=state["device"], weights_only=True)
    restored_model.load_state_dict(checkpoint["model"])
    restored_optimizer.load_state_dict(checkpoint["optimizer"])

    train_step(model, optimizer, x, y)
    train_step(restored_model, restored_optimizer, x, y)
    with torch.no_grad():
        predictions = restored_model(x)
        max_diff = max((p - q).abs().max() for p, q in zip(model.parameters(), restored_model.parameters()))
    return predictions, restored_model, max_diff


def result(state, output):
    predictions, model, max_diff = output
    return {
        "predictions": predictions,
        "w1": model.fc1.weight.T,
        "b1": model.fc1.bias,
        "w2": model.fc2.weight.T,
        "b2": model.fc2.bias,
        "max_weight_diff": max_diff,
    }
