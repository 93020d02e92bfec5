"""The engine contract, checked for every algorithm in the registry."""

import numpy as np
import pytest

import metaopt
from metaopt import REGISTRY, Choice, Integer, Real, Space

from .options import population

METHODS = sorted(REGISTRY)
BOUNDS = [(-3.0, 3.0)] * 4


def sphere(X):
    # Shifted: a centred optimum would favour methods that start at the centre of the box.
    return np.sum((X - 0.7) ** 2, axis=1)


def run(method, **kw):
    kw.setdefault("budget", 1003)
    kw = {**population(method, 12), **kw}
    return metaopt.minimize(sphere, BOUNDS, method=method, vectorized=True, **kw)


@pytest.mark.parametrize("method", METHODS)
def test_budget_is_spent_exactly(method):
    res = run(method, rng=0)
    assert res.nfev == 1003
    assert res.history.nfev[-1] == 1003
    assert "budget" in res.message and res.success


@pytest.mark.parametrize("method", METHODS)
def test_same_rng_same_result_and_different_rng_different(method):
    a, b, c = run(method, rng=7), run(method, rng=7), run(method, rng=8)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.fun == b.fun and a.nfev == b.nfev and a.nit == b.nit
    np.testing.assert_array_equal(a.history.best_fun, b.history.best_fun)
    # another rng, another run: its path differs (a local search may end both on the exact
    # optimum, the nearest double to 0.7, as basin hopping's Powell does)
    assert not np.array_equal(a.x, c.x) or not np.array_equal(a.history.best_fun,
                                                              c.history.best_fun)


@pytest.mark.parametrize("method", METHODS)
def test_generator_rng_is_used_not_copied(method):
    g = np.random.default_rng(3)
    a = run(method, rng=g)
    b = run(method, rng=g)  # the shared generator has moved on: another run
    assert not np.array_equal(a.x, b.x) or not np.array_equal(a.history.best_fun,
                                                              b.history.best_fun)


@pytest.mark.parametrize("method", METHODS)
def test_nan_and_inf_count_as_worst_and_never_become_best(method):
    def f(X):
        out = np.sum((X - 0.7) ** 2, axis=1)
        out[X[:, 0] < -1.0] = np.nan  # a third of the box fails ...
        out[X[:, 1] > 2.5] = -np.inf  # ... and a region claims -inf
        return out

    res = metaopt.minimize(f, BOUNDS, method=method, budget=600, rng=1, vectorized=True,
                           **population(method, 12))
    assert np.isfinite(res.fun) and res.x[0] >= -1.0 and res.x[1] <= 2.5
    assert res.fun == pytest.approx(np.sum((res.x - 0.7) ** 2))
    assert not np.isnan(res.population_fun).any()
    assert np.all(res.population_fun[np.isinf(res.population_fun)] > 0)


@pytest.mark.parametrize("method", METHODS)
def test_ask_tell_equals_minimize(method):
    opt = REGISTRY[method](BOUNDS, **population(method, 12), rng=5, budget=600)
    while opt.nfev < 600:
        X = opt.ask()
        X = X[: 600 - opt.nfev]
        opt.tell(X, sphere(X))
    res = run(method, rng=5, budget=600)
    np.testing.assert_array_equal(opt.result().x, res.x)
    assert opt.result().fun == res.fun and opt.nfev == res.nfev


@pytest.mark.parametrize("method", METHODS)
def test_mixed_space_values_are_always_valid(method):
    space = Space({"a": Real(-2, 2), "b": Integer(-3, 3), "c": Choice(["x", "y", "z"]),
                   "d": Real(1e-3, 10, log=True)})
    seen = []

    def f(p):
        assert isinstance(p["b"], int) and -3 <= p["b"] <= 3
        assert p["c"] in ("x", "y", "z") and 1e-3 <= p["d"] <= 10
        seen.append(p)
        return (p["a"] - 1) ** 2 + abs(p["b"] - 2) + (p["c"] != "z") + np.log10(p["d"]) ** 2

    res = metaopt.minimize(f, space, method=method, budget=500, rng=0,
                           **population(method, 12))
    assert len(seen) == 500
    assert res.params["c"] in ("x", "y", "z") and isinstance(res.params["b"], int)
    assert res.fun == f(res.params)


@pytest.mark.parametrize("method", METHODS)
def test_result_fields_and_history(method):
    res = run(method, rng=2)
    for field in ("x", "fun", "nfev", "nit", "success", "message", "population",
                  "population_fun", "history"):
        assert field in res
    assert res.population.shape[1] == 4 and res.population.shape[0] == len(res.population_fun)
    np.testing.assert_allclose(res.population_fun, sphere(res.population))
    h = res.history
    assert len(h) == res.nit
    assert np.all(np.diff(h.nfev) > 0) and np.all(np.diff(h.best_fun) <= 0)
    # Every method keeps its best point in the population it reports.
    assert h.best_fun[-1] == res.fun == res.population_fun.min()
    assert np.all(np.abs(res.x) <= 3)


@pytest.mark.parametrize("method", METHODS)
def test_tell_misuse_raises(method):
    opt = REGISTRY[method](BOUNDS, **population(method, 12), rng=0, budget=1000)
    with pytest.raises(RuntimeError, match="without a pending ask"):
        opt.tell(np.zeros((12, 4)), np.zeros(12))
    X = opt.ask()
    with pytest.raises(RuntimeError, match="ask\\(\\) called twice"):
        opt.ask()
    with pytest.raises(ValueError, match="fX must have shape"):
        opt.tell(X, np.zeros(len(X) + 1))
    opt.tell(X, sphere(X))


@pytest.mark.parametrize("method", METHODS)
def test_workers_give_identical_results(method):
    a = run(method, rng=6, budget=300)
    b = run(method, rng=6, budget=300, workers=2)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.fun == b.fun and a.nfev == b.nfev


@pytest.mark.parametrize("method", METHODS)
def test_every_method_searches_bits_and_permutations(method):
    if "binary" not in REGISTRY[method].supports:  # basin hopping: continuous local searches
        assert "permutation" not in REGISTRY[method].supports
        for space in (metaopt.Binary(12), metaopt.Permutation(8)):
            with pytest.raises(ValueError, match="supports variables of kind"):
                REGISTRY[method](space, rng=0)
        return
    target = np.array([3, 0, 6, 1, 7, 2, 5, 4])

    def displacement(p):
        assert p.dtype.kind == "i" and sorted(p) == list(range(8))
        return float(np.abs(p - target).sum())

    kw = dict(method=method, budget=1500, rng=0, **population(method, 12))
    a = metaopt.minimize(displacement, metaopt.Permutation(8), **kw)
    b = metaopt.minimize(displacement, metaopt.Permutation(8), **kw)
    assert a.nfev == 1500 and np.array_equal(a.x, b.x)
    assert a.fun < 16  # a random permutation scores about 21 on average

    def bits(x):
        assert set(np.unique(x)) <= {0, 1}
        return float(np.sum(x != np.arange(12) % 2))

    res = metaopt.minimize(bits, metaopt.Binary(12), **kw)
    assert res.nfev == 1500 and res.fun <= 2
