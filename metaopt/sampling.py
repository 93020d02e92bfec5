"""Space-filling designs on the unit cube: uniform, Latin hypercube and Sobol (scipy.stats.qmc)."""

import warnings

import numpy as np
from scipy.stats import qmc

__all__ = ["SAMPLERS", "sample_unit", "make_sampler"]

SAMPLERS = ("random", "lhs", "sobol")


class _Uniform:
    def __init__(self, dim, rng):
        self.dim, self.rng = dim, rng

    def random(self, n):
        return self.rng.random((n, self.dim))


class _LatinHypercube:
    """Each call draws an independent Latin hypercube of ``n`` points."""

    def __init__(self, dim, rng):
        self.engine = qmc.LatinHypercube(dim, rng=rng)

    def random(self, n):
        return self.engine.random(n)


class _Sobol:
    """A scrambled Sobol sequence; successive calls continue the same sequence."""

    def __init__(self, dim, rng):
        self.engine = qmc.Sobol(dim, scramble=True, rng=rng)

    def random(self, n):
        with warnings.catch_warnings():
            # Balance only holds for powers of two; users choose n, and we document it.
            warnings.filterwarnings("ignore", message=".*balance properties.*")
            return self.engine.random(n)


_SAMPLER_CLASSES = {"random": _Uniform, "lhs": _LatinHypercube, "sobol": _Sobol}


def make_sampler(kind, dim, rng):
    """Return a stateful sampler object with ``random(n) -> (n, dim)`` points in [0, 1)."""
    if kind not in _SAMPLER_CLASSES:
        raise ValueError(f"init must be one of {SAMPLERS} or an array, got init={kind!r}")
    return _SAMPLER_CLASSES[kind](dim, rng)


def sample_unit(kind, n, dim, rng):
    """Draw ``n`` points of design ``kind`` ("random", "lhs", "sobol") in ``[0, 1)^dim``."""
    return np.ascontiguousarray(make_sampler(kind, dim, rng).random(n))
