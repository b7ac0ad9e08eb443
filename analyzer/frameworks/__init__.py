"""The frameworks the study knows, as plain data: names, file-name aliases and the modules that make up each.

Nothing here imports a framework. The per-framework adapters that do (device, sync, seeding) live in the
sibling modules and are imported only inside worker processes.
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
