"""Property-based tests of the inputs a realistic user gets wrong: constraints, x0, scipy
Bounds, map-like workers, resumes with changed settings and command lines. Each call returns
a Result that keeps its promises or raises a clear error naming what is wrong; nothing
crashes, hangs or answers silently wrong."""

import subprocess
import sys
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, NonlinearConstraint

import metaopt
from metaopt import CheckpointError, EvaluationError

from .test_fuzz_api import attempt, junk, numbers

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])
BOX = [(-2.0, 2.0)] * 2
METHODS = st.sampled_from(["de", "cmaes", "lshade", "ga", "sa", "random"])


def sphere(x):
    with np.errstate(over="ignore"):  # boxes near the float limit: +inf is a fine value
        return float(np.sum((np.asarray(x, float) - 0.3) ** 2))


def clear(call, *extra):
    """``call()``; a raised error must be one of ours (or ValueError/TypeError) with text."""
    try:
        return call()
    except (ValueError, TypeError, EvaluationError, *extra) as exc:
        assert str(exc), "errors must say what is wrong"
        return None


def _g(x):
    return x[0] - 1.0


constraint_strategy = st.one_of(
    junk,
    st.builds(lambda lb, ub: NonlinearConstraint(lambda x: x[0] + x[1], lb, ub),
              numbers, numbers),
    st.builds(lambda a, lb, ub: SimpleNamespace(A=a, lb=lb, ub=ub),  # as duck-typed
              st.one_of(junk, st.lists(st.lists(numbers, min_size=2, max_size=2), max_size=2)),
              numbers, numbers),
    st.sampled_from([_g, lambda x: None, lambda x: "no", lambda x: [x[0]] * int(x[1] > 0),
                     lambda x: np.nan, lambda x: [x[0], -1.0]]),
)


@SETTINGS
@given(constraints=constraint_strategy, method=METHODS, on_error=st.sampled_from(["raise",
                                                                                   "inf"]))
def test_generated_constraints(constraints, method, on_error):
    res = clear(lambda: metaopt.minimize(sphere, BOX, method=method, budget=80, pop_size=8,
                                         rng=0, constraints=constraints, on_error=on_error))
    if res is not None:
        assert res.nfev == 80
        if res.success and "maxcv" in res:
            assert res.maxcv == 0.0
        if np.isfinite(res.fun):
            assert res.fun == pytest.approx(sphere(res.x))


@SETTINGS
@given(x0=st.one_of(junk, st.lists(numbers, max_size=3)), method=METHODS)
def test_generated_x0(x0, method):
    res = attempt(lambda: metaopt.minimize(sphere, BOX, method=method, budget=60, pop_size=8,
                                           rng=0, x0=x0))
    if res is not None:
        assert res.nfev == 60
        assert np.all(np.asarray(res.x) >= -2.0) and np.all(np.asarray(res.x) <= 2.0)


@SETTINGS
@given(lb=st.one_of(numbers, st.lists(numbers, min_size=1, max_size=3)),
       ub=st.one_of(numbers, st.lists(numbers, min_size=1, max_size=3)))
def test_generated_scipy_bounds(lb, ub):
    try:
        bounds = Bounds(lb, ub)
    except (ValueError, TypeError):
        return  # scipy refused them itself
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # one lb and ub: said to be 1-d
        res = attempt(lambda: metaopt.minimize(sphere, bounds, method="de", budget=40,
                                               pop_size=8, rng=0))
    if res is not None:
        x = np.atleast_1d(np.asarray(res.x, float))
        assert np.all(x >= np.asarray(bounds.lb) - 1e-12)
        assert np.all(x <= np.asarray(bounds.ub) + 1e-12)


def _maps():
    def ordered(fn, items):
        return list(map(fn, items))

    def reversed_(fn, items):
        return list(map(fn, items))[::-1]

    def drops(fn, items):
        return list(map(fn, items))[1:]

    def duplicates(fn, items):
        out = list(map(fn, items))
        return out + out[:1]

    def empty(fn, items):
        return []

    def junk_items(fn, items):
        return [None] * len(list(items))

    def raises(fn, items):
        raise ConnectionError("gone")

    def generator(fn, items):
        return (fn(item) for item in items)

    return [ordered, reversed_, drops, duplicates, empty, junk_items, raises, generator]


@SETTINGS
@given(workers=st.sampled_from(_maps()), on_error=st.sampled_from(["raise", "inf"]))
def test_generated_map_like_workers(workers, on_error):
    res = clear(lambda: metaopt.minimize(sphere, BOX, method="de", budget=60, pop_size=10,
                                         rng=1, workers=workers, on_error=on_error))
    if res is not None:
        assert res.nfev == 60
        if np.isfinite(res.fun):
            assert res.fun == sphere(res.x)  # never a value paired with another point
        if workers.__name__ in ("ordered", "reversed_", "generator", "duplicates"):
            assert res.nfail == 0


@SETTINGS
@given(change=st.sampled_from(["rng", "pop_size", "maximize", "constraints", "F", "budget",
                               "method", "space", "nothing"]), method=st.sampled_from(["de",
                                                                                     "cmaes"]))
def test_generated_resumes_with_changed_settings(change, method, tmp_path_factory):
    path = tmp_path_factory.mktemp("resume") / "run.ckpt"
    base = dict(method=method, budget=100, rng=0, pop_size=10, checkpoint=path)
    metaopt.minimize(sphere, BOX, **base)
    kw, bounds, fun = dict(base, resume=path), BOX, sphere
    if change == "rng":
        kw["rng"] = 1
    elif change == "pop_size":
        kw["pop_size"] = 12
    elif change == "maximize":
        kw["maximize"], fun = True, (lambda x: -sphere(x))
    elif change == "constraints":
        kw["constraints"] = _g
    elif change == "F" and method == "de":
        kw["F"] = 0.7
    elif change == "budget":
        kw["budget"] = 150
    elif change == "method":
        kw["method"] = "ga" if method == "de" else "de"
    elif change == "space":
        bounds = [(-3.0, 3.0)] * 2
    try:
        res = metaopt.minimize(fun, bounds, **kw)
    except CheckpointError as exc:
        assert change not in ("nothing", "budget") and (change == "F" or change in str(exc)
                                                        or "holds a run of" in str(exc))
        return
    assert change in ("nothing", "budget") or (change == "F" and method != "de")
    assert res.nfev == kw["budget"]


cli_words = st.lists(st.one_of(
    st.sampled_from(["run", "compare", "list", "sphere", "rastrigin", ":obj", "tests.golden:real",
                     "--budget", "--pop-size", "--dim", "--seeds", "--bounds", "--option",
                     "--method", "--rng", "--workers", "budget=5", "F=0.7", "0", "-1", "3",
                     "1e400", "nan", "de", "nosuch", "--quiet"]),
    st.text(alphabet="abc=-:0", max_size=4)), max_size=7)


@settings(max_examples=12, deadline=None)  # a process each (~2 s); METAOPT_FUZZ=random for more
@given(words=cli_words)
def test_generated_command_lines(words):
    if words[:1] == ["run"] or words[:1] == ["compare"]:
        words = words + ["--budget", "60", "--dim", "2"] if "--budget" not in words else words
    done = subprocess.run([sys.executable, "-m", "metaopt", *words], capture_output=True,
                          text=True, timeout=120)
    assert "Traceback" not in done.stderr, (words, done.stderr[-1500:])
    assert done.returncode in (0, 1, 2), (words, done.returncode)
