"""Attention scores, context and a bilinear form with tf.einsum."""

import math

import tensorflow as tf


@tf.function(jit_compile=True)
def attention(q, k, v):
    scores = tf.einsum("bhqd,bhkd->bhqk", q, k) / math.sqrt(q.shape[-1])
    context = tf.einsum("bhqk,bhkd->bhqd", tf.nn.softmax(scores), v)
    return scores, context


@tf.function(jit_compile=True)
def bilinear(u, a, w):
    return tf.einsum("bi,ij,bj->b", u, a, w)


def setup(inputs, device):
    return {name: tf.constant(array) for name, array in inputs.items()}


def run(state):
    scores, context = attention(state["q"], state["k"], state["v"])
    return scores, context, bilinear(state["u"], state["a"], state["w"])


def result(state, output):
    scores, context, form = output
    return {"scores": scores, "context": context, "bilinear": form}
