"""Property-based tests: malformed bounds, spaces, budgets and options thrown at the public API
raise ValueError or TypeError with a message; valid ones run. Nothing crashes Numba or hangs."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import metaopt
from metaopt import REGISTRY, Choice, Integer, Real, Space

from .options import population

SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6))
junk = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=4),
                 st.lists(numbers, max_size=3), st.dictionaries(st.text(max_size=2), numbers,
                                                                max_size=2))


def sphere(X):
    with np.errstate(over="ignore"):  # bounds near the float limit overflow to inf: fine, +inf
        return np.sum(X**2, axis=1)


def attempt(call):
    """Run ``call``: it must either return a Result or raise ValueError/TypeError with text."""
    try:
        return call()
    except (ValueError, TypeError) as exc:
        assert str(exc), "errors must say what is wrong"
        return None


def valid_pairs(bounds):
    try:
        arr = np.array(bounds, dtype=float)
    except (TypeError, ValueError):
        return False
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0:
        return False
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.all(np.isfinite(arr)) and np.all(arr[:, 0] < arr[:, 1])
                    and np.all(np.isfinite(arr[:, 1] - arr[:, 0])))


bounds_strategy = st.one_of(
    junk,
    st.lists(st.tuples(numbers, numbers), max_size=3),
    st.lists(st.lists(numbers, max_size=3), max_size=3),
)


@SETTINGS
@given(bounds=bounds_strategy, method=st.sampled_from(sorted(REGISTRY)))
def test_malformed_bounds(bounds, method):
    res = attempt(lambda: metaopt.minimize(sphere, bounds, method=method, budget=40,
                                           **population(method, 8), vectorized=True, rng=0))
    assert (res is not None) == valid_pairs(bounds)
    if res is not None:
        assert res.nfev == 40 and np.all(np.isfinite(res.x))


variable_strategy = st.one_of(
    st.builds(lambda a, b, log: (Real, (a, b), {"log": log}), numbers, numbers, st.booleans()),
    st.builds(lambda a, b: (Integer, (a, b), {}), st.one_of(st.integers(-20, 20), numbers),
              st.one_of(st.integers(-20, 20), numbers)),
    st.builds(lambda opts: (Choice, (opts,), {}),
              st.one_of(st.lists(st.text(max_size=2), max_size=4), junk)),
)


@SETTINGS
@given(variables=st.lists(variable_strategy, min_size=0, max_size=4),
       method=st.sampled_from(sorted(REGISTRY)))
def test_malformed_spaces(variables, method):
    def build():
        space = Space({f"v{i}": cls(*args, **kw) for i, (cls, args, kw) in enumerate(variables)})
        return metaopt.minimize(lambda p: float(len(str(p))), space, method=method, budget=30,
                                **population(method, 6), rng=0)

    res = attempt(build)
    if res is not None:
        assert res.nfev == 30 and set(res.params) == {f"v{i}" for i in range(len(variables))}


@SETTINGS
@given(budget=st.one_of(st.booleans(), st.floats(allow_nan=True), st.text(max_size=3),
                        st.lists(st.integers(), max_size=2), st.integers(-5, 120)),
       maxiter=st.one_of(st.none(), junk),
       target=st.one_of(st.none(), numbers), max_time=st.one_of(st.none(), numbers),
       stagnation=st.one_of(st.none(), junk))
def test_malformed_budgets_and_stopping_rules(budget, maxiter, target, max_time, stagnation):
    res = attempt(lambda: metaopt.minimize(
        sphere, [(-1, 1)] * 2, method="de", budget=budget, pop_size=8, vectorized=True, rng=0,
        maxiter=maxiter, target=target, max_time=max_time, stagnation=stagnation))
    if res is not None:
        assert isinstance(budget, int) and 8 <= budget <= 120 and res.nfev <= budget


@SETTINGS
@given(options=st.dictionaries(
    st.sampled_from(["pop_size", "F", "CR", "strategy", "crossover", "dither", "p",
                     "bound_handling", "init", "colour"]),
    st.one_of(junk, st.integers(-3, 40), st.floats(-1, 3),
              st.sampled_from(["rand/1", "best/1", "rand/2", "bin", "exp", "clip", "lhs"]),
              st.tuples(st.floats(-1, 3), st.floats(-1, 3))),
    max_size=4))
def test_malformed_de_options(options):
    res = attempt(lambda: metaopt.minimize(sphere, [(-1, 1)] * 3, method="de", budget=200,
                                           vectorized=True, rng=0, **options))
    if res is not None:
        assert res.nfev <= 200 and "colour" not in options


@SETTINGS
@given(options=st.dictionaries(
    st.sampled_from(["pop_size", "memory_size", "p", "archive_rate", "min_pop_size"]),
    st.one_of(junk, st.integers(-3, 30), st.floats(-1, 4)), max_size=3),
    method=st.sampled_from(["lshade", "shade"]))
def test_malformed_adaptive_options(options, method):
    if method == "shade":
        options.pop("p", None), options.pop("min_pop_size", None)
    res = attempt(lambda: metaopt.minimize(sphere, [(-1, 1)] * 2, method=method, budget=150,
                                           vectorized=True, rng=0, **options))
    if res is not None:
        assert res.nfev <= 150 and math.isfinite(res.fun)


@pytest.mark.parametrize("fun", [None, 3, "sphere", np.zeros(3)])
def test_non_callable_objectives(fun):
    with pytest.raises(TypeError, match="fun must be callable"):
        metaopt.minimize(fun, [(-1, 1)], method="de", budget=100)
