"""Embedding text classifier with masked mean pooling: a Flax NNX module around nnx.Embed."""

import os

import jax
import jax.numpy as jnp
from flax import nnx


class TextClassifier(nnx.Module):
    def __init__(self, vocab_size, embed_dim, hidden_dim, num_classes, *, rngs):
        self.embed = nnx.Embed(vocab_size, embed_dim, rngs=rngs)
        self.hidden = nnx.Linear(embed_dim, hidden_dim, rngs=rngs)
        self.classifier = nnx.Linear(hidden_dim, num_classes, rngs=rngs)

    def __call__(self, tokens):
        mask = (tokens != 0)[..., None]
        pooled = jnp.sum(self.embed(tokens) * mask, axis=1) / jnp.sum(mask, axis=1)
        return self.classifier(nnx.relu(self.hidden(pooled)))


@nnx.jit
def classify(model, tokens):
    return model(tokens)


def setup(inputs, device):
    vocab_size, embed_dim = inputs["embedding"].shape
    hidden_dim, num_classes = inputs["w2"].shape
    model = TextClassifier(vocab_size, embed_dim, hidden_dim, num_classes, rngs=nnx.Rngs(0))
    return {"model": model, "tokens": jnp.asarray(inputs["tokens"])}


def load_weights(state, inputs):
    model = state["model"]
    model.embed.embedding[...] = inputs["embedding"]
    model.hidden.kernel[...] = inputs["w1"]
    model.hidden.bias[...] = inputs["b1"]
    model.classifier.kernel[...] = inputs["w2"]
    model.classifier.bias[...] = inputs["b2"]


def run(state):
    return classify(state["model"], state["tokens"])


def result(state, logits):
    return {"logits": logits}


EXPORT_INPUTS = ("tokens",)
EXPORT_OUTPUT = "logits"


def export(state, directory, path):
    graphdef, weights = nnx.split(state["model"])

    def serve(tokens):
        return nnx.merge(graphdef, weights)(tokens)

    examples = (state["tokens"],)
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
