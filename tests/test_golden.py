"""Behaviour is unchanged by refactoring: every method reproduces the recorded golden runs.

The contract (README, "Reproducibility"): the same rng gives the same x, fun and nfev on one
machine and library build, whatever the workers and backend; across machines, methods that call
BLAS (``golden.BLAS_METHODS``) agree to rounding (``golden.RTOL``), the others exactly.
"""

import json
import os
import pathlib
import subprocess
import sys

import pytest

from . import golden

RECORDED = json.loads(golden.PATH.read_text())
ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_golden_run_is_reproduced(name):
    method, problem, seed = name.split("/")
    golden.compare(name, golden.record(method, problem, int(seed)), RECORDED[name])


def cpu_flags():
    try:
        text = pathlib.Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    line = next((ln for ln in text.splitlines() if ln.startswith("flags")), "")
    return set(line.partition(":")[2].split())


def coretypes(flags):
    """Two OpenBLAS kernel sets this processor can run, the widest first: SkylakeX (AVX-512)
    and Haswell (AVX2) where both run, else one of them and Nehalem (SSE4.2), which every
    x86-64 processor of the last fifteen years runs. Forcing a kernel set the processor lacks
    ends in SIGILL, so it is never tried."""
    usable = [name for name, flag in (("SkylakeX", "avx512f"), ("Haswell", "avx2"))
              if flag in flags]
    return (usable + ["Nehalem"])[:2]


def test_coretypes_are_chosen_from_the_processor():
    assert coretypes({"avx512f", "avx2"}) == ["SkylakeX", "Haswell"]
    assert coretypes({"avx2"}) == ["Haswell", "Nehalem"]
    assert coretypes(set()) == ["Nehalem"]


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux") or "x86_64" not in os.uname().machine,
                    reason="OPENBLAS_CORETYPE selects x86-64 kernels")
@pytest.mark.parametrize("coretype", coretypes(cpu_flags()))
def test_golden_runs_hold_under_another_blas_kernel(coretype):
    """The whole golden file under an OpenBLAS kernel set forced by OPENBLAS_CORETYPE (as on
    another processor): BLAS methods within rounding, the others bit for bit."""
    env = {**os.environ, "OPENBLAS_CORETYPE": coretype}
    env.pop("OPENBLAS_L2_SIZE", None)
    done = subprocess.run([sys.executable, "-m", "tests.golden", "--check"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"{len(RECORDED)} reproduced, 0 differ" in done.stdout
