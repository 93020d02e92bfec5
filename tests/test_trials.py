"""Result.trials: every evaluation, in the user's terms (issue 13)."""

import numpy as np
import pytest

import metaopt
from metaopt import Choice, Integer, Permutation, Real, Space


def test_one_row_per_evaluation_reproducing_the_result():
    calls = []

    def f(x):
        calls.append(np.array(x))
        return float(np.sum((np.asarray(x) - 0.2) ** 2))

    res = metaopt.minimize(f, [(-1, 1)] * 3, method="de", budget=500, rng=0)
    table = res.trials.to_pandas()
    assert len(table) == res.nfev == 500
    assert table["value"].min() == res.fun
    best = table.loc[table["value"].idxmin()]
    np.testing.assert_array_equal(best[["x0", "x1", "x2"]].to_numpy(float), res.x)
    # each row is the point the objective received, with the value it returned
    np.testing.assert_array_equal(table[["x0", "x1", "x2"]].to_numpy(float), np.array(calls))
    assert table["batch"].is_monotonic_increasing and table["batch"].iloc[-1] == res.nit
    assert table["time"].is_monotonic_increasing and not table["failed"].any()


def test_named_space_columns_are_the_users_terms_and_failures_are_marked(tmp_path):
    space = Space({"lr": Real(1e-4, 1, log=True), "layers": Integer(1, 4),
                   "act": Choice(["relu", "tanh"]), "order": Permutation(3)})

    def f(p):
        if p["layers"] == 4:
            return float("nan")  # a value that is not a number: a failure, counted
        return abs(np.log10(p["lr"]) + 2) + (p["act"] != "tanh") + p["order"][0]

    res = metaopt.minimize(f, space, method="random", budget=200, rng=1)
    table = res.trials.to_pandas()
    assert list(table.columns) == ["number", "batch", "time", "value", "failed", "violation",
                                   "lr", "layers", "act", "order[0]", "order[1]", "order[2]"]
    assert set(table["act"]) <= {"relu", "tanh"} and table["layers"].dtype.kind == "i"
    failed = table["failed"].to_numpy()
    np.testing.assert_array_equal(failed, table["layers"].to_numpy() == 4)
    assert np.all(np.isinf(table["value"][failed])) and failed.any()
    res.trials.to_csv(tmp_path / "trials.csv")
    lines = (tmp_path / "trials.csv").read_text().splitlines()
    assert len(lines) == 201 and lines[0].startswith("number,batch,time,value,failed,violation,lr")


def test_maximize_reports_trials_in_the_objectives_sign_and_the_cap_counts_what_it_drops():
    res = metaopt.minimize(lambda x: 3.0 - float(np.sum(x**2)), [(-1, 1)] * 2, method="de",
                           budget=300, rng=0, maximize=True, max_trials=100)
    assert len(res.trials) == 100 and res.trials.dropped == 200
    assert res.trials.value.max() <= res.fun <= 3.0
    assert "200 dropped" in repr(res.trials)
    with pytest.raises(ValueError, match="max_trials"):
        metaopt.minimize(lambda x: 0.0, [(-1, 1)], max_trials=-1)


def test_trials_survive_a_checkpoint_and_resume(tmp_path):
    path = tmp_path / "run.ckpt"
    f = lambda X: np.sum(X**2, axis=1)  # noqa: E731
    metaopt.minimize(f, [(-1, 1)] * 2, method="de", budget=200, rng=0, vectorized=True,
                     checkpoint=path)
    res = metaopt.minimize(f, [(-1, 1)] * 2, method="de", budget=400, rng=0, vectorized=True,
                           checkpoint=path, resume=True)
    whole = metaopt.minimize(f, [(-1, 1)] * 2, method="de", budget=400, rng=0, vectorized=True)
    assert len(res.trials) == 400
    np.testing.assert_array_equal(res.trials.x, whole.trials.x)
    np.testing.assert_array_equal(res.trials.value, whole.trials.value)


def test_the_default_cap_bounds_the_tables_memory_at_large_dimensions():
    res = metaopt.minimize(lambda X: np.sum(X**2, axis=1), [(-1.0, 1.0)] * 20_000,
                           method="random", budget=1000, rng=0, vectorized=True)
    rows = len(res.trials)
    assert rows == 10_000_000 // 20_004 and res.trials.dropped == 1000 - rows
    assert res.trials.x.nbytes <= 80_000_000


def test_the_metaopt_logger_reports_the_run(caplog):
    import logging

    with caplog.at_level(logging.DEBUG, logger="metaopt"):
        res = metaopt.minimize(lambda X: np.sum(X**2, axis=1), [(-1, 1)] * 2, method="de",
                               budget=200, rng=0, vectorized=True)
    messages = [r.getMessage() for r in caplog.records if r.name == "metaopt"]
    assert messages[0] == "DE over 2 variables, budget 200 evaluations"
    assert sum(m.startswith("generation ") for m in messages) == res.nit
    assert messages[-1].startswith("DE stopped after 200 evaluations")


def test_a_first_run_says_that_it_compiles_and_a_cached_one_does_not(tmp_path):
    import subprocess
    import sys

    code = ("import numpy as np, metaopt\n"
            "metaopt.minimize(lambda X: np.sum(X**2, axis=1), [(-1, 1)] * 2, method='ga',"
            " budget=300, rng=0, vectorized=True)\n")
    env = {**__import__("os").environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, timeout=300)
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, timeout=300)
    assert first.returncode == again.returncode == 0, first.stderr
    line = "metaopt: compiling the Numba kernels of GA once"
    assert first.stderr.count(line) == 1 and line not in again.stderr
    # a method some of whose kernels are already compiled still says so for the others
    # (ILS on a tour compiled for seconds with no word when the notice needed all of them)
    tour = ("import numpy as np, metaopt\n"
            "from problems.tsp import load_tsplib\n"
            "p = load_tsplib('berlin52')\n"
            "metaopt.minimize(p, metaopt.Permutation(p.n), method='ils', budget=50, rng=0)\n")
    ils = subprocess.run([sys.executable, "-c", tour], capture_output=True, text=True,
                         env=env, timeout=300)
    assert ils.returncode == 0, ils.stderr
    assert "metaopt: compiling the Numba kernels of ILS once" in ils.stderr


def test_the_steady_state_mode_records_every_evaluation_too():
    res = metaopt.minimize(lambda X: np.sum(X**2, axis=1), [(-1, 1)] * 2, method="de",
                           budget=300, rng=0, vectorized=True, asynchronous=True,
                           workers=2, backend="threads")
    assert len(res.trials) == res.nfev == 300
    assert res.trials.value.min() == res.fun and res.fun == np.sum(res.x ** 2)


def test_variables_named_like_a_column_do_not_replace_it():
    space = Space({"time": Real(0, 1), "value": Real(0, 1), "lr": Real(0, 1)})
    res = metaopt.minimize(lambda X: X[:, 0].astype(float) + X[:, 1].astype(float), space,
                           method="random", budget=20, pop_size=5, rng=0, vectorized=True)
    table = res.trials.to_dict()
    np.testing.assert_array_equal(table["value"], res.trials.value)  # the objective's values
    assert (np.diff(table["time"]) >= 0).all()  # the clock, not the variable
    np.testing.assert_allclose(table["value"], table["params_time"] + table["params_value"])
    assert "lr" in table and "params_lr" not in table
