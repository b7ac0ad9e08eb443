"""Ceremony: framework boilerplate that a task needs beyond its own logic, counted by idiom family.

A family is one act that a framework may make its user spell out (take a gradient, seed, place on a device...).
For each family, each framework's idioms are data: the API patterns that make them (fnmatch, against the resolved
names of analyzer.static.api) and the keyword arguments that make them on any framework call (`training=` on a
Keras model call is the train/eval switch that torch spells `.train()`). A framework with no way of its own to do
the act says why, instead of listing nothing silently. A pattern "*.zero_grad" also matches an unresolved call
spelled "<anything>.zero_grad", so boilerplate on values the resolver could not type is still counted.

Counting, per file: each framework call, decorator, or reference to a function (not to a class: `wrt=nnx.Param`
names a type, it creates nothing) counts once in the first family whose patterns match its name, and once more in
each other family one of its keywords belongs to (`nnx.Dropout(0.1, rngs=r, deterministic=True)` is two acts).
Occurrences are those counts; distinct idioms are the different names matched (an unresolved call as "?.method",
a keyword as "name="), so a file that repeats one idiom ten times has ten occurrences and one distinct idiom.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import translate
from functools import lru_cache
from typing import Iterable

from analyzer.static.api import ApiUse, Unresolved, is_class_name


@dataclass(frozen=True)
class Idioms:
    """One framework's idioms for one family."""

    names: tuple[str, ...] = ()  #: fnmatch patterns against resolved API names
    keywords: tuple[str, ...] = ()  #: keyword arguments that make the idiom, on any framework call
    none: str = ""  #: why the framework has no equivalent (only when names and keywords are empty)


def no_equivalent(reason: str) -> Idioms:
    return Idioms(none=reason)


