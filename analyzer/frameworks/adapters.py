"""Per-framework adapters, used only inside worker processes: configure, synchronise, describe.

Each adapter imports its framework lazily, inside its methods, so that importing this module imports none.
The compiled path is written into the implementations the way each framework's documentation recommends
(torch.compile, tf.function(jit_compile=True) or Keras' jit_compile, jax.jit / nnx.jit); eager mode turns it
off with each framework's documented global switch, so one file serves both modes.
"""

from __future__ import annotations

import os
from typing import Any, Protocol


class Adapter(Protocol):
    name: str

    def resolve_device(self, device: str) -> str:
        """"cpu" or "cuda" for a requested "cpu", "cuda" or "auto"."""

    def configure(self, *, mode: str, device: str, threads: int) -> None:
        """Import the framework and set mode, device, threads and float32 precision before any task runs."""

    def sync(self, output: Any) -> None:
        """Block until every computation that produced `output` has finished."""

    def versions(self) -> dict[str, str]:
        """Versions of the framework's packages."""

    def devices(self) -> list[str]:
        """Names of the accelerator devices the framework sees (empty on a CPU-only machine)."""

    def reset_peak_memory(self) -> None:
        """Start a new peak of accelerator memory (nothing to do on a CPU)."""

    def peak_memory_mb(self) -> float | None:
        """Peak accelerator memory since the last reset, from the framework's allocator; None on a CPU."""


def _set_thread_env(threads: int) -> None:
    # Set before the framework is imported: OpenMP, MKL and XLA's Eigen pool read these at start-up.
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(threads)


def _resolve_device(self: Adapter, device: str) -> str:
    if device == "cpu":
        return "cpu"
    has_gpu = bool(self.devices())
    if device == "cuda" and not has_gpu:
        raise DeviceUnavailable(f"no CUDA device visible to {self.name}")
    return "cuda" if has_gpu else "cpu"


class DeviceUnavailable(RuntimeError):
    """The requested device is not there: the job is skipped, not failed."""


class TorchAdapter:
    resolve_device = _resolve_device
    name = "torch"

    def configure(self, *, mode: str, device: str, threads: int) -> None:
        _set_thread_env(threads)
        import torch
        import torch._dynamo.config

        torch.set_num_threads(threads)
        try:
            torch.set_num_interop_threads(threads)
        except RuntimeError:  # may be set once per process only; a worker's second task finds it set
            pass
        # float32 everywhere, TF32 off: the same precision the other frameworks are held to.
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.set_float32_matmul_precision("highest")
        torch._dynamo.config.disable = mode == "eager"
        torch._dynamo.reset()

    def sync(self, output: Any) -> None:
        import torch

        if torch.cuda.is_available():
            torch.cuda.synchronize()

    def versions(self) -> dict[str, str]:
        import torch

        return {"torch": torch.__version__}

    def devices(self) -> list[str]:
        import torch

        return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]

    def reset_peak_memory(self) -> None:
        import torch

        if torch.cuda.is_available():
            torch.cuda.reset_peak_memory_stats()

    def peak_memory_mb(self) -> float | None:
        import torch

        return torch.cuda.max_memory_allocated() / 2**20 if torch.cuda.is_available() else None


class TensorFlowAdapter:
    resolve_device = _resolve_device
    name = "tensorflow"

    def configure(self, *, mode: str, device: str, threads: int) -> None:
        _set_thread_env(threads)
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        import tensorflow as tf

        if not getattr(self, "_configured", False):
            # Thread pools and visible devices can be set only before TensorFlow initialises its runtime.
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
            if device == "cpu":
                tf.config.set_visible_devices([], "GPU")
            tf.config.experimental.enable_tensor_float_32_execution(False)
            self._configured = True
        tf.config.run_functions_eagerly(mode == "eager")

    def sync(self, output: Any) -> None:
        import tensorflow as tf

        # Reading a value back is TensorFlow's synchronisation point.
        for leaf in tf.nest.flatten(output):
            if hasattr(leaf, "numpy"):
                leaf.numpy()

    def versions(self) -> dict[str, str]:
        import keras
        import tensorflow as tf

        return {"tensorflow": tf.__version__, "keras": keras.__version__}

    def devices(self) -> list[str]:
        import tensorflow as tf

        return [d.name for d in tf.config.list_physical_devices("GPU")]

    def reset_peak_memory(self) -> None:
        import tensorflow as tf

        if tf.config.list_logical_devices("GPU"):
            tf.config.experimental.reset_memory_stats("GPU:0")

    def peak_memory_mb(self) -> float | None:
        import tensorflow as tf

        if not tf.config.list_logical_devices("GPU"):
            return None
        return tf.config.experimental.get_memory_info("GPU:0")["peak"] / 2**20


class JaxAdapter:
    resolve_device = _resolve_device
    name = "jax"

    def configure(self, *, mode: str, device: str, threads: int) -> None:
        _set_thread_env(threads)
        if "xla_cpu_multi_thread_eigen" not in os.environ.get("XLA_FLAGS", ""):
            eigen = "false" if threads == 1 else "true"
            os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "")
                                       + f" --xla_cpu_multi_thread_eigen={eigen} intra_op_parallelism_threads={threads}"
                                       ).strip()
        if device == "cpu":
            os.environ["JAX_PLATFORMS"] = "cpu"
        import jax

        jax.config.update("jax_default_matmul_precision", "highest")
        jax.config.update("jax_disable_jit", mode == "eager")

    def sync(self, output: Any) -> None:
        import jax

        jax.block_until_ready(output)

    def versions(self) -> dict[str, str]:
        import importlib.metadata as md

        found = {}
        for package in ("jax", "jaxlib", "flax", "optax"):
            try:
                found[package] = md.version(package)
            except md.PackageNotFoundError:
                continue
        return found

    def devices(self) -> list[str]:
        import jax

        return [str(d) for d in jax.devices() if d.platform != "cpu"]

    def reset_peak_memory(self) -> None:
        pass  # XLA's allocator reports a lifetime peak only: a worker that served several jobs reports the largest

    def peak_memory_mb(self) -> float | None:
        import jax

        device = jax.devices()[0]
        stats = device.memory_stats() if device.platform != "cpu" else None
        return stats["peak_bytes_in_use"] / 2**20 if stats else None


ADAPTERS: dict[str, type[Adapter]] = {"torch": TorchAdapter, "tensorflow": TensorFlowAdapter, "jax": JaxAdapter}
