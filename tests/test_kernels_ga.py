"""GA kernels against plain references on the same pre-drawn numbers."""

import numpy as np
import pytest

from metaopt.kernels import ga as KG

from . import reference as R


def test_tournament_matches_reference():
    rng = np.random.default_rng(0)
    fit = rng.random(30)
    u = rng.random((50, 3))
    np.testing.assert_array_equal(KG.tournament(fit, u), R.tournament(fit, u))
    assert KG.tournament(fit, np.zeros((1, 1)))[0] == 0


@pytest.mark.parametrize("eta", [2.0, 15.0])
def test_sbx_matches_reference_and_keeps_the_mean(eta):
    rng = np.random.default_rng(int(eta))
    m, d = 40, 6
    a, b = rng.random((m, d)), rng.random((m, d))
    a[0, 0] = b[0, 0]  # identical genes are copied
    draws = [rng.random(m), rng.random((m, d)), rng.random((m, d)), rng.random((m, d))]
    c1, c2 = KG.sbx(a, b, eta, 0.9, *draws)
    e1, e2 = R.sbx(a, b, eta, 0.9, *draws)
    np.testing.assert_allclose(c1, e1, rtol=1e-13)
    np.testing.assert_allclose(c2, e2, rtol=1e-13)
    assert c1.min() >= 0 and c1.max() <= 1 and c2.min() >= 0 and c2.max() <= 1
    untouched = (draws[0][:, None] >= 0.9) | (draws[1] > 0.5)
    np.testing.assert_array_equal(c1[untouched], a[untouched])
    assert c1[0, 0] == a[0, 0] and c2[0, 0] == b[0, 0]


def test_polynomial_mutation_matches_reference():
    rng = np.random.default_rng(1)
    X = rng.random((30, 5))
    u_apply, u_delta = rng.random((30, 5)), rng.random((30, 5))
    got = KG.polynomial_mutation(X.copy(), 20.0, 0.3, u_apply, u_delta)
    np.testing.assert_allclose(got, R.polynomial_mutation(X, 20.0, 0.3, u_apply, u_delta),
                               rtol=1e-13)
    assert np.all(got[u_apply > 0.3] == X[u_apply > 0.3])


def test_binary_operators():
    rng = np.random.default_rng(2)
    a = (rng.random((20, 10)) < 0.5).astype(float)
    b = 1.0 - a
    u_pair, u_gene = rng.random(20), rng.random((20, 10))
    c1, c2 = KG.uniform_crossover(a, b, 0.8, u_pair, u_gene)
    swap = (u_pair[:, None] < 0.8) & (u_gene < 0.5)
    np.testing.assert_array_equal(c1, np.where(swap, b, a))
    np.testing.assert_array_equal(c2, np.where(swap, a, b))
    points = np.sort(rng.integers(1, 10, (20, 3)), axis=1)
    got = KG.k_point_crossover(a, b, 0.8, u_pair, points)
    want = R.k_point_crossover(a, b, 0.8, u_pair, points)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    u = rng.random((20, 10))
    np.testing.assert_array_equal(KG.bit_flip(a.copy(), 0.1, u), np.where(u < 0.1, 1 - a, a))
