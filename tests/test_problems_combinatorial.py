"""TSPLIB reader and instances; binary problems and their optima."""

import itertools

import numpy as np
import pytest

import metaopt
from problems import (TSP, DeceptiveTrap, Knapsack, OneMax, load_optimal_tour, load_tsplib,
                      make_knapsack, read_tsplib, tsplib_instances)


@pytest.mark.parametrize("name", ["eil51", "berlin52", "kroA100", "a280"])
def test_shipped_optimal_tours_have_the_published_length(name):
    tsp = load_tsplib(name)
    tour = load_optimal_tour(name)
    assert sorted(tour) == list(range(tsp.n)) and tsp(tour) == tsp.optimum


@pytest.mark.parametrize("name", ["ulysses22", "att48"])
def test_geo_and_att_distances_reproduce_the_published_optimum(name):
    # No optimal tour ships for these: ILS must find a tour of exactly the published length,
    # and none shorter, which checks the GEO and ATT distance rules.
    tsp = load_tsplib(name)
    res = metaopt.minimize(tsp, metaopt.Permutation(tsp.n), method="ils", budget=3000, rng=0,
                           vectorized=True)
    assert res.fun == tsp.optimum


def test_every_shipped_instance_loads():
    table = tsplib_instances()
    assert len(table) == 31 and list(table)[0] == "ulysses22"
    for name in table:
        tsp = load_tsplib(name)
        assert tsp.optimum == table[name] and tsp.distances.shape == (tsp.n, tsp.n)


EXPLICIT = {
    "FULL_MATRIX": "0 3 4 5\n3 0 6 7\n4 6 0 8\n5 7 8 0",
    "UPPER_ROW": "3 4 5\n6 7\n8",
    "LOWER_ROW": "3\n4 6\n5 7 8",
    "UPPER_DIAG_ROW": "0 3 4 5 0 6 7 0 8 0",
    "LOWER_DIAG_ROW": "0 3 0 4 6 0 5 7 8 0",
}


@pytest.mark.parametrize("fmt", sorted(EXPLICIT))
def test_explicit_matrix_layouts(fmt, tmp_path):
    path = tmp_path / "x.tsp"
    path.write_text(f"NAME: x\nTYPE: TSP\nDIMENSION: 4\nEDGE_WEIGHT_TYPE: EXPLICIT\n"
                    f"EDGE_WEIGHT_FORMAT: {fmt}\nEDGE_WEIGHT_SECTION\n{EXPLICIT[fmt]}\nEOF\n")
    D = read_tsplib(path).distances
    np.testing.assert_array_equal(D, [[0, 3, 4, 5], [3, 0, 6, 7], [4, 6, 0, 8], [5, 7, 8, 0]])


def test_ceil_2d(tmp_path):
    path = tmp_path / "c.tsp"
    path.write_text("NAME: c\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: CEIL_2D\n"
                    "NODE_COORD_SECTION\n1 0 0\n2 1.5 0\n3 0 2.2\nEOF\n")
    D = read_tsplib(path).distances
    assert D[0, 1] == 2 and D[0, 2] == 3 and D[1, 2] == np.ceil(np.hypot(1.5, 2.2))


def test_bad_tsp_input(tmp_path):
    with pytest.raises(ValueError, match="unknown TSPLIB instance"):
        load_tsplib("nowhere99")
    with pytest.raises(ValueError, match="symmetric"):
        TSP([[0, 1, 2], [2, 0, 1], [1, 1, 0]])
    path = tmp_path / "bad.tsp"
    path.write_text("NAME: b\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: MAN_3D\n"
                    "NODE_COORD_SECTION\n1 0 0 0\n2 1 1 1\n3 2 2 2\nEOF\n")
    with pytest.raises(ValueError, match="MAN_3D"):
        read_tsplib(path)


def test_knapsack_optimum_equals_brute_force():
    for seed, corr in [(0, "strong"), (1, "weak"), (2, "none")]:
        k = make_knapsack(14, rng=seed, correlation=corr)
        brute = min(k(np.array(bits)) for bits in itertools.product([0, 1], repeat=14))
        assert brute == k.optimum


def test_binary_problem_values():
    assert OneMax(8)(np.ones(8)) == -8 and OneMax(8)(np.zeros(8)) == 0
    trap = DeceptiveTrap(10, k=5)
    assert trap(np.ones(10)) == -10 and trap(np.zeros(10)) == -8
    assert trap(np.r_[np.ones(4), 0, np.zeros(5)]) == -(0 + 4)  # 4 ones: 5-1-4 = 0 points
    k = Knapsack([10, 7], [5, 4], 6)
    assert k(np.array([1, 1])) == 3.0 and k(np.array([1, 0])) == -10 and k.optimum == -10
    with pytest.raises(ValueError, match="multiple of k"):
        DeceptiveTrap(7, k=5)
