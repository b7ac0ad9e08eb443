"""Ceremony by idiom family: each family's idioms for each framework count what they name, once per act, and only
that; occurrences and distinct idioms per file."""

from __future__ import annotations

import textwrap

import pytest

from analyzer.frameworks import FRAMEWORKS
from analyzer.static import analyze_source
from analyzer.static.ceremony import FAMILIES, FAMILY_NOTES


def ceremony(framework: str, code: str, family: str) -> tuple[int, tuple[str, ...]]:
    metrics = analyze_source(textwrap.dedent(code), framework=framework)
    return metrics.ceremony[family], metrics.ceremony_idioms[family]


CASES = [
    # --- gradient computation: torch's backward, TF's tape and jax's/nnx's grad transforms all count
    ("torch", "import torch\nloss = torch.ones(1).sum()\nloss.backward()", "gradient computation", 1,
     ("torch.Tensor.backward",)),
    ("torch", "import torch\ng = torch.autograd.grad(y, x)", "gradient computation", 1, ("torch.autograd.grad",)),
    ("tensorflow", "import tensorflow as tf\nwith tf.GradientTape() as t:\n    y = x\ng = t.gradient(y, x)",
     "gradient computation", 2, ("tensorflow.GradientTape", "tensorflow.GradientTape.gradient")),
    ("jax", "import jax\ng = jax.grad(f)(x)", "gradient computation", 1, ("jax.grad",)),
    ("jax", "import jax\nv, g = jax.value_and_grad(f)(x)", "gradient computation", 1, ("jax.value_and_grad",)),
    ("jax", "from flax import nnx\ng = nnx.grad(loss_fn)(model)", "gradient computation", 1, ("flax.nnx.grad",)),
    ("jax", "from flax import nnx\nv, g = nnx.value_and_grad(loss_fn)(model)", "gradient computation", 1,
     ("flax.nnx.value_and_grad",)),
    # --- gradient tracking
    ("torch", "import torch\nwith torch.no_grad():\n    y = torch.ones(1).detach()", "gradient tracking", 2,
     ("torch.Tensor.detach", "torch.no_grad")),
    ("torch", "import torch\nx = torch.zeros(2, requires_grad=True)", "gradient tracking", 1, ("requires_grad=",)),
    ("tensorflow", "import tensorflow as tf\nwith tf.GradientTape() as t:\n    t.watch(x)", "gradient tracking", 1,
     ("tensorflow.GradientTape.watch",)),
    ("jax", "import jax\ny = jax.lax.stop_gradient(x)", "gradient tracking", 1, ("jax.lax.stop_gradient",)),
    # --- optimiser step and zeroing
    ("torch", "import torch\nopt = torch.optim.SGD(p)\nopt.zero_grad()\nopt.step()", "optimiser step and zeroing", 2,
     ("torch.optim.SGD.step", "torch.optim.SGD.zero_grad")),
    ("tensorflow", "import keras\nopt = keras.optimizers.SGD()\nopt.apply_gradients(z)", "optimiser step and zeroing",
     1, ("keras.optimizers.SGD.apply_gradients",)),
    ("jax", "import optax\ntx = optax.sgd(0.1)\ns = tx.init(p)\nu, s = tx.update(g, s)\np = optax.apply_updates(p, u)",
     "optimiser step and zeroing", 3,
     ("optax.GradientTransformation.init", "optax.GradientTransformation.update", "optax.apply_updates")),
    ("jax", "import optax\nfrom flax import nnx\nopt = nnx.Optimizer(m, optax.adam(1e-3), wrt=nnx.Param)\n"
            "opt.update(m, g)", "optimiser step and zeroing", 1, ("flax.nnx.Optimizer.update",)),
    # --- train/eval mode: torch's methods and the training= keyword (Keras's spelling) alike
    ("torch", "import torch\nm = torch.nn.Linear(1, 1)\nm.train()\nm.eval()", "train/eval mode", 2,
     ("torch.nn.Linear.eval", "torch.nn.Linear.train")),
    ("torch", "import torch.nn.functional as F\ny = F.dropout(x, 0.5, training=False)", "train/eval mode", 1,
     ("training=",)),
    ("tensorflow", "import keras\nm = keras.Sequential([keras.layers.Dense(1)])\ny = m(x, training=True)",
     "train/eval mode", 1, ("training=",)),
    ("jax", "from flax import nnx\nclass M(nnx.Module):\n    pass\nm = M()\nm.eval()", "train/eval mode", 1,
     ("flax.nnx.Module.eval",)),
    ("jax", "from flax import nnx\nd = nnx.Dropout(0.1, deterministic=True, rngs=nnx.Rngs(0))", "train/eval mode", 1,
     ("deterministic=",)),
    # --- device placement, the device= keyword included
    ("torch", "import torch\nd = torch.device('cpu')\nx = torch.ones(1).to(d)\nx.cuda()", "device placement", 3,
     ("torch.Tensor.cuda", "torch.Tensor.to", "torch.device")),
    ("torch", "import torch\nx = torch.zeros(3, device='cpu')", "device placement", 1, ("device=",)),
    ("tensorflow", "import tensorflow as tf\nwith tf.device('/CPU:0'):\n    pass", "device placement", 1,
     ("tensorflow.device",)),
    ("jax", "import jax\nx = jax.device_put(y, jax.devices()[0])", "device placement", 2,
     ("jax.device_put", "jax.devices")),
    # --- host conversion
    ("torch", "import torch\nt = torch.from_numpy(a)\nt.numpy()\nt.item()", "host conversion", 3,
     ("torch.Tensor.item", "torch.Tensor.numpy", "torch.from_numpy")),
    ("tensorflow", "import tensorflow as tf\nt = tf.constant(a)\nt.numpy()", "host conversion", 2,
     ("tensorflow.Tensor.numpy", "tensorflow.constant")),
    ("jax", "import jax\nimport jax.numpy as jnp\nx = jnp.asarray(a)\njax.device_get(x)", "host conversion", 2,
     ("jax.device_get", "jax.numpy.asarray")),
    ("jax", "import numpy as np\nnp.asarray(x)", "host conversion", 0, ()),  # NumPy is not the framework
    # --- synchronisation
    ("torch", "import torch\ntorch.cuda.synchronize()", "synchronisation", 1, ("torch.cuda.synchronize",)),
    ("tensorflow", "import tensorflow as tf\ntf.test.experimental.sync_devices()", "synchronisation", 1,
     ("tensorflow.test.experimental.sync_devices",)),
    ("jax", "import jax.numpy as jnp\njnp.ones(2).block_until_ready()", "synchronisation", 1,
     ("jax.Array.block_until_ready",)),
    # --- compilation: torch's Module.compile too; tf.function(jit_compile=True) is one act, not two
    ("torch", "import torch\nf = torch.compile(g)", "compilation", 1, ("torch.compile",)),
    ("torch", "import torch\nm = torch.nn.Linear(1, 1)\nm.compile()", "compilation", 1, ("torch.nn.Linear.compile",)),
    ("torch", "import torch\nclass Net(torch.nn.Module):\n    pass\nnet = Net()\nnet.compile()", "compilation", 1,
     ("torch.nn.Module.compile",)),
    ("tensorflow", "import tensorflow as tf\n@tf.function(jit_compile=True)\ndef f():\n    pass", "compilation", 1,
     ("tensorflow.function",)),
    ("tensorflow", "import keras\nm = keras.Sequential([])\nm.compile(optimizer='sgd', loss='mse')", "compilation", 1,
     ("keras.Sequential.compile",)),
    ("jax", "import jax\n@jax.jit\ndef f(x):\n    return x", "compilation", 1, ("jax.jit",)),
    ("jax", "import functools\nimport jax\n@functools.partial(jax.jit, static_argnums=0)\ndef f(n):\n    return n",
     "compilation", 1, ("jax.jit",)),
    ("jax", "from flax import nnx\n@nnx.jit\ndef f(m):\n    return m", "compilation", 1, ("flax.nnx.jit",)),
    # --- seeding: one idiom per act of seeding, the seed= keyword included
    ("torch", "import torch\ntorch.manual_seed(0)", "seeding", 1, ("torch.manual_seed",)),
    ("torch", "import torch\ng = torch.Generator().manual_seed(0)", "seeding", 1, ("torch.Generator.manual_seed",)),
    ("torch", "import torch\ng = torch.Generator()\ng.manual_seed(0)", "seeding", 1, ("torch.Generator.manual_seed",)),
    ("tensorflow", "import keras\nkeras.utils.set_random_seed(0)", "seeding", 1, ("keras.utils.set_random_seed",)),
    ("tensorflow", "import keras\ninit = keras.initializers.GlorotUniform(seed=0)", "seeding", 1, ("seed=",)),
    ("tensorflow", "import keras\nkeras.utils.set_random_seed(seed=0)", "seeding", 1, ("keras.utils.set_random_seed",)),
    ("jax", "import jax\nk = jax.random.key(0)", "seeding", 1, ("jax.random.key",)),
    ("jax", "from flax import nnx\nrngs = nnx.Rngs(0)", "seeding", 1, ("flax.nnx.Rngs",)),
    # --- random state passing
    ("torch", "import torch\ng = torch.Generator()\nx = torch.randn(3, generator=g)", "random state passing", 1,
     ("generator=",)),
    ("tensorflow", "import tensorflow as tf\ng = tf.random.Generator.from_seed(1)\na, b = g.split(2)",
     "random state passing", 1, ("tensorflow.random.Generator.split",)),
    ("jax", "import jax\nk1, k2 = jax.random.split(k)", "random state passing", 1, ("jax.random.split",)),
    ("jax", "from flax import nnx\nrngs = nnx.Rngs(0)\nlayer = nnx.Linear(2, 3, rngs=rngs)\nkey = rngs.params()",
     "random state passing", 2, ("flax.nnx.Rngs.params", "rngs=")),
    # --- checkpointing: torch's state dicts, Keras's load_model/load_weights and Orbax's restore alike
    ("torch", "import torch\nm = torch.nn.Linear(1, 1)\ntorch.save(m.state_dict(), 'p')\n"
              "m.load_state_dict(torch.load('p'))", "checkpointing", 4,
     ("torch.load", "torch.nn.Linear.load_state_dict", "torch.nn.Linear.state_dict", "torch.save")),
    ("tensorflow", "import keras\nm = keras.models.load_model('m.keras')\nm.load_weights('w.weights.h5')\n"
                   "m.save('n.keras')", "checkpointing", 3,
     ("keras.Model.load_weights", "keras.Model.save", "keras.models.load_model")),
    ("jax", "import orbax.checkpoint as ocp\nc = ocp.StandardCheckpointer()\nc.save(path, state)\n"
            "r = c.restore(path, state)", "checkpointing", 3,
     ("orbax.checkpoint.StandardCheckpointer", "orbax.checkpoint.StandardCheckpointer.restore",
      "orbax.checkpoint.StandardCheckpointer.save")),
    # --- weight creation: torch's Parameter, Keras's add_weight, tf.Variable and nnx.Param alike
    ("torch", "import torch\nw = torch.nn.Parameter(torch.zeros(2))", "weight creation", 1, ("torch.nn.Parameter",)),
    ("tensorflow", "import keras\nclass L(keras.layers.Layer):\n    def build(self, shape):\n"
                   "        self.w = self.add_weight(shape=(2,))", "weight creation", 1,
     ("keras.layers.Layer.add_weight",)),
    ("tensorflow", "import tensorflow as tf\nv = tf.Variable(1.0)", "weight creation", 1, ("tensorflow.Variable",)),
    ("jax", "import jax.numpy as jnp\nfrom flax import nnx\nw = nnx.Param(jnp.zeros(2))", "weight creation", 1,
     ("flax.nnx.Param",)),
    # a class named as a value creates nothing: wrt=nnx.Param filters by type
    ("jax", "import optax\nfrom flax import nnx\nopt = nnx.Optimizer(m, optax.adam(1e-3), wrt=nnx.Param)",
     "weight creation", 0, ()),
    # --- state handling
    ("torch", "import torch\nw = torch.zeros(2)\nw.copy_(v)", "state handling", 1, ("torch.Tensor.copy_",)),
    ("tensorflow", "import tensorflow as tf\nv = tf.Variable(1.0)\nv.assign(2.0)", "state handling", 1,
     ("tensorflow.Variable.assign",)),
    ("jax", "from flax import nnx\ng, s = nnx.split(m)\nm2 = nnx.merge(g, s)", "state handling", 2,
     ("flax.nnx.merge", "flax.nnx.split")),
    # --- unresolved calls: by method name and by keyword; a bare unknown function is not a method
    ("torch", "def f(batch):\n    return batch.to('cpu')", "device placement", 1, ("?.to",)),
    ("tensorflow", "def f(model, x):\n    return model(x, training=False)", "train/eval mode", 1, ("training=",)),
    ("torch", "def f():\n    train()", "train/eval mode", 0, ()),
]


