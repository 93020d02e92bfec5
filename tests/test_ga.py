"""The GA on binary, permutation and real-coded problems."""

import numpy as np
import pytest

import metaopt
from metaopt import Binary, Permutation
from problems import FUNCTIONS, OneMax, load_tsplib, make_function, make_knapsack


#: Errors f - f_opt the real-coded GA (defaults) stays below on the shifted 10-dimensional
#: functions of ``problems`` within 10,000 x 10 evaluations (asserted below with a fixed
#: seed). Measured medians are 3 to 100 times lower; Schwefel's bar allows one coordinate left
#: in its second-best basin (an error of about 118).
GA_TARGETS_D10 = {
    "sphere": 1e-4, "ellipsoid": 5e-2, "rosenbrock": 20.0, "rastrigin": 1e-2, "ackley": 5e-2,
    "griewank": 0.3, "schwefel": 250.0, "levy": 1e-4, "styblinski_tang": 1e-3, "zakharov": 5e-2,
}


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


def reference_repair(k, bits):
    """The greedy repair written plainly: drop worst value/weight items until feasible, then add
    the best that fit."""
    order = sorted(range(k.n), key=lambda j: (-(k.values[j] / k.weights[j]), j))
    out = []
    for row in np.atleast_2d(bits):
        chosen = set(np.flatnonzero(row))
        load = sum(k.weights[j] for j in chosen)
        for j in reversed(order):
            if load <= k.capacity:
                break
            if j in chosen:
                chosen.remove(j)
                load -= k.weights[j]
        for j in order:
            if j not in chosen and load + k.weights[j] <= k.capacity:
                chosen.add(j)
                load += k.weights[j]
        out.append([1.0 if j in chosen else 0.0 for j in range(k.n)])
    return np.array(out)


def test_knapsack_repair_matches_reference_and_is_feasible():
    k = make_knapsack(30, rng=0, correlation="weak")
    bits = (np.random.default_rng(0).random((50, 30)) < 0.6).astype(float)
    repaired = k.repair(bits)
    np.testing.assert_array_equal(repaired, reference_repair(k, bits))
    assert np.all(repaired @ k.weights <= k.capacity)


@pytest.mark.parametrize("n, correlation, seed", [(40, "strong", 1), (60, "strong", 2),
                                                  (200, "strong", 4), (100, "weak", 3)])
def test_correlated_knapsacks_solved_with_the_repair_the_problem_lends(n, correlation, seed):
    k = make_knapsack(n, rng=seed, correlation=correlation)
    greedy = float(k(k.repair(np.zeros(n)))[0])
    for s in range(5):
        res = metaopt.minimize(k, Binary(n), method="ga", budget=20_000, rng=s, vectorized=True,
                               target=k.optimum)
        assert res.fun == k.optimum
    assert greedy >= k.optimum  # (the repair alone is not always optimal: 40, 60, 200 are not)
