"""The Pareto kernels against plain-numpy references from the definitions (Deb et al. 2002)."""

import numpy as np
import pytest

from metaopt.kernels import pareto as KP

from . import reference as R


def fronts_of(rng, n, m, constrained, ties):
    F = rng.random((n, m))
    if ties:  # repeated values and repeated points
        F = np.round(F * 4) / 4
    cv = np.where(rng.random(n) < 0.3, np.round(rng.random(n) * 3, 1), 0.0) if constrained \
        else np.zeros(n)
    return F, cv


@pytest.mark.parametrize("m", [2, 3, 5])
@pytest.mark.parametrize("constrained", [False, True])
@pytest.mark.parametrize("ties", [False, True])
def test_nondominated_ranks_match_the_definition(m, constrained, ties):
    rng = np.random.default_rng(m * 10 + 2 * constrained + ties)
    for n in (1, 2, 7, 40):
        F, cv = fronts_of(rng, n, m, constrained, ties)
        np.testing.assert_array_equal(KP.nondominated_ranks(F, cv), R.nondominated_ranks(F, cv))


def test_dominates_is_constrained_domination():
    rng = np.random.default_rng(3)
    F, cv = fronts_of(rng, 30, 3, True, True)
    for i in range(30):
        for j in range(30):
            assert KP.dominates(F, cv, i, j) == R.constrained_dominates(F, cv, i, j)


@pytest.mark.parametrize("m", [2, 3])
def test_crowding_distance_matches_the_reference(m):
    rng = np.random.default_rng(m)
    F = rng.random((25, m))
    F[4] = F[9]  # a repeated point
    for members in (np.arange(25), np.array([3, 4, 9, 17]), np.array([2, 5])):
        np.testing.assert_allclose(KP.crowding_distance(F, members),
                                   R.crowding_distance(F, members), rtol=1e-14)


def test_survivors_keep_whole_fronts_then_the_most_isolated():
    rng = np.random.default_rng(5)
    F, cv = fronts_of(rng, 60, 2, True, False)
    keep, rank, crowding = KP.survivors(F, cv, 25)
    ranks = R.nondominated_ranks(F, cv)
    assert keep.shape == (25,) and np.all(np.diff(keep) > 0)
    np.testing.assert_array_equal(rank, ranks[keep])
    cut = ranks[keep].max()
    assert np.all(np.isin(np.flatnonzero(ranks < cut), keep))  # earlier fronts whole
    last = np.flatnonzero(ranks == cut)
    distance = R.crowding_distance(F, last)
    kept = np.isin(last, keep)
    assert distance[kept].min() >= distance[~kept].max()


def test_crowded_tournament_prefers_lower_fronts_then_crowding():
    rank = np.array([0, 1, 0, 0])
    crowding = np.array([0.5, np.inf, 0.2, np.inf])
    pairs = np.array([[0, 1], [1, 0], [0, 2], [2, 3], [3, 3]])
    np.testing.assert_array_equal(KP.crowded_tournament(rank, crowding, pairs),
                                  [0, 0, 0, 3, 3])


def test_pareto_selection_is_gde3s_rule():
    rng = np.random.default_rng(7)
    n = 200
    F_target, F_trial = np.round(rng.random((n, 2)) * 3), np.round(rng.random((n, 2)) * 3)
    cv_target = np.where(rng.random(n) < 0.3, np.round(rng.random(n), 1), 0.0)
    cv_trial = np.where(rng.random(n) < 0.3, np.round(rng.random(n), 1), 0.0)
    got = KP.pareto_selection(F_target, cv_target, F_trial, cv_trial)
    for i in range(n):
        if cv_trial[i] > 0 or cv_target[i] > 0:
            expected = 1 if cv_trial[i] <= cv_target[i] else 0
        elif np.all(F_trial[i] <= F_target[i]):
            expected = 1  # weakly dominates (equal points included)
        elif np.all(F_target[i] <= F_trial[i]) and np.any(F_target[i] < F_trial[i]):
            expected = 0
        else:
            expected = 2
        assert got[i] == expected, i


def test_niche_fill_follows_algorithm_4_with_the_same_draws():
    rng = np.random.default_rng(11)
    for _ in range(30):
        H, k = 12, int(rng.integers(3, 30))
        count = rng.integers(0, 3, H).astype(np.int64)
        niche = rng.integers(0, H, k).astype(np.int64)
        distance = rng.random(k)
        wanted = int(rng.integers(1, k + 1))
        u = rng.random(2 * (wanted + H))
        expected, expected_count = R.niche_fill(count, niche, distance, wanted, u)
        got_count = count.copy()
        got = KP.niche_fill(got_count, niche, distance, wanted, u)
        np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(got_count, expected_count)
        assert len(set(got.tolist())) == wanted


@pytest.mark.parametrize("method", [KP.TCHEBYCHEFF, KP.PBI])
def test_decompositions_match_their_formulas(method):
    rng = np.random.default_rng(12)
    for _ in range(50):
        f, w, ideal = rng.random(3) * 4, rng.random(3), rng.random(3) - 0.5
        w[rng.integers(0, 3)] = 0.0 if rng.random() < 0.3 else w[0]
        assert KP.decomposed(f, w, ideal, method, 5.0) == pytest.approx(
            R.decomposed(f, w, ideal, method == KP.PBI, 5.0), rel=1e-12)


def test_moead_update_replaces_the_neighbours_a_child_solves_better():
    rng = np.random.default_rng(13)
    n, m, T = 10, 2, 3
    W = np.column_stack([np.linspace(0, 1, n), 1 - np.linspace(0, 1, n)])
    neighbours = np.argsort(np.abs(np.subtract.outer(np.arange(n), np.arange(n))), axis=1,
                            kind="stable")[:, :T].astype(np.int64)
    X, F, cv = rng.random((n, 4)), rng.random((n, m)) + 1, np.zeros(n)
    C, CF, ccv = rng.random((n, 4)), rng.random((n, m)) + 0.5, np.zeros(n)
    ideal = F.min(axis=0)
    X2, F2, cv2, ideal2 = X.copy(), F.copy(), cv.copy(), ideal.copy()
    KP.moead_update(X2, F2, cv2, C, CF, ccv, neighbours, W, ideal2, KP.TCHEBYCHEFF, 5.0)
    Xr, Fr, z = X.copy(), F.copy(), ideal.copy()
    for i in range(n):  # the rule, child by child
        z = np.minimum(z, CF[i])
        for j in neighbours[i]:
            if R.decomposed(CF[i], W[j], z, False, 5.0) <= R.decomposed(Fr[j], W[j], z, False,
                                                                        5.0):
                Xr[j], Fr[j] = C[i], CF[i]
    np.testing.assert_array_equal(X2, Xr)
    np.testing.assert_array_equal(F2, Fr)
    np.testing.assert_array_equal(ideal2, z)
