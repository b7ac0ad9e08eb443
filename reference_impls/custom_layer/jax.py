"""A gated dense layer as a Flax nnx.Module with nnx.Param, trained through nnx.value_and_grad."""

import os

import jax
import jax.numpy as jnp
from flax import nnx


class GatedLinear(nnx.Module):
    def __init__(self, in_features, out_features, *, rngs):
        init = nnx.initializers.lecun_normal()
        self.kernel = nnx.Param(init(rngs.params(), (in_features, out_features)))
        self.bias = nnx.Param(jnp.zeros(out_features))
        self.gate = nnx.Param(init(rngs.params(), (in_features, out_features)))

    def __call__(self, x):
        return (x @ self.kernel + self.bias) * jax.nn.sigmoid(x @ self.gate)


def loss_fn(model, x):
    y = model(x)
    return jnp.sum(y**2), y


@nnx.jit
def forward_and_grads(model, x):
    (_, y), grads = nnx.value_and_grad(loss_fn, has_aux=True)(model, x)
    return y, grads["layers"][0]


def setup(inputs, device):
    features, hidden = inputs["w"].shape
    rngs = nnx.Rngs(0)
    model = nnx.Sequential(
        GatedLinear(features, hidden, rngs=rngs),
        nnx.Linear(hidden, inputs["w_out"].shape[1], rngs=rngs),
    )
    return {"model": model, "x": jnp.asarray(inputs["x"])}


def load_weights(state, inputs):
    gated, out = state["model"].layers
    gated.kernel[...] = inputs["w"]
    gated.bias[...] = inputs["b"]
    gated.gate[...] = inputs["g"]
    out.kernel[...] = inputs["w_out"]
    out.bias[...] = inputs["b_out"]


def run(state):
    return forward_and_grads(state["model"], state["x"])


def result(state, output):
    y, grads = output
    return {"y": y, "grad_w": grads["kernel"][...], "grad_b": grads["bias"][...], "grad_g": grads["gate"][...]}


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
