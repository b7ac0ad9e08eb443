"""Ceremony: framework boilerplate that a task needs beyond its own logic, counted by idiom.

Each framework's idioms are data, one line each: a name and the API patterns (fnmatch, against the resolved names
of analyzer.static.api) that make it. A pattern "*.zero_grad" also matches an unresolved call spelled
"<anything>.zero_grad", so boilerplate on values the resolver could not type is still counted. Adding an idiom
is adding one line here.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Iterable

from analyzer.static.api import ApiUse, Unresolved

CEREMONY: dict[str, dict[str, tuple[str, ...]]] = {
    "torch": {
        "device placement": ("torch.device", "*.to", "*.cuda", "torch.cuda.is_available"),
        "gradient zeroing": ("*.zero_grad",),
        "gradient mode": ("torch.no_grad", "torch.inference_mode", "torch.enable_grad", "*.detach", "*.requires_grad_"),
        "train/eval toggle": ("*.train", "*.eval"),
        "backward and step": ("*.backward", "torch.optim.*.step"),
        "host conversion": ("*.numpy", "*.item", "*.tolist", "*.cpu", "torch.from_numpy", "torch.as_tensor",
                            "torch.tensor"),
        "compilation": ("torch.compile",),
        "seeding": ("torch.manual_seed", "torch.Generator", "*.manual_seed"),
        "weight copying": ("*.copy_", "*.load_state_dict", "torch.nn.Parameter"),
    },
    "tensorflow": {
        "gradient tape": ("tensorflow.GradientTape", "*.gradient", "*.watch", "*.jacobian", "*.batch_jacobian"),
        "graph compilation": ("tensorflow.function",),
        "apply gradients": ("*.apply_gradients", "*.apply"),
        "host conversion": ("*.numpy", "tensorflow.convert_to_tensor", "tensorflow.constant",
                            "keras.ops.convert_to_numpy", "keras.ops.convert_to_tensor"),
        "device placement": ("tensorflow.device",),
        "variable plumbing": ("tensorflow.Variable", "*.assign", "*.assign_add", "*.assign_sub", "*.set_weights",
                              "*.get_weights"),
        "explicit build": ("*.build",),
        "seeding": ("keras.utils.set_random_seed", "tensorflow.random.set_seed"),
    },
    "jax": {
        "PRNG keys": ("jax.random.key", "jax.random.PRNGKey", "jax.random.split", "jax.random.fold_in",
                      "flax.nnx.Rngs"),
        "compilation": ("jax.jit", "flax.nnx.jit", "jax.pmap"),
        "host conversion": ("jax.device_get", "*.block_until_ready", "jax.numpy.asarray", "jax.numpy.array",
                            "*.item", "*.tolist"),
        "device placement": ("jax.device_put", "jax.devices"),
        "state plumbing": ("flax.nnx.split", "flax.nnx.merge", "flax.nnx.state", "flax.nnx.update",
                           "flax.nnx.graphdef"),
        "optimizer plumbing": ("optax.apply_updates", "*.update", "optax.GradientTransformation.init"),
    },
}


def count_ceremony(framework: str, uses: Iterable[ApiUse], unresolved: Iterable[Unresolved]) -> dict[str, int]:
    """How often each of the framework's idioms occurs, by name (idioms that never occur are 0)."""
    rules = CEREMONY.get(framework, {})
    names = [use.name for use in uses] + [_spelled(u.text) for u in unresolved]
    return {idiom: sum(1 for name in names if any(fnmatchcase(name, p) for p in patterns))
            for idiom, patterns in rules.items()}


def _spelled(text: str) -> str:
    """An unresolved callee as a name the patterns can match: 'batch.to' -> '?.to'."""
    method = text.rsplit(".", 1)[-1] if "." in text else text
    return f"?.{method}"
