"""Scored static figures leave out the harness's plumbing (load_weights, result, export, the export constants and
what only they use), keep its figures beside them, and do not change when only the plumbing does."""

from __future__ import annotations

import ast
import dataclasses
import json
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from analyzer.model import CodeFigures, FileMetrics, StaticReport
from analyzer.static import analyze_source
from analyzer.static.api import analyze_api
from analyzer.static.plumbing import split_plumbing
from tests.conftest import ROOT

FIGURES = [f.name for f in dataclasses.fields(CodeFigures)]


def figures(metrics: FileMetrics | CodeFigures) -> dict[str, object]:
    return {name: getattr(metrics, name) for name in FIGURES}


def implementation(template: str, **bodies: str) -> str:
    """The template with each {name} replaced by a function body (indented by four spaces)."""
    return textwrap.dedent(template).format(**{name: textwrap.indent(textwrap.dedent(body).strip(), "    ")
                                               for name, body in bodies.items()})


TORCH = '''
    """MLP regression step."""
    import torch
    from torch import nn


    class MLP(nn.Module):
        def __init__(self, d_in, d_out):
            super().__init__()
            self.fc = nn.Linear(d_in, d_out)

        def forward(self, x):
            return torch.tanh(self.fc(x))


    def setup(inputs, device):
        model = MLP(*inputs["w"].shape).to(device)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        return {{"model": model, "optimizer": optimizer, "x": torch.from_numpy(inputs["x"]).to(device)}}


    def load_weights(state, inputs):
    {load_weights}


    def run(state):
        model, optimizer = state["model"], state["optimizer"]
        optimizer.zero_grad()
        loss = model(state["x"]).square().mean()
        loss.backward()
        optimizer.step()
        return loss


    def result(state, loss):
    {result}
'''
TORCH_PLUMBING = [
    dict(load_weights='''
         state["model"].load_state_dict({"fc.weight": torch.from_numpy(inputs["w"].T),
                                         "fc.bias": torch.from_numpy(inputs["b"])})
         ''',
         result='return {"loss": loss, "w": state["model"].fc.weight.T, "b": state["model"].fc.bias}'),
    dict(load_weights='''
         with torch.no_grad():
             for name, value in (("weight", inputs["w"].T), ("bias", inputs["b"])):
                 getattr(state["model"].fc, name).copy_(torch.from_numpy(value))
         ''',
         result='''
         model = state["model"]
         if loss.is_cuda:
             loss = loss.cpu()
         return {"loss": loss.detach().numpy(), "w": model.fc.weight.detach().cpu().numpy().T,
                 "b": model.fc.bias.detach().cpu().numpy()}
         '''),
]

TENSORFLOW = '''
    import keras
    import tensorflow as tf


    def setup(inputs, device):
        model = keras.Sequential([keras.Input((inputs["w"].shape[0],)),
                                  keras.layers.Dense(inputs["w"].shape[1], activation="tanh")])
        optimizer = keras.optimizers.SGD(learning_rate=0.1)

        @tf.function(jit_compile=True)
        def train_step(x):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(model(x, training=True)))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss

        return {{"model": model, "train_step": train_step, "x": tf.constant(inputs["x"])}}


    def load_weights(state, inputs):
    {load_weights}


    def run(state):
        return state["train_step"](state["x"])


    def result(state, loss):
    {result}
'''
TENSORFLOW_PLUMBING = [
    dict(load_weights='state["model"].set_weights([inputs["w"], inputs["b"]])',
         result='''
         w, b = state["model"].get_weights()
         return {"loss": loss, "w": w, "b": b}
         '''),
    dict(load_weights='''
         layer = state["model"].layers[0]
         layer.kernel.assign(tf.constant(inputs["w"]))
         layer.bias.assign(tf.constant(inputs["b"]))
         ''',
         result='''
         layer = state["model"].layers[0]
         return {"loss": loss.numpy(), "w": layer.kernel.numpy(), "b": layer.bias.numpy()}
         '''),
]

