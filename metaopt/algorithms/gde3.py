"""GDE3 (S. Kukkonen, J. Lampinen, "GDE3: The third evolution step of generalized differential
evolution", IEEE Congress on Evolutionary Computation 2005, pp. 443-450)."""

import numpy as np

from .._checks import check_choice, check_int, check_real
from ..kernels import de as K
from ..kernels import pareto as KP
from ..sampling import make_sampler
from ..state import Array
from .de import BOUND_HANDLING
from .multiobjective import MultiObjectiveOptimizer

__all__ = ["GDE3"]


class GDE3(MultiObjectiveOptimizer):
    """GDE3: DE/rand/1/bin variation with Pareto selection, on the unit cube.

    Each member x_i gets a trial u_i from three other random members, ``v = x_r1 + F (x_r2 -
    x_r3)`` crossed binomially with ``CR``. Selection (the paper's section III): the trial
    replaces x_i when it weakly dominates it (constrained: the feasible one wins, the less
    violated of two infeasible ones), x_i stays when it dominates the trial, and when neither
    dominates the other both stay. The population, grown by those ties, is cut back to
    ``pop_size`` by non-dominated sorting and crowding distance, as NSGA-II does. With one
    objective and no constraints it is DE/rand/1/bin.

    Parameters
    ----------
    bounds : sequence of (low, high), Space or variable
    objectives : int, default 2
    pop_size : int, default 100
    F, CR : float, default 0.5 and 0.5
        Scale factor and crossover rate (jMetal's defaults; the paper tunes them per problem
        and recommends small CR for separable problems).
    bound_handling : {"midpoint", "clip", "reflect", "reinit"}, default "midpoint"
    init : {"lhs", "sobol", "random"}
    ref_point, rng, budget : as for :class:`~metaopt.NSGA2`
    """

    def __init__(self, bounds, *, objectives=2, pop_size=100, F=0.5, CR=0.5,
                 bound_handling="midpoint", init="lhs", ref_point=None, rng=None, budget=None):
        super().__init__(bounds, objectives=objectives, ref_point=ref_point, rng=rng,
                         budget=budget)
        self.pop_size = check_int("pop_size", pop_size, minimum=4)
        self.F = check_real("F", F, 0.0, 2.0, low_open=True)
        self.CR = check_real("CR", CR, 0.0, 1.0)
        self.bound_handling = check_choice("bound_handling", bound_handling,
                                           tuple(BOUND_HANDLING))
        self.init = check_choice("init", init, ("lhs", "sobol", "random"))
        self._repair = BOUND_HANDLING[self.bound_handling]
        self._n_uniforms = 3 + 1 + self.dim * (2 if bound_handling == "reinit" else 1)
        self._ranges = np.full(3, self.pop_size, np.int64)
        self._F_vec = np.full(self.pop_size, self.F)
        self._CR_vec = np.full(self.pop_size, self.CR)
        self._unused_guide = np.zeros(self.pop_size, np.int64)
        self._init_u = np.ascontiguousarray(
            make_sampler(self.init, self.dim, self.rng).random(self.pop_size))
        self.pop = None
        self.fit = None
        self.cv = None
        self.rank = None

    STATE = {
        "pop": Array(float, "pop_size", "dim", optional=True, points=True),
        "fit": Array(float, "pop_size", "n_objectives", optional=True),
        "cv": Array(float, "pop_size", optional=True, low=0.0),
        "rank": Array(np.int64, "pop_size", optional=True, low=0),
    }

    def _state_problem(self):
        held = [self.pop is None, self.fit is None, self.cv is None, self.rank is None]
        if any(held) != all(held):
            return "pop, fit, cv and rank must all be None or all arrays"
        return super()._state_problem()

    @property
    def batch_size(self):
        return self.pop_size

    def _ask(self):
        if self.pop is None:
            return self._init_u.copy()
        u = self.rng.random((self.pop_size, self._n_uniforms))
        return K.de_offspring(self.pop, u, self._ranges, self._unused_guide, self._F_vec,
                              self._CR_vec, K.RAND1, False, self._repair)

    def _tell(self, U, F, cv):
        if self.pop is None:
            if U.shape[0] < self.pop_size:
                raise ValueError(f"the initial population needs all {self.pop_size} values, "
                                 f"got {U.shape[0]}")
            pop, fit, vio = U, F, cv
        else:
            k = U.shape[0]
            outcome = KP.pareto_selection(self.fit[:k], self.cv[:k], F, cv)
            # 1: the trial replaces its target, 0: the target stays, 2: both stay
            targets = np.concatenate([np.flatnonzero(outcome != 1), np.arange(k, self.pop_size)])
            trials = np.flatnonzero(outcome != 0)
            pop = np.concatenate([self.pop[targets], U[trials]])
            fit = np.concatenate([self.fit[targets], F[trials]])
            vio = np.concatenate([self.cv[targets], cv[trials]])
        keep, self.rank, _ = KP.survivors(np.ascontiguousarray(fit), vio, self.pop_size)
        self.pop = np.ascontiguousarray(pop[keep])
        self.fit, self.cv = fit[keep], vio[keep]

    def front(self):
        if self.pop is None:
            return np.empty((0, self.dim)), np.empty((0, self.n_objectives))
        first = (self.rank == 0) & np.isfinite(self.fit).all(axis=1)
        return self.pop[first], self.fit[first]

    def _population(self):
        if self.pop is None:
            return (np.empty((0, self.dim)), np.empty((0, self.n_objectives)), np.empty(0))
        return self.pop, self.fit, self.cv
