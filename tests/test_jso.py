"""jSO (Brest, Maucec & Boskovic 2017) against the authors' code: its defaults, its
schedule-dependent rules, the current-to-pBest-w/1 trials against a numpy transcription, the
averaged memory update (the optimum it reaches: tests/test_lsrtde.py)."""

import math

import numpy as np
import pytest

from metaopt.algorithms.jso import JSO
from metaopt.algorithms.shade import TERMINAL
from metaopt.kernels import adaptive as KA

from . import reference as R


def test_defaults_are_the_authors():
    for dim, expected in ((10, 182), (30, 466), (2, 25)):
        assert JSO.default_pop_size(dim) == expected == round(math.sqrt(dim)
                                                              * math.log(dim) * 25)
    opt = JSO([(-100, 100)] * 10, rng=0, budget=100_000)
    assert opt.pop_size == 182 and opt.memory_size == 5 and opt.min_pop_size == 4
    np.testing.assert_array_equal(opt.memory_F, 0.3)
    np.testing.assert_array_equal(opt.memory_CR, 0.8)
    assert opt.archive.capacity == 182


@pytest.mark.parametrize("spent, rules", [
    (0.1, (0.7, 0.7, 0.7, True)), (0.3, (0.8, 0.6, 0.7, True)),
    (0.45, (1.2, 0.6, 0.7, True)), (0.55, (1.2, 0.0, 0.7, False)),
    (0.7, (1.2, 0.0, 1.0, False))])
def test_the_rules_follow_the_spent_fraction_of_the_budget(spent, rules):
    opt = JSO([(-1, 1)] * 4, rng=0, budget=10_000)
    opt.nfev = int(spent * 10_000)
    got = opt._trial_rules()
    assert (got["jf_scale"], got["cr_floor"], got["f_cap"], got["exclude_self"]) == rules
    assert got["fixed_last"] is True
    # the greedy fraction: 0.25 until the population shrinks, then 0.25 (1 - spent / 2)
    assert opt._pbest_counts(opt.pop_size, None) == max(round(0.25 * opt.pop_size), 2)
    n = opt.pop_size - 10
    assert opt._pbest_counts(n, None) == max(round(0.25 * (1 - spent / 2) * n), 2)


@pytest.mark.parametrize("exclude_self", [False, True])
def test_pbest_w_trials_equal_their_numpy_transcription(exclude_self):
    rng = np.random.default_rng(7)
    n, d, archived = 30, 5, 9
    pop, fit = rng.random((n, d)), rng.random(n)
    archive = rng.random((archived, d))
    memory_F, memory_CR = rng.random(5), np.r_[rng.random(3), TERMINAL, 0.2]
    u, z = rng.random((n, d + 7)), rng.standard_normal(n)
    counts = rng.integers(2, n + 1, n)
    trial, F, CR = KA.pbest_trials(pop, fit, archive, memory_F, memory_CR, u, z, counts,
                                   0.8, 0.6, 0.7, True, exclude_self)
    # the parameters: the last slot gives 0.9 and 0.9, then jSO's floor and cap
    slot = (u[:, d + 3] * 5).astype(int)
    mF, mCR = memory_F.copy(), memory_CR.copy()
    F_ref, CR_ref = R.adaptive_parameters(mF, mCR, u[:, d + 3], u[:, d + 4], z)
    last = slot == 4
    F_last, CR_last = R.adaptive_parameters(np.full(5, 0.9), np.full(5, 0.9), u[:, d + 3],
                                            u[:, d + 4], z)
    F_ref = np.minimum(np.where(last, F_last, F_ref), 0.7)
    CR_ref = np.maximum(np.where(last, CR_last, CR_ref), 0.6)
    np.testing.assert_allclose(F, F_ref, rtol=1e-13)
    np.testing.assert_array_equal(CR, CR_ref)
    # the p-best: uniform over the best counts[i], the target itself left out if asked
    order = np.argsort(fit, kind="stable")
    guide = np.empty(n, np.int64)
    for i in range(n):
        top = [int(k) for k in order[:counts[i]]]
        if exclude_self and i in top:
            top.remove(i)
        guide[i] = top[int(u[i, d + 5] * len(top))]
    if exclude_self:
        assert (guide != np.arange(n)).all()
    src = np.concatenate([pop, archive])
    picks = R.sample_indices(u[:, :2], np.array([n, n + archived]))
    expected = pop.copy()
    for i in range(n):
        b, c = picks[i]
        jrand = int(u[i, 2] * d)
        for j in range(d):
            if u[i, 3 + j] < CR[i] or j == jrand:
                v = pop[i, j] + 0.8 * F[i] * (pop[guide[i], j] - pop[i, j]) \
                    + F[i] * (pop[b, j] - src[c, j])
                expected[i, j] = 0.5 * pop[i, j] if v < 0 else \
                    0.5 * (1 + pop[i, j]) if v > 1 else v
    np.testing.assert_allclose(trial, expected, rtol=1e-14, atol=1e-15)


def test_the_memory_slot_averages_the_old_value_and_the_lehmer_means():
    opt = JSO([(-1, 1)] * 4, rng=0, budget=10_000)
    F, CR, delta = np.array([0.4, 0.8]), np.array([0.5, 0.9]), np.array([1.0, 3.0])
    w = delta / delta.sum()
    opt._adapt(F, CR, delta)
    assert opt.memory_F[0] == pytest.approx(0.5 * (0.3 + np.sum(w * F**2) / np.sum(w * F)))
    assert opt.memory_CR[0] == pytest.approx(0.5 * (0.8 + np.sum(w * CR**2) / np.sum(w * CR)))
    opt._adapt(F, np.zeros(2), delta)  # every successful CR 0: terminal, then averaged
    assert opt.memory_CR[1] == pytest.approx(0.5 * (TERMINAL + 0.8))
    assert opt._slot == 2
