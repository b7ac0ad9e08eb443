"""A gated dense layer as an nn.Module with nn.Parameter, trained through loss.backward() in a tiny model."""

import os

import torch
from torch import nn


class GatedLinear(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(in_features, out_features))
        self.bias = nn.Parameter(torch.zeros(out_features))
        self.gate = nn.Parameter(torch.empty(in_features, out_features))
        nn.init.xavier_uniform_(self.weight)
        nn.init.xavier_uniform_(self.gate)

    def forward(self, x):
        return (x @ self.weight + self.bias) * torch.sigmoid(x @ self.gate)


def setup(inputs, device):
    features, hidden = inputs["w"].shape
    model = nn.Sequential(GatedLinear(features, hidden), nn.Linear(hidden, inputs["w_out"].shape[1])).to(device)
    return {"model": model, "compiled": torch.compile(model), "x": torch.from_numpy(inputs["x"]).to(device)}


def load_weights(state, inputs):
    # nn.Linear keeps its weight as (out, in), the transpose of the given kernel; GatedLinear keeps (in, out).
    state["model"].load_state_dict({
        "0.weight": torch.from_numpy(inputs["w"]),
        "0.bias": torch.from_numpy(inputs["b"]),
        "0.gate": torch.from_numpy(inputs["g"]),
        "1.weight": torch.from_numpy(inputs["w_out"].T),
        "1.bias": torch.from_numpy(inputs["b_out"]),
    })


def run(state):
    state["model"].zero_grad()
    y = state["compiled"](state["x"])
    y.square().sum().backward()
    return y


def result(state, y):
    gated = state["model"][0]
    return {"y": y, "grad_w": gated.weight.grad, "grad_b": gated.bias.grad, "grad_g": gated.gate.grad}


EXPORT_INPUTS = ("x",)
EXPORT_OUTPUT = "y"


def export(state, directory, path):
    model, example = state["model"], (state["x"],)
    batch = {0: torch.export.Dim("batch")}
    if path == "torch_export":
        program = torch.export.export(model, example, dynamic_shapes=(batch,))
        torch.export.save(program, os.path.join(directory, "model.pt2"))
        return os.path.join(directory, "model.pt2")
    if path == "onnx":
        torch.onnx.export(model, example, os.path.join(directory, "model.onnx"), dynamic_shapes=(batch,))
        return os.path.join(directory, "model.onnx")
    if path == "torchscript":  # deprecated: torch.export replaces it
        torch.jit.script(model).save(os.path.join(directory, "model.pt"))
        return os.path.join(directory, "model.pt")
    raise ValueError(f"unknown deployment path {path!r}")
