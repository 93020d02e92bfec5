"""Each DE kernel equals its plain-numpy reference on the same pre-drawn random numbers."""

import numpy as np
import pytest

from metaopt.kernels import de as K

from . import reference as R

STRATEGIES = [K.RAND1, K.BEST1, K.CURRENT_TO_BEST1, K.RAND2, K.CURRENT_TO_PBEST1, K.BEST2,
              K.RAND_TO_BEST1]


def draws(seed, n=12, d=5, n_archive=0):
    rng = np.random.default_rng(seed)
    src = rng.random((n + n_archive, d))
    return rng, src


@pytest.mark.parametrize("seed", range(5))
def test_sample_indices_matches_reference(seed):
    rng = np.random.default_rng(seed)
    u = rng.random((20, 5))
    ranges = np.array([20, 20, 20, 27, 31])
    got = K.sample_indices(u, ranges)
    np.testing.assert_array_equal(got, R.sample_indices(u, ranges))
    for i, row in enumerate(got):
        assert len(set(row)) == 5 and i not in row
        assert np.all(row < ranges)


def test_sample_indices_is_uniform():
    # Population of 6, two picks per row, 12,000 draws: every (row, pick) sees each of the
    # five other indices about equally often, and never itself.
    rng = np.random.default_rng(1)
    reps = 12_000
    counts = np.zeros((6, 2, 6))
    for _ in range(reps):
        picks = K.sample_indices(rng.random((6, 2)), np.array([6, 6]))
        for j in range(2):
            counts[np.arange(6), j, picks[:, j]] += 1
    expected = reps / 5
    for i in range(6):
        assert np.all(counts[i, :, i] == 0)
        others = np.delete(counts[i], i, axis=1)
        assert np.all(np.abs(others - expected) < 5 * np.sqrt(expected))


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_mutate_matches_reference(strategy):
    rng, src = draws(strategy, n_archive=4)
    n = 12
    k = K.N_PICKS[strategy]
    ranges = np.full(k, n)
    if strategy == K.CURRENT_TO_PBEST1:
        ranges[-1] = n + 4
    idx = K.sample_indices(rng.random((n, k)), ranges)
    guide = rng.integers(0, n, n)
    F = rng.uniform(0.1, 1.0, n)
    np.testing.assert_allclose(K.mutate(src, idx, guide, F, strategy),
                               R.mutate(src, idx, guide, F, strategy), rtol=0, atol=1e-15)


def test_mutate_rand1_by_hand():
    src = np.array([[0.0, 0.0], [1.0, 2.0], [3.0, 5.0], [0.5, 0.5]])
    idx = np.array([[1, 2, 3]])
    v = K.mutate(src, idx, np.zeros(1, np.int64), np.array([0.5]), K.RAND1)
    np.testing.assert_allclose(v, [[1.0 + 0.5 * 2.5, 2.0 + 0.5 * 4.5]])


@pytest.mark.parametrize("seed", range(4))
def test_binomial_crossover_matches_reference(seed):
    rng = np.random.default_rng(seed)
    x, v = rng.random((10, 7)), rng.random((10, 7))
    CR, u, jrand = rng.random(10), rng.random((10, 7)), rng.integers(0, 7, 10)
    t = K.binomial_crossover(x, v, CR, u, jrand)
    np.testing.assert_array_equal(t, R.binomial_crossover(x, v, CR, u, jrand))
    assert np.all(t[np.arange(10), jrand] == v[np.arange(10), jrand])


@pytest.mark.parametrize("seed", range(4))
def test_exponential_crossover_matches_reference(seed):
    rng = np.random.default_rng(seed)
    x, v = rng.random((10, 7)), rng.random((10, 7))
    CR, u, start = rng.random(10), rng.random((10, 7)), rng.integers(0, 7, 10)
    CR[0], CR[1] = 1.0, 0.0  # every component, and exactly one
    t = K.exponential_crossover(x, v, CR, u, start)
    np.testing.assert_array_equal(t, R.exponential_crossover(x, v, CR, u, start))
    np.testing.assert_array_equal(t[0], v[0])
    assert np.sum(t[1] == v[1]) == 1 and t[1, start[1]] == v[1, start[1]]


def test_repairs_match_reference():
    rng = np.random.default_rng(3)
    trial = rng.uniform(-0.7, 1.7, (15, 6))
    parent = rng.random((15, 6))
    u = rng.random((15, 6))
    np.testing.assert_array_equal(K.repair_midpoint(trial.copy(), parent),
                                  R.repair_midpoint(trial, parent))
    np.testing.assert_array_equal(K.repair_clip(trial.copy()), R.repair_clip(trial))
    np.testing.assert_array_equal(K.repair_reflect(trial.copy()), R.repair_reflect(trial))
    np.testing.assert_array_equal(K.repair_reinit(trial.copy(), u), R.repair_reinit(trial, u))
    for out in (K.repair_midpoint(trial.copy(), parent), K.repair_reflect(trial.copy() * 3)):
        assert out.min() >= 0 and out.max() <= 1


@pytest.mark.parametrize("keep_ties", [False, True])
@pytest.mark.parametrize("k", [12, 7])
def test_greedy_selection_matches_reference(k, keep_ties):
    rng = np.random.default_rng(k)
    pop, fit = rng.random((12, 4)), rng.random(12)
    trials, f_trials = rng.random((k, 4)), rng.random(k)
    f_trials[0] = fit[0]  # a tie replaces the parent, unless ties keep it (JADE)
    exp_pop, exp_fit, exp_out = R.greedy_selection(pop, fit, trials, f_trials, keep_ties)
    out = K.greedy_selection(pop, fit, trials, f_trials, keep_ties)
    np.testing.assert_array_equal(pop, exp_pop)
    np.testing.assert_array_equal(fit, exp_fit)
    np.testing.assert_array_equal(out, exp_out)
    assert out[0] == (0 if keep_ties else 1)


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("exponential", [False, True])
@pytest.mark.parametrize("repair", [K.MIDPOINT, K.CLIP, K.REFLECT, K.REINIT])
def test_de_offspring_composes_the_operators(strategy, exponential, repair):
    rng = np.random.default_rng(strategy * 10 + repair)
    n, d, n_arc = 9, 4, 3
    src = rng.random((n + n_arc, d))
    k = K.N_PICKS[strategy]
    ranges = np.full(k, n)
    if strategy == K.CURRENT_TO_PBEST1:
        ranges[-1] = n + n_arc
    u = rng.random((n, k + 1 + 2 * d))
    guide = rng.integers(0, n, n)
    F, CR = rng.uniform(0.3, 1.2, n), rng.random(n)
    got = K.de_offspring(src, u, ranges, guide, F, CR, strategy, exponential, repair)
    want = R.de_offspring(src, u, ranges, guide, F, CR, strategy, exponential, repair)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-15)
    assert got.min() >= 0 and got.max() <= 1
