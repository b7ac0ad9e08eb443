"""GPU checks (torch and JAX): the same oracle checks on a CUDA device, and the matmul task's achieved FLOP/s as a
fraction of the device's measured float32 peak. Skipped cleanly where no GPU is visible."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.catalog import load_catalog
from analyzer.study import RunPlan, execute, plan

PEAK_SCRIPT = """
import torch
torch.backends.cuda.matmul.allow_tf32 = False
n = 16384
a = torch.randn(n, n, device="cuda"); b = torch.randn(n, n, device="cuda")
for _ in range(3): a @ b
torch.cuda.synchronize()
start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
start.record()
for _ in range(10): a @ b
end.record(); torch.cuda.synchronize()
print(2 * n**3 * 10 / (start.elapsed_time(end) / 1e3))
"""


def _cuda_visible() -> bool:
    if shutil.which("nvidia-smi") is None:
        return False
    probe = subprocess.run([sys.executable, "-c", "import torch; print(torch.cuda.is_available())"],
                           capture_output=True, text=True)
    return probe.stdout.strip() == "True"


pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not _cuda_visible(), reason="no CUDA device visible")]


def test_catalog_passes_on_the_gpu(tmp_path: Path) -> None:
    run_plan = RunPlan(modes=("eager", "compiled"), frameworks=("torch", "jax"), device="cuda",
                       policy={"budget_s": 0.2})
    records = execute(plan(load_catalog().tasks, run_plan), run_plan, out_dir=tmp_path)
    failures = [(r.task, r.framework, r.variant, r.mode, r.reason) for r in records
                if r.status not in ("passed", "not_applicable")]
    assert failures == []
    assert {r.device for r in records if r.status == "passed"} == {"cuda"}


def test_matmul_reaches_a_fair_share_of_the_measured_peak(tmp_path: Path) -> None:
    peak = float(subprocess.run([sys.executable, "-c", PEAK_SCRIPT], capture_output=True, text=True,
                                check=True).stdout.strip())
    run_plan = RunPlan(modes=("compiled",), frameworks=("torch", "jax"), device="cuda", sizes=("full",))
    matmul = [t for t in load_catalog().tasks if t.id == "matmul"]
    records = execute(plan(matmul, run_plan), run_plan, out_dir=tmp_path)
    report = []
    for record in records:
        assert record.status == "passed", record.reason
        achieved = record.flops / record.timing.median_s
        report.append(f"{record.framework}: {achieved / 1e12:.1f} TFLOP/s = {achieved / peak:.0%} of the measured "
                      f"float32 peak {peak / 1e12:.1f} TFLOP/s")
        assert 0.3 < achieved / peak < 1.2
    print("\n".join(report))
