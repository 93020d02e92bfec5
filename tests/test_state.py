"""The declared-state contract, for every registered method over five kinds of run (a box, bits,
a permutation, a tour with distances, steady-state DE), in the spirit of optax's
state-stability test: the state after some generations has the structure of a fresh one,
nothing is created lazily, nothing undeclared evolves, and save -> load -> continue equals the
uninterrupted run."""

import inspect

import numpy as np
import pytest

import metaopt
from metaopt import REGISTRY, Binary, Permutation
from metaopt.checkpoint import load_checkpoint, save_checkpoint
from metaopt.state import Field, StateError, declared_state
from problems.tsp import TSP

from .options import searches

METHODS = sorted(REGISTRY)
GENERATIONS = 3


def box(X):
    return np.sum((X - 0.7) ** 2, axis=1) + np.sum(np.cos(3 * X), axis=1)


def bits(X):
    return -np.sum(X * (1 + np.arange(X.shape[1]) % 3), axis=1).astype(float)


def perm(X):
    n = X.shape[1]
    return np.sum(np.abs(X - np.arange(n)[::-1]) * (1 + np.arange(n)), axis=1).astype(float)


def _tsp():
    xy = np.random.default_rng(0).random((12, 2))
    return TSP(np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)))


TOUR = _tsp()
KINDS = {
    "box": (box, [(-3.0, 3.0)] * 4),
    "bits": (bits, Binary(10)),
    "perm": (perm, Permutation(7)),
    "tour": (TOUR, Permutation(TOUR.n)),
}


def build(method, kind, seed=3):
    fun, bounds = KINDS[kind]
    if not searches(method, bounds):
        pytest.skip(f"{method} does not search {kind} spaces")
    cls = REGISTRY[method]
    kw = {"rng": seed, "budget": 2000}
    if kind == "tour" and "distances" in inspect.signature(cls.__init__).parameters:
        kw["distances"] = TOUR.distances
    if "pop_size" in inspect.signature(cls.__init__).parameters and method != "lshade":
        kw["pop_size"] = {"ils": None, "tabu": None}.get(method, 8)
    return cls(bounds, **kw), fun


def evaluate(fun, X):
    return fun(X) if fun is not TOUR else TOUR(X)


def step(opt, fun, generations):
    for _ in range(generations):
        X = opt.ask()
        opt.tell(X, evaluate(fun, X))