@pytest.mark.parametrize(("framework", "code", "family", "occurrences", "idioms"), CASES)
def test_family_counts(framework: str, code: str, family: str, occurrences: int, idioms: tuple[str, ...]) -> None:
    assert ceremony(framework, code, family) == (occurrences, idioms)


def test_every_family_and_framework_has_idioms_or_says_why_not() -> None:
    assert set(FAMILY_NOTES) == set(FAMILIES)
    for family, by_framework in FAMILIES.items():
        assert set(by_framework) == set(FRAMEWORKS), family
        for framework, idioms in by_framework.items():
            assert bool(idioms.names or idioms.keywords) != bool(idioms.none), (family, framework)


def test_every_family_is_reported_for_every_framework() -> None:
    for framework in FRAMEWORKS:
        metrics = analyze_source("x = 1\n", framework=framework)
        assert list(metrics.ceremony) == list(FAMILIES) and list(metrics.ceremony_idioms) == list(FAMILIES)
        assert (metrics.ceremony_total, metrics.ceremony_distinct) == (0, 0)


def test_an_unknown_framework_has_no_ceremony() -> None:
    metrics = analyze_source("import torch\ntorch.manual_seed(0)\n")
    assert (metrics.ceremony, metrics.ceremony_idioms) == ({}, {})


