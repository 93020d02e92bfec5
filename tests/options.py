"""Options the method-wide tests pass."""

import inspect

from metaopt import METHODS
from metaopt.space import as_space


def searches(method, bounds):
    """Whether ``method`` searches the space ``bounds`` (basin hopping: no bits or
    permutations; test_contract checks that it refuses them)."""
    return set(as_space(bounds).kinds) <= set(METHODS[method].supports)


def population(method, size):
    """``{"pop_size": size}`` for a method that has a population, else ``{}`` (the
    single-chain methods: dual_annealing, basinhopping)."""
    takes = "pop_size" in inspect.signature(METHODS[method]).parameters
    return {"pop_size": size} if takes else {}
