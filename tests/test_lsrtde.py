"""L-SRTDE (Stanovov & Semenkin 2024) against the authors' code: its defaults, the
success-rate rules, one trial at a time with its two populations, the memory of actual
crossover rates, the reduction, exact resumes mid-generation, and the optimum it reaches."""

import math

import numpy as np
import pytest

import metaopt
from metaopt.algorithms.lsrtde import LSRTDE, _weighted_lehmer


def rastrigin(X):
    return 10 * X.shape[1] + np.sum((X - 0.5) ** 2 - 10 * np.cos(2 * np.pi * (X - 0.5)), axis=1)


def sphere(X):
    return np.sum((X - 0.3) ** 2, axis=1)


def step(opt, fun, n):
    for _ in range(n):
        X = opt.ask()
        opt.tell(X, fun(X))


def test_defaults_and_the_first_generation_are_the_codes():
    opt = LSRTDE([(-100, 100)] * 10, rng=0, budget=100_000)
    assert opt.pop_size == 200 and opt.memory_size == 5
    np.testing.assert_array_equal(opt.memory_CR, 1.0)
    assert opt.success_rate == 0.5 and opt.batch_size == 200
    step(opt, sphere, 1)
    # the front is the first population sorted; the elite keeps it as evaluated
    np.testing.assert_array_equal(np.sort(opt.elite_fit), opt.front_fit)
    assert opt.batch_size == 1 and opt.gen_size == 200
    assert opt.mean_F == pytest.approx(0.4 + 0.25 * math.tanh(2.5))
    assert opt.pbest_size == max(2, int(200 * 0.7 * math.exp(-3.5)))


def test_a_generation_updates_the_success_rate_memory_and_sizes():
    opt = LSRTDE([(-5, 5)] * 4, rng=1, budget=4000)
    step(opt, sphere, 1 + opt.pop_size)  # the first population, then one generation
    assert opt.trials_done == 0 and opt.nfev == 2 * 80
    rate = opt.success_rate
    assert 0 < rate <= 1
    planned = int((4 - 80) / 4000 * 160 + 80)
    assert opt.front.shape[0] == opt.elite.shape[0] == planned == opt.gen_size
    assert opt.memory_index == 1 and 0 <= opt.memory_CR[0] <= 1 and opt.memory_CR[1] == 1.0
    assert opt.mean_F == pytest.approx(0.4 + 0.25 * math.tanh(5 * rate))
    assert np.all(np.diff(opt.elite_fit) >= 0)  # the elite: the best of its pool, sorted


def test_weighted_lehmer_mean_is_the_codes():
    v, w = np.array([0.2, 0.6, 1.0]), np.array([1.0, 2.0, 5.0])
    wn = w / w.sum()
    assert _weighted_lehmer(v, w) == pytest.approx(np.sum(wn * v**2) / np.sum(wn * v))
    assert _weighted_lehmer(np.zeros(3), w) == 1.0  # the code's fallback
    assert _weighted_lehmer(v, np.zeros(3)) == 1.0  # every improvement 0


def test_trials_stay_in_the_box_and_the_run_resumes_exactly_mid_generation(tmp_path):
    from metaopt.checkpoint import load_checkpoint, save_checkpoint

    opt = LSRTDE([(-5, 5)] * 3, rng=2, budget=3000)
    step(opt, rastrigin, 1 + 75)  # part way into the second generation
    assert 0 < opt.trials_done < opt.gen_size
    path = tmp_path / "lsrtde.ckpt"
    save_checkpoint(path, {"optimizer": opt.state_dict()})
    resumed = LSRTDE([(-5, 5)] * 3, rng=2, budget=3000)
    resumed.load_state_dict(load_checkpoint(path)["optimizer"])
    for o in (opt, resumed):
        while o.nfev < 3000:
            X = o.ask()
            assert np.all(np.abs(X) <= 5)
            o.tell(X, rastrigin(X))
    np.testing.assert_array_equal(opt.result().x, resumed.result().x)
    assert opt.result().fun == resumed.result().fun


def ellipsoid(X):
    n = X.shape[1]
    return np.sum(10 ** (6 * np.arange(n) / (n - 1)) * (X - 0.3) ** 2, axis=1)


@pytest.mark.parametrize("method, dim, budget", [("lsrtde", 5, 15_000), ("jso", 8, 40_000)])
def test_reaches_the_optimum_of_an_ill_conditioned_problem_and_reproduces(method, dim, budget):
    kw = dict(method=method, budget=budget, rng=3, vectorized=True)
    res = metaopt.minimize(ellipsoid, [(-5.0, 5.0)] * dim, **kw)
    assert res.fun < 1e-8 and res.nfev == budget
    again = metaopt.minimize(ellipsoid, [(-5.0, 5.0)] * dim, **kw)
    np.testing.assert_array_equal(res.x, again.x)


def test_failed_evaluations_neither_crash_nor_poison_the_memory():
    def sometimes_nan(X):
        f = sphere(X)
        f[X[:, 0] > 0.6] = np.nan
        return f

    opt = LSRTDE([(-1, 1)] * 3, rng=4, budget=2000)
    step(opt, lambda X: np.full(X.shape[0], np.nan), 1)  # a first population that all fails
    while opt.nfev < 2000:
        X = opt.ask()
        opt.tell(X, sometimes_nan(X))
    assert np.isfinite(opt.memory_CR).all() and (opt.success_delta >= 0).all()
    assert opt.result().fun < 1e-3
    assert _weighted_lehmer(np.array([0.5, 1.0]), np.array([np.inf, 1.0])) == pytest.approx(
        (0.5 * 0.25 + 0.5 * 1.0) / (0.5 * 0.5 + 0.5 * 1.0))
