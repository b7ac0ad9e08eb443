"""LSTM sequence model inference in Flax NNX: nnx.RNN over an nnx.LSTMCell, then nnx.Linear, under nnx.jit."""

import os

import jax
import jax.numpy as jnp
from flax import nnx


class SequenceModel(nnx.Module):
    def __init__(self, features, hidden, classes, *, rngs: nnx.Rngs):
        self.rnn = nnx.RNN(nnx.LSTMCell(features, hidden, rngs=rngs))
        self.linear = nnx.Linear(hidden, classes, rngs=rngs)

    def __call__(self, x):
        hidden = self.rnn(x)
        return hidden, self.linear(hidden[:, -1])


def setup(inputs, device):
    features = inputs["kernel"].shape[0]
    hidden, classes = inputs["dense_w"].shape
    model = SequenceModel(features, hidden, classes, rngs=nnx.Rngs(0))
    return {"model": model, "x": jnp.asarray(inputs["x"])}


def load_weights(state, inputs):
    model = state["model"]
    # nnx.LSTMCell keeps one input kernel and one biased recurrent layer per gate: split the stacked i, f, g, o.
    cell = model.rnn.cell
    gates = ((cell.ii, cell.hi), (cell.if_, cell.hf), (cell.ig, cell.hg), (cell.io, cell.ho))
    kernels = jnp.split(inputs["kernel"], 4, axis=-1)
    recurrent_kernels = jnp.split(inputs["recurrent_kernel"], 4, axis=-1)
    biases = jnp.split(inputs["bias"], 4)
    for (input_layer, hidden_layer), kernel, recurrent_kernel, bias in zip(gates, kernels, recurrent_kernels, biases):
        input_layer.kernel[...] = kernel
        hidden_layer.kernel[...] = recurrent_kernel
        hidden_layer.bias[...] = bias
    model.linear.kernel[...] = inputs["dense_w"]
    model.linear.bias[...] = inputs["dense_b"]


@nnx.jit
def predict(model, x):
    return model(x)


def run(state):
    return predict(state["model"], state["x"])


def result(state, output):
    hidden, logits = output
    return {"hidden": hidden, "logits": logits}


EXPORT_INPUTS = ("x",)
EXPORT_OUTPUT = ("hidden", "logits")


def export(state, directory, path):
    graphdef, weights = nnx.split(state["model"])

    @jax.jit
    def forward(weights, x):
        return nnx.merge(graphdef, weights)(x)

    def serve(x):  # nnx.RNN draws from its Rngs when it starts the carry: merge inside a trace of its own
        return forward(weights, x)

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
