"""Row gather by indexing and segment sum with jax.ops.segment_sum."""

from functools import partial

import jax
import jax.numpy as jnp


@partial(jax.jit, static_argnames="num_segments")
def gather_and_segment_sum(table, indices, values, segment_ids, num_segments):
    gathered = table[indices]
    sums = jax.ops.segment_sum(values, segment_ids, num_segments=num_segments)
    return gathered, sums


def setup(inputs, device):
    state = {name: jnp.asarray(array) for name, array in inputs.items()}
    state["num_segments"] = int(inputs["num_segments"])
    return state


def run(state):
    return gather_and_segment_sum(state["table"], state["indices"], state["values"], state["segment_ids"],
                                  num_segments=state["num_segments"])


def result(state, output):
    gathered, sums = output
    return {"gathered": gathered, "sums": sums}
