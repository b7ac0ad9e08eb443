"""The frameworks the study knows, as plain data: names, file-name aliases, the modules that make up each, and the
ways each ships a model (its deployment paths).

Nothing here imports a framework. The per-framework adapters that do (device, sync, seeding) and the loaders that
reload a deployed artifact live in the sibling modules and are imported only inside worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Framework:
    """One deep-learning framework under study."""

    #: Canonical name, used in results and file names ("torch", "tensorflow", "jax").
    name: str
    #: Human-readable label for reports.
    label: str
    #: Other names accepted on the command line and as implementation file names.
    aliases: tuple[str, ...]
    #: Top-level modules whose calls count as this framework's API.
    modules: tuple[str, ...]
    #: The module a worker imports to check that the framework is installed.
    probe_module: str
    #: The optional extra that installs it: `pip install usability-score[<extra>]`.
    extra: str


FRAMEWORKS: dict[str, Framework] = {
    fw.name: fw
    for fw in (
        Framework("torch", "PyTorch", ("pytorch", "pt"), ("torch", "torchvision", "functorch"), "torch", "torch"),
        Framework(
            "tensorflow",
            "TensorFlow/Keras",
            ("tf", "keras"),
            ("tensorflow", "keras", "tf_keras", "ai_edge_litert"),
            "tensorflow",
            "tensorflow",
        ),
        Framework("jax", "JAX", ("flax", "jnp"), ("jax", "jaxlib", "flax", "optax", "orbax"), "jax", "jax"),
    )
}

_BY_ALIAS: dict[str, str] = {
    alias: fw.name for fw in FRAMEWORKS.values() for alias in (fw.name, *fw.aliases)
}


class UnknownFrameworkError(ValueError):
    """A framework name that is neither a canonical name nor an alias."""


def canonical_framework(name: str) -> str:
    """Return the canonical framework name for `name` or one of its aliases (case-insensitive)."""
    try:
        return _BY_ALIAS[name.strip().lower()]
    except KeyError:
        known = ", ".join(sorted(_BY_ALIAS))
        raise UnknownFrameworkError(f"unknown framework {name!r}; expected one of: {known}") from None


def framework_of_module(qualified_name: str) -> str | None:
    """The framework a fully qualified name belongs to ("torch.nn.Linear" -> "torch"), or None."""
    root = qualified_name.split(".", 1)[0]
    for fw in FRAMEWORKS.values():
        if root in fw.modules:
            return fw.name
    return None


@dataclass(frozen=True)
class DeployPath:
    """One way a user ships a model today: written by an implementation's `export`, reloaded by a loader."""

    #: Name passed to `export(state, directory, path)` and used in results ("torch_export", "onnx", ...).
    name: str
    #: The framework whose implementation exports it.
    framework: str
    #: Human-readable label for reports.
    label: str
    #: The function of analyzer.worker.loaders that reloads the artifact (in a process that never imported
    #: the implementation).
    loader: str
    #: What the loader runs the artifact with: a framework name, or a runtime that needs none ("onnxruntime",
    #: "litert").
    runtime: str
    #: Modules the export needs beyond the framework (converters); checked, never imported, before it runs.
    export_requires: tuple[str, ...] = ()
    #: Modules the reload needs; checked the same way.
    reload_requires: tuple[str, ...] = ()
    #: The optional extra that installs what the path needs: `pip install usability-score[<extra>]`.
    extra: str = ""
    #: A deprecated path, measured for the record and left out of the score.
    legacy: bool = False


#: Every deployment path, in the order reports list them.
DEPLOY_PATHS: tuple[DeployPath, ...] = (
    DeployPath("torch_export", "torch", "torch.export (.pt2)", "torch_export", "torch"),
    DeployPath("onnx", "torch", "ONNX (dynamo exporter)", "onnx", "onnxruntime",
               export_requires=("onnx", "onnxscript"), reload_requires=("onnxruntime",), extra="deploy"),
    DeployPath("torchscript", "torch", "TorchScript (deprecated)", "torchscript", "torch", legacy=True),
    DeployPath("saved_model", "tensorflow", "SavedModel", "saved_model", "tensorflow"),
    # The loader prefers ai-edge-litert's interpreter and falls back to tf.lite's (deprecated) when it is missing.
    DeployPath("litert", "tensorflow", "LiteRT (.tflite)", "litert", "litert", extra="deploy"),
    DeployPath("jax_export", "jax", "jax.export (StableHLO)", "jax_export", "jax"),
    DeployPath("jax2tf", "jax", "jax2tf SavedModel", "saved_model", "tensorflow",
               export_requires=("tensorflow",), reload_requires=("tensorflow",), extra="tensorflow"),
)


def deploy_paths(framework: str | None = None) -> tuple[DeployPath, ...]:
    """The deployment paths of one framework (all of them when None), in report order."""
    return tuple(p for p in DEPLOY_PATHS if framework is None or p.framework == framework)


def deploy_path(name: str) -> DeployPath:
    """The deployment path called `name`; KeyError naming the known ones otherwise."""
    for path in DEPLOY_PATHS:
        if path.name == name:
            return path
    raise KeyError(f"unknown deployment path {name!r}; expected one of {', '.join(p.name for p in DEPLOY_PATHS)}")


def framework_installed(name: str) -> bool:
    """True when the framework's module can be found (checked without importing it)."""
    import importlib.util

    return importlib.util.find_spec(FRAMEWORKS[name].probe_module) is not None

