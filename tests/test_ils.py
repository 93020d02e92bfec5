"""Iterated local search in each of its modes."""


import numpy as np
import pytest

import metaopt
from metaopt import Binary, Permutation
from problems import OneMax, load_tsplib, make_function, make_knapsack


def test_berlin52_to_optimality():
    """Within 5,000 tour evaluations; its time is measured by benchmarks/tsp.py."""
    tsp = load_tsplib("berlin52")
    res = metaopt.minimize(tsp, Permutation(52), method="ils", budget=5000, rng=0,
                           vectorized=True, target=tsp.optimum)
    assert res.fun == 7542
    assert res.ndelta > res.nfev  # move deltas are counted apart from tour evaluations


@pytest.mark.parametrize("name", ["kroA100", "ch150"])
def test_within_one_percent(name):
    tsp = load_tsplib(name)
    res = metaopt.minimize(tsp, Permutation(tsp.n), method="ils", budget=3000, rng=1,
                           vectorized=True)
    assert tsp.gap(res.fun) < 0.01


def test_distances_are_taken_from_the_problem_and_walkers_are_reproducible():
    tsp = load_tsplib("eil51")
    a = metaopt.minimize(tsp, Permutation(51), method="ils", budget=400, rng=3, pop_size=4,
                         vectorized=True)
    b = metaopt.minimize(tsp, Permutation(51), method="ils", budget=400, rng=3, pop_size=4,
                         vectorized=True)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.nfev == 400 and a.population.shape == (4, 51)
    assert all(sorted(t) == list(range(51)) for t in a.population.astype(int))


def test_black_box_permutation_without_distances():
    tsp = load_tsplib("ulysses22")

    def length(tour):  # a plain function: no distance matrix to lend
        return tsp(tour)

    res = metaopt.minimize(length, Permutation(22), method="ils", budget=20_000, rng=0)
    assert tsp.gap(res.fun) < 0.03 and res.ndelta == 0


def test_binary_flip_search_solves_onemax_and_knapsack():
    res = metaopt.minimize(OneMax(60), Binary(60), method="ils", budget=3000, rng=0,
                           vectorized=True)
    assert res.fun == -60
    # Uncorrelated values: flips and swaps reach the optimum. (Strongly correlated instances
    # defeat this neighbourhood; they are the GA's test.)
    k = make_knapsack(40, rng=2, correlation="none")
    res = metaopt.minimize(k, Binary(40), method="ils", budget=20_000, rng=0, vectorized=True)
    assert res.fun == k.optimum


@pytest.mark.parametrize("name", ["rastrigin", "levy"])
def test_compass_search_with_kicks_on_multimodal_functions(name):
    # (A coordinate search crawls along Rosenbrock's curved valley; DE-type methods suit it.)
    f = make_function(name, 4, rng=0, shift=True)
    res = metaopt.minimize(f, f.bounds, method="ils", budget=40_000, rng=0, vectorized=True)
    assert f.error(res.fun) < 1e-8


def test_ils_rejects_mixed_permutation_spaces():
    with pytest.raises(ValueError, match="Permutation on its own"):
        metaopt.minimize(lambda p: 0.0, metaopt.Space({"t": Permutation(5), "b": Binary(3)}),
                         method="ils", budget=100)
