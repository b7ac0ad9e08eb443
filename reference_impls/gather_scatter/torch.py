"""Row gather by indexing and segment sum with index_add in PyTorch."""

import torch


@torch.compile
def gather_and_segment_sum(table, indices, values, segment_ids, num_segments: int):
    gathered = table[indices]
    sums = values.new_zeros(num_segments, values.shape[1]).index_add_(0, segment_ids, values)
    return gathered, sums


def setup(inputs, device):
    state = {name: torch.from_numpy(array).to(device) for name, array in inputs.items()}
    state["num_segments"] = int(inputs["num_segments"])
    return state


def run(state):
    return gather_and_segment_sum(state["table"], state["indices"], state["values"], state["segment_ids"],
                                  state["num_segments"])


def result(state, output):
    gathered, sums = output
    return {"gathered": gathered, "sums": sums}
