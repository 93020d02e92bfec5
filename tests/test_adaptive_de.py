"""JADE, SHADE and L-SHADE against the equations of their papers."""

import numpy as np
import pytest

from metaopt import JADE, LSHADE, SHADE
from scipy import stats

from metaopt.algorithms._adaptive_de import lehmer_mean
from metaopt.algorithms._archive import Archive
from metaopt.algorithms.shade import TERMINAL
from metaopt.kernels import adaptive as KA

from . import reference as R

BOUNDS = [(-1.0, 1.0)] * 5


def sphere(X):
    return np.sum(X**2, axis=1)


def test_adaptive_parameters_match_reference():
    rng = np.random.default_rng(0)
    memory_F = np.array([0.5, 0.05, 0.9, 0.3])
    memory_CR = np.array([0.5, TERMINAL, 0.95, 0.0])
    u_slot, u_F, z = rng.random(500), rng.random(500), rng.standard_normal(500)
    F, CR = KA.adaptive_parameters(memory_F, memory_CR, u_slot, u_F, z)
    F_ref, CR_ref = R.adaptive_parameters(memory_F, memory_CR, u_slot, u_F, z)
    np.testing.assert_allclose(F, F_ref, rtol=1e-13)
    np.testing.assert_array_equal(CR, CR_ref)
    assert F.min() > 0 and F.max() <= 1 and CR.min() >= 0 and CR.max() <= 1
    assert np.all(CR[(u_slot * 4).astype(int) == 1] == 0.0)  # the terminal slot


@pytest.mark.parametrize("mu", [0.5, 0.05])
def test_truncated_cauchy_equals_redraw_while_not_positive(mu):
    # JADE's rule, literally: draw Cauchy(mu, 0.1) and redraw while <= 0, then cap at 1.
    rng = np.random.default_rng(1)
    F = mu + 0.1 * rng.standard_cauchy(400_000)
    redrawn = np.minimum(F[F > 0][:100_000], 1.0)
    ours, _ = KA.adaptive_parameters(np.array([mu]), np.array([0.5]), np.zeros(100_000),
                                     rng.random(100_000), np.zeros(100_000))
    assert stats.ks_2samp(ours, redrawn).pvalue > 1e-3
    assert abs(np.median(ours) - np.median(redrawn)) < 0.01


def test_cr_is_clipped_normal():
    rng = np.random.default_rng(1)
    _, CR = KA.adaptive_parameters(np.array([0.5]), np.array([0.95]), np.zeros(100_000),
                                   rng.random(100_000), rng.standard_normal(100_000))
    assert abs(np.mean(CR == 1.0) - 0.3085) < 0.01  # P(N(0.95, 0.1) > 1)


def test_lehmer_mean_by_hand():
    assert lehmer_mean(np.array([0.2, 0.6]), np.array([0.25, 0.75])) == pytest.approx(
        (0.25 * 0.04 + 0.75 * 0.36) / (0.25 * 0.2 + 0.75 * 0.6))


def test_jade_adapts_means_by_its_formula():
    opt = JADE(BOUNDS, pop_size=10, rng=0, c=0.2)
    F, CR = np.array([0.5, 0.9]), np.array([0.1, 0.3])
    opt._adapt(F, CR, np.array([1.0, 2.0]))
    assert opt.mu_CR == pytest.approx(0.8 * 0.5 + 0.2 * 0.2)
    assert opt.mu_F == pytest.approx(0.8 * 0.5 + 0.2 * (0.25 + 0.81) / 1.4)


def test_shade_memory_update_is_weighted():
    opt = SHADE(BOUNDS, pop_size=10, memory_size=3, rng=0)
    F, CR, delta = np.array([0.4, 0.8]), np.array([0.2, 0.6]), np.array([3.0, 1.0])
    opt._adapt(F, CR, delta)
    w = np.array([0.75, 0.25])
    assert opt.memory_CR[0] == pytest.approx(np.sum(w * CR))  # arithmetic mean for CR
    assert opt.memory_F[0] == pytest.approx(np.sum(w * F**2) / np.sum(w * F))
    assert opt._slot == 1 and np.all(opt.memory_F[1:] == 0.5)


def test_lshade_memory_uses_lehmer_and_terminal_value():
    opt = LSHADE(BOUNDS, rng=0, budget=1000)
    F, CR, delta = np.array([0.4, 0.8]), np.array([0.2, 0.6]), np.array([3.0, 1.0])
    opt._adapt(F, CR, delta)
    w = np.array([0.75, 0.25])
    assert opt.memory_CR[0] == pytest.approx(np.sum(w * CR**2) / np.sum(w * CR))
    opt._adapt(F, np.zeros(2), delta)  # all successful CRs are 0: the slot turns terminal
    assert opt.memory_CR[1] == TERMINAL
    opt.memory_CR[:] = TERMINAL
    X = opt.ask()
    opt.tell(X, sphere(X))
    trials = opt.ask()  # with CR = 0 each trial differs from its parent in one coordinate
    assert np.all(np.sum(trials != opt.space.decode(opt.pop), axis=1) <= 1)


def test_lshade_defaults_are_the_papers():
    opt = LSHADE([(0, 1)] * 10, rng=0)
    assert opt.pop_size == 180 and opt.memory_size == 6 and opt.p == 0.11
    assert opt.archive.capacity == int(180 * 2.6) and opt.budget is None
    with pytest.raises(ValueError, match="budget"):  # its reduction schedule needs one
        opt.ask()
    opt.set_budget(100_000)
    assert opt.ask().shape == (180, 10)
    assert SHADE([(0, 1)] * 10).pop_size == 100 and SHADE([(0, 1)] * 10).memory_size == 100
    assert JADE([(0, 1)] * 10).pop_size == 30 and JADE([(0, 1)] * 30).pop_size == 100


