"""Multi-head self-attention with a key padding mask: torch.nn.MultiheadAttention."""

import os

import torch
from torch import nn


def setup(inputs, device):
    t = {name: torch.from_numpy(array) for name, array in inputs.items()}
    embed, heads, _ = t["wq"].shape
    model = nn.MultiheadAttention(embed, heads, batch_first=True)
    with torch.no_grad():
        # Per-head kernels (embed, heads, head_dim) flatten to (in, out); torch stores (out, in).
        model.in_proj_weight.copy_(torch.cat([t[w].reshape(embed, embed).T for w in ("wq", "wk", "wv")]))
        model.in_proj_bias.copy_(torch.cat([t[b].flatten() for b in ("bq", "bk", "bv")]))
        model.out_proj.weight.copy_(t["wo"].reshape(embed, embed).T)
        model.out_proj.bias.copy_(t["bo"])
    model.to(device).eval()
    return {
        "model": model,
        "compiled": torch.compile(model),
        "x": t["x"].to(device),
        "padding_mask": ~t["valid"].to(device),
    }


def run(state):
    x = state["x"]
    with torch.inference_mode():
        y, _ = state["compiled"](x, x, x, key_padding_mask=state["padding_mask"], need_weights=False)
    return y


def result(state, y):
    return {"y": y.cpu().numpy()}


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
