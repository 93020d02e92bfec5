"""Random search: uniform, Latin hypercube (McKay et al. 1979) and scrambled Sobol (Sobol 1967;
Owen 1998) designs, drawn batch by batch through scipy.stats.qmc."""

import numpy as np

from .._checks import check_int
from ..sampling import make_sampler
from ..state import Array, Nested
from .base import Optimizer

__all__ = ["RandomSearch", "LatinHypercubeSearch", "SobolSearch"]


class RandomSearch(Optimizer):
    """Pure random search: every batch is a fresh design of ``pop_size`` points.

    Parameters
    ----------
    bounds : sequence of (low, high), Space or variable
    pop_size : int, default 64
        Points per batch. For Sobol, powers of two keep the sequence balanced.
    sampler : {"random", "lhs", "sobol"}
        Uniform points, an independent Latin hypercube per batch, or one scrambled Sobol sequence
        continued across batches.
    rng : None, int or numpy.random.Generator
    budget : int, optional
        Unused; accepted for a uniform interface.
    """

    sampler_kind = "random"

    def __init__(self, bounds, *, pop_size=64, sampler=None, rng=None, budget=None):
        super().__init__(bounds, rng=rng, budget=budget)
        self.pop_size = check_int("pop_size", pop_size, minimum=1)
        self.sampler_kind = self.sampler_kind if sampler is None else sampler
        self._sampler = make_sampler(self.sampler_kind, self.dim, self.rng, "sampler")
        self._elite_u = np.empty((0, self.dim))
        self._elite_f = np.empty(0)

    STATE = {
        "_sampler": Nested(),
        "_elite_u": Array(float, "elite", "dim", points=True),
        "_elite_f": Array(float, "elite"),
    }

    def _state_problem(self):
        if self._elite_f.shape[0] > self.pop_size:
            return f"_elite_f holds {self._elite_f.shape[0]} points, above pop_size"
        drawn = self._sampler.drawn()
        if drawn is not None and drawn != self.pop_size * (self.nit + (self._pending is not None)):
            return f"the sampler has drawn {drawn} points in {self.nit} batches of {self.pop_size}"
        return super()._state_problem()

    @property
    def batch_size(self):
        return self.pop_size

    def _ask(self):
        return np.ascontiguousarray(self._sampler.random(self.pop_size))

    def _tell(self, U, f):
        # The population reported in the result: the best pop_size points seen so far.
        U_all = np.concatenate([self._elite_u, U])
        f_all = np.concatenate([self._elite_f, f])
        keep = np.argsort(f_all, kind="stable")[: self.pop_size]
        self._elite_u, self._elite_f = U_all[keep], f_all[keep]

    def _population(self):
        return self._elite_u, self._elite_f


class LatinHypercubeSearch(RandomSearch):
    """Random search with a Latin hypercube per batch (method "lhs")."""

    sampler_kind = "lhs"


class SobolSearch(RandomSearch):
    """Quasi-random search along one scrambled Sobol sequence (method "sobol")."""

    sampler_kind = "sobol"
