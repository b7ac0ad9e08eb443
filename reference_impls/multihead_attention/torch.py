"""Multi-head self-attention with a key padding mask: torch.nn.MultiheadAttention."""

import os

import torch
from torch import nn


def setup(inputs, device):
    embed, heads, _ = inputs["wq"].shape
    model = nn.MultiheadAttention(embed, heads, batch_first=True).to(device).eval()
    return {
        "model": model,
        "compiled": torch.compile(model),
        "x": torch.from_numpy(inputs["x"]).to(device),
        "padding_mask": ~torch.from_numpy(inputs["valid"]).to(device),
    }


def load_weights(state, inputs):
    t = {name: torch.from_numpy(array) for name, array in inputs.items()}
    embed = t["wq"].shape[0]  # from the weights: the data is not the model's definition
    # Per-head kernels (embed, heads, head_dim) flatten to (in, out); torch stores (out, in), q, k, v stacked.
    state["model"].load_state_dict({
        "in_proj_weight": torch.cat([t[w].reshape(embed, embed).T for w in ("wq", "wk", "wv")]),
        "in_proj_bias": torch.cat([t[b].flatten() for b in ("bq", "bk", "bv")]),
        "out_proj.weight": t["wo"].reshape(embed, embed).T,
        "out_proj.bias": t["bo"],
    })


def run(state):
    x = state["x"]
    with torch.inference_mode():
        y, _ = state["compiled"](x, x, x, key_padding_mask=state["padding_mask"], need_weights=False)
    return y


def result(state, y):
    return {"y": y}


EXPORT_INPUTS = ("x", "valid")
EXPORT_OUTPUT = "y"


class SelfAttention(nn.Module):
    """Self-attention over x, with the padded keys (valid = False) masked out."""

    def __init__(self, attention):
        super().__init__()
        self.attention = attention

    def forward(self, x, valid):
        y, _ = self.attention(x, x, x, key_padding_mask=~valid, need_weights=False)
        return y


def export(state, directory, path):
    model, example = SelfAttention(state["model"]), (state["x"], ~state["padding_mask"])
    batch = {0: torch.export.Dim("batch")}
    if path == "torch_export":
        program = torch.export.export(model, example, dynamic_shapes=(batch, batch))
        torch.export.save(program, os.path.join(directory, "model.pt2"))
        return os.path.join(directory, "model.pt2")
    if path == "onnx":
        torch.onnx.export(model, example, os.path.join(directory, "model.onnx"), dynamic_shapes=(batch, batch))
        return os.path.join(directory, "model.onnx")
    if path == "torchscript":  # deprecated: torch.export replaces it
        torch.jit.script(model).save(os.path.join(directory, "model.pt"))
        return os.path.join(directory, "model.pt")
    raise ValueError(f"unknown deployment path {path!r}")