JAX = '''
    import jax.numpy as jnp
    import optax
    from flax import nnx


    class MLP(nnx.Module):
        def __init__(self, d_in, d_out, *, rngs):
            self.linear = nnx.Linear(d_in, d_out, rngs=rngs)

        def __call__(self, x):
            return nnx.tanh(self.linear(x))


    @nnx.jit
    def train_step(model, optimizer, x):
        def loss_fn(model):
            return jnp.mean(model(x) ** 2)

        loss, grads = nnx.value_and_grad(loss_fn)(model)
        optimizer.update(model, grads)
        return loss


    def setup(inputs, device):
        model = MLP(*inputs["w"].shape, rngs=nnx.Rngs(0))
        optimizer = nnx.Optimizer(model, optax.sgd(0.1), wrt=nnx.Param)
        return {{"model": model, "optimizer": optimizer, "x": jnp.asarray(inputs["x"])}}


    def load_weights(state, inputs):
    {load_weights}


    def run(state):
        return train_step(state["model"], state["optimizer"], state["x"])


    def result(state, loss):
    {result}
'''
JAX_PLUMBING = [
    dict(load_weights='''
         state["model"].linear.kernel[...] = inputs["w"]
         state["model"].linear.bias[...] = inputs["b"]
         ''',
         result='return {"loss": loss, "w": state["model"].linear.kernel[...], "b": state["model"].linear.bias[...]}'),
    dict(load_weights='''
         graphdef, params = nnx.split(state["model"])
         params["linear"]["kernel"][...] = jnp.asarray(inputs["w"])
         params["linear"]["bias"][...] = jnp.asarray(inputs["b"])
         nnx.update(state["model"], params)
         ''',
         result='''
         import jax

         linear = state["model"].linear
         return {"loss": jax.device_get(loss), "w": jax.device_get(linear.kernel[...]),
                 "b": jax.device_get(linear.bias[...])}
         '''),
]


@pytest.mark.parametrize(("framework", "template", "variants"), [
    ("torch", TORCH, TORCH_PLUMBING), ("tensorflow", TENSORFLOW, TENSORFLOW_PLUMBING), ("jax", JAX, JAX_PLUMBING),
])
def test_files_that_differ_only_in_their_plumbing_score_alike(framework: str, template: str,
                                                              variants: list[dict[str, str]]) -> None:
    first, second = (analyze_source(implementation(template, **v), framework=framework) for v in variants)
    assert figures(first) == figures(second)
    assert first.plumbing is not None and second.plumbing is not None
    assert first.plumbing.parts == second.plumbing.parts == ("def load_weights", "def result")
    assert figures(first.plumbing.whole) != figures(second.plumbing.whole)  # the plumbing itself does differ
    assert first.api_calls > 5 and first.ceremony_total > 2  # the user's code is measured, not dropped


def test_plumbing_parts_and_figures() -> None:
    code = '''
    import os
    import numpy as np
    import torch

    STEPS = 2
    EXPORT_INPUTS = ("x",)
    EXPORT_OUTPUT = "y"


    def setup(inputs, device):
        return {"w": torch.from_numpy(inputs["w"])}


    def run(state):
        for _ in range(STEPS):
            state["w"] = shared(state["w"])
        return state["w"]


    def shared(w):
        return w * 2


    def _to_host(t):
        return t.detach().cpu().numpy()


    class Wrapper(torch.nn.Module):
        def forward(self, x):
            if x.dim() > 1:
                return _to_host(x)
            return x


    def result(state, out):
        return {"y": _to_host(shared(out))}


    def export(state, directory, path):
        torch.export.save(torch.export.export(Wrapper(), (state["w"],)), os.path.join(directory, "m.pt2"))


    def forgotten():
        return np.zeros(1)
    '''
    metrics = analyze_source(textwrap.dedent(code), framework="torch")
    plumbing = metrics.plumbing
    assert plumbing is not None
    assert plumbing.parts == ("import os", "import np (unused)", "EXPORT_INPUTS =", "EXPORT_OUTPUT =", "def _to_host",
                              "class Wrapper", "def result", "def export", "def forgotten (unused)")
    # kept: import torch, STEPS, setup (2 lines), run (4), shared (2)
    assert (metrics.sloc, metrics.statements, metrics.cyclomatic, metrics.max_nesting) == (10, 10, 2, 1)
    assert metrics.api_names == ("torch.from_numpy",)
    assert plumbing.excluded.sloc == 17 and metrics.sloc + plumbing.excluded.sloc == plumbing.whole.sloc
    for additive in ("statements", "tokens", "cognitive", "api_calls", "api_keywords", "api_unresolved"):
        assert getattr(metrics, additive) + getattr(plumbing.excluded, additive) == getattr(plumbing.whole, additive)
    assert (plumbing.excluded.cyclomatic, plumbing.whole.cyclomatic) == (2, 3)  # the Wrapper's `if`
    assert plumbing.excluded.ceremony["host conversion"] == 1 and metrics.ceremony["host conversion"] == 1
    assert "torch.export.export" in plumbing.excluded.api_names and "torch.export.export" in plumbing.whole.api_names


def test_a_user_function_calling_plumbing_does_not_make_its_helpers_the_users() -> None:
    code = ("import numpy as np\ndef setup(inputs, device):\n    return inputs\ndef run(state):\n"
            "    return result(state, 1)\ndef result(state, out):\n    return {'y': np.asarray(out)}\n")
    assert analyze_source(code, framework="torch").plumbing.parts == ("import np", "def result")


