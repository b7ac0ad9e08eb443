"""Row gather and unsorted segment sum in TensorFlow."""

import tensorflow as tf


@tf.function(jit_compile=True)
def gather_and_segment_sum(table, indices, values, segment_ids, num_segments):
    gathered = tf.gather(table, indices)
    sums = tf.math.unsorted_segment_sum(values, segment_ids, num_segments)
    return gathered, sums


def setup(inputs, device):
    state = {name: tf.constant(array) for name, array in inputs.items()}
    state["num_segments"] = int(inputs["num_segments"])
    return state


def run(state):
    return gather_and_segment_sum(state["table"], state["indices"], state["values"], state["segment_ids"],
                                  state["num_segments"])


def result(state, output):
    gathered, sums = output
    return {"gathered": gathered, "sums": sums}
