"""Every Python block of the README runs as written (issue 13), each in a fresh interpreter in
an empty folder. Budgets and training steps are capped so that the suite stays fast: the only
edit made to a block is ``budget=N`` -> ``budget=min(N, 400)`` and ``steps=N`` ->
``steps=min(N, 20)``."""

import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def capped(code):
    code = re.sub(r"budget=([\d_]+)", r"budget=min(\1, 400)", code)
    return re.sub(r"steps=([\d_]+)", r"steps=min(\1, 20)", code)


def test_the_readme_has_python_blocks():
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_block_runs_as_written(index, tmp_path):
    code = BLOCKS[index]
    if "torch" in code:
        pytest.importorskip("torch")
    out = subprocess.run([sys.executable, "-c", capped(code)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, f"README block {index + 1} failed:\n{code}\n{out.stderr}"
