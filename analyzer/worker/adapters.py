"""Per-framework adapters, used only inside worker processes: configure, synchronise, describe.

Each adapter imports its framework lazily, inside its methods, so that importing this module imports none.
The compiled path is written into the implementations the way each framework's documentation recommends
(torch.compile, tf.function(jit_compile=True) or Keras' jit_compile, jax.jit / nnx.jit); eager mode turns off
that compilation and nothing else, so one file serves both modes: torch._dynamo.config.disable,
tf.config.run_functions_eagerly, and for JAX the user's jax.jit / nnx.jit standing in as the identity (see
_set_user_jit for why not jax_disable_jit).
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

    def to_numpy(self, value: Any) -> Any:
        """A value result() returned (a framework tensor, variable, or anything array-like) as a NumPy array."""

    #: Task layout -> this framework's own layout for inputs that declare one (task.toml `layouts`).
    layouts: dict[str, str]


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
    #: PyTorch's convolutions and its data pipelines (torchvision) take images channels-first.
    layouts = {"NHWC": "NCHW"}

    def to_numpy(self, value: Any) -> Any:
        import numpy as np
        import torch

        # detach (autograd), cpu (device), numpy: the conversion every PyTorch user writes, done here once.
        return value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)

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
    layouts: dict[str, str] = {}  # Keras is channels-last by default

    def to_numpy(self, value: Any) -> Any:
        import numpy as np

        return value.numpy() if hasattr(value, "numpy") else np.asarray(value)  # tensors and variables alike

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
    layouts: dict[str, str] = {}  # Flax's convolutions are channels-last

    def to_numpy(self, value: Any) -> Any:
        import jax
        import numpy as np

        return np.asarray(jax.device_get(value))

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
        _set_user_jit(compiled=mode != "eager")

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


#: jax.jit and flax.nnx.jit as JAX and Flax define them, kept while eager mode stands in for them.
_JITS: dict[tuple[Any, str], Any] = {}


def _no_jit(fun: Any = None, /, **options: Any) -> Any:
    """jax.jit's and nnx.jit's signature, compiling nothing: the function itself, or a decorator that returns it."""
    return fun if callable(fun) else (lambda f: f)


def _set_user_jit(*, compiled: bool) -> None:
    """Eager mode for JAX: the jax.jit / nnx.jit an implementation applies compiles nothing, while JAX's own code
    runs as shipped (jnp functions and lax.scan keep their internal jit, as they do for a user who never calls jit).

    JAX's global switch, jax_disable_jit, is a debugging tool that also un-jits JAX's library code and runs every
    primitive from Python: on seven catalog tasks (2-core CPU) its first calls took 1.6x as long in all, and six of
    the seven ran 1.4-3x slower in the steady state, than op-by-op JAX without jit. torch._dynamo.config.disable
    and tf.config.run_functions_eagerly turn off only the compilation that user code (or Keras' fit, on the user's
    behalf) asked for; this makes JAX's eager mode the same.
    Implementation files are imported per job, after this is set, so their decorators see the mode's jit."""
    import jax

    targets: list[tuple[Any, str]] = [(jax, "jit")]
    try:
        # Imported here, with JAX, in either mode: Flax is JAX's model library as Keras is TensorFlow's (which
        # `import tensorflow` loads) and torch.nn is PyTorch's, so each framework's cold start includes it.
        from flax import nnx

        targets.append((nnx, "jit"))
    except ImportError:  # JAX without Flax: only jax.jit to stand in for
        pass
    for module, name in targets:
        original = _JITS.setdefault((module, name), getattr(module, name))
        setattr(module, name, original if compiled else _no_jit)


ADAPTERS: dict[str, type[Adapter]] = {"torch": TorchAdapter, "tensorflow": TensorFlowAdapter, "jax": JaxAdapter}
