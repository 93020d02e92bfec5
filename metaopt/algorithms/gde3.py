"""GDE3 (S. Kukkonen, J. Lampinen, "GDE3: The third evolution step of generalized differential
evolution", IEEE Congress on Evolutionary Computation 2005, pp. 443-450)."""

import numpy as np

from .._checks import check_choice, check_int, check_real
from ..kernels import de as K
from ..kernels import pareto as KP
from ..sampling import make_sampler
from .de import BOUND_HANDLING
from .front_population import FrontPopulation

__all__ = ["GDE3"]


class GDE3(FrontPopulation):
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

    def _first(self):
        return self._init_u.copy()

    def _offspring(self):
        u = self.rng.random((self.pop_size, self._n_uniforms))
        return K.de_offspring(self.pop, u, self._ranges, self._unused_guide, self._F_vec,
                              self._CR_vec, K.RAND1, False, self._repair)

    def _merged(self, U, F, cv):
        k = U.shape[0]
        outcome = KP.pareto_selection(self.fit[:k], self.cv[:k], F, cv)
        # 1: the trial replaces its target, 0: the target stays, 2: both stay
        targets = np.concatenate([np.flatnonzero(outcome != 1), np.arange(k, self.pop_size)])
        trials = np.flatnonzero(outcome != 0)
        return (np.concatenate([self.pop[targets], U[trials]]),
                np.concatenate([self.fit[targets], F[trials]]),
                np.concatenate([self.cv[targets], cv[trials]]))

    def _survive(self, F, cv):
        keep, rank, _ = KP.survivors(F, cv, self.pop_size)
        return keep, rank
