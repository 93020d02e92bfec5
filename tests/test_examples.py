"""The demo runs end to end and saves a real image."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quickstart_runs_and_saves_a_png(tmp_path):
    out = subprocess.run(
        [sys.executable, "examples/quickstart.py", "--budget", "6000", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "L-SHADE" in out.stdout and "best x" in out.stdout
    png = tmp_path / "quickstart_convergence.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
