"""CNN classifier inference in Flax NNX: nnx.Conv and nnx.BatchNorm on running statistics, called through nnx.jit."""

import os

import jax
import jax.numpy as jnp
from flax import nnx


class CNN(nnx.Module):
    def __init__(self, channels, channels1, channels2, classes, *, rngs: nnx.Rngs):
        self.conv1 = nnx.Conv(channels, channels1, kernel_size=(3, 3), padding="SAME", use_bias=False, rngs=rngs)
        self.bn = nnx.BatchNorm(channels1, use_running_average=True, epsilon=1e-5, rngs=rngs)
        self.conv2 = nnx.Conv(channels1, channels2, kernel_size=(3, 3), padding="SAME", rngs=rngs)
        self.linear = nnx.Linear(channels2, classes, rngs=rngs)

    def __call__(self, x):
        x = nnx.max_pool(nnx.relu(self.bn(self.conv1(x))), window_shape=(2, 2), strides=(2, 2))
        x = nnx.relu(self.conv2(x))
        return self.linear(x.mean(axis=(1, 2)))


def setup(inputs, device):
    channels, channels1 = inputs["conv1_w"].shape[2:]
    channels2, classes = inputs["dense_w"].shape
    model = CNN(channels, channels1, channels2, classes, rngs=nnx.Rngs(0))
    return {"model": model, "x": jnp.asarray(inputs["x"])}


def load_weights(state, inputs):
    model = state["model"]
    model.conv1.kernel[...] = inputs["conv1_w"]
    model.bn.scale[...] = inputs["bn_gamma"]
    model.bn.bias[...] = inputs["bn_beta"]
    model.bn.mean[...] = inputs["bn_mean"]
    model.bn.var[...] = inputs["bn_var"]
    model.conv2.kernel[...] = inputs["conv2_w"]
    model.conv2.bias[...] = inputs["conv2_b"]
    model.linear.kernel[...] = inputs["dense_w"]
    model.linear.bias[...] = inputs["dense_b"]


@nnx.jit
def predict(model, x):
    return model(x)


def run(state):
    return predict(state["model"], state["x"])


def result(state, logits):
    return {"logits": logits}


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
