"""Dense layer, ReLU and layer normalisation with torch.nn.functional."""

import torch
import torch.nn.functional as F


@torch.compile
def dense_layer_norm(x, weight, bias, gamma, beta):
    y = F.relu(F.linear(x, weight, bias))
    return y, F.layer_norm(y, y.shape[-1:], gamma, beta, eps=1e-5)


def setup(inputs, device):
    state = {name: torch.from_numpy(array).to(device) for name, array in inputs.items()}
    state["weight"] = state.pop("w").T.contiguous()  # F.linear takes the (out, in) layout
    return state


def run(state):
    return dense_layer_norm(state["x"], state["weight"], state["b"], state["gamma"], state["beta"])


def result(state, output):
    y, y_norm = output
    return {"y": y.cpu().numpy(), "y_norm": y_norm.cpu().numpy()}
