"""Framework adapters: what each mode switches, checked in a fresh interpreter (the switches are process-wide)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from analyzer.frameworks import framework_installed

JAX_MODES = textwrap.dedent("""
    from functools import partial
    from analyzer.worker.adapters import JaxAdapter
    adapter = JaxAdapter()

    def f(x, n=2):
        return x * n

    adapter.configure(mode="eager", device="cpu", threads=1)
    import jax, jax.numpy as jnp
    from flax import nnx
    # the user's jit compiles nothing, in each of the forms the catalog writes it
    assert jax.jit(f) is f and nnx.jit(f) is f
    assert jax.jit(static_argnames="n")(f) is f and partial(jax.jit, static_argnums=1)(f) is f
    # JAX's own library code keeps its internal jit, and JAX's debugging switch stays off
    assert type(jnp.clip).__name__ == "PjitFunction" and not jax.config.jax_disable_jit
    assert float(jax.jit(f)(jnp.float32(3.0))) == 6.0

    adapter.configure(mode="compiled", device="cpu", threads=1)
    assert jax.jit(f) is not f and hasattr(jax.jit(f), "lower") and nnx.jit(f) is not f
    adapter.configure(mode="eager", device="cpu", threads=1)
    assert jax.jit(f) is f
    print("ok")
""")


@pytest.mark.frameworks
@pytest.mark.skipif(not framework_installed("jax"), reason="JAX not installed")
def test_jax_eager_mode_turns_off_the_users_jit_and_nothing_else() -> None:
    done = subprocess.run([sys.executable, "-c", JAX_MODES], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
