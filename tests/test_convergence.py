"""Algorithms reach the known optimum of shifted problems within a budget (fixed seeds)."""

import numpy as np
import pytest

import metaopt
from problems import make_function


def error(method, name, dim, budget, seed, **options):
    f = make_function(name, dim, rng=seed, shift=True)
    res = metaopt.minimize(f, f.bounds, method=method, budget=budget, rng=seed, vectorized=True,
                           **options)
    return f.error(res.fun)


@pytest.mark.parametrize("strategy", ["rand/1", "current-to-best/1", "rand/2",
                                      "current-to-pbest/1", "best/1"])
@pytest.mark.parametrize("crossover", ["bin", "exp"])
def test_de_strategies_solve_the_sphere(strategy, crossover):
    errs = [error("de", "sphere", 5, 15_000, s, strategy=strategy, crossover=crossover,
                  pop_size=30) for s in range(3)]
    # best/1/bin is the greediest strategy and may stall early on a seed.
    bar = 1e-2 if (strategy, crossover) == ("best/1", "bin") else 1e-12
    assert max(errs) < bar


@pytest.mark.parametrize("bound_handling", ["midpoint", "clip", "reflect", "reinit"])
def test_de_bound_handling_all_converge(bound_handling):
    assert error("de", "rosenbrock", 4, 40_000, 1, bound_handling=bound_handling,
                 dither=(0.5, 1.0), CR=0.9) < 1e-6


@pytest.mark.parametrize("method", ["jade", "shade", "lshade"])
@pytest.mark.parametrize("name", ["rastrigin", "rosenbrock", "ackley", "griewank", "schwefel"])
def test_adaptive_de_solves_multimodal_functions_at_d10(method, name):
    err = error(method, name, 10, 100_000, 0)
    if (method, name) == ("jade", "schwefel"):
        # JADE's single adapted mean lets one coordinate settle in a second-best basin of
        # Schwefel's function (an error of ~118 = one basin); the history-based SHADE family
        # escapes it. The bar records that, rather than hiding it.
        assert err < 300
    elif (method, name) == ("jade", "griewank"):
        # With its default 30 individuals at d=10, JADE ends in Griewank's nearest local
        # minimum (error 0.0123) on some seeds; SHADE and L-SHADE solve every seed.
        assert err < 0.02
    else:
        assert err < 1e-8


@pytest.mark.parametrize("method", ["random", "lhs", "sobol"])
def test_random_search_gets_close_in_two_dimensions(method):
    # 4096 points in a 2-d box: the median over seeds lands within 2e-2 of the optimum (the expected
    # nearest point of 4096 uniform ones is about 0.008 away in value).
    assert np.median([error(method, "sphere", 2, 4096, seed) for seed in range(3)]) < 2e-2


def test_lshade_beats_random_search_at_equal_budget():
    a = error("lshade", "ackley", 5, 5000, 0)
    b = error("random", "ackley", 5, 5000, 0)
    assert a < b / 10
