"""Post-LN transformer encoder block: a Keras 3 layer built from MultiHeadAttention, LayerNormalization, Dense."""

import os

import keras
import tensorflow as tf


class TransformerEncoder(keras.layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.attention = keras.layers.MultiHeadAttention(num_heads, key_dim=embed_dim // num_heads)
        self.norm1 = keras.layers.LayerNormalization(epsilon=epsilon)
        self.ffn_in = keras.layers.Dense(ff_dim)
        self.ffn_out = keras.layers.Dense(embed_dim)
        self.norm2 = keras.layers.LayerNormalization(epsilon=epsilon)

    def call(self, x):
        x = self.norm1(x + self.attention(x, x))
        hidden = keras.activations.gelu(self.ffn_in(x), approximate=False)
        return self.norm2(x + self.ffn_out(hidden))


@tf.function(jit_compile=True)
def encode(model, x):
    return model(x)


def setup(inputs, device):
    embed, heads, _ = inputs["wq"].shape
    model = TransformerEncoder(embed, heads, ff_dim=inputs["w1"].shape[1])
    return {"model": model, "x": tf.constant(inputs["x"])}


def load_weights(state, inputs):
    model = state["model"]
    model(state["x"])  # creates the weights
    model.attention.set_weights([inputs[n] for n in ("wq", "bq", "wk", "bk", "wv", "bv", "wo", "bo")])
    model.norm1.set_weights([inputs["ln1_scale"], inputs["ln1_bias"]])
    model.ffn_in.set_weights([inputs["w1"], inputs["b1"]])
    model.ffn_out.set_weights([inputs["w2"], inputs["b2"]])
    model.norm2.set_weights([inputs["ln2_scale"], inputs["ln2_bias"]])


def run(state):
    return encode(state["model"], state["x"])


def result(state, y):
    return {"y": y}


EXPORT_INPUTS = ("x",)
EXPORT_OUTPUT = "y"


def export(state, directory, path):
    x = keras.Input(shape=state["x"].shape[1:], name="x")
    model = keras.Model(x, state["model"](x))
    if path == "saved_model":
        model.export(os.path.join(directory, "saved_model"), format="tf_saved_model")
        return os.path.join(directory, "saved_model")
    if path == "litert":
        model.export(os.path.join(directory, "model.tflite"), format="litert")
        return os.path.join(directory, "model.tflite")
    raise ValueError(f"unknown deployment path {path!r}")
