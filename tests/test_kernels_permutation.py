"""Permutation kernels against plain references, and the local search's invariants."""

import numpy as np
import pytest

from metaopt.kernels import permutation as KP
from problems import load_tsplib

from . import reference as R


def parents(seed, m=30, n=9):
    rng = np.random.default_rng(seed)
    first = np.argsort(rng.random((m, n)), axis=1)
    second = np.argsort(rng.random((m, n)), axis=1)
    a = rng.integers(0, n, m)
    b = a + 1 + (rng.random(m) * (n - a)).astype(int)
    return first, second, np.stack([a, np.minimum(b, n)], axis=1)


@pytest.mark.parametrize("seed", range(4))
def test_order_crossover_matches_reference(seed):
    first, second, cuts = parents(seed)
    child = KP.order_crossover(first, second, cuts)
    np.testing.assert_array_equal(child, R.order_crossover(first, second, cuts))
    assert all(sorted(c) == list(range(9)) for c in child)


@pytest.mark.parametrize("seed", range(4))
def test_pmx_crossover_matches_reference(seed):
    first, second, cuts = parents(seed)
    child = KP.pmx_crossover(first, second, cuts)
    np.testing.assert_array_equal(child, R.pmx_crossover(first, second, cuts))
    assert all(sorted(c) == list(range(9)) for c in child)


def test_pmx_by_hand():
    # Goldberg & Lingle's example shape: segment 3..6 from the first parent.
    first = np.array([[1, 2, 3, 4, 5, 6, 7, 8, 0]])
    second = np.array([[4, 5, 2, 1, 8, 7, 6, 0, 3]])
    child = KP.pmx_crossover(first, second, np.array([[3, 7]]))
    np.testing.assert_array_equal(child, [[1, 8, 2, 4, 5, 6, 7, 0, 3]])


def test_swap_and_reverse():
    perms = np.tile(np.arange(6), (2, 1))
    KP.swap_mutation(perms, np.array([[0, 5], [2, 3]]))
    np.testing.assert_array_equal(perms, [[5, 1, 2, 3, 4, 0], [0, 1, 3, 2, 4, 5]])
    perms = np.tile(np.arange(6), (2, 1))
    KP.reverse_mutation(perms, np.array([[4, 1], [0, 5]]))
    np.testing.assert_array_equal(perms, [[0, 4, 3, 2, 1, 5], [5, 4, 3, 2, 1, 0]])


def test_double_bridge_matches_reference():
    rng = np.random.default_rng(0)
    tours = np.argsort(rng.random((10, 12)), axis=1)
    cuts = np.sort(np.array([rng.choice(np.arange(1, 12), 3, replace=False) for _ in range(10)]),
                   axis=1)
    np.testing.assert_array_equal(KP.double_bridge(tours, cuts), R.double_bridge(tours, cuts))


def test_neighbor_lists_are_nearest_first():
    D = load_tsplib("eil51").distances
    nb = KP.neighbor_lists(D, 8)
    for a in range(51):
        assert a not in nb[a]
        assert np.all(np.diff(D[a, nb[a]]) >= 0)
        assert D[a, nb[a]].max() <= np.sort(np.delete(D[a], a))[7]


@pytest.mark.parametrize("name", ["eil51", "kroA100"])
@pytest.mark.parametrize("seed", range(3))
def test_local_search_keeps_a_tour_and_its_books(name, seed):
    tsp = load_tsplib(name)
    D = tsp.distances
    nb = KP.neighbor_lists(D, 10)
    tour = np.random.default_rng(seed).permutation(tsp.n)
    before = R.tour_length(D, tour)
    delta, evaluations = KP.local_search(D, tour, nb, np.ones(tsp.n, np.bool_), 3)
    after = R.tour_length(D, tour)
    assert sorted(tour) == list(range(tsp.n))
    assert after == pytest.approx(before + delta) and delta < 0 and evaluations > 0
    # Locally optimal under the neighbour-list gain criterion (Bentley 1992): for each city a,
    # tour neighbour b (either side) and listed candidate c with d(a, c) < d(a, b), the 2-opt
    # move that adds (a, c) does not improve.
    pos = np.argsort(tour)
    n = tsp.n
    for a in range(n):
        for step in (1, -1):
            b = tour[(pos[a] + step) % n]
            for c in nb[a]:
                d = tour[(pos[c] + step) % n]
                if c == b or d == a or D[a, c] >= D[a, b]:
                    continue
                assert D[a, c] + D[b, d] - D[a, b] - D[c, d] > -1e-9


def test_local_search_with_nothing_active_changes_nothing():
    tsp = load_tsplib("eil51")
    tour = np.arange(51)
    delta, evaluations = KP.local_search(tsp.distances, tour, KP.neighbor_lists(tsp.distances, 5),
                                         np.zeros(51, np.bool_), 3)
    assert delta == 0 and evaluations == 0 and np.array_equal(tour, np.arange(51))


@pytest.mark.parametrize("seed", range(4))
def test_apply_moves_matches_reference(seed):
    rng = np.random.default_rng(seed)
    perms = np.argsort(rng.random((60, 9)), axis=1)
    a = rng.integers(0, 9, 60)
    b = (a + 1 + rng.integers(0, 8, 60)) % 9
    positions, kinds = np.stack([a, b], axis=1), rng.integers(0, 3, 60)
    expected = R.apply_moves(perms, positions, kinds)
    np.testing.assert_array_equal(KP.apply_moves(perms.copy(), positions, kinds), expected)
    assert all(sorted(p) == list(range(9)) for p in expected)


@pytest.mark.parametrize("move", ["2opt", "swap", "insertion", "mixed"])
def test_move_list_holds_every_distinct_neighbour(move):
    from metaopt import Permutation, Space
    from metaopt.algorithms.genomes import Permutations

    genome = Permutations(Space([Permutation(7)]))
    x = np.random.default_rng(1).permutation(7).astype(float)
    moves = genome.move_list(move, np.random.default_rng(0))
    neighbours = genome.apply_listed(x, moves)
    distinct = {tuple(row) for row in neighbours.astype(int)} - {tuple(x.astype(int))}
    # every move leads somewhere new, and the list holds each neighbour once (mixed: 2-opt
    # and insertion share the adjacent swaps, so at most that many repeats)
    assert tuple(x.astype(int)) not in {tuple(r) for r in neighbours.astype(int)}
    size = genome.neighbourhood_size(move)
    assert len(moves) == size
    assert len(distinct) == size - (6 if move == "mixed" else 0)
    # the whole neighbourhood: every neighbour a random move can reach is in the list
    sampled, _ = genome.moved(np.repeat(x[None, :], 500, axis=0), np.random.default_rng(2), move)
    assert {tuple(r) for r in sampled.astype(int)} <= distinct