#: family -> framework -> idioms, in the order families are tried (the first whose names match a call takes it).
FAMILIES: dict[str, dict[str, Idioms]] = {
    "gradient computation": {
        "torch": Idioms(("*.backward", "torch.autograd.grad", "torch.autograd.functional.*", "torch.func.grad",
                         "torch.func.grad_and_value", "torch.func.vjp", "torch.func.jvp", "torch.func.jacrev",
                         "torch.func.jacfwd", "torch.func.hessian")),
        "tensorflow": Idioms(("tensorflow.GradientTape", "*.gradient", "*.jacobian", "*.batch_jacobian",
                              "tensorflow.gradients", "tensorflow.autodiff.ForwardAccumulator")),
        "jax": Idioms(("jax.grad", "jax.value_and_grad", "jax.vjp", "jax.jvp", "jax.jacrev", "jax.jacfwd",
                       "jax.hessian", "flax.nnx.grad", "flax.nnx.value_and_grad")),
    },
    "gradient tracking": {
        "torch": Idioms(("torch.no_grad", "torch.enable_grad", "torch.inference_mode", "torch.set_grad_enabled",
                         "*.detach", "*.detach_", "*.requires_grad_", "*.retain_grad"), ("requires_grad",)),
        "tensorflow": Idioms(("*.watch", "*.stop_recording", "tensorflow.stop_gradient"),
                             ("watch_accessed_variables", "trainable")),
        "jax": Idioms(("jax.lax.stop_gradient",)),
    },
    "optimiser step and zeroing": {
        "torch": Idioms(("*.zero_grad", "torch.optim.*.step")),
        "tensorflow": Idioms(("*.apply_gradients", "keras.optimizers.*.apply")),
        "jax": Idioms(("optax.GradientTransformation.init", "optax.GradientTransformation.update",
                       "optax.apply_updates", "flax.nnx.Optimizer.update")),
    },
    "train/eval mode": {
        "torch": Idioms(("*.train", "*.eval"), ("training",)),
        "tensorflow": Idioms((), ("training",)),
        "jax": Idioms(("*.train", "*.eval"), ("training", "train", "deterministic", "use_running_average")),
    },
    "device placement": {
        "torch": Idioms(("torch.device", "*.to", "*.cuda", "*.cpu", "torch.cuda.is_available",
                         "torch.cuda.set_device"), ("device",)),
        "tensorflow": Idioms(("tensorflow.device", "tensorflow.config.set_visible_devices"), ("device",)),
        "jax": Idioms(("jax.device_put", "jax.devices", "jax.local_devices", "jax.default_device"), ("device",)),
    },
    "host conversion": {
        "torch": Idioms(("*.numpy", "*.item", "*.tolist", "torch.from_numpy", "torch.as_tensor", "torch.tensor")),
        "tensorflow": Idioms(("*.numpy", "tensorflow.convert_to_tensor", "tensorflow.constant",
                              "tensorflow.make_ndarray", "keras.ops.convert_to_numpy", "keras.ops.convert_to_tensor")),
        "jax": Idioms(("jax.device_get", "jax.numpy.asarray", "jax.numpy.array", "*.item", "*.tolist")),
    },
    "synchronisation": {
        "torch": Idioms(("torch.cuda.synchronize", "torch.cpu.synchronize")),
        "tensorflow": Idioms(("tensorflow.test.experimental.sync_devices",)),
        "jax": Idioms(("*.block_until_ready", "jax.block_until_ready", "jax.effects_barrier")),
    },
    "compilation": {
        "torch": Idioms(("torch.compile", "torch.nn.*.compile", "torch.jit.script", "torch.jit.trace")),
        "tensorflow": Idioms(("tensorflow.function", "keras.*.compile"), ("jit_compile",)),
        "jax": Idioms(("jax.jit", "jax.pmap", "flax.nnx.jit", "flax.nnx.pmap")),
    },
    "seeding": {
        "torch": Idioms(("torch.manual_seed", "torch.random.manual_seed", "torch.cuda.manual_seed",
                         "torch.cuda.manual_seed_all", "*.manual_seed"), ("seed",)),
        "tensorflow": Idioms(("tensorflow.random.set_seed", "keras.utils.set_random_seed",
                              "tensorflow.random.Generator.from_seed", "keras.random.SeedGenerator"), ("seed",)),
        "jax": Idioms(("jax.random.key", "jax.random.PRNGKey", "flax.nnx.Rngs"), ("seed",)),
    },
    "random state passing": {
        "torch": Idioms((), ("generator",)),
        "tensorflow": Idioms(("tensorflow.random.Generator.split", "tensorflow.random.experimental.stateless_split",
                              "tensorflow.random.experimental.stateless_fold_in")),
        "jax": Idioms(("jax.random.split", "jax.random.fold_in", "flax.nnx.Rngs.*", "flax.nnx.reseed"),
                      ("rngs",)),
    },
    "checkpointing": {
        "torch": Idioms(("torch.save", "torch.load", "*.state_dict", "*.load_state_dict")),
        "tensorflow": Idioms(("tensorflow.train.Checkpoint", "tensorflow.train.Checkpoint.*",
                              "tensorflow.train.CheckpointManager", "tensorflow.train.CheckpointManager.*",
                              "keras.*.save", "keras.*.save_weights", "keras.*.load_weights",
                              "keras.models.load_model", "keras.saving.*")),
        "jax": Idioms(("orbax.*", "flax.serialization.*")),
    },
    "weight creation": {
        "torch": Idioms(("torch.nn.Parameter", "torch.nn.parameter.Parameter", "torch.nn.*.register_parameter")),
        "tensorflow": Idioms(("*.add_weight", "*.build", "tensorflow.Variable", "keras.Variable")),
        "jax": Idioms(("flax.nnx.Param", "flax.nnx.Variable", "flax.nnx.BatchStat")),
    },
    "state handling": {
        "torch": Idioms(("*.copy_", "torch.func.functional_call", "torch.nn.utils.stateless.functional_call")),
        "tensorflow": Idioms(("*.assign", "*.assign_add", "*.assign_sub", "*.read_value", "*.set_weights",
                              "*.get_weights")),
        "jax": Idioms(("flax.nnx.split", "flax.nnx.merge", "flax.nnx.state", "flax.nnx.update",
                       "flax.nnx.graphdef")),
    },
}

#: What each family is, and what its idioms leave out, for the table of idioms (`idiom_table`, in the README).
FAMILY_NOTES: dict[str, str] = {
    "gradient computation": "asking for a gradient (a tape and its gradient call are two idioms: TF spells both)",
    "gradient tracking": "turning gradient recording on or off for some values",
    "optimiser step and zeroing": "applying an update and clearing gradients; Keras fit() and "
                                  "torch/nnx optimiser construction are the task's choice, not counted",
    "train/eval mode": "switching dropout and normalisation between training and inference",
    "device placement": "choosing or moving to a device",
    "host conversion": "turning NumPy/Python values into framework arrays and back",
    "synchronisation": "waiting for asynchronous device work",
    "compilation": "asking for graph or JIT compilation",
    "seeding": "fixing randomness from an integer (one idiom per act: Generator().manual_seed(0) counts once)",
    "random state passing": "handing explicit random state to the calls that draw from it",
    "checkpointing": "saving and restoring weights or optimiser state",
    "weight creation": "declaring a trainable weight by hand",
    "state handling": "reading, writing or splitting model state outside the framework's own update",
}


