"""LSTM sequence model inference in PyTorch: nn.LSTM(batch_first=True), then nn.Linear, under torch.compile."""

import os

import torch
from torch import nn


class SequenceModel(nn.Module):
    def __init__(self, features, hidden, classes):
        super().__init__()
        self.lstm = nn.LSTM(features, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, x):
        hidden, _ = self.lstm(x)
        return hidden, self.fc(hidden[:, -1])


def setup(inputs, device):
    features = inputs["kernel"].shape[0]
    hidden, classes = inputs["dense_w"].shape
    model = SequenceModel(features, hidden, classes).to(device).eval()
    return {"model": model, "compiled": torch.compile(model), "x": torch.from_numpy(inputs["x"]).to(device)}


def load_weights(state, inputs):
    t = {name: torch.from_numpy(array) for name, array in inputs.items()}
    # nn.LSTM stacks its gates i, f, g, o like the given kernels, but as (4 * hidden, in), and has two biases.
    state["model"].load_state_dict({
        "lstm.weight_ih_l0": t["kernel"].T,
        "lstm.weight_hh_l0": t["recurrent_kernel"].T,
        "lstm.bias_ih_l0": t["bias"],
        "lstm.bias_hh_l0": torch.zeros_like(t["bias"]),
        "fc.weight": t["dense_w"].T,
        "fc.bias": t["dense_b"],
    })


@torch.inference_mode()
def run(state):
    return state["compiled"](state["x"])


def result(state, output):
    hidden, logits = output
    return {"hidden": hidden, "logits": logits}


EXPORT_INPUTS = ("x",)
EXPORT_OUTPUT = ("hidden", "logits")


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
