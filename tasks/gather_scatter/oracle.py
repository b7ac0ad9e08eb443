"""Inputs and float64 oracle for the gather_scatter task.

table is (vocab, dim) and indices (lookups,) int64 in [0, vocab): gathered = table[indices], (lookups, dim).
values is (items, dim) and segment_ids (items,) int64 in [0, num_segments), unsorted; num_segments is a 0-d int64.
sums[s] = sum of values[i] over i with segment_ids[i] == s, (num_segments, dim); the last segment is never used,
so every implementation must size the output from num_segments and leave an empty bucket at zero.
"""

import numpy as np


def make_inputs(size: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    vocab, dim, num_segments = size["vocab"], size["dim"], size["num_segments"]
    return {
        "table": rng.standard_normal((vocab, dim)),
        "indices": rng.integers(0, vocab, size["lookups"]),
        "values": rng.standard_normal((size["items"], dim)),
        "segment_ids": rng.integers(0, num_segments - 1, size["items"]),
        "num_segments": np.array(num_segments),
    }


def reference(inputs: dict[str, np.ndarray], size: dict) -> dict[str, np.ndarray]:
    values = inputs["values"]
    sums = np.zeros((int(inputs["num_segments"]), values.shape[1]))
    np.add.at(sums, inputs["segment_ids"], values)
    return {"gathered": inputs["table"][inputs["indices"]], "sums": sums}
