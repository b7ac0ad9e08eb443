"""MLP classifier inference in PyTorch: an nn.Sequential of nn.Linear layers, compiled with torch.compile."""

import os

import torch
from torch import nn


def setup(inputs, device):
    features, hidden1 = inputs["w1"].shape
    hidden2, classes = inputs["w3"].shape
    model = nn.Sequential(
        nn.Linear(features, hidden1),
        nn.ReLU(),
        nn.Linear(hidden1, hidden2),
        nn.ReLU(),
        nn.Linear(hidden2, classes),
    )
    model.to(device).eval()
    return {"model": model, "compiled": torch.compile(model), "x": torch.from_numpy(inputs["x"]).to(device)}


def load_weights(state, inputs):
    # nn.Linear stores its weight as (out, in), the transpose of the given kernels.
    t = {name: torch.from_numpy(array) for name, array in inputs.items()}
    state["model"].load_state_dict({
        "0.weight": t["w1"].T, "0.bias": t["b1"],
        "2.weight": t["w2"].T, "2.bias": t["b2"],
        "4.weight": t["w3"].T, "4.bias": t["b3"],
    })


@torch.inference_mode()
def run(state):
    logits = state["compiled"](state["x"])
    return logits, logits.softmax(dim=-1)


def result(state, output):
    logits, probs = output
    return {"logits": logits, "probs": probs}


EXPORT_INPUTS = ("x",)
EXPORT_OUTPUT = "logits"


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
