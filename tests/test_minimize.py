"""minimize: objective forms, stopping rules, and bad input."""

import numpy as np
import pytest
from numba import njit

import metaopt
from metaopt import Choice, Integer, Real, Space

BOUNDS = [(-5.0, 5.0)] * 3


@njit
def sphere_jit(x):
    return np.sum(x * x)


def sphere_scalar(x):
    return float(np.sum(x * x))


def sphere_vec(X):
    return np.sum(X * X, axis=1)


def test_three_objective_forms_give_the_same_run():
    kw = dict(method="de", budget=900, rng=4, pop_size=15)
    a = metaopt.minimize(sphere_scalar, BOUNDS, **kw)
    b = metaopt.minimize(sphere_vec, BOUNDS, vectorized=True, **kw)
    c = metaopt.minimize(sphere_jit, BOUNDS, **kw)
    np.testing.assert_allclose(a.x, b.x, rtol=0, atol=0)
    np.testing.assert_allclose(a.x, c.x, rtol=1e-15)
    assert a.nfev == b.nfev == c.nfev == 900


def test_jitted_objective_runs_in_compiled_loop():
    from metaopt.objective import JittedObjective, make_objective
    from metaopt.space import as_space

    ev = make_objective(sphere_jit, as_space(BOUNDS))
    assert isinstance(ev, JittedObjective)
    X = np.random.default_rng(0).random((7, 3))
    np.testing.assert_allclose(ev(X), sphere_vec(X))


def test_default_method_solves_a_small_problem_and_reads_like_scipys_result():
    res = metaopt.minimize(sphere_vec, BOUNDS, budget=20_000, rng=0, vectorized=True)
    assert res.fun < 1e-10 and isinstance(res, dict)
    assert res["x"] is res.x and {"x", "fun", "nfev", "nit", "success", "status",
                                  "message", "method"} <= set(res.keys())
    text = repr(res)  # scipy's layout: one "key: value" line per field, keys right-aligned
    assert "\n" in text and any(line.strip().startswith("fun: ") for line in text.splitlines())


def test_dict_objective_over_named_space():
    space = Space({"lr": Real(1e-4, 1.0, log=True), "n": Integer(1, 8),
                   "act": Choice(["relu", "tanh"])})

    def f(p):
        return (np.log10(p["lr"]) + 2) ** 2 + (p["n"] - 5) ** 2 + (p["act"] == "relu")

    res = metaopt.minimize(f, space, method="lshade", budget=3000, rng=0)
    assert res.params["n"] == 5 and res.params["act"] == "tanh"
    assert abs(np.log10(res.params["lr"]) + 2) < 0.05


def test_callback_stops_the_run():
    seen = []

    def cb(intermediate_result):
        seen.append(intermediate_result.nfev)
        return len(seen) == 3

    res = metaopt.minimize(sphere_vec, BOUNDS, method="de", budget=5000, rng=0,
                           vectorized=True, pop_size=10, callback=cb)
    assert res.nit == 3 and res.nfev == 30 and not res.success
    assert "callback" in res.message and seen == [10, 20, 30]


def test_callback_stop_iteration():
    def cb(_):
        raise StopIteration

    res = metaopt.minimize(sphere_vec, BOUNDS, method="jade", budget=5000, rng=0,
                           vectorized=True, pop_size=10, callback=cb)
    assert res.nit == 1


def test_target_maxiter_time_and_stagnation():
    kw = dict(method="de", budget=100_000, rng=0, vectorized=True, pop_size=10)
    res = metaopt.minimize(sphere_vec, BOUNDS, target=1e-3, **kw)
    assert res.fun <= 1e-3 and "target" in res.message and res.nfev < 100_000
    res = metaopt.minimize(sphere_vec, BOUNDS, maxiter=7, **kw)
    assert res.nit == 7 and res.nfev == 70 and "generations" in res.message
    res = metaopt.minimize(sphere_vec, BOUNDS, max_time=0.05, **kw)
    assert "time limit" in res.message and res.nfev < 100_000
    flat = metaopt.minimize(lambda X: np.ones(len(X)), BOUNDS, stagnation=5, **kw)
    assert "stagnation" in flat.message and flat.nit == 6


def test_init_array_is_the_first_population():
    init = np.random.default_rng(0).uniform(-5, 5, (8, 3))
    seen = []

    def f(X):
        seen.append(X.copy())
        return sphere_vec(X)

    metaopt.minimize(f, BOUNDS, method="de", budget=80, rng=0, vectorized=True, init=init)
    np.testing.assert_allclose(seen[0], init, rtol=1e-12)


@pytest.mark.parametrize("init", ["sobol", "random", "lhs"])
def test_init_designs(init):
    res = metaopt.minimize(sphere_vec, BOUNDS, method="shade", budget=300, rng=0,
                           vectorized=True, init=init, pop_size=20)
    assert res.nfev == 300


