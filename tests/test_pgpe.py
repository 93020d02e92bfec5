"""PGPE with ClipUp: the gradients and the ClipUp step equal their transcriptions, the
samples come in symmetric pairs, the defaults are EvoTorch's, and it makes progress."""

import numpy as np
import pytest

import metaopt
from metaopt.algorithms.pgpe import RADIUS_PER_SPEED, clipup_step, pgpe_gradients


def test_gradients_equal_sehnkes_symmetric_estimates_written_pair_by_pair():
    rng = np.random.default_rng(0)
    n, d = 6, 4
    sigma = rng.uniform(0.1, 1.0, d)
    eps = rng.standard_normal((n, d)) * sigma
    u = rng.permutation(np.linspace(-0.5, 0.5, 2 * n))
    grad_mu, grad_sigma = pgpe_gradients(eps, u, sigma)
    want_mu = sum((u[2 * i] - u[2 * i + 1]) / 2 * eps[i] for i in range(n)) / n
    want_sigma = sum((u[2 * i] + u[2 * i + 1]) / 2 * (eps[i] ** 2 - sigma ** 2) / sigma
                     for i in range(n)) / n
    np.testing.assert_allclose(grad_mu, want_mu, rtol=1e-12)
    np.testing.assert_allclose(grad_sigma, want_sigma, rtol=1e-12)


def test_clipup_moves_by_the_normalised_gradient_with_momentum_and_clips_the_speed():
    g = np.array([3.0, 4.0])
    v = clipup_step(np.zeros(2), g, 0.1, 0.9, 1.0)
    np.testing.assert_allclose(v, [0.06, 0.08])        # step_size * g / ||g||
    v = clipup_step(v, g, 0.1, 0.9, 1.0)
    np.testing.assert_allclose(v, 0.9 * np.array([0.06, 0.08]) + [0.06, 0.08])
    fast = clipup_step(np.array([10.0, 0.0]), g, 0.1, 0.9, 1.0)
    assert np.linalg.norm(fast) == pytest.approx(1.0)  # clipped at max_speed
    np.testing.assert_array_equal(clipup_step(v, np.zeros(2), 0.1, 0.9, 1.0), 0.9 * v)


def test_samples_come_in_symmetric_pairs_and_the_defaults_are_evotorchs():
    opt = metaopt.PGPE([(-1, 1)] * 5, rng=0)
    assert opt.pop_size == 100 and opt.momentum == 0.9 and opt.stdev_lr == 0.1
    assert opt.stdev_max_change == 0.2 and opt.step_size == opt.max_speed / 2
    assert opt.max_speed == pytest.approx(np.linalg.norm(opt.sigma) / RADIUS_PER_SPEED)
    X = opt.ask()  # mean +- eps (inside the box at this sigma)
    np.testing.assert_allclose(X[0::2] + X[1::2] - 2 * opt.space.decode(opt.mean[None]), 0,
                               atol=1e-12)
    with pytest.raises(ValueError, match="even"):
        metaopt.PGPE([(-1, 1)] * 5, pop_size=7)


def test_sigma_changes_at_most_by_its_max_change_per_generation():
    opt = metaopt.PGPE([(-1, 1)] * 3, rng=1, stdev_lr=100.0)
    for _ in range(5):
        before = opt.sigma.copy()
        X = opt.ask()
        opt.tell(X, np.sum(X ** 2, axis=1))
        assert np.all(np.abs(opt.sigma - before) <= 0.2 * before * (1 + 1e-12))


def test_makes_progress_on_the_sphere_and_without_bounds():
    from problems import make_function

    f = make_function("sphere", 10, rng=1, shift=True)
    res = metaopt.minimize(f, f.bounds, method="pgpe", budget=50_000, rng=0, vectorized=True)
    first = res.history.best_fun[0]
    assert res.fun - f.f_opt < 0.05 and first - f.f_opt > 10
    far = np.array([6.0, -4.0, 3.0])
    res = metaopt.minimize(lambda X: np.sum((X - far) ** 2, axis=1), None, method="pgpe",
                           x0=np.zeros(3), sigma=0.5, budget=30_000, rng=0, vectorized=True)
    assert res.fun < 0.05
