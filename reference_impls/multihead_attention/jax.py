"""Multi-head self-attention with a key padding mask: flax.nnx.MultiHeadAttention."""

import os

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
    return {"model": model, "x": jnp.asarray(inputs["x"]), "valid": jnp.asarray(inputs["valid"])}


def load_weights(state, inputs):
    model = state["model"]
    for layer, name in ((model.query, "q"), (model.key, "k"), (model.value, "v"), (model.out, "o")):
        layer.kernel[...] = inputs[f"w{name}"]
        layer.bias[...] = inputs[f"b{name}"]


def run(state):
    return attend(state["model"], state["x"], state["valid"])


def result(state, y):
    return {"y": y}


EXPORT_INPUTS = ("x", "valid")
EXPORT_OUTPUT = "y"


def export(state, directory, path):
    graphdef, weights = nnx.split(state["model"])

    def serve(x, valid):
        mask = nnx.make_attention_mask(jnp.ones_like(valid), valid)
        return nnx.merge(graphdef, weights)(x, mask=mask)

    examples = (state["x"], state["valid"])
    if path == "jax_export":
        exported = jax.export.export(jax.jit(serve))(*jax.export.symbolic_args_specs(examples, "b, ..."))
        with open(os.path.join(directory, "model.jax"), "wb") as file:
            file.write(exported.serialize())
        return os.path.join(directory, "model.jax")
    if path == "jax2tf":
        import tensorflow as tf
        from jax.experimental import jax2tf

        module = tf.Module()
        module.serve = tf.function(
            jax2tf.convert(serve, polymorphic_shapes="(b, ...)"), autograph=False,
            input_signature=[tf.TensorSpec((None, *e.shape[1:]), e.dtype) for e in examples],
        )
        tf.saved_model.save(module, os.path.join(directory, "saved_model"))
        return os.path.join(directory, "saved_model")
    raise ValueError(f"unknown deployment path {path!r}")