@pytest.mark.parametrize("kwargs, exc, words", [
    (dict(fun=42), TypeError, "fun must be callable"),
    (dict(method="nope"), ValueError, "method='nope'"),
    (dict(budget=10), ValueError, "budget=10 is smaller than the first population"),
    (dict(budget=0), ValueError, "budget must be >= 1"),
    (dict(budget=10.5), TypeError, "budget must be an int"),
    (dict(bounds=[(1, 0)]), ValueError, "bounds[0] needs low < high"),
    (dict(bounds=[(0, np.nan)]), ValueError, "must be finite"),
    (dict(bounds=[[0, 1, 2]]), ValueError, "shape (dim, 2)"),
    (dict(pop_size=2), ValueError, "pop_size must be >="),
    (dict(colour="red"), TypeError, "unknown option(s) ['colour']"),
    (dict(method="de", strategy="rand/9"), ValueError, "strategy must be one of"),
    (dict(method="de", F=-1.0), ValueError, "F must be > 0"),
    (dict(method="de", CR=1.5), ValueError, "CR must be <= 1"),
    (dict(method="de", dither=(1.0, 0.5)), ValueError, "dither needs low < high"),
    (dict(maxiter=0), ValueError, "maxiter must be >= 1"),
    (dict(target=np.inf), ValueError, "target must be finite"),
    (dict(max_time=-1.0), ValueError, "max_time must be > 0"),
    (dict(rng=1.5), TypeError, "rng must be"),
    (dict(vectorized="yes"), TypeError, "vectorized must be a bool"),
    (dict(callback=3), TypeError, "callback must be callable"),
    (dict(init=np.zeros((5, 2))), ValueError, "init must have shape"),
    (dict(init=np.full((6, 3), 9.0)), ValueError, "outside the bounds"),
    (dict(init="faure"), ValueError, "init must be one of"),
    (dict(method="lshade", memory_size=0), ValueError, "memory_size must be >= 1"),
])
def test_bad_input_names_the_argument(kwargs, exc, words):
    args = dict(fun=sphere_vec, bounds=BOUNDS, method="lshade", budget=1000, vectorized=True)
    args.update(kwargs)
    with pytest.raises(exc) as info:
        metaopt.minimize(args.pop("fun"), args.pop("bounds"), **args)
    assert words in str(info.value)


def test_wrong_shapes_from_the_objective_raise():
    with pytest.raises(metaopt.EvaluationError, match="must return shape \\(10,\\)"):
        metaopt.minimize(lambda X: np.zeros(3), BOUNDS, method="de", budget=100,
                         vectorized=True, pop_size=10)
    with pytest.raises(metaopt.EvaluationError, match="individual 0 .*must return a scalar"):
        metaopt.minimize(lambda x: np.zeros(2), BOUNDS, method="de", budget=100, pop_size=10)
    with pytest.raises(metaopt.EvaluationError, match="not a number"):
        metaopt.minimize(lambda x: "a", BOUNDS, method="de", budget=100, pop_size=10)


def test_progress_bar_on_runs_longer_than_a_second(capsys):
    import time

    def slow(X):
        time.sleep(0.15)
        return np.sum(X * X, axis=1)

    metaopt.minimize(slow, BOUNDS, method="de", budget=100, pop_size=10, vectorized=True,
                     rng=0, progress=True)
    err = capsys.readouterr().err
    assert "100/100" in err and "best=" in err
    metaopt.minimize(sphere_vec, BOUNDS, method="de", budget=100, pop_size=10, vectorized=True,
                     rng=0, progress=True)
    assert "best=" not in capsys.readouterr().err  # a fast run shows nothing


def test_run_and_minimize_take_the_run_options_declared_once():
    import dataclasses
    import inspect

    from metaopt.run_options import RUN_OPTIONS, RunOptions

    for function in (metaopt.run, metaopt.minimize):
        params = inspect.signature(function).parameters
        assert set(RUN_OPTIONS) <= set(params), function.__name__
        for field in dataclasses.fields(RunOptions):
            assert params[field.name].default == field.default, (function.__name__, field.name)
    opt = metaopt.DE(BOUNDS, pop_size=10, rng=0)
    with pytest.raises(TypeError, match="run\\(\\) got an unexpected keyword argument 'budgit'"):
        metaopt.run(opt, sphere_vec, budgit=100, vectorized=True)
    with pytest.raises(TypeError, match="unknown option.*'budgit'"):
        metaopt.minimize(sphere_vec, BOUNDS, method="de", budgit=100)
    # an option given to minimize reaches the run: a stopping rule
    res = metaopt.minimize(sphere_vec, BOUNDS, method="de", budget=5000, rng=0,
                           vectorized=True, maxiter=3)
    assert res.nit == 3