def test_occurrences_and_distinct_idioms_per_file() -> None:
    code = """
    import torch
    torch.manual_seed(0)
    x = torch.zeros(2).to("cpu")
    y = torch.ones(2).to("cpu")
    z = torch.ones(2, device="cpu")
    """
    metrics = analyze_source(textwrap.dedent(code), framework="torch")
    assert {family: n for family, n in metrics.ceremony.items() if n} == {"device placement": 3, "seeding": 1}
    assert metrics.ceremony_idioms["device placement"] == ("device=", "torch.Tensor.to")
    assert (metrics.ceremony_total, metrics.ceremony_distinct) == (4, 3)


def test_one_call_counts_once_per_family_it_acts_in() -> None:
    metrics = analyze_source("from flax import nnx\nd = nnx.Dropout(0.1, deterministic=True, rngs=nnx.Rngs(0))\n",
                             framework="jax")
    assert {family: n for family, n in metrics.ceremony.items() if n} == {
        "train/eval mode": 1, "random state passing": 1, "seeding": 1}


def test_the_readme_table_of_idioms_is_the_code_s() -> None:
    from pathlib import Path

    from analyzer.static.ceremony import FAMILIES, idiom_table

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = idiom_table()
    assert table in readme
    assert len(table.splitlines()) == 2 + len(FAMILIES) == 15
    assert "| train/eval mode | switching dropout and normalisation between training and inference | `*.train`, " \
           "`*.eval`, `training=` | `training=` | `*.train`, `*.eval`, `training=`, `train=`, `deterministic=`, " \
           "`use_running_average=` |" in table
