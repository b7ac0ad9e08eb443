"""Per-example gradients of a linear-regression MSE loss with torch.func.vmap over torch.func.grad."""

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call, grad, vmap


def setup(inputs, device):
    features, outputs = inputs["w"].shape
    model = nn.Linear(features, outputs).to(device)
    return {
        "model": model,
        "params": {name: p.detach() for name, p in model.named_parameters()},
        "x": torch.from_numpy(inputs["x"]).to(device),
        "y": torch.from_numpy(inputs["y"]).to(device),
    }


def load_weights(state, inputs):
    state["model"].load_state_dict({
        "weight": torch.from_numpy(inputs["w"].T),  # nn.Linear keeps its weight as (out, in)
        "bias": torch.from_numpy(inputs["b"]),
    })


@torch.compile
def per_example_grads(model, params, x, y):
    def loss_fn(params, sample, target):
        prediction = functional_call(model, params, (sample.unsqueeze(0),))
        return F.mse_loss(prediction, target.unsqueeze(0))

    return vmap(grad(loss_fn), in_dims=(None, 0, 0))(params, x, y)


def run(state):
    return per_example_grads(state["model"], state["params"], state["x"], state["y"])


def result(state, grads):
    return {"grad_w": grads["weight"].transpose(1, 2), "grad_b": grads["bias"]}