@pytest.mark.parametrize("code", [
    # a user's own file: no contract functions
    "import torch\nSTEPS = 3\ndef train(x):\n    return torch.relu(x)\ndef export(m):\n    return m\n",
    # plumbing names without the user's setup and run: not written to the contract
    "import torch\ndef run(x):\n    return torch.relu(x)\ndef result(state, out):\n    return out.numpy()\n",
    # the user's functions without plumbing
    "import torch\ndef setup(inputs, device):\n    return inputs\ndef run(state):\n    return torch.relu(state)\n",
])
def test_a_file_without_plumbing_is_measured_whole(code: str) -> None:
    metrics = analyze_source(code, framework="torch")
    assert metrics.plumbing is None
    assert metrics.sloc == len([line for line in code.splitlines() if line.strip()])
    assert split_plumbing(ast.parse(code), cst.parse_module(code)).plumbing == frozenset()


def test_facts_learned_in_plumbing_do_not_change_how_the_users_code_resolves() -> None:
    user = ("import torch\ndef setup(inputs, device):\n    return {}\ndef run(state):\n"
            "    return state['net'].eval()\n")
    teaching = user + "def result(state, out):\n    cache = {'net': torch.nn.Linear(1, 1)}\n    return cache\n"
    plain = user + "def result(state, out):\n    return {}\n"
    # unmarked, what result stores under 'net' would type run's state['net']
    assert "torch.nn.Linear.eval" in {use.name for use in analyze_api(cst.parse_module(teaching)).uses}
    taught = analyze_source(teaching, framework="torch")
    assert "torch.nn.Linear.eval" not in taught.api_names
    assert figures(taught) == figures(analyze_source(plain, framework="torch"))


def test_api_uses_are_marked_by_the_statement_they_lie_in() -> None:
    module = cst.parse_module("import torch\ntorch.ones(1)\ndef result(s, o):\n    return o.numpy()\n")
    surface = analyze_api(module, plumbing={2})
    assert [(u.name, u.plumbing) for u in surface.uses] == [("torch.ones", False)]
    assert [(u.text, u.plumbing) for u in surface.unresolved] == [("o.numpy", True)]


def test_semicolon_joined_statements_are_one_unit() -> None:
    code = ("import torch; import numpy as np\ndef setup(inputs, device):\n    return torch.ones(1)\n"
            "def run(state):\n    return state\ndef result(state, out):\n    return np.asarray(out)\n")
    metrics = analyze_source(code, framework="torch")
    assert metrics.plumbing.parts == ("def result",)  # the import line also holds torch, which setup uses
    assert metrics.sloc == 5


CATALOG_SAMPLES = sorted([*(ROOT / "reference_impls" / "cnn_classifier").glob("*.py"),
                          *(ROOT / "reference_impls" / "multihead_attention").glob("*.py")])


@pytest.mark.parametrize("path", CATALOG_SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_scored_figures_are_those_of_the_file_with_its_plumbing_blanked_out(path: Path) -> None:
    """Subtracting the plumbing's figures (one pass) gives what measuring the rest alone gives."""
    source = path.read_text(encoding="utf-8")
    framework = path.stem.split("__")[0]
    metrics = analyze_source(source, framework=framework)
    split = split_plumbing(ast.parse(source), cst.parse_module(source))
    lines = source.splitlines(keepends=True)
    for index in split.plumbing:
        unit = split.units[index]
        lines[unit.first - 1:unit.last] = ["\n"] * (unit.last - unit.first + 1)
    rest = analyze_source("".join(lines), framework=framework)
    assert rest.plumbing is None and metrics.plumbing is not None
    assert figures(metrics) == figures(rest)


def test_plumbing_round_trips_through_json_and_version_3_documents_still_load() -> None:
    metrics = analyze_source(implementation(TORCH, **TORCH_PLUMBING[1]), task="t", framework="torch", path="t.py")
    report = StaticReport(corpus="c", files=(metrics,))
    data = json.loads(report.to_json())
    assert StaticReport.from_dict(data) == report
    assert set(data["files"][0]["plumbing"]) == {"parts", "excluded", "whole"}
    old = json.loads(report.to_json())
    old["schema_version"] = 3
    for record in old["files"]:
        del record["plumbing"], record["ceremony_idioms"]
        record["ceremony"] = {"gradient zeroing": 1, "backward and step": 2}
    (read,) = StaticReport.from_dict(old).files
    assert (read.plumbing, read.ceremony_total, read.ceremony_distinct, read.sloc) == (None, 3, 0, metrics.sloc)
