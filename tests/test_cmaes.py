"""CMA-ES: each generation equals the tutorial's equations written out in numpy, its default
parameters, restarts with their reasons, and the functions it solves."""

import numpy as np
import pytest

import metaopt
from metaopt.algorithms.cmaes import reflect
from metaopt.algorithms.cmaes_parameters import strategy_parameters

from . import reference as R


def ellipsoid(X):
    return np.sum(10 ** (6 * np.arange(X.shape[1]) / (X.shape[1] - 1)) * (X - 0.3) ** 2, axis=1)


@pytest.mark.parametrize("diagonal", [False, True])
def test_each_generation_equals_the_tutorial_equations(diagonal):
    opt = metaopt.CMAES([(-1.0, 1.0)] * 6, rng=0, restarts=None, diagonal=diagonal)
    for generation in range(12):
        inv_sqrt = np.diag(1 / opt.D) if diagonal else (opt.B / opt.D) @ opt.B.T
        before = (opt.mean.copy(), opt.sigma, opt.C.copy(), opt.ps.copy(), opt.pc.copy(), opt.g)
        X = opt.ask()
        f = ellipsoid(X)
        Y = opt._Y.copy()
        opt.tell(X, f)
        m, sigma, C, ps, pc = R.cma_generation(
            before[0], before[1], before[2], inv_sqrt, before[3], before[4], before[5], Y, f,
            opt.weights, opt.mu, opt.mueff, opt.cc, opt.cs, opt.c1, opt.cmu, opt.damps,
            opt.chi_n, diagonal)
        np.testing.assert_allclose(opt.mean, m, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(opt.sigma, sigma, rtol=1e-12)
        np.testing.assert_allclose(opt.ps, ps, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(opt.pc, pc, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(opt.C, C, rtol=1e-10, atol=1e-14)


def test_default_parameters_are_the_tutorials():
    p = strategy_parameters(10, 10)
    assert p["mu"] == 5 and p["weights"][:5].sum() == pytest.approx(1.0)
    assert p["mueff"] == pytest.approx(3.1672, abs=1e-4)
    assert p["cs"] == pytest.approx((p["mueff"] + 2) / (10 + p["mueff"] + 5))
    assert p["c1"] == pytest.approx(2 / (11.3 ** 2 + p["mueff"]))
    assert np.all(p["weights"][5:] < 0)  # active
    assert metaopt.CMAES([(0, 1)] * 10, rng=0).lam == 4 + int(3 * np.log(10))


def test_reflection_keeps_samples_in_the_box():
    X = np.array([[-0.3, 1.2, 2.5, 0.4]])
    np.testing.assert_allclose(reflect(X), [[0.3, 0.8, 0.5, 0.4]])


@pytest.mark.parametrize("restarts", ["ipop", "bipop"])
def test_restarts_are_recorded_with_their_reasons(restarts):
    res = metaopt.minimize(lambda X: np.sum(X ** 2, axis=1), [(-5, 5)] * 3, method="cmaes",
                           budget=6000, rng=0, vectorized=True, restarts=restarts)
    assert len(res.restarts) >= 2
    assert all(r["reason"] in ("tolfun", "tolhistfun", "tolx", "noeffectaxis",
                               "noeffectcoord", "conditioncov", "stagnation")
               for r in res.restarts)
    sizes = [r["pop_size"] for r in res.restarts]
    if restarts == "ipop":
        assert sizes == [7 * 2 ** i for i in range(len(sizes))]  # 4 + floor(3 ln 3) = 7


def test_without_restarts_a_converged_run_ends_and_says_why():
    res = metaopt.minimize(lambda X: np.sum(X ** 2, axis=1), [(-5, 5)] * 3, method="cmaes",
                           budget=100_000, rng=0, vectorized=True, restarts=None)
    assert res.nfev < 100_000 and res.message.startswith("CMA-ES stopped")
    assert res.fun < 1e-12


def test_solves_a_rotated_ill_conditioned_problem_l_shade_struggles_with():
    from problems import make_function

    f = make_function("ellipsoid", 10, rng=1, shift=True)
    res = metaopt.minimize(f, f.bounds, method="cmaes", budget=10_000, rng=0, vectorized=True)
    assert res.fun - f.f_opt < 1e-8
