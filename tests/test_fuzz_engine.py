"""Generated bad calls at minimize, run, every ask/tell class and Space (issue 11): each one
either works or raises ValueError, TypeError, CheckpointError or EvaluationError whose message
names the argument it is about; none hangs (each example runs under an alarm)."""

import inspect
import os
import signal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import metaopt
from metaopt import REGISTRY, Binary, CheckpointError, Choice, EvaluationError, Integer, \
    Permutation, Real, Space

ALLOWED = (ValueError, TypeError, CheckpointError, EvaluationError)
SETTINGS = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**4, 10**4))
junk = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=4),
                 st.lists(numbers, max_size=3), st.tuples(numbers),
                 st.dictionaries(st.text(max_size=2), numbers, max_size=1),
                 st.just(np.int64(3)), st.just(np.float32(0.5)), st.just(1 + 2j),
                 st.just(np.array([1.0, np.nan])))
BOUNDS = [(-2.0, 2.0)] * 3


@pytest.fixture(autouse=True, scope="module")
def in_a_scratch_folder(tmp_path_factory):
    """Generated checkpoint paths (any text) are written in a folder of their own, not in
    the repository."""
    previous = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("fuzz"))
    yield
    os.chdir(previous)


def sphere(X):
    return np.sum((np.asarray(X, float) - 0.3) ** 2, axis=1)


def _timeout(signum, frame):
    raise AssertionError("the call hung (over 20 s)")


def attempt(call, names):
    """Run ``call`` under an alarm; an error must be allowed and name one of ``names``."""
    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(20)
    try:
        return call()
    except ALLOWED as exc:
        text = str(exc)
        assert any(name in text for name in names), f"{type(exc).__name__}: {text!r} " \
                                                    f"names none of {names}"
        return None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


ENGINE_OPTIONS = {
    "workers": st.one_of(junk, st.sampled_from([1, -2, 0])),
    "backend": st.one_of(junk, st.sampled_from(["processes", "threads", "dask", "gpu"])),
    "on_error": st.one_of(junk, st.sampled_from(["raise", "inf", "retry", "ignore"])),
    "retries": st.one_of(junk, st.integers(-2, 3)),
    "timeout": junk,
    "checkpoint": st.one_of(junk, st.sampled_from(["", ".", "no/such/folder/x.ckpt"])),
    "checkpoint_every": st.one_of(junk, st.integers(-1, 3)),
    "checkpoint_interval": junk,
    "resume": st.one_of(junk, st.sampled_from([".", "no-such.ckpt", True, False])),
    "callback": st.one_of(junk, st.just(lambda r: None)),
    "progress": junk,
    "asynchronous": junk,
    "maxiter": st.one_of(junk, st.integers(-1, 5)),
    "target": junk,
    "max_time": junk,
    "stagnation": st.one_of(junk, st.integers(-1, 5)),
    "stagnation_tol": junk,
    "vectorized": junk,
    "budget": st.one_of(junk, st.integers(-5, 300)),
    "rng": junk,
    "init": st.one_of(junk, st.sampled_from(["lhs", "sobol", "grid"])),
    "maximize": junk,
    "constraints": st.one_of(junk, st.just(lambda X: X[:, 0] - 0.5)),
    "max_trials": st.one_of(junk, st.integers(-2, 50)),
    "x0": st.one_of(junk, st.just([0.1, 0.2, 0.3]), st.just([5.0, 0.0, 0.0])),
}


@SETTINGS
@given(options=st.fixed_dictionaries({}, optional=ENGINE_OPTIONS),
       method=st.sampled_from(sorted(REGISTRY)))
def test_minimize_with_generated_engine_options(options, method):
    options.setdefault("budget", 120)
    options.setdefault("vectorized", True)
    if isinstance(options.get("backend"), str) and options["backend"] == "dask":
        options["backend"] = "threads"  # a cluster start per example would be minutes
    if method not in ("de", "jade", "shade", "lshade", "ga") and "init" in options:
        options.pop("init")
    res = attempt(lambda: metaopt.minimize(sphere, BOUNDS, method=method, **options),
                  list(options) + ["pop_size", "population", "objective", "bounds", "method"])
    if res is not None and options["budget"] is not None:
        assert res.nfev <= options["budget"]


def _option_names(cls):
    return [name for name, p in inspect.signature(cls.__init__).parameters.items()
            if p.kind is inspect.Parameter.KEYWORD_ONLY and name not in ("rng", "budget")]


@pytest.mark.parametrize("method", sorted(REGISTRY))
@settings(max_examples=110, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_class_with_generated_options_then_ask_tell(method, data):
    cls = REGISTRY[method]
    names = _option_names(cls)
    values = st.one_of(junk, st.integers(-3, 40), st.floats(-1, 3), st.text(max_size=6))
    options = data.draw(st.dictionaries(st.sampled_from(names), values, max_size=3))

    def run_it():
        opt = cls(BOUNDS, rng=0, budget=300, **options)
        while opt.nfev < 300:
            X = opt.ask()[: 300 - opt.nfev]
            opt.tell(X, sphere(X))
        return opt.result()

    res = attempt(run_it, list(options) + ["pop_size", "budget", "population"])
    if res is not None:
        assert res.nfev == 300


@SETTINGS
@given(X=st.one_of(junk, st.lists(st.lists(numbers, max_size=4), max_size=3)),
       f=st.one_of(junk, st.lists(numbers, max_size=12)),
       method=st.sampled_from(sorted(REGISTRY)))
def test_tell_with_generated_arguments(X, f, method):
    opt = REGISTRY[method](BOUNDS, rng=0, budget=300)
    opt.ask()
    attempt(lambda: opt.tell(X, f), ["tell", "X", "fX"])


VARIABLES = st.one_of(
    st.builds(lambda a, b, log: lambda: Real(a, b, log=log), junk, junk, junk),
    st.builds(lambda a, b: lambda: Integer(a, b), junk, junk),
    st.builds(lambda o: lambda: Choice(o), junk),
    st.builds(lambda n: lambda: Binary(n), junk),
    st.builds(lambda n: lambda: Permutation(n), junk),
)


@SETTINGS
@given(make=VARIABLES, named=st.booleans())
def test_space_with_generated_variables(make, named):
    def build():
        variable = make()
        space = Space({"v": variable}) if named else Space([variable])
        return metaopt.minimize(lambda x: 0.0, space, method="random", budget=8, pop_size=4,
                                rng=0)

    attempt(build, ["low", "high", "options", "n", "log", "Real", "Integer", "Choice", "Binary",
                    "Permutation", "bounds", "space", "variable"])


@SETTINGS
@given(optimizer=junk, budget=st.one_of(junk, st.integers(-3, 50)),
       method=st.sampled_from(sorted(REGISTRY)))
def test_run_with_generated_arguments(optimizer, budget, method):
    attempt(lambda: metaopt.run(optimizer, sphere, budget=budget), ["optimizer"])
    opt = REGISTRY[method](BOUNDS, rng=0)
    attempt(lambda: metaopt.run(opt, sphere, budget=budget, vectorized=True),
            ["budget", "pop_size"])
