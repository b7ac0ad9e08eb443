"""The debugging probe: how often a print, a breakpoint() and the framework's debug print run in a training step
called three times, per framework and mode, each in a fresh interpreter (the adapters' switches are process-wide).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from analyzer.frameworks import framework_installed
from tests.conftest import ROOT

EVERY_CALL = {"calls": 3, "python_print": 3, "breakpoint": 3}
AT_TRACING = {"calls": 3, "python_print": 1, "breakpoint": 1}

CASES = [
    ("torch", "eager", {**EVERY_CALL, "framework_print": None}),
    # torch.compile (2.13) does not trace print or breakpoint: Dynamo graph-breaks on each ("Failed to trace builtin
    # operator", gb0059) and runs it in Python on every call, between the compiled graphs. Even adding print to
    # torch._dynamo.config.reorderable_logging_functions keeps it per call (moved after the graph, not dropped).
    ("torch", "compiled", {**EVERY_CALL, "framework_print": None}),
    ("tensorflow", "eager", {**EVERY_CALL, "framework_print": 3}),
    # Python code runs once, while tf.function traces. tf.print cannot be in a jit_compile=True step at all: XLA on
    # the CPU has no PrintV2 kernel, so the step fails to build with it; the probe leaves it out and reports None.
    ("tensorflow", "compiled", {**AT_TRACING, "framework_print": None}),
    ("jax", "eager", {**EVERY_CALL, "framework_print": 3}),
    # Python code runs once, while jax.jit traces; jax.debug.print is a callback compiled into the step.
    ("jax", "compiled", {**AT_TRACING, "framework_print": 3}),
]


def probe(framework: str, mode: str) -> dict[str, int | None]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "PYTHONBREAKPOINT": "0"}  # the probe must count breakpoints even where they are turned off
    done = subprocess.run([sys.executable, "-m", "analyzer.worker.probe", framework, mode, "3"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.frameworks
@pytest.mark.parametrize(("framework", "mode", "expected"), CASES, ids=[f"{fw}-{mode}" for fw, mode, _ in CASES])
def test_probe_counts_prints_and_breakpoints_per_call(framework: str, mode: str,
                                                      expected: dict[str, int | None]) -> None:
    if not framework_installed(framework):
        pytest.skip(f"{framework} not installed")
    assert probe(framework, mode) == expected


def test_importing_the_probe_imports_no_framework() -> None:
    code = "import sys, analyzer.worker.probe; print(sorted({'torch', 'tensorflow', 'jax'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_probe_refuses_an_adapter_configured_for_another_mode() -> None:
    if not framework_installed("jax"):
        pytest.skip("jax not installed")
    code = ("from analyzer.worker.adapters import ADAPTERS; from analyzer.worker.probe import run_probe\n"
            "ADAPTERS['jax']().configure(mode='eager', device='cpu', threads=1)\n"
            "run_probe('jax', 'compiled')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "not configured for mode 'compiled'" in done.stderr
