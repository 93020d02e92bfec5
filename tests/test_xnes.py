"""xNES: each generation equals the paper's update written out with scipy's matrix
exponential; its defaults; the problems it solves, with and without bounds."""

import math

import numpy as np
import pytest
from scipy.linalg import expm

import metaopt
from metaopt.algorithms.xnes import symmetric_expm, xnes_update


def _update_reference(mean, sigma, B, Z, u, eta_mu, eta_sigma, eta_B):
    """Glasmachers et al. (2010), Algorithm 1, one generation, sample by sample."""
    d = len(mean)
    g_delta = sum(u_k * z for u_k, z in zip(u, Z))
    g_M = sum(u_k * (np.outer(z, z) - np.eye(d)) for u_k, z in zip(u, Z))
    g_sigma = np.trace(g_M) / d
    g_B = g_M - g_sigma * np.eye(d)
    return (mean + eta_mu * sigma * B @ g_delta, sigma * np.exp(eta_sigma / 2 * g_sigma),
            B @ expm(eta_B / 2 * g_B))


def test_each_generation_equals_the_papers_update():
    rng = np.random.default_rng(0)
    for d in (1, 3, 8):
        Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
        B = Q @ np.diag(np.exp(rng.uniform(-1, 1, d))) @ Q.T
        B /= np.linalg.det(B) ** (1 / d)
        Z = rng.standard_normal((10, d))
        u = rng.permutation(np.linspace(-0.2, 0.3, 10))
        u -= u.mean()
        mean0 = rng.random(d)
        got = xnes_update(mean0, 0.3, B, Z, u, 1.0, 0.1, 0.05)
        want = _update_reference(mean0, 0.3, B, Z, u, 1.0, 0.1, 0.05)
        for a, b in zip(got, want):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)
        assert np.linalg.det(got[2]) == pytest.approx(1.0, abs=1e-10)
    S = rng.standard_normal((4, 4))
    np.testing.assert_allclose(symmetric_expm(S + S.T), expm(S + S.T), rtol=1e-10)


def test_defaults_are_the_papers():
    opt = metaopt.XNES([(-5, 5)] * 10, rng=0)
    eta = 3 * (3 + math.log(10)) / (5 * 10 * math.sqrt(10))
    assert opt.pop_size == 4 + int(3 * math.log(10)) and opt.eta_mu == 1.0
    assert opt.eta_sigma == pytest.approx(eta) and opt.eta_B == pytest.approx(eta)
    assert opt.sigma == pytest.approx(0.2) and np.allclose(opt.B, np.eye(10))
    unequal = metaopt.XNES([(-5, 5), (0, 100)], sigma=2.0, rng=0)  # isotropic in x
    np.testing.assert_allclose(unequal.sigma * np.diag(unequal.B) * [10, 100], [2.0, 2.0])
    assert np.linalg.det(unequal.B) == pytest.approx(1.0)


def test_solves_a_rotated_ellipsoid():
    from problems import make_function

    f = make_function("ellipsoid", 5, rng=2, shift=True, rotate=True)
    res = metaopt.minimize(f, f.bounds, method="xnes", budget=20_000, rng=0, vectorized=True)
    assert res.fun - f.f_opt < 1e-8


def test_searches_without_bounds_from_x0():
    far = np.array([20.0, -10.0, 5.0, 1.0])
    res = metaopt.minimize(lambda X: np.sum((X - far) ** 2, axis=1), None, method="xnes",
                           x0=np.zeros(4), sigma=1.0, budget=8000, rng=0, vectorized=True)
    assert res.fun < 1e-8
