"""Tabu search in each neighbourhood."""

import numpy as np
import pytest

import metaopt
from metaopt import Binary, Permutation
from metaopt.algorithms.tabu import Tabu
from metaopt.kernels import tabu as KT
from metaopt.kernels.permutation import neighbor_lists
from problems import OneMax, load_tsplib, make_function, make_knapsack

from . import reference as R


def test_kroA100_within_three_percent():
    tsp = load_tsplib("kroA100")
    res = metaopt.minimize(tsp, Permutation(100), method="tabu", budget=600, rng=0,
                           vectorized=True)
    assert tsp.gap(res.fun) < 0.03 and res.ndelta > 0


def test_tabu_steps_keep_their_books_and_make_uphill_moves():
    tsp = load_tsplib("eil51")
    D = tsp.distances
    tour = np.arange(51)
    length = R.tour_length(D, tour)
    tabu = np.zeros((51, 51), np.int64)
    best_tour, best_len, current, iteration, evaluations = KT.tabu_tour_steps(
        D, tour, length, neighbor_lists(D, 8), tabu, 0, 15, length, 300)
    assert sorted(tour) == list(range(51)) and sorted(best_tour) == list(range(51))
    assert current == pytest.approx(R.tour_length(D, tour))
    assert best_len == pytest.approx(R.tour_length(D, best_tour)) and best_len < length
    assert iteration == 300 and evaluations > 0
    assert (tabu > 0).sum() > 0  # removed edges were made tabu


def test_bits_permutations_and_reals():
    assert metaopt.minimize(OneMax(100), Binary(100), method="tabu", budget=20_000, rng=0,
                            vectorized=True).fun == -100
    tsp = load_tsplib("ulysses22")
    res = metaopt.minimize(lambda t: tsp(t), Permutation(22), method="tabu", budget=20_000,
                           rng=0)
    assert tsp.gap(res.fun) < 0.05
    f = make_function("sphere", 10, rng=0, shift=True)
    res = metaopt.minimize(f, f.bounds, method="tabu", budget=50_000, rng=0, vectorized=True)
    assert f.error(res.fun) < 1e-12


def test_tabu_blocks_reversal_unless_it_aspires():
    # Full flip neighbourhood of 4 bits; the move flipping bit b makes b tabu for 3 iterations.
    opt = Tabu(Binary(4), pop_size=4, rng=0, tenure=3)
    X = opt.ask()
    opt.tell(X, np.arange(len(X), dtype=float))
    X = opt.ask()
    opt.tell(X, np.array([5.0, -1.0, 5.0, 5.0]))  # take the flip in row 1
    b = int(opt._attrs[1])
    moved = opt.current.copy()
    X = opt.ask()
    back = int(np.flatnonzero(opt._attrs == b)[0])
    f = np.full(len(X), 3.0)
    f[back] = 0.0  # the best neighbour, yet no better than the best so far (-1): tabu
    opt.tell(X, f)
    assert opt.current[b] == moved[b]
    X = opt.ask()
    back = int(np.flatnonzero(opt._attrs == b)[0]) if b in opt._attrs else None
    if back is not None:  # aspiration: a tabu move that beats the best is taken
        f = np.full(len(X), 3.0)
        f[back] = -5.0
        opt.tell(X, f)
        assert opt.current[b] != moved[b]


def test_knapsack_uncorrelated():
    k = make_knapsack(30, rng=4, correlation="none")
    res = metaopt.minimize(k, Binary(30), method="tabu", budget=30_000, rng=0, vectorized=True)
    assert res.fun <= 0.99 * k.optimum  # within 1% of the optimal value (values negated)


@pytest.mark.parametrize("seed", range(5))
def test_region_tabu_mask_equals_the_points_definition(seed):
    from metaopt.kernels.tabu import region_tabu_mask

    from . import reference as R

    rng = np.random.default_rng(seed)
    d, half = 6, 0.07  # no distance lands exactly on half (rounding would decide)
    current = rng.random(d)
    log_coord = rng.integers(0, d, 12)
    log_delta = rng.choice([-0.1, 0.1, -0.05, 0.05], 12)
    # walk forward so that current is where the moves lead
    cand_coord = rng.integers(0, d, 40)
    cand_delta = rng.choice([-0.1, 0.1, -0.05, 0.05, 0.02], 40)
    X = np.repeat(current[None, :], 40, axis=0)
    X[np.arange(40), cand_coord] += cand_delta
    expected = R.region_tabu_mask(current, log_coord, log_delta, X, half)
    got = region_tabu_mask(d, log_coord, log_delta, cand_coord, cand_delta, half)
    np.testing.assert_array_equal(got, expected)
    assert expected.any() and not expected.all()


def test_tabu_over_reals_has_memory_linear_in_pop_and_dim():
    """dim 2e4: regions held as moves, not points (it took 1.9 GB and 72 s for 80 steps)."""
    import tracemalloc

    d = 20_000
    tracemalloc.start()
    res = metaopt.minimize(lambda X: np.sum((X - 0.3) ** 2, axis=1), [(-1.0, 1.0)] * d,
                           method="tabu", budget=64 * 81, rng=0, vectorized=True,
                           max_trials=0)  # the trials table's own 80 MB is not the point here
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert res.nfev == 64 * 81 and peak < 120 * 2**20  # a batch is 64 x 2e4 x 8 B = 10 MB
