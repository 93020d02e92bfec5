"""Neural workloads: datasets, CartPole physics, and neuroevolution lower bars."""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")
from torch import nn  # noqa: E402

import metaopt  # noqa: E402
from metaopt.torch import NetworkFitness  # noqa: E402
from problems.neural import (CartPole, CartPoleFitness, classification_task, parity,  # noqa: E402
                             sine_regression, two_spirals)


def gymnasium_step(state, action):
    """gymnasium CartPole-v1 step, transcribed scalar by scalar (Euler)."""
    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    total_mass = masspole + masscart
    polemass_length = masspole * length
    x, x_dot, theta, theta_dot = state
    force = force_mag if action == 1 else -force_mag
    costheta, sintheta = math.cos(theta), math.sin(theta)
    temp = (force + polemass_length * theta_dot**2 * sintheta) / total_mass
    thetaacc = (gravity * sintheta - costheta * temp) / (
        length * (4.0 / 3.0 - masspole * costheta**2 / total_mass))
    xacc = temp - polemass_length * thetaacc * costheta / total_mass
    x = x + tau * x_dot
    x_dot = x_dot + tau * xacc
    theta = theta + tau * theta_dot
    theta_dot = theta_dot + tau * thetaacc
    terminated = bool(x < -2.4 or x > 2.4 or theta < -12 * 2 * math.pi / 360
                      or theta > 12 * 2 * math.pi / 360)
    return (x, x_dot, theta, theta_dot), terminated


def test_vectorized_cartpole_equals_gymnasiums_equations():
    env = CartPole(device="cpu", dtype=torch.float64)
    rng = np.random.default_rng(0)
    state = env.reset((7,), rng)
    reference = [tuple(s) for s in state.numpy()]
    for _ in range(150):
        actions = rng.integers(0, 2, 7)
        state, done = env.step(state, torch.as_tensor(actions))
        for i in range(7):
            reference[i], terminated = gymnasium_step(reference[i], actions[i])
            assert bool(done[i]) == terminated
        np.testing.assert_allclose(state.numpy(), np.array(reference), rtol=1e-12, atol=1e-12)


def test_evolved_policy_balances_all_500_steps_on_held_out_starts():
    torch.manual_seed(0)
    policy = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
    fit = CartPoleFitness(policy, episodes=10)  # 5 training starts generalise less reliably
    res = metaopt.minimize(fit, fit.bounds(2.0), method="snes", budget=4000, rng=0,
                           vectorized=True, sigma=0.5, target=-500)
    held_out = fit.env.reset((10,), np.random.default_rng(12345))
    np.testing.assert_array_equal(fit.returns(res.x[None, :], held_out), 500)


def test_datasets():
    digits = classification_task("digits", rng=0)
    X_tr, y_tr = digits["train"]
    X_te, y_te = digits["test"]
    assert X_tr.shape[1] == 64 and len(X_te) == pytest.approx(0.25 * 1797, abs=1)
    np.testing.assert_allclose(X_tr.mean(axis=0), 0, atol=1e-9)
    assert abs(np.bincount(y_te).min() - np.bincount(y_te).max()) <= 3  # stratified
    for name in ("wine", "breast_cancer"):
        assert classification_task(name)["train"][0].ndim == 2
    X, y = parity(3)["train"]
    assert X.shape == (8, 3) and np.array_equal(y, (X > 0).sum(axis=1) % 2)
    assert two_spirals(100)["train"][0].shape[1] == 2
    assert sine_regression(64)["train"][1].shape[1] == 1
    with pytest.raises(ValueError, match="unknown dataset"):
        classification_task("mnist")


def digits_fitness(batch_size=256):
    torch.manual_seed(0)
    module = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    return NetworkFitness(module, "cross_entropy", classification_task("digits", rng=0),
                          batch_size=batch_size)


def test_digits_openai_es_lower_bar():
    fit = digits_fitness()
    res = metaopt.minimize(fit, fit.bounds(), method="openai_es", budget=20_000, rng=0,
                           vectorized=True, x0=fit.x0, pop_size=100, sigma=0.05, lr=0.03)
    assert fit.evaluate(res.x)["accuracy"] > 0.85


def test_digits_de_lower_bar():
    fit = digits_fitness()
    res = metaopt.minimize(fit, fit.bounds(), method="de", budget=20_000, rng=0,
                           vectorized=True, pop_size=60, strategy="current-to-pbest/1",
                           init=fit.initial_population(60, scale=0.5, rng=0))
    assert fit.evaluate(res.x)["accuracy"] > 0.5
