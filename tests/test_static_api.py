"""API surface resolution: every alias form, every method-resolution case, references, unresolved calls."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from analyzer.static import analyze_source
from analyzer.static.api import analyze_api, normalize


def calls(code: str) -> list[str]:
    """The framework call names (calls and decorators) in source order."""
    surface = analyze_api(cst.parse_module(textwrap.dedent(code)))
    return [use.name for use in surface.uses if use.kind != "reference"]


def unresolved(code: str) -> list[str]:
    return [u.text for u in analyze_api(cst.parse_module(textwrap.dedent(code))).unresolved]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import torch\ntorch.zeros(3)", ["torch.zeros"]),
        ("import torch.nn as nn\nnn.Linear(2, 3)", ["torch.nn.Linear"]),
        ("import torch.nn\ntorch.nn.ReLU()", ["torch.nn.ReLU"]),
        ("from torch import nn\nnn.Conv2d(1, 1, 3)", ["torch.nn.Conv2d"]),
        ("from torch.nn import Linear as Lin\nLin(1, 1)", ["torch.nn.Linear"]),
        ("import torch.nn.functional as F\nF.relu(x)", ["torch.nn.functional.relu"]),
        ("import tensorflow as tf\ntf.reduce_sum(x)", ["tensorflow.reduce_sum"]),
        # tf.keras.X and keras.X are one API
        ("import tensorflow as tf\ntf.keras.layers.Dense(3)", ["keras.layers.Dense"]),
        ("from tensorflow import keras\nkeras.layers.Dense(3)", ["keras.layers.Dense"]),
        ("import keras\nkeras.layers.Dense(3)", ["keras.layers.Dense"]),
        ("import tensorflow.keras.layers as L\nL.Dense(3)", ["keras.layers.Dense"]),
        ("from tensorflow.keras import layers\nlayers.Dense(3)", ["keras.layers.Dense"]),
        ("import jax.numpy as jnp\njnp.ones(3)", ["jax.numpy.ones"]),
        ("from flax import nnx\nnnx.Rngs(0)", ["flax.nnx.Rngs"]),
        ("import optax\noptax.adam(1e-3)", ["optax.adam"]),
        # not a framework: resolved, and not counted
        ("import numpy as np\nnp.zeros(3)", []),
        ("from . import helpers\nhelpers.build()", []),
        ("print(len([1]))", []),
    ],
)
def test_import_aliases(code: str, expected: list[str]) -> None:
    assert calls(code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import tensorflow as tf\n@tf.function\ndef f(x):\n    return x", ["tensorflow.function"]),
        ("import tensorflow as tf\n@tf.function(jit_compile=True)\ndef f(x):\n    return x", ["tensorflow.function"]),
        ("import jax\n@jax.jit\ndef f(x):\n    return x", ["jax.jit"]),
        ("from flax import nnx\n@nnx.jit\ndef f(m):\n    return m", ["flax.nnx.jit"]),
        ("import torch\n@torch.no_grad()\ndef f(x):\n    return x", ["torch.no_grad"]),
    ],
)
def test_decorators_count(code: str, expected: list[str]) -> None:
    assert calls(code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # the call that produced the variable
        ("import torch\nopt = torch.optim.SGD(p, lr=0.1)\nopt.zero_grad()\nopt.step()",
         ["torch.optim.SGD", "torch.optim.SGD.zero_grad", "torch.optim.SGD.step"]),
        # a `with ... as` target
        ("import tensorflow as tf\nwith tf.GradientTape() as tape:\n    y = f(x)\ng = tape.gradient(y, x)",
         ["tensorflow.GradientTape", "tensorflow.GradientTape.gradient"]),
        # chained calls
        ("import torch\ntorch.zeros(3).to('cpu')", ["torch.Tensor.to", "torch.zeros"]),  # outer call first
        ("import tensorflow as tf\nds = tf.data.Dataset.from_tensor_slices(x).shuffle(8).batch(4)",
         ["tensorflow.data.Dataset.batch", "tensorflow.data.Dataset.shuffle",
          "tensorflow.data.Dataset.from_tensor_slices"]),
        # a user class that subclasses a framework class
        (
            """
            import torch.nn as nn
            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(2, 2)
                def forward(self, x):
                    return self.fc(x)
            model = Net().to("cpu")
            model.train()
            out = model(x)
            """,
            ["torch.nn.Module.__init__", "torch.nn.Linear", "torch.nn.Linear.__call__", "torch.nn.Module.to",
             "torch.nn.Module.train", "torch.nn.Module.__call__"],
        ),
        # a user method is the user's, not the framework's
        ("import keras\nclass M(keras.Model):\n    def fit(self):\n        pass\nM().fit()", []),
        # an instance of a framework class stays itself through .to()
        ("import torch\nlayer = torch.nn.Linear(1, 1).to('cpu')\nlayer.eval()",
         ["torch.nn.Linear.to", "torch.nn.Linear", "torch.nn.Linear.eval"]),
        # iterating a DataLoader gives tensors
        ("from torch.utils.data import DataLoader\nfor xb, yb in DataLoader(d):\n    xb.to('cpu')",
         ["torch.utils.data.DataLoader", "torch.Tensor.to"]),
        # jit-wrapped user functions are the user's
        ("import jax\ndef f(x):\n    return x\ng = jax.jit(f)\ng(1)", ["jax.jit"]),
        ("import jax\njax.grad(loss)(params)", ["jax.grad"]),
        # a helper's return value, even when the helper is defined after its caller
        ("import torch\ndef run():\n    m = build()\n    m.eval()\ndef build():\n    return torch.nn.Linear(1, 1)",
         ["torch.nn.Linear.eval", "torch.nn.Linear"]),
        # an annotated parameter
        ("import torch\ndef f(m: torch.nn.Module):\n    m.eval()", ["torch.nn.Module.eval"]),
        # what a caller passes
        ("import torch\ndef f(t):\n    return t.sum()\nf(torch.ones(2))", ["torch.Tensor.sum", "torch.ones"]),
        # values stored under a dict key
        ("import torch\ndef setup():\n    return {'model': torch.nn.Linear(1, 1)}\ndef run(state):\n"
         "    return state['model'](1)", ["torch.nn.Linear", "torch.nn.Linear.__call__"]),
        # host conversion ends the framework's reach
        ("import torch\nv = torch.ones(1).item()\nv.conjugate()", ["torch.Tensor.item", "torch.ones"]),
    ],
)
def test_method_resolution(code: str, expected: list[str]) -> None:
    assert calls(code) == expected


def test_unresolved_calls_are_kept() -> None:
    code = "import torch\ndef f(batch):\n    return batch.to('cpu')\nloss = f(unknown)\nloss.backward()\n"
    assert unresolved(code) == ["batch.to", "loss.backward"]


def test_references_count_in_distinct_apis_not_in_calls() -> None:
    code = "import jax\nimport jax.numpy as jnp\nzeros = jax.tree_util.tree_map(jnp.zeros_like, params)\n"
    surface = analyze_api(cst.parse_module(code))
    assert [(u.name, u.kind) for u in surface.uses] == [
        ("jax.tree_util.tree_map", "call"), ("jax.numpy.zeros_like", "reference")]
    metrics = analyze_source(code, framework="jax")
    assert (metrics.api_calls, metrics.api_distinct) == (1, 2)


def test_keywords_and_string_arguments() -> None:
    code = 'import keras\nkeras.layers.Dense(4, activation="relu", use_bias=False)\nkeras.layers.Dropout(0.1)\n'
    metrics = analyze_source(code, framework="tensorflow")
    assert (metrics.api_calls, metrics.api_keywords, metrics.api_string_args) == (2, 2, 1)


def test_type_hints_are_not_uses() -> None:
    assert calls("import torch\ndef f(x: torch.Tensor) -> torch.Tensor:\n    return x\n") == []


def test_imports_are_listed() -> None:
    surface = analyze_api(cst.parse_module("import torch\nimport torch.nn as nn\nfrom jax import numpy\nimport torch\n"))
    assert surface.imports == ("torch", "torch.nn", "jax")


@pytest.mark.parametrize(("name", "expected"), [
    ("tensorflow.keras", "keras"), ("tensorflow.keras.layers.Dense", "keras.layers.Dense"),
    ("tf_keras.Model", "keras.Model"), ("tensorflow.math.add", "tensorflow.math.add"),
])
def test_normalize(name: str, expected: str) -> None:
    assert normalize(name) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # an optax loss returns an array: its .mean() is jax.Array.mean, not a method of an optimiser
        ("import optax\nl = optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()",
         ["jax.Array.mean", "optax.softmax_cross_entropy_with_integer_labels"]),
        ("import optax\nl = optax.losses.l2_loss(x).sum()", ["jax.Array.sum", "optax.losses.l2_loss"]),
        # the rest of optax still builds optimisers; a schedule is a function of the step
        ("import optax\ntx = optax.sgd(0.1)\ns = tx.init(p)", ["optax.sgd", "optax.GradientTransformation.init"]),
        ("import optax\nlr = optax.cosine_decay_schedule(0.1, 10)\nlr(3)",
         ["optax.cosine_decay_schedule", "optax.Schedule.__call__"]),
        # torch.jit.script returns a ScriptModule, whose save is not torch.Tensor.save
        ("import torch\ntorch.jit.script(m).save('m.pt')", ["torch.jit.ScriptModule.save", "torch.jit.script"]),
        ("import torch\nep = torch.export.export(m, (x,))\nep.module()",
         ["torch.export.export", "torch.export.ExportedProgram.module"]),
        # compile() on a torch module is torch.nn.Module.compile (the compilation family counts it)
        ("import torch\nclass Net(torch.nn.Module):\n    pass\nNet().compile()", ["torch.nn.Module.compile"]),
        ("import torch\nm = torch.nn.Sequential(torch.nn.ReLU()).to('cpu')\nm.compile()",
         ["torch.nn.Sequential.to", "torch.nn.Sequential", "torch.nn.ReLU", "torch.nn.Sequential.compile"]),
        # load_model gives a model back, not a tensor
        ("import keras\nm = keras.models.load_model('m.keras')\nm.predict(x)",
         ["keras.models.load_model", "keras.Model.predict"]),
        # what a constructor call passes types the class's __init__ parameters
        ("from flax import nnx\nclass B(nnx.Module):\n    def __init__(self, *, rngs):\n        self.k = rngs.params()\n"
         "B(rngs=nnx.Rngs(0))", ["flax.nnx.Rngs.params", "flax.nnx.Rngs"]),
    ],
)
def test_resolver_slips(code: str, expected: list[str]) -> None:
    assert calls(code) == expected


def test_keyword_names_are_recorded() -> None:
    code = "import keras\nkeras.layers.Dense(4, activation='relu', use_bias=False)\nm(x, training=True)\n"
    surface = analyze_api(cst.parse_module(code))
    assert [(u.name, u.keyword_names, u.keywords) for u in surface.uses] == [
        ("keras.layers.Dense", ("activation", "use_bias"), 2)]
    assert [(u.text, u.keyword_names) for u in surface.unresolved] == [("m", ("training",))]
