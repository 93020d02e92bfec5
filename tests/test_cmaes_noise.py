"""UH-CMA-ES (Hansen et al. 2009, as pycma's NoiseHandler): the re-evaluation choice, the
rank-change measure, noise found by ``noise_handling="auto"``, what it gains on a noisy
function, and exact resumes in the middle of a re-evaluation."""

import copy

import numpy as np
import pytest

import metaopt
from metaopt.algorithms.cmaes import CMAES
from metaopt.algorithms.cmaes_noise import (alpha_sigma, rank_change_measure,
                                            reevaluation_count, reevaluation_indices,
                                            values_disagree)


def sphere(X):
    return np.sum((X - 0.3) ** 2, axis=1)


class NoisySphere:
    """The sphere plus additive (or times multiplicative) Gaussian noise from its own
    generator."""

    def __init__(self, level, kind="add", seed=0):
        self.level, self.kind = level, kind
        self.noise = np.random.default_rng(seed)

    def __call__(self, X):
        e = sphere(np.atleast_2d(X))
        z = self.noise.standard_normal(e.shape[0])
        return e + self.level * z if self.kind == "add" else e * np.exp(self.level * z)


def test_reevaluation_count_and_choice_are_pycmas():
    assert reevaluation_count(10, 0.9) == 2 and reevaluation_count(10, 0.1) == 3  # 2.5
    assert reevaluation_count(40, 0.5) == 4 and reevaluation_count(3, 0.0) == 3
    f = np.array([5.0, 4.0, 9.0, 1.0, 3.0, 8.0, 2.0])
    # the first count - count // 2 as sampled, then the best of the others
    np.testing.assert_array_equal(reevaluation_indices(f, 3), [0, 1, 3])
    np.testing.assert_array_equal(reevaluation_indices(f, 4), [0, 1, 3, 6])
    assert alpha_sigma(10) == 1.1


def test_the_rank_change_measure_tells_noise_from_none():
    rng = np.random.default_rng(1)
    f = rng.random(20)
    idx = reevaluation_indices(f, 4)
    assert rank_change_measure(f, f.copy(), idx) < 0  # the same values: no rank changes
    again = f.copy()
    again[idx] = f[idx] + 1e-12  # a tiny perturbation moves no rank
    assert rank_change_measure(f, again, idx) < 0
    measures = []
    for _ in range(200):  # values unrelated to the first ones: pure noise
        again = f.copy()
        again[idx] = rng.random(idx.size)
        measures.append(rank_change_measure(f, again, idx))
    assert np.mean(measures) > 0


def test_disagreement_is_beyond_rounding():
    a = np.array([1.0, 2.0, 1e-30])
    assert not values_disagree(a, a * (1 + 1e-13))
    assert values_disagree(a, a + np.array([0.0, 1e-6, 0.0]))
    assert values_disagree(a, np.array([1.0, np.inf, 1e-30]))


def test_auto_finds_no_noise_in_an_exact_function_and_spends_the_budget():
    res = metaopt.minimize(sphere, [(-2, 2)] * 4, method="cmaes", noise_handling="auto",
                           budget=2000, rng=0, vectorized=True)
    assert res.noisy is False and res.nfev == 2000 and res.fun < 1e-12
    assert not hasattr(res, "best_draw")


@pytest.mark.parametrize("kind, relative", [("add", False), ("mult", True)])
def test_auto_finds_noise_and_tells_relative_from_additive(kind, relative):
    opt = CMAES([(-2, 2)] * 5, noise_handling="auto", rng=2, budget=5000)
    f = NoisySphere(0.1 if kind == "add" else 1.0, kind, seed=2)
    while opt.nfev < 5000:
        X = opt.ask()
        opt.tell(X, f(X))
    assert opt.noisy and opt.noise_known
    assert opt.noise_relative is relative


def test_uncertainty_handling_returns_a_better_point_under_additive_noise():
    """Additive noise 0.1 on a 5-d sphere: the mean of the best run against the luckiest
    draw of a run without the handling (three seeds, noise-free errors)."""
    handled, plain = [], []
    for seed in range(3):
        for option, out in ((True, handled), (False, plain)):
            f = NoisySphere(0.1, seed=seed)
            res = metaopt.minimize(f, [(-2, 2)] * 5, method="cmaes", noise_handling=option,
                                   budget=5000, rng=seed, vectorized=True)
            out.append(float(sphere(res.x[None, :])[0]))
            assert res.noisy is option
    assert np.median(handled) < np.median(plain)
    assert np.median(handled) < 0.05


def test_noise_handling_resumes_exactly_in_the_middle_of_a_reevaluation(tmp_path):
    from metaopt.checkpoint import load_checkpoint, save_checkpoint

    opt = CMAES([(-2, 2)] * 4, noise_handling=True, rng=5, budget=3000)
    f = NoisySphere(0.05, seed=5)
    for _ in range(7):  # ends with a generation told: the next batch re-evaluates
        X = opt.ask()
        opt.tell(X, f(X))
    assert opt.batch_size == opt.reeval_idx.size < opt.lam
    X = opt.ask()
    path = tmp_path / "uh.ckpt"
    save_checkpoint(path, {"optimizer": opt.state_dict()})
    resumed = CMAES([(-2, 2)] * 4, noise_handling=True, rng=5, budget=3000)
    resumed.load_state_dict(load_checkpoint(path)["optimizer"])
    np.testing.assert_array_equal(resumed.asked, X)
    g = copy.deepcopy(f)
    for o, fun in ((opt, f), (resumed, g)):
        o.tell(X, fun(X))
        while o.nfev < 3000:
            Y = o.ask()
            o.tell(Y, fun(Y))
    a, b = opt.result(), resumed.result()
    np.testing.assert_array_equal(a.x, b.x)
    assert (a.fun, a.nfev, opt.noise_s, opt.sigma_unit) == (b.fun, b.nfev, resumed.noise_s,
                                                              resumed.sigma_unit)


def test_a_bad_noise_handling_is_refused():
    with pytest.raises(ValueError, match="noise_handling"):
        CMAES([(-1, 1)] * 2, noise_handling="yes")
