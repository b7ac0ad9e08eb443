"""Loaders of deployment artifacts, used only inside the reload worker: a process that never imports the
implementation that built the model, so the artifact has to stand on its own.

A loader is two steps, timed apart: `prepare(threads)` imports and configures the runtime (the cold-start cost a
deployer pays once) and returns what it is, with its version; `load(artifact, names, threads)` turns the artifact
into `predict(arrays) -> outputs`. Each imports its runtime lazily, so importing this module imports none.

Inputs are fed by name when the artifact's input names are the task's input names, else by position; each is cast
to the dtype the artifact declares where it declares one (a JAX artifact takes int32 token ids, say, where the
task's inputs are int64), as a deployer would. Outputs come back flattened: sequences in order, mappings by key in
natural order (output_0, output_1, ..., output_10).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from analyzer.worker.adapters import JaxAdapter, TensorFlowAdapter, _set_thread_env

Predict = Callable[[Sequence[np.ndarray]], Any]
#: (name or None, dtype or None) of each input the artifact declares, in its own order.
Declared = Sequence[tuple["str | None", Any]]


@dataclass(frozen=True)
class Loader:
    """How one kind of artifact is reloaded."""

    prepare: Callable[[int], str]  #: threads -> "runtime version"; imports and configures the runtime
    load: Callable[[str, Sequence[str], int], Predict]  #: (artifact, input names, threads) -> predict


# ---------------------------------------------------------------------------------------------------- runtimes


#: One adapter per framework and process: TensorFlow's thread pools can be set only before its first use.
_ADAPTERS: dict[str, Any] = {}


def _configure(adapter: type, threads: int) -> None:
    """Threads, precision and the CPU, set as for runs (the framework's adapter imports it)."""
    _ADAPTERS.setdefault(adapter.name, adapter()).configure(mode="compiled", device="cpu", threads=threads)


def _torch_runtime(threads: int) -> str:
    # Not TorchAdapter.configure: it imports torch._dynamo to switch compilation, which a deployer never loads.
    _set_thread_env(threads)
    import torch

    torch.set_num_threads(threads)
    torch.set_float32_matmul_precision("highest")
    return f"torch {torch.__version__}"


def _tensorflow_runtime(threads: int) -> str:
    _configure(TensorFlowAdapter, threads)
    import tensorflow as tf

    return f"tensorflow {tf.__version__}"


def _jax_runtime(threads: int) -> str:
    _configure(JaxAdapter, threads)
    import jax

    return f"jax {jax.__version__}"


def _onnxruntime_runtime(threads: int) -> str:
    _set_thread_env(threads)
    import onnxruntime

    return f"onnxruntime {onnxruntime.__version__}"


def _litert_runtime(threads: int) -> str:
    _set_thread_env(threads)
    try:
        import ai_edge_litert
    except ImportError:
        # tf.lite.Interpreter is deprecated in favour of ai-edge-litert, but still ships with TensorFlow.
        return _tensorflow_runtime(threads) + " (tf.lite.Interpreter; ai-edge-litert is not installed)"
    return f"ai-edge-litert {ai_edge_litert.__version__}"


# ---------------------------------------------------------------------------------------------------- loaders


def _load_torch_export(artifact: str, names: Sequence[str], threads: int) -> Predict:
    import torch

    module = torch.export.load(artifact).module()

    def predict(arrays: Sequence[np.ndarray]) -> Any:
        with torch.no_grad():
            return module(*(torch.from_numpy(a) for a in arrays))

    return predict


def _load_torchscript(artifact: str, names: Sequence[str], threads: int) -> Predict:
    import torch

    module = torch.jit.load(artifact)

    def predict(arrays: Sequence[np.ndarray]) -> Any:
        with torch.no_grad():
            return module(*(torch.from_numpy(a) for a in arrays))

    return predict


#: ONNX tensor types as onnxruntime names them, to NumPy.
_ONNX_DTYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(int64)": np.int64,
                "tensor(int32)": np.int32, "tensor(bool)": np.bool_, "tensor(float16)": np.float16}


def _load_onnx(artifact: str, names: Sequence[str], threads: int) -> Predict:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(artifact, options, providers=["CPUExecutionProvider"])
    declared = [(i.name, _ONNX_DTYPES.get(i.type)) for i in session.get_inputs()]

    def predict(arrays: Sequence[np.ndarray]) -> Any:
        fed = feed(declared, names, arrays)
        return session.run(None, {name: value for (name, _), value in zip(declared, fed)})

    return predict


