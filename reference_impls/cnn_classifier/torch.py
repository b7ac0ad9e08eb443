"""CNN classifier inference in PyTorch: an nn.Module in eval() on NCHW tensors, compiled with torch.compile."""

import os

import torch
import torch.nn.functional as F
from torch import nn


class CNN(nn.Module):
    def __init__(self, channels, channels1, channels2, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels1, kernel_size=3, padding="same", bias=False)
        self.bn = nn.BatchNorm2d(channels1, eps=1e-5)
        self.conv2 = nn.Conv2d(channels1, channels2, kernel_size=3, padding="same")
        self.fc = nn.Linear(channels2, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv1(x))), kernel_size=2)
        x = F.relu(self.conv2(x))
        return self.fc(x.mean(dim=(2, 3)))


def setup(inputs, device):
    channels, channels1 = inputs["conv1_w"].shape[2:]
    channels2, classes = inputs["dense_w"].shape
    model = CNN(channels, channels1, channels2, classes).to(device).eval()
    return {"model": model, "compiled": torch.compile(model), "x": torch.from_numpy(inputs["x"]).to(device)}


def load_weights(state, inputs):
    t = {name: torch.from_numpy(array) for name, array in inputs.items()}
    # PyTorch layouts: conv weights (out, in, kh, kw) from (kh, kw, in, out); linear weight (out, in).
    state["model"].load_state_dict({
        "conv1.weight": t["conv1_w"].permute(3, 2, 0, 1),
        "bn.weight": t["bn_gamma"],
        "bn.bias": t["bn_beta"],
        "bn.running_mean": t["bn_mean"],
        "bn.running_var": t["bn_var"],
        "conv2.weight": t["conv2_w"].permute(3, 2, 0, 1),
        "conv2.bias": t["conv2_b"],
        "fc.weight": t["dense_w"].T,
        "fc.bias": t["dense_b"],
    })


@torch.inference_mode()
def run(state):
    return state["compiled"](state["x"])


def result(state, logits):
    return {"logits": logits}


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
