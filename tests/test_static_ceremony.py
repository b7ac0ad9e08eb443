"""Each ceremony rule counts what it names, and only that."""

from __future__ import annotations

import pytest

from analyzer.static import analyze_source
from analyzer.static.ceremony import CEREMONY


@pytest.mark.parametrize(
    ("framework", "code", "idiom", "count"),
    [
        ("torch", "import torch\nd = torch.device('cpu')\nx = torch.ones(1).to(d)\nx.cuda()", "device placement", 3),
        ("torch", "import torch\nopt = torch.optim.SGD(p)\nopt.zero_grad()", "gradient zeroing", 1),
        ("torch", "import torch\nwith torch.no_grad():\n    y = torch.ones(1).detach()", "gradient mode", 2),
        ("torch", "import torch\nm = torch.nn.Linear(1, 1)\nm.train()\nm.eval()", "train/eval toggle", 2),
        ("torch", "import torch\nopt = torch.optim.Adam(p)\nloss = torch.ones(1).sum()\nloss.backward()\nopt.step()",
         "backward and step", 2),
        ("torch", "import torch\nt = torch.from_numpy(a)\nt.numpy()\nt.item()", "host conversion", 3),
        ("torch", "import torch\nf = torch.compile(g)", "compilation", 1),
        ("torch", "import torch\ntorch.manual_seed(0)", "seeding", 1),
        ("tensorflow", "import tensorflow as tf\nwith tf.GradientTape() as t:\n    pass\nt.gradient(y, x)",
         "gradient tape", 2),
        ("tensorflow", "import tensorflow as tf\n@tf.function\ndef f():\n    pass", "graph compilation", 1),
        ("tensorflow", "import keras\nopt = keras.optimizers.SGD()\nopt.apply_gradients(z)", "apply gradients", 1),
        ("tensorflow", "import tensorflow as tf\nv = tf.Variable(1.0)\nv.assign(2.0)", "variable plumbing", 2),
        ("jax", "import jax\nk = jax.random.key(0)\nk1, k2 = jax.random.split(k)", "PRNG keys", 2),
        ("jax", "from flax import nnx\nrngs = nnx.Rngs(0)", "PRNG keys", 1),
        ("jax", "import jax\n@jax.jit\ndef f(x):\n    return x", "compilation", 1),
        ("jax", "import jax\njax.device_get(x)", "host conversion", 1),
        ("jax", "from flax import nnx\ng, s = nnx.split(m)\nm2 = nnx.merge(g, s)", "state plumbing", 2),
        ("jax", "import optax\np = optax.apply_updates(p, u)", "optimizer plumbing", 1),
        # unresolved receivers still count by method name
        ("torch", "def f(batch):\n    return batch.to('cpu')", "device placement", 1),
        # other frameworks' idioms do not count, nor do look-alike non-framework calls
        ("jax", "import numpy as np\nnp.asarray(x)", "host conversion", 0),
    ],
)
def test_ceremony_rules(framework: str, code: str, idiom: str, count: int) -> None:
    assert analyze_source(code, framework=framework).ceremony[idiom] == count


def test_every_framework_table_is_reported_in_full() -> None:
    metrics = analyze_source("x = 1\n", framework="jax")
    assert set(metrics.ceremony) == set(CEREMONY["jax"]) and metrics.ceremony_total == 0