def test_lshade_population_follows_the_linear_schedule():
    budget = 20_000
    opt = LSHADE(BOUNDS, rng=0, budget=budget)  # N_init = 90
    sizes = []
    while opt.nfev < budget:
        X = opt.ask()[: budget - opt.nfev]
        opt.tell(X, sphere(X))
        sizes.append(opt.pop.shape[0])
        planned = round(90 + (4 - 90) * opt.nfev / budget)
        assert opt.pop.shape[0] == max(planned, 4)
        assert len(opt.archive) <= int(opt.pop.shape[0] * 2.6)
    assert sizes[0] == 90 and sizes[1] < 90 and sizes[-1] == 4 and opt.nfev == budget


def test_lshade_removes_the_worst():
    opt = LSHADE(BOUNDS, rng=0, budget=500)
    X = opt.ask()
    opt.tell(X, sphere(X))
    parents = opt.fit.copy()
    trials = opt.ask()
    f = sphere(trials)
    opt.tell(trials, f)
    survivors = np.minimum(parents, f)  # one-to-one greedy selection, then the reduction
    planned = round(90 + (4 - 90) * 180 / 500)
    assert opt.pop.shape[0] == planned < 90
    np.testing.assert_array_equal(np.sort(opt.fit), np.sort(survivors)[:planned])


def test_archive_replace_and_truncate():
    rng = np.random.default_rng(0)
    a = Archive(3, 2, overflow="replace")
    a.add(np.arange(10.0).reshape(5, 2), rng)
    assert len(a) == 3
    b = Archive(3, 2, overflow="truncate")
    b.add(np.arange(10.0).reshape(5, 2), rng)
    assert len(b) == 3 and len({tuple(r) for r in b.rows}) == 3
    a.shrink(1)
    assert len(a) == 1


@pytest.mark.parametrize("cls", [JADE, SHADE, LSHADE])
def test_successful_parents_enter_the_archive(cls):
    opt = cls(BOUNDS, pop_size=20, rng=0, budget=20_000)
    for _ in range(5):
        X = opt.ask()
        opt.tell(X, sphere(X))
    assert 0 < len(opt.archive) <= opt.archive.capacity


@pytest.mark.parametrize("archived", [0, 7, 30])
def test_pbest_trials_match_the_reference_composition(archived):
    """One kernel call equals the numpy reference: parameters from the memory, p-best among
    the best, r2 from population and archive, binomial crossover, midpoint repair."""
    rng = np.random.default_rng(archived)
    n, d = 25, 6
    pop, fit = rng.random((n, d)), rng.random(n)
    fit[3] = fit[7]  # a tie: the p-best ranking breaks it by index, as a stable sort does
    archive = rng.random((archived, d))
    memory_F, memory_CR = rng.random(5), np.r_[rng.random(4), TERMINAL]
    u, z = rng.random((n, d + 7)), rng.standard_normal(n)
    counts = rng.integers(2, n + 1, n)
    trial, F, CR = KA.pbest_trials(pop, fit, archive, memory_F, memory_CR, u, z, counts)
    F_ref, CR_ref = R.adaptive_parameters(memory_F, memory_CR, u[:, d + 3], u[:, d + 4], z)
    order = np.argsort(fit, kind="stable")
    guide = order[(u[:, d + 5] * counts).astype(np.int64)]
    src = np.concatenate([pop, archive])
    expected = R.de_offspring(src, u[:, :d + 3], np.array([n, n + archived]), guide, F_ref,
                              CR_ref, 4, False, 0)  # current-to-pbest/1, binomial, midpoint
    np.testing.assert_array_equal(F, F_ref)
    np.testing.assert_array_equal(CR, CR_ref)
    np.testing.assert_allclose(trial, expected, rtol=1e-15, atol=1e-15)
    assert trial.min() >= 0.0 and trial.max() <= 1.0


def test_numpy_sum_is_numpys_to_the_bit():
    rng = np.random.default_rng(1)
    for n in [*range(0, 40), 127, 128, 129, 255, 256, 300, 1000]:
        a = rng.standard_normal(n) * 10.0 ** rng.integers(-8, 8, n)
        assert KA.numpy_sum(a) == np.sum(a), n


@pytest.mark.parametrize("lshade", [False, True])
def test_success_history_update_matches_the_reference(lshade):
    rng = np.random.default_rng(2)
    for m in (1, 3, 9, 40):
        F, CR = rng.random(m), rng.random(m)
        delta = rng.random(m) * 10.0 ** rng.integers(-6, 3, m)
        if m > 2:
            delta[1] = np.inf  # a trial that repaired a failed parent
        for slot_cr in (0.4, TERMINAL):
            got_F, got_CR = np.full(4, 0.5), np.array([0.5, slot_cr, 0.5, 0.5])
            ref_F, ref_CR = got_F.copy(), got_CR.copy()
            KA.success_history_update(F, CR, delta, got_F, got_CR, 1, lshade)
            R.success_history_update(F, CR, delta, ref_F, ref_CR, 1, lshade)
            np.testing.assert_array_equal(got_F, ref_F)
            np.testing.assert_array_equal(got_CR, ref_CR)
    zero = np.zeros(3)
    got_F, got_CR = np.full(2, 0.5), np.full(2, 0.5)
    KA.success_history_update(rng.random(3), zero, rng.random(3), got_F, got_CR, 0, True)
    assert got_CR[0] == TERMINAL  # every successful CR was 0: the slot becomes terminal
