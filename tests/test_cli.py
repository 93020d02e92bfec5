"""Every CLI verb end to end, in a subprocess, with the files it writes."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n"


def metaopt(*args, timeout=300):
    out = subprocess.run([sys.executable, "-m", "metaopt", *args], cwd=ROOT,
                         capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, out.stderr
    return out.stdout


def columns(path):
    with open(path) as handle:
        return next(csv.reader(handle))


def is_png(path):
    data = Path(path).read_bytes()
    return data[:8] == PNG and len(data) > 5000


def test_run_writes_history_result_and_plot(tmp_path):
    text = metaopt("run", "rastrigin", "--method", "lshade", "--dim", "5", "--budget", "20000",
                   "--rng", "1", "--out", str(tmp_path), "--quiet")
    assert "best value" in text and "optimum 0" in text and "evaluations 20,000" in text
    assert columns(tmp_path / "history.csv") == ["nit", "nfev", "best_fun", "time"]
    result = json.loads((tmp_path / "result.json").read_text())
    assert {"x", "fun", "nfev", "nit", "message", "method"} <= set(result)
    assert "history" not in result  # that is history.csv
    assert result["nfev"] == 20000 and len(result["x"]) == 5
    run = result["run"]  # what reproduces the run
    assert (run["problem"], run["method"], run["seed"], run["budget"]) == \
        ("rastrigin (d=5, shifted)", "lshade", 1, 20000) and run["dim"] == 5
    assert {"metaopt", "numpy", "scipy", "numba", "python"} <= set(run["versions"])
    assert is_png(tmp_path / "convergence.png")


def test_run_flags_a_user_of_the_command_line_expects(tmp_path):
    assert metaopt("--version").startswith("metaopt ")
    text = metaopt("run", "sphere", "--dim", "3", "--budget", "50000", "--target", "1e-6",
                   "--method", "de", "--option", "strategy='best1bin'", "--option", "F=0.6",
                   "--quiet")
    assert "target value 1e-06 reached" in text and "evaluations 50,000" not in text
    tour = metaopt("run", "ta001", "--budget", "2000", "--quiet")
    assert "method      ils (auto" in tour
    best = next(line for line in tour.splitlines() if line.startswith("best x"))
    assert "." not in best.removesuffix("...")  # a job order prints as integers
    help_text = metaopt("run", "--help")
    assert "(default: auto)" in help_text and "--max-time" in help_text


def test_run_tsp_binary_and_a_users_objective(tmp_path):
    assert "gap +0.000%" in metaopt("run", "berlin52", "--method", "ils", "--budget", "3000",
                                    "--quiet")
    assert "knapsack (n=20)" in metaopt("run", "knapsack-20", "--method", "ga", "--budget",
                                        "5000", "--quiet")
    module = tmp_path / "my_objective.py"
    module.write_text("import numpy as np\ndef f(x):\n    return float(np.sum((x - 1) ** 2))\n")
    out = subprocess.run([sys.executable, "-m", "metaopt", "run", "my_objective:f",
                          "--dim", "3", "--bounds", "-4", "4", "--method", "de", "--budget",
                          "3000", "--quiet"], cwd=ROOT, capture_output=True, text=True,
                         env={**__import__("os").environ, "PYTHONPATH": str(tmp_path)},
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "my_objective:f" in out.stdout


def test_compare_table_and_shaded_plot(tmp_path):
    text = metaopt("compare", "sphere", "--methods", "de,lshade", "--seeds", "2", "--dim", "4",
                   "--budget", "3000", "--out", str(tmp_path))
    assert "median" in text and "lshade" in text
    assert columns(tmp_path / "history.csv") == ["method", "nfev", "median_best", "min_best",
                                                 "max_best"]
    result = json.loads((tmp_path / "result.json").read_text())
    assert set(result["methods"]) == {"de", "lshade"} and len(result["runs"]) == 4
    assert "Mann-Whitney" in text and "de         lshade" in text  # the pairwise test
    (test,) = result["tests"]
    assert (test["a"], test["b"]) == ("de", "lshade") and 0 < test["p"] <= 1
    assert is_png(tmp_path / "convergence.png")


def test_nn_comparison(tmp_path):
    pytest.importorskip("torch")
    text = metaopt("nn", "parity", "--against", "adam", "--methods", "snes", "--seconds", "0.5",
                   "--out", str(tmp_path))
    assert "adam" in text and "snes" in text and "test acc" in text
    assert columns(tmp_path / "history.csv") == ["method", "forward_passes", "seconds",
                                                 "test_loss"]
    result = json.loads((tmp_path / "result.json").read_text())
    assert {"test_loss", "test_acc", "seconds", "passes"} <= set(result["adam"])
    assert is_png(tmp_path / "comparison.png")


def test_lr_search(tmp_path):
    pytest.importorskip("torch")
    text = metaopt("lr-search", "wine", "--budget", "16", "--pop-size", "8", "--steps", "40",
                   "--out", str(tmp_path))
    assert "best lr" in text
    assert columns(tmp_path / "history.csv") == ["trial", "lr", "val_loss"]
    assert "lr" in json.loads((tmp_path / "result.json").read_text())["params"]
    assert is_png(tmp_path / "lr_search.png")


def test_list_and_bad_input():
    text = metaopt("list")
    assert "lshade" in text and "berlin52" in text and "knapsack" in text
    bad = subprocess.run([sys.executable, "-m", "metaopt", "run", "nowhere"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "unknown problem 'nowhere'" in bad.stderr


def test_module_function_is_found_in_the_users_own_folder(tmp_path):
    """`metaopt run mymodule:objective` next to mymodule.py, as the README says."""
    (tmp_path / "mymodule.py").write_text(
        "def objective(x):\n    return float(sum((v - 1.0) ** 2 for v in x))\n")
    out = subprocess.run([sys.executable, "-m", "metaopt", "run", "mymodule:objective",
                          "--dim", "2", "--method", "de", "--budget", "400", "--quiet"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "best value" in out.stdout


def test_the_engine_never_imports_the_workloads():
    code = ("import sys, metaopt, metaopt.cli; "
            "assert not any(m == 'problems' or m.startswith('problems.') for m in sys.modules)")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)


def test_run_module_function_from_the_folder_holding_the_module(tmp_path):
    (tmp_path / "mymodule.py").write_text(
        "import numpy as np\ndef objective(x):\n    return float(np.sum((x - 2) ** 2))\n")
    env = {k: v for k, v in __import__("os").environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, "-m", "metaopt", "run", "mymodule:objective",
                          "--dim", "2", "--bounds", "-5", "5", "--budget", "2000", "--quiet"],
                         cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "best value" in out.stdout and "method      cmaes (auto" in out.stdout


def refused(*args):
    out = subprocess.run([sys.executable, "-m", "metaopt", *args], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode != 0 and "Traceback" not in out.stderr, out.stderr
    return out.stderr + out.stdout


def test_bad_command_lines_are_refused_before_the_run(tmp_path):
    precious = tmp_path / "important.py"
    precious.write_text("print('mine')\n")
    assert "not a metaopt checkpoint" in refused("run", "sphere", "--dim", "2", "--budget",
                                                 "100", "--checkpoint", str(precious))
    assert precious.read_text() == "print('mine')\n"
    a_file = tmp_path / "out.txt"
    a_file.write_text("")
    assert "takes a folder" in refused("run", "sphere", "--dim", "2", "--budget", "100",
                                       "--out", str(a_file))
    assert "at least 1" in refused("run", "sphere", "--budget", "0")
    assert "at least 1" in refused("run", "sphere", "--pop-size", "0")
    assert "at least 1" in refused("compare", "sphere", "--seeds", "0")
    assert "named problem" in refused("run", "sphere", "--bounds", "-1", "1")
    assert "set by --budget" in refused("run", "sphere", "--option", "budget=5")
    assert "module:function" in refused("run", ":obj")
    assert "must be finite" in refused("run", "tests.golden:real", "--bounds", "nan", "inf")
    assert "expected 2 arguments" in refused("run", "tests.golden:real", "--bounds", "-inf",
                                             "inf")  # argparse reads -inf as a flag
    assert "LOW < HIGH" in refused("run", "tests.golden:real", "--bounds", "2", "1")


def test_out_without_matplotlib_writes_the_rest_and_says_what_it_could_not(tmp_path):
    blocker = tmp_path / "no_mpl"
    blocker.mkdir()
    (blocker / "matplotlib.py").write_text("raise ImportError('no matplotlib here')\n")
    env = {**__import__("os").environ, "PYTHONPATH": str(blocker)}
    out = subprocess.run([sys.executable, "-m", "metaopt", "run", "sphere", "--dim", "2",
                          "--budget", "200", "--quiet", "--out", str(tmp_path / "o")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    assert "not written: convergence.png" in out.stdout
    assert (tmp_path / "o" / "history.csv").exists() and (tmp_path / "o" / "result.json").exists()
