"""Multi-head self-attention with a key padding mask: flax.nnx.MultiHeadAttention."""

import jax
import jax.numpy as jnp
from flax import nnx


@nnx.jit
def attend(model, x, valid):
    mask = nnx.make_attention_mask(jnp.ones_like(valid), valid)
    return model(x, mask=mask)


def setup(inputs, device):
    embed, heads, _ = inputs["wq"].shape
    model = nnx.MultiHeadAttention(num_heads=heads, in_features=embed, decode=False, rngs=nnx.Rngs(0))
    for layer, name in ((model.query, "q"), (model.key, "k"), (model.value, "v"), (model.out, "o")):
        layer.kernel.value = jnp.asarray(inputs[f"w{name}"])
        layer.bias.value = jnp.asarray(inputs[f"b{name}"])
    return {"model": model, "x": jnp.asarray(inputs["x"]), "valid": jnp.asarray(inputs["valid"])}


def run(state):
    return attend(state["model"], state["x"], state["valid"])


def result(state, y):
    return {"y": jax.device_get(y)}
