"""Every example runs, quickly, and writes what it says."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n"


def example(name, *args, timeout=180):
    out = subprocess.run([sys.executable, f"examples/{name}.py", *args], cwd=ROOT,
                         capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, out.stderr
    return out.stdout


def is_png(path):
    data = Path(path).read_bytes()
    return data[:8] == PNG and len(data) > 10_000


def test_quickstart_runs_and_saves_a_png(tmp_path):
    text = example("quickstart", "--budget", "6000", "--out", str(tmp_path))
    assert "L-SHADE" in text and "best x" in text
    assert is_png(tmp_path / "quickstart_convergence.png")


def test_black_box(tmp_path):
    text = example("black_box", "--out", str(tmp_path))
    assert "lshade" in text and is_png(tmp_path / "black_box.png")


def test_tsp(tmp_path):
    text = example("tsp", "--instance", "berlin52", "--out", str(tmp_path))
    assert "gap 0.00%" in text and is_png(tmp_path / "berlin52_tour.png")


def test_neuroevolution():
    pytest.importorskip("torch")
    text = example("neuroevolution", "--seconds", "2")
    assert "OpenAI-ES: test accuracy" in text and "Adam:" in text


def test_lr_search():
    pytest.importorskip("torch")
    text = example("lr_search")
    assert "best of 48 trials" in text and "PBT" in text


def test_distributed():
    pytest.importorskip("distributed")
    text = example("distributed")
    assert "same x as one process: True" in text


def test_lr_steps_front(tmp_path):
    pytest.importorskip("torch")
    text = example("lr_steps_front", "--budget", "32", "--out", str(tmp_path))
    assert "front of" in text and "steps  lr" in text
    assert is_png(tmp_path / "lr_steps_front.png")
