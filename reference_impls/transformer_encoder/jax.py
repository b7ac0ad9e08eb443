"""Post-LN transformer encoder block: a Flax NNX module built from MultiHeadAttention, LayerNorm, Linear."""

import os

import jax
import jax.numpy as jnp
from flax import nnx


class TransformerEncoder(nnx.Module):
    def __init__(self, embed_dim, num_heads, ff_dim, *, epsilon=1e-5, rngs):
        self.attention = nnx.MultiHeadAttention(num_heads, embed_dim, decode=False, rngs=rngs)
        self.norm1 = nnx.LayerNorm(embed_dim, epsilon=epsilon, rngs=rngs)
        self.ffn_in = nnx.Linear(embed_dim, ff_dim, rngs=rngs)
        self.ffn_out = nnx.Linear(ff_dim, embed_dim, rngs=rngs)
        self.norm2 = nnx.LayerNorm(embed_dim, epsilon=epsilon, rngs=rngs)

    def __call__(self, x):
        x = self.norm1(x + self.attention(x))
        hidden = nnx.gelu(self.ffn_in(x), approximate=False)
        return self.norm2(x + self.ffn_out(hidden))


@nnx.jit
def encode(model, x):
    return model(x)


def setup(inputs, device):
    embed, heads, _ = inputs["wq"].shape
    model = TransformerEncoder(embed, heads, inputs["w1"].shape[1], rngs=nnx.Rngs(0))
    return {"model": model, "x": jnp.asarray(inputs["x"])}


def load_weights(state, inputs):
    model = state["model"]
    attention = model.attention
    for layer, n in ((attention.query, "q"), (attention.key, "k"), (attention.value, "v"), (attention.out, "o")):
        layer.kernel[...], layer.bias[...] = inputs[f"w{n}"], inputs[f"b{n}"]
    for layer, n in ((model.ffn_in, "1"), (model.ffn_out, "2")):
        layer.kernel[...], layer.bias[...] = inputs[f"w{n}"], inputs[f"b{n}"]
    for layer, n in ((model.norm1, "ln1"), (model.norm2, "ln2")):
        layer.scale[...], layer.bias[...] = inputs[f"{n}_scale"], inputs[f"{n}_bias"]


def run(state):
    return encode(state["model"], state["x"])


def result(state, y):
    return {"y": y}


EXPORT_INPUTS = ("x",)
EXPORT_OUTPUT = "y"


def export(state, directory, path):
    graphdef, weights = nnx.split(state["model"])

    def serve(x):
        return nnx.merge(graphdef, weights)(x)

    examples = (state["x"],)
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
