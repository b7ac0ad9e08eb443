"""Embedding text classifier with masked mean pooling: an nn.Module around nn.Embedding(padding_idx=0)."""

import os

import torch
from torch import nn


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_dim, num_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.hidden = nn.Linear(embed_dim, hidden_dim)
        self.classifier = nn.Linear(hidden_dim, num_classes)

    def forward(self, tokens):
        mask = (tokens != 0).unsqueeze(-1)
        pooled = (self.embedding(tokens) * mask).sum(dim=1) / mask.sum(dim=1)
        return self.classifier(torch.relu(self.hidden(pooled)))


def setup(inputs, device):
    vocab_size, embed_dim = inputs["embedding"].shape
    hidden_dim, num_classes = inputs["w2"].shape
    model = TextClassifier(vocab_size, embed_dim, hidden_dim, num_classes)
    model.to(device).eval()
    return {"model": model, "compiled": torch.compile(model), "tokens": torch.from_numpy(inputs["tokens"]).to(device)}


def load_weights(state, inputs):
    # nn.Linear stores its weight as (out, in), the transpose of the given kernels.
    t = {name: torch.from_numpy(array) for name, array in inputs.items()}
    state["model"].load_state_dict({
        "embedding.weight": t["embedding"],
        "hidden.weight": t["w1"].T,
        "hidden.bias": t["b1"],
        "classifier.weight": t["w2"].T,
        "classifier.bias": t["b2"],
    })


def run(state):
    with torch.inference_mode():
        return state["compiled"](state["tokens"])


def result(state, logits):
    return {"logits": logits}


EXPORT_INPUTS = ("tokens",)
EXPORT_OUTPUT = "logits"


def export(state, directory, path):
    model, example = state["model"], (state["tokens"],)
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
