"""The GA on binary, permutation and real-coded problems."""

import numpy as np
import pytest

import metaopt
from metaopt import Binary, Permutation
from metaopt.algorithms.ga import GA_TARGETS_D10
from problems import FUNCTIONS, OneMax, load_tsplib, make_function, make_knapsack


def test_onemax_1000_is_solved():
    res = metaopt.minimize(OneMax(1000), Binary(1000), method="ga", budget=100_000, rng=0,
                           vectorized=True, target=-1000)
    assert res.fun == -1000 and res.nfev < 100_000


@pytest.mark.parametrize("n, correlation, seed, options", [
    (24, "strong", 7, {}),
    (50, "none", 3, {}),
    (40, "strong", 1, {"mutation_rate": 0.075, "replacement": "steady"}),
])
def test_knapsack_instances_to_their_optimum(n, correlation, seed, options):
    k = make_knapsack(n, rng=seed, correlation=correlation)
    res = metaopt.minimize(k, Binary(n), method="ga", budget=100_000, rng=0, vectorized=True,
                           target=k.optimum, **options)
    assert res.fun == k.optimum


def test_berlin52_within_five_percent():
    tsp = load_tsplib("berlin52")
    res = metaopt.minimize(tsp, Permutation(52), method="ga", budget=100_000, rng=0,
                           vectorized=True)
    assert tsp.gap(res.fun) < 0.05 and res.ndelta > 0


@pytest.mark.parametrize("crossover", ["ox", "pmx"])
@pytest.mark.parametrize("mutation", ["inversion", "swap"])
def test_permutation_operators_without_distances_improve_tours(crossover, mutation):
    tsp = load_tsplib("eil51")
    random_tour = np.median(tsp(np.argsort(np.random.default_rng(0).random((200, 51)), axis=1)))
    res = metaopt.minimize(lambda t: tsp(t), Permutation(51), method="ga", budget=20_000,
                           rng=0, crossover=crossover, mutation=mutation, pop_size=50)
    assert sorted(res.x.astype(int)) == list(range(51))
    assert res.fun < 0.5 * random_tour


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_documented_targets_at_d10(name):
    f = make_function(name, 10, rng=0, shift=True)
    res = metaopt.minimize(f, f.bounds, method="ga", budget=100_000, rng=0, vectorized=True)
    assert f.error(res.fun) < GA_TARGETS_D10[name]


def test_steady_state_and_kpoint():
    res = metaopt.minimize(OneMax(64), Binary(64), method="ga", budget=20_000, rng=1,
                           vectorized=True, replacement="steady", crossover="kpoint")
    assert res.fun == -64


def test_bad_ga_options():
    with pytest.raises(ValueError, match="crossover must be one of"):
        metaopt.minimize(OneMax(8), Binary(8), method="ga", crossover="sbx", budget=500)
    with pytest.raises(ValueError, match="elitism must be <="):
        metaopt.minimize(OneMax(8), Binary(8), method="ga", elitism=99, budget=500)