#: Prefixes shortened in the table of idioms, as users import them.
SHORT_NAMES: tuple[tuple[str, str], ...] = (("tensorflow.", "tf."), ("flax.nnx.", "nnx."), ("jax.numpy.", "jnp."))


def idiom_table(frameworks: Iterable[str] = ("torch", "tensorflow", "jax")) -> str:
    """The family x framework table of idioms as Markdown (the README's copy is checked against it)."""
    frameworks = tuple(frameworks)

    def short(name: str) -> str:
        for long, abbreviation in SHORT_NAMES:
            if name.startswith(long):
                return abbreviation + name[len(long):]
        return name

    def cell(idioms: Idioms | None) -> str:
        if idioms is None or idioms.none:
            return f"no equivalent: {idioms.none}" if idioms else "no equivalent"
        return ", ".join([f"`{short(n)}`" for n in idioms.names] + [f"`{k}=`" for k in idioms.keywords])

    rows = ["| family | what it is | " + " | ".join(frameworks) + " |", "|---|---|" + "---|" * len(frameworks)]
    rows += [f"| {family} | {FAMILY_NOTES[family]} | " + " | ".join(cell(by.get(fw)) for fw in frameworks) + " |"
             for family, by in FAMILIES.items()]
    return "\n".join(rows)


def framework_table(framework: str) -> dict[str, Idioms]:
    """The framework's idioms by family ({} for a framework the study does not know)."""
    return {family: by_framework[framework] for family, by_framework in FAMILIES.items() if framework in by_framework}


@dataclass(frozen=True)
class Ceremony:
    """One body of code's ceremony."""

    counts: dict[str, int]  #: family -> occurrences (every family of the framework, zero included)
    idioms: dict[str, tuple[str, ...]]  #: family -> the distinct idioms matched, sorted


def count_ceremony(framework: str, uses: Iterable[ApiUse], unresolved: Iterable[Unresolved]) -> Ceremony:
    """Occurrences and distinct idioms of each of the framework's families."""
    families = [family for family, _, _ in _compiled(framework)]
    counts = dict.fromkeys(families, 0)
    seen: dict[str, set[str]] = {family: set() for family in families}
    acts = [(use.name, use.keyword_names) for use in uses if _is_act(use)]
    acts += [(_spelled(u.text), u.keyword_names) for u in unresolved]
    for name, keywords in acts:
        for family, idiom in _matches(framework, name, keywords):
            counts[family] += 1
            seen[family].add(idiom)
    return Ceremony(counts, {family: tuple(sorted(found)) for family, found in seen.items()})


def _is_act(use: ApiUse) -> bool:
    """Calls and decorators do something; a reference does only when it hands over a function (partial(jax.jit))."""
    return use.kind != "reference" or not is_class_name(use.name)


@lru_cache(maxsize=None)
def _compiled(framework: str) -> tuple[tuple[str, re.Pattern[str] | None, frozenset[str]], ...]:
    """The framework's families, each with one regular expression for all its name patterns, and its keywords."""
    return tuple((family, re.compile("|".join(map(translate, idioms.names))) if idioms.names else None,
                  frozenset(idioms.keywords)) for family, idioms in framework_table(framework).items())


@lru_cache(maxsize=8192)
def _matches(framework: str, name: str, keywords: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(family, idiom) for each family this call counts in: the first by name, then any by keyword. Cached: a
    corpus repeats the same few hundred names."""
    found: list[tuple[str, str]] = []
    by_name = next((family for family, pattern, _ in _compiled(framework) if pattern and pattern.match(name)), None)
    if by_name is not None:
        found.append((by_name, name))
    for family, _, accepted in _compiled(framework):
        keyword = next((k for k in keywords if k in accepted), None)
        if keyword is not None and family != by_name:
            found.append((family, f"{keyword}="))
    return tuple(found)


def _spelled(text: str) -> str:
    """An unresolved callee as a name the patterns can match: 'batch.to' -> '?.to'; a bare name stays itself, so
    an unknown function `train()` is not taken for the method `.train()`."""
    return f"?.{text.rsplit('.', 1)[-1]}" if "." in text else text