def kind_of(value):
    """What a state value is, for comparing structures: arrays by dtype and ndim."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.ndim)
    if isinstance(value, dict):
        return ("dict", tuple(sorted(value)))
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        return "float"
    return type(value).__name__


def plain(value):
    return isinstance(value, (bool, int, float, str, tuple, np.ndarray, np.generic)) \
        or value is None


def same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape \
            and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b or (a != a and b != b)


def roundtrip(state, tmp_path):
    """Through a real checkpoint file, as a resumed run reads it."""
    path = tmp_path / "state.ckpt"
    save_checkpoint(path, {"optimizer": state})
    return load_checkpoint(path)["optimizer"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", METHODS)
def test_declared_state_is_stable_and_resumes_exactly(method, kind, tmp_path):
    fresh, fun = build(method, kind)
    fresh_vars = dict(vars(fresh))
    fresh_state = fresh.state_dict()["attributes"]
    opt, _ = build(method, kind)
    step(opt, fun, GENERATIONS)
    # nothing is created lazily, and every declared field exists from __init__ on
    assert set(vars(opt)) == set(fresh_vars)
    declared = declared_state(type(opt))
    assert all(isinstance(field, Field) for field in declared.values())
    assert set(declared) - {"elapsed"} <= set(fresh_vars)
    # the state's structure after some generations is a fresh one's
    state = opt.state_dict()["attributes"]
    assert set(state) == set(fresh_state) == set(declared)
    for name in declared:
        a, b = fresh_state[name], state[name]
        if a is not None and b is not None and name != "rng":
            assert kind_of(a) == kind_of(b), name
    # what is not declared is configuration: it does not evolve
    derived = set(getattr(type(opt), "DERIVED", ()))
    for cls in type(opt).__mro__:
        derived |= set(vars(cls).get("DERIVED", ()))
    for name, value in vars(opt).items():
        if name in declared or name in derived or not plain(value):
            continue
        assert same(value, fresh_vars[name]), f"{name} evolves but is not declared state"
    # save -> load -> continue equals the uninterrupted run
    saved = roundtrip(opt.state_dict(), tmp_path)
    resumed, _ = build(method, kind)
    resumed.load_state_dict(saved)
    step(opt, fun, GENERATIONS)
    step(resumed, fun, GENERATIONS)
    a, b = opt.result(), resumed.result()
    np.testing.assert_array_equal(np.asarray(a.x, float), np.asarray(b.x, float))
    assert (a.fun, a.nfev, a.nit, a.ndelta) == (b.fun, b.nfev, b.nit, b.ndelta)
    np.testing.assert_array_equal(a.history.best_fun, b.history.best_fun)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", METHODS)
def test_a_state_saved_mid_batch_resumes_exactly(method, kind, tmp_path):
    """Saved between ask and tell (Ctrl-C, a failed batch): the asked batch comes back."""
    opt, fun = build(method, kind)
    step(opt, fun, 2)
    X = opt.ask()
    resumed, _ = build(method, kind)
    resumed.load_state_dict(roundtrip(opt.state_dict(), tmp_path))
    np.testing.assert_array_equal(resumed.asked, X)
    for o in (opt, resumed):
        o.tell(X, evaluate(fun, X))
        step(o, fun, 2)
    assert opt.result().fun == resumed.result().fun
    np.testing.assert_array_equal(np.asarray(opt.result().x, float),
                                  np.asarray(resumed.result().x, float))


def test_steady_state_de_resumes_exactly(tmp_path):
    def run_async(opt, told):
        X = opt.ask()
        opt.tell(X, box(X))
        while opt.nfev < told:
            key, u = opt.ask_one()
            opt.tell_one(key, u, float(box(opt.space.decode(u[None, :]))[0]))

    a = metaopt.DE([(-3.0, 3.0)] * 4, pop_size=8, rng=2)
    assert a._next_target == -1  # declared in __init__, not created by the first ask_one
    run_async(a, 21)
    b = metaopt.DE([(-3.0, 3.0)] * 4, pop_size=8, rng=2)
    b.load_state_dict(roundtrip(a.state_dict(), tmp_path))
    assert b._next_target == a._next_target
    run_async(a, 60)
    run_async(b, 60)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.best_fun == b.best_fun and a.nfev == b.nfev


def _interrupt_at(nit):
    def callback(intermediate_result):
        if intermediate_result.nit == nit:
            raise KeyboardInterrupt
    return callback


@pytest.mark.parametrize("method, fun, bounds, extra", [
    ("tabu", TOUR, Permutation(TOUR.n), {}),
    ("ils", TOUR, Permutation(TOUR.n), {}),
    ("de", box, [(-3.0, 3.0)] * 4, {"asynchronous": True, "pop_size": 8}),
])
def test_interrupted_runs_resume_bit_exact_through_minimize(method, fun, bounds, extra,
                                                            tmp_path):
    """The two resumes the last review found broken: Tabu on a TSP with distances, and
    asynchronous DE; ILS on the same tour beside them."""
    path = tmp_path / "run.ckpt"
    vectorized = fun is not TOUR and not extra.get("asynchronous")
    kw = dict(method=method, budget=400, rng=5, vectorized=vectorized, **extra)
    f = fun if vectorized or fun is TOUR else (lambda x: float(box(x[None, :])[0]))
    whole = metaopt.minimize(f, bounds, **kw)
    with pytest.raises(KeyboardInterrupt):
        metaopt.minimize(f, bounds, checkpoint=path, checkpoint_every=1,
                         callback=_interrupt_at(4), **kw)
    resumed = metaopt.minimize(f, bounds, checkpoint=path, resume=path, **kw)
    np.testing.assert_array_equal(np.asarray(resumed.x, float), np.asarray(whole.x, float))
    assert (resumed.fun, resumed.nfev) == (whole.fun, whole.nfev)


def test_load_refuses_a_field_that_does_not_fit_and_leaves_the_optimizer_as_it_was():
    opt, fun = build("de", "box")
    step(opt, fun, 2)
    state = opt.state_dict()
    before = opt.state_dict()["attributes"]
    bad = dict(state, attributes=dict(state["attributes"], fit=state["attributes"]["fit"][:3]))
    with pytest.raises(StateError, match=r"DE\.fit: shape \(3,\)"):
        opt.load_state_dict(bad)
    bad = dict(state, attributes=dict(state["attributes"], nfev="12"))
    with pytest.raises(StateError, match=r"DE\.nfev: an integer belongs here, got str"):
        opt.load_state_dict(bad)
    pop = state["attributes"]["pop"].copy()
    pop[0, 0] = 7.0
    with pytest.raises(StateError, match=r"DE\.pop: points outside the unit cube"):
        opt.load_state_dict(dict(state, attributes=dict(state["attributes"], pop=pop)))
    after = opt.state_dict()["attributes"]
    for name in ("pop", "fit", "nfev", "rng"):
        assert same(before[name], after[name]) if name != "rng" else before[name] == after[name]