def _load_saved_model(artifact: str, names: Sequence[str], threads: int) -> Predict:
    """The `serve` endpoint (what Keras' model.export writes; a tf.Module saved with a `serve` function), called
    with its own input structure; else the serving_default signature, called by input name."""
    import tensorflow as tf

    # Every call goes through `loaded`: TensorFlow deletes the variables of a loaded object nobody references.
    loaded = tf.saved_model.load(artifact)
    if getattr(getattr(loaded, "serve", None), "concrete_functions", None):
        args = loaded.serve.concrete_functions[0].structured_input_signature[0]
        declared = [(spec.name, spec.dtype.as_numpy_dtype) for spec in tf.nest.flatten(args)]

        def predict(arrays: Sequence[np.ndarray]) -> Any:
            return loaded.serve(*tf.nest.pack_sequence_as(args, feed(declared, names, arrays)))

        return predict
    keywords = loaded.signatures["serving_default"].structured_input_signature[1]
    declared = [(name, spec.dtype.as_numpy_dtype) for name, spec in sorted(keywords.items())]

    def call_signature(arrays: Sequence[np.ndarray]) -> Any:
        fed = feed(declared, names, arrays)
        return loaded.signatures["serving_default"](**{name: value for (name, _), value in zip(declared, fed)})

    return call_signature


def _load_litert(artifact: str, names: Sequence[str], threads: int) -> Predict:
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter
    runner = Interpreter(model_path=artifact, num_threads=threads).get_signature_runner()
    declared = [(name, detail["dtype"]) for name, detail in runner.get_input_details().items()]

    def predict(arrays: Sequence[np.ndarray]) -> Any:
        return runner(**{name: value for (name, _), value in zip(declared, feed(declared, names, arrays))})

    return predict


def _load_jax_export(artifact: str, names: Sequence[str], threads: int) -> Predict:
    import jax

    with open(artifact, "rb") as file:
        exported = jax.export.deserialize(bytearray(file.read()))
    declared = [(None, aval.dtype) for aval in exported.in_avals]

    def predict(arrays: Sequence[np.ndarray]) -> Any:
        return exported.call(*feed(declared, names, arrays))

    return predict


#: DeployPath.loader -> how to reload it.
LOADERS: dict[str, Loader] = {
    "torch_export": Loader(_torch_runtime, _load_torch_export),
    "torchscript": Loader(_torch_runtime, _load_torchscript),
    "onnx": Loader(_onnxruntime_runtime, _load_onnx),
    "saved_model": Loader(_tensorflow_runtime, _load_saved_model),
    "litert": Loader(_litert_runtime, _load_litert),
    "jax_export": Loader(_jax_runtime, _load_jax_export),
}


# ---------------------------------------------------------------------------------------------------- helpers


class InputMismatch(ValueError):
    """The artifact takes other inputs than the implementation declared (EXPORT_INPUTS)."""


def feed(declared: Declared, names: Sequence[str], arrays: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The task's inputs (`names`, `arrays`) in the artifact's order, each cast to the dtype it declares."""
    if len(declared) != len(arrays):
        wanted = ", ".join(str(name) for name, _ in declared)
        raise InputMismatch(f"the artifact takes {len(declared)} input(s) ({wanted}); the implementation "
                            f"declares {len(arrays)} in EXPORT_INPUTS ({', '.join(names)})")
    by_name = dict(zip(names, arrays))
    ordered = ([by_name[name] for name, _ in declared] if {name for name, _ in declared} == set(names)
               else list(arrays))
    return [np.asarray(a, dtype=dtype) if dtype is not None else a for a, (_, dtype) in zip(ordered, declared)]


def flatten_outputs(output: Any) -> list[np.ndarray]:
    """An artifact's outputs as host arrays: sequences in order, mappings by key in natural order."""
    if isinstance(output, Mapping):
        return [leaf for key in sorted(output, key=_natural) for leaf in flatten_outputs(output[key])]
    if isinstance(output, (list, tuple)):
        return [leaf for item in output for leaf in flatten_outputs(item)]
    return [np.asarray(output)]


def _natural(key: Any) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(key))]
