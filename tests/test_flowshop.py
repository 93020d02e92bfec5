"""Taillard's flow-shop instances: the generator, the shipped files, the makespan kernel, NEH."""

import itertools
from importlib import resources

import numpy as np
import pytest

import metaopt
from problems import FlowShop, load_taillard, neh, taillard_instances
from problems import load_tsplib as problems_tsp
from problems.flowshop import makespans, read_taillard, taillard_times
from problems.registry import resolve


def makespan_reference(times, order):
    """Completion-time recursion C[i, k] = max(C[i-1, k], C[i, k-1]) + p[i, order[k]]."""
    machines, jobs = times.shape
    C = np.zeros((machines + 1, jobs + 1))
    for k, job in enumerate(order, start=1):
        for i in range(1, machines + 1):
            C[i, k] = max(C[i - 1, k], C[i, k - 1]) + times[i - 1, job]
    return C[machines, jobs]


def test_the_twenty_instances_are_shipped_with_their_best_known_makespans():
    table = taillard_instances()
    names = [f"ta{k:03d}" for k in itertools.chain(range(1, 11), range(21, 31))]
    assert sorted(table) == names
    assert table["ta001"] == (20, 5, 873654221, 1278.0)
    assert table["ta030"] == (20, 20, 1829909967, 2178.0)


@pytest.mark.parametrize("name", sorted(taillard_instances()))
def test_every_shipped_file_is_what_the_generator_draws_from_its_seed(name):
    jobs, machines, seed, best = taillard_instances()[name]
    shop = load_taillard(name)
    np.testing.assert_array_equal(shop.times, taillard_times(seed, jobs, machines))
    assert shop.times.min() >= 1 and shop.times.max() <= 99
    # Taillard's lower bound: every machine's load, plus the least head before it and the least
    # tail after it; no schedule beats it, so the best-known value cannot either.
    heads = np.cumsum(shop.times, axis=0) - shop.times
    tails = shop.times[::-1].cumsum(axis=0)[::-1] - shop.times
    bound = max((shop.times.sum(axis=1) + heads.min(axis=1) + tails.min(axis=1)).max(),
                shop.times.sum(axis=0).max())
    assert bound <= best


def test_ta001_matches_the_published_processing_times():
    shop = load_taillard("ta001")
    # The first three jobs' times on machines 1..5, as printed in the paper's verification data.
    np.testing.assert_array_equal(shop.times[:, :3].T, [[54, 79, 16, 66, 58],
                                                        [83, 3, 89, 58, 56],
                                                        [15, 11, 49, 31, 20]])


def test_neh_reproduces_the_published_makespans_of_ta001_to_ta010():
    # NEH's makespans on ta001-ta010 as tabulated in the flow-shop literature (e.g. Ruiz &
    # Stuetzle, EJOR 177, 2007, from whose relative deviations they follow).
    published = [1286, 1365, 1159, 1325, 1305, 1228, 1278, 1223, 1291, 1151]
    for k, value in enumerate(published, start=1):
        order, makespan = neh(load_taillard(f"ta{k:03d}"))
        assert makespan == value
        assert sorted(order) == list(range(20))


def test_makespan_kernel_equals_the_recursion():
    rng = np.random.default_rng(3)
    times = rng.integers(1, 100, size=(4, 7))
    orders = np.array([rng.permutation(7) for _ in range(25)])
    expected = [makespan_reference(times, order) for order in orders]
    np.testing.assert_array_equal(makespans(times, orders), expected)
    shop = FlowShop(times)
    assert shop(orders[0]) == expected[0]
    # the exhaustive optimum of a tiny instance is never below the kernel's smallest value
    every = np.array(list(itertools.permutations(range(7))))
    assert makespans(times, every).min() <= min(expected)


def test_one_machine_is_the_sum_of_times_whatever_the_order():
    shop = FlowShop([[3, 5, 7]])
    assert shop([2, 0, 1]) == 15.0 == shop([0, 1, 2])


def test_bad_instances_and_names_raise():
    with pytest.raises(ValueError, match="times"):
        FlowShop([[1]])
    with pytest.raises(ValueError, match="times"):
        FlowShop([[1, -2]])
    with pytest.raises(ValueError, match="ta999"):
        load_taillard("ta999")
    with pytest.raises(ValueError, match="best-known"):
        FlowShop([[1, 2]]).gap(3)
    with pytest.raises(ValueError, match="expected 2 x 1"):
        read_taillard("2 1\n5")


def test_a_shipped_file_is_package_data():
    path = resources.files("problems").joinpath("data/taillard/ta021.txt")
    assert path.is_file()


def test_registry_resolves_a_taillard_name_and_minimize_runs_on_it():
    problem = resolve("ta001")
    assert problem.optimum == 1278.0
    res = metaopt.minimize(problem.fun, problem.bounds, method="ils", budget=2000, rng=0,
                           vectorized=True)
    assert problem.fun(res.x) == res.fun >= 1278.0
    assert res.fun <= 1.05 * 1278.0


@pytest.mark.parametrize("method", ["ils", "sa", "tabu", "ga"])
def test_black_box_permutation_defaults_schedule_and_route(method):
    # The makespan and a tour length as plain functions: no distances, each method's defaults.
    shop, tsp = load_taillard("ta001"), problems_tsp("ulysses22")
    res = metaopt.minimize(shop, metaopt.Permutation(20), method=method, budget=30_000, rng=0,
                           vectorized=True)
    assert shop.gap(res.fun) < 0.02          # NEH is 0.63% above; a random order ~ 25%
    res = metaopt.minimize(lambda tours: tsp(tours), metaopt.Permutation(22), method=method,
                           budget=30_000, rng=0, vectorized=True)
    assert tsp.gap(res.fun) < 0.005 and res.ndelta == 0


@pytest.mark.parametrize("move", ["2opt", "swap", "insertion", "mixed"])
def test_every_move_option_runs_and_is_reproducible(move):
    shop = load_taillard("ta003")
    runs = [metaopt.minimize(shop, metaopt.Permutation(20), method=method, budget=3_000, rng=4,
                             vectorized=True, move=move) for method in ("ils", "sa", "tabu")]
    again = [metaopt.minimize(shop, metaopt.Permutation(20), method=method, budget=3_000, rng=4,
                              vectorized=True, move=move) for method in ("ils", "sa", "tabu")]
    for a, b in zip(runs, again):
        np.testing.assert_array_equal(a.x, b.x)
        assert a.nfev == b.nfev == 3_000 and a.fun < 1.1 * 1081
    with pytest.raises(ValueError, match="move"):
        metaopt.minimize(shop, metaopt.Permutation(20), method="ils", move="3opt")
