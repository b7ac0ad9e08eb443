"""Post-LN transformer encoder block: torch.nn.TransformerEncoderLayer with exact GELU."""

import os

import torch
from torch import nn


def setup(inputs, device):
    embed, heads, _ = inputs["wq"].shape
    model = nn.TransformerEncoderLayer(
        embed, heads, dim_feedforward=inputs["w1"].shape[1], activation="gelu", layer_norm_eps=1e-5,
        batch_first=True, norm_first=False,
    ).to(device).eval()
    return {"model": model, "compiled": torch.compile(model), "x": torch.from_numpy(inputs["x"]).to(device)}


def load_weights(state, inputs):
    t = {name: torch.from_numpy(array) for name, array in inputs.items()}
    embed = t["wq"].shape[0]  # from the weights: the data is not the model's definition
    # Canonical kernels are (in, out) with per-head attention kernels; torch stores (out, in), q, k, v stacked.
    state["model"].load_state_dict({
        "self_attn.in_proj_weight": torch.cat([t[w].reshape(embed, embed).T for w in ("wq", "wk", "wv")]),
        "self_attn.in_proj_bias": torch.cat([t[b].flatten() for b in ("bq", "bk", "bv")]),
        "self_attn.out_proj.weight": t["wo"].reshape(embed, embed).T,
        "self_attn.out_proj.bias": t["bo"],
        "linear1.weight": t["w1"].T,
        "linear1.bias": t["b1"],
        "linear2.weight": t["w2"].T,
        "linear2.bias": t["b2"],
        "norm1.weight": t["ln1_scale"],
        "norm1.bias": t["ln1_bias"],
        "norm2.weight": t["ln2_scale"],
        "norm2.bias": t["ln2_bias"],
    })


def run(state):
    with torch.inference_mode():
        return state["compiled"](state["x"])


def result(state, y):
    return {"y": y}


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
