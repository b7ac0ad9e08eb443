"""The machine a study ran on, described without importing any framework (workers report their versions)."""

from __future__ import annotations

import os
import platform
import subprocess
from typing import Any

from analyzer._version import __version__

#: The precision every framework is held to, stated in every result file.
PRECISION = {
    "dtype": "float32",
    "tf32": "off in every framework (torch allow_tf32=False, TF enable_tensor_float_32_execution(False), "
            "JAX default_matmul_precision='highest')",
}


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def gpus() -> list[dict[str, str]]:
    """GPUs as nvidia-smi lists them (name, driver, memory); empty where there is none or no nvidia-smi."""
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    rows = [line.split(", ") for line in out.strip().splitlines() if line.strip()]
    return [{"name": r[0], "driver": r[1], "memory": r[2]} for r in rows if len(r) == 3]


def describe_machine(*, threads: int, device: str) -> dict[str, Any]:
    return {
        "analyzer": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cores_available": available_cores(),
        "cores_total": os.cpu_count(),
        "threads_per_framework": threads,
        "device_requested": device,
        "gpus": gpus(),
        "precision": PRECISION,
    }
