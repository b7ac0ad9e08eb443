"""Debugging probe: does a print or a breakpoint inside a training step run on every call, or once at tracing?

    python -m analyzer.worker.probe FRAMEWORK MODE [CALLS]

Backs the survey claim "eager execution gives direct prints and breakpoints inside a training step; graph
compilation makes debugging harder" with counts. A small training step (linear model, MSE loss, gradient, SGD
update), written as each framework writes a compiled one (torch.compile, tf.function(jit_compile=True), jax.jit),
holds a Python print, a breakpoint() and the framework's debug print, and is called `calls` times with the same
shapes. A count equal to `calls` means it runs on every call (eager, or a graph break); 1, only while tracing.
- Python print: sys.stdout captured; breakpoint(): sys.breakpointhook replaced by a counter (no debugger starts).
- tf.print: to a file (its default stream is C++'s stderr, out of Python's reach). XLA on the CPU has no kernel for
  it (PrintV2): a jit_compile=True step holding it fails to build, so there the step goes without it and reports
  None, as PyTorch does, which has no debug print of its own.
- jax.debug.print: XLA's callback writes through sys.stdout; jax.effects_barrier() waits for it.
The caller configures the framework's adapter for the mode first, as a worker does; the probe checks that it did
and builds its step after (JAX's adapter swaps jax.jit itself). Importing this module imports no framework.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

PRINT_MARKER = "probe: python print"
FRAMEWORK_MARKER = "probe: framework print"  # no braces: jax.debug.print formats its first argument

Step = Callable[[], None]
#: A step to call, and whether it holds the framework's debug print (False: there is none that can run in it).
Probe = tuple[Step, bool]


def _torch_step(mode: str, log: Path) -> Probe:
    import torch
    import torch._dynamo.config

    _check_mode(mode, eager=torch._dynamo.config.disable)
    model = torch.nn.Linear(4, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = torch.randn(8, 4), torch.randn(8, 1)

    @torch.compile
    def step(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        print(PRINT_MARKER)
        breakpoint()
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.detach()

    def run() -> None:
        step(x, y)  # on the CPU the update is done when step returns

    return run, False  # PyTorch has no debug print of its own: users print


def _tensorflow_step(mode: str, log: Path) -> Probe:
    import tensorflow as tf

    _check_mode(mode, eager=tf.config.functions_run_eagerly())
    layer = tf.keras.layers.Dense(1)
    layer.build((None, 4))
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
    x, y = tf.random.normal((8, 4)), tf.random.normal((8, 1))
    printable = _tf_print_compiles(log.with_name("check.log"))

    @tf.function(jit_compile=True)
    def step(x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        print(PRINT_MARKER)
        breakpoint()
        if printable:
            tf.print(FRAMEWORK_MARKER, output_stream=f"file://{log}")
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(layer(x) - y))
        grads = tape.gradient(loss, layer.trainable_variables)
        optimizer.apply_gradients(zip(grads, layer.trainable_variables))
        return loss

    def run() -> None:
        step(x, y).numpy()  # reading the loss back waits for the step

    return run, printable


def _tf_print_compiles(log: Path) -> bool:
    """Whether tf.print can stand in a tf.function(jit_compile=True): XLA on the CPU has no kernel for it (PrintV2),
    so a compiled step that holds it fails at its first call ("No registered 'PrintV2' OpKernel for XLA_CPU_JIT")."""
    import tensorflow as tf

    def tf_print() -> None:
        tf.print("", output_stream=f"file://{log}")

    try:
        tf.function(tf_print, jit_compile=True)()
    except tf.errors.InvalidArgumentError:
        return False
    return True


def _jax_step(mode: str, log: Path) -> Probe:
    import jax
    import jax.numpy as jnp

    def loss(w: jax.Array, x: jax.Array, y: jax.Array) -> jax.Array:
        return jnp.mean((x @ w - y) ** 2)

    _check_mode(mode, eager=jax.jit(loss) is loss)  # the adapter's eager jax.jit returns the function itself
    keys = jax.random.split(jax.random.key(0), 3)
    state = {"w": jax.random.normal(keys[0], (4, 1))}
    x, y = jax.random.normal(keys[1], (8, 4)), jax.random.normal(keys[2], (8, 1))

    @jax.jit  # looked up now, after the adapter chose what jax.jit is
    def step(w: jax.Array, x: jax.Array, y: jax.Array) -> jax.Array:
        print(PRINT_MARKER)
        breakpoint()
        jax.debug.print(FRAMEWORK_MARKER)
        return w - 0.1 * jax.grad(loss)(w, x, y)

    def run() -> None:
        state["w"] = step(state["w"], x, y).block_until_ready()
        jax.effects_barrier()  # jax.debug.print's callbacks have all written before the capture ends

    return run, True


_STEPS: dict[str, Callable[[str, Path], Probe]] = {
    "torch": _torch_step, "tensorflow": _tensorflow_step, "jax": _jax_step}


def _check_mode(mode: str, *, eager: bool) -> None:
    if mode not in ("eager", "compiled") or (mode == "eager") != eager:
        raise RuntimeError(f"the adapter is not configured for mode {mode!r} (eager is {eager}): configure it first")


@contextlib.contextmanager
def _breakpoints_counted(counter: list[int]) -> Iterator[None]:
    """breakpoint() appends to `counter` instead of starting a debugger, whatever PYTHONBREAKPOINT says."""
    saved_hook, saved_env = sys.breakpointhook, os.environ.pop("PYTHONBREAKPOINT", None)
    sys.breakpointhook = lambda *args, **kwargs: counter.append(1)
    try:
        yield
    finally:
        sys.breakpointhook = saved_hook
        if saved_env is not None:
            os.environ["PYTHONBREAKPOINT"] = saved_env


def _count(text: str, marker: str) -> int:
    return sum(line == marker for line in text.splitlines())


def run_probe(framework: str, mode: str, calls: int = 3) -> dict[str, int | None]:
    """Call a training step of `framework` `calls` times, in the `mode` its adapter was configured for, and count
    how often its Python print, breakpoint() and framework debug print ran (None: no such print can run in the step).
    """
    if framework not in _STEPS:
        raise ValueError(f"unknown framework {framework!r}: expected one of {', '.join(_STEPS)}")
    breakpoints: list[int] = []
    stdout = io.StringIO()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "framework_print.log"
        with _breakpoints_counted(breakpoints), contextlib.redirect_stdout(stdout):
            step, has_framework_print = _STEPS[framework](mode, log)
            for _ in range(calls):
                step()
        framework_text = stdout.getvalue() if framework == "jax" else log.read_text() if log.exists() else ""
    return {"calls": calls, "python_print": _count(stdout.getvalue(), PRINT_MARKER), "breakpoint": len(breakpoints),
            "framework_print": _count(framework_text, FRAMEWORK_MARKER) if has_framework_print else None}


def main(argv: list[str] | None = None) -> int:
    """`python -m analyzer.worker.probe FRAMEWORK MODE [CALLS]`: configure, probe, print one JSON line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3):
        print("usage: python -m analyzer.worker.probe FRAMEWORK MODE [CALLS]", file=sys.stderr)
        return 2
    from analyzer.worker.adapters import ADAPTERS

    framework, mode = args[0], args[1]
    if framework not in ADAPTERS or mode not in ("eager", "compiled"):
        print(f"unknown framework or mode: {framework!r} {mode!r}", file=sys.stderr)
        return 2
    ADAPTERS[framework]().configure(mode=mode, device="cpu", threads=1)
    print(json.dumps(run_probe(framework, mode, int(args[2]) if len(args) == 3 else 3)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
