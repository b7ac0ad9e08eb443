"""Attention scores, context and a bilinear form with jnp.einsum."""

import jax
import jax.numpy as jnp


@jax.jit
def attention(q, k, v):
    scores = jnp.einsum("bhqd,bhkd->bhqk", q, k) / jnp.sqrt(q.shape[-1])
    context = jnp.einsum("bhqk,bhkd->bhqd", jax.nn.softmax(scores), v)
    return scores, context


@jax.jit
def bilinear(u, a, w):
    return jnp.einsum("bi,ij,bj->b", u, a, w)


def setup(inputs, device):
    return {name: jnp.asarray(array) for name, array in inputs.items()}


def run(state):
    scores, context = attention(state["q"], state["k"], state["v"])
    return scores, context, bilinear(state["u"], state["a"], state["w"])


def result(state, output):
    scores, context, form = output
    return {"scores": scores, "context": context, "bilinear": form}
