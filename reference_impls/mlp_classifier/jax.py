"""MLP classifier inference in Flax NNX: an nnx.Module of nnx.Linear layers called through nnx.jit."""

import os

import jax
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, features, hidden1, hidden2, classes, *, rngs: nnx.Rngs):
        self.linear1 = nnx.Linear(features, hidden1, rngs=rngs)
        self.linear2 = nnx.Linear(hidden1, hidden2, rngs=rngs)
        self.linear3 = nnx.Linear(hidden2, classes, rngs=rngs)

    def __call__(self, x):
        x = nnx.relu(self.linear1(x))
        x = nnx.relu(self.linear2(x))
        return self.linear3(x)


def setup(inputs, device):
    features, hidden1 = inputs["w1"].shape
    hidden2, classes = inputs["w3"].shape
    model = MLP(features, hidden1, hidden2, classes, rngs=nnx.Rngs(0))
    return {"model": model, "x": jnp.asarray(inputs["x"])}


def load_weights(state, inputs):
    model = state["model"]
    for i, linear in enumerate((model.linear1, model.linear2, model.linear3), start=1):
        linear.kernel[...] = inputs[f"w{i}"]
        linear.bias[...] = inputs[f"b{i}"]


@nnx.jit
def predict(model, x):
    logits = model(x)
    return logits, nnx.softmax(logits, axis=-1)


def run(state):
    return predict(state["model"], state["x"])


def result(state, output):
    logits, probs = output
    return {"logits": logits, "probs": probs}


EXPORT_INPUTS = ("x",)
EXPORT_OUTPUT = "logits"


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
