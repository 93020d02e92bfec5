"""NSGA-II (K. Deb, A. Pratap, S. Agarwal, T. Meyarivan, "A fast and elitist multiobjective
genetic algorithm: NSGA-II", IEEE Trans. Evolutionary Computation 6(2):182-197, 2002)."""

import numpy as np

from .._checks import check_choice, check_int, check_real
from ..kernels import pareto as KP
from ..state import Array
from .genomes import make_genome
from .multiobjective import MultiObjectiveOptimizer

__all__ = ["NSGA2"]


class NSGA2(MultiObjectiveOptimizer):
    """NSGA-II: fast non-dominated sorting, crowding distance and elitist (mu + lambda)
    survival, over every genome the GA has.

    Each generation, ``pop_size`` binary tournaments by the crowded-comparison operator (the
    lower front wins, then the larger crowding distance) choose the parents; pairs of them
    cross over and the children mutate with the genome's operators (SBX and polynomial
    mutation for reals, integers and choices on the unit cube; uniform or k-point crossover
    and bit flips for bits; OX or PMX and a move for a permutation); parents and children
    together are sorted into fronts and the best ``pop_size`` survive, the last front cut by
    crowding distance. With constraints, constrained domination (the paper's section V): a
    feasible point beats an infeasible one, and the less violated of two infeasible ones wins.

    Parameters
    ----------
    bounds : sequence of (low, high), Space or variable
    objectives : int, default 2
    pop_size : int, default 100 (the paper's)
    crossover, mutation : str, optional
        As for :class:`~metaopt.GA`; defaults sbx/polynomial, uniform/bitflip, ox/mixed.
    crossover_rate : float, default 0.9 (the paper's)
    mutation_rate : float, optional
        Per gene for reals and bits (default ``1/dim``, the paper's), per child for
        permutations (default 0.9).
    eta_c, eta_m : float, default 20 and 20 (the paper's distribution indices)
    k_points : int, default 2 (1 for two bits)
    init : {"lhs", "sobol", "random"}, for the unit cube
    ref_point : (m,) array, optional
        Where the hypervolume of ``Result.history`` is measured from (minimized terms);
        default derived from the first generation (see :mod:`.multiobjective`).
    rng, budget : as for every algorithm
    """

    def __init__(self, bounds, *, objectives=2, pop_size=100, crossover=None, mutation=None,
                 crossover_rate=0.9, mutation_rate=None, eta_c=20.0, eta_m=20.0,
                 k_points=None, init="lhs", ref_point=None, rng=None, budget=None):
        super().__init__(bounds, objectives=objectives, ref_point=ref_point, rng=rng,
                         budget=budget)
        self.genome = g = make_genome(self.space, None, "NSGA2", permutation_alone=False)
        self.native = g.native
        self.pop_size = check_int("pop_size", pop_size, minimum=4)
        self.crossover = check_choice("crossover", g.CROSSOVERS[0] if crossover is None
                                      else crossover, g.CROSSOVERS)
        self.mutation = check_choice("mutation", g.MUTATIONS[0] if mutation is None
                                     else mutation, g.MUTATIONS)
        self._crossover_op = g.crossover(self.crossover)
        self._mutation_op = g.mutation(self.mutation)
        self.crossover_rate = check_real("crossover_rate", crossover_rate, 0.0, 1.0)
        default_rate = 0.9 if g.kind == "permutation" else 1.0 / self.dim
        self.mutation_rate = check_real("mutation_rate", default_rate if mutation_rate is None
                                        else mutation_rate, 0.0, 1.0)
        self.eta_c = check_real("eta_c", eta_c, 0.0)
        self.eta_m = check_real("eta_m", eta_m, 0.0)
        self.k_points = check_int("k_points", min(2, max(self.dim - 1, 1)) if k_points is None
                                  else k_points, minimum=1, maximum=max(self.dim - 1, 1))
        self.init = check_choice("init", init, ("lhs", "sobol", "random"))
        self.pop = None       # the population (genome points), (pop_size, dim)
        self.fit = None       # its objectives, (pop_size, m)
        self.cv = None        # its total constraint violations, (pop_size,)
        self.rank = None      # its fronts (0: non-dominated)
        self.crowding = None  # its crowding distances within their fronts

    STATE = {
        "pop": Array(float, "pop_size", "dim", optional=True, points=True),
        "fit": Array(float, "pop_size", "n_objectives", optional=True),
        "cv": Array(float, "pop_size", optional=True, low=0.0),
        "rank": Array(np.int64, "pop_size", optional=True, low=0),
        "crowding": Array(float, "pop_size", optional=True, low=0.0),
    }

    def _state_problem(self):
        held = [self.pop is None, self.fit is None, self.cv is None, self.rank is None,
                self.crowding is None]
        if any(held) != all(held):
            return "pop, fit, cv, rank and crowding must all be None or all arrays"
        return super()._state_problem()

    @property
    def batch_size(self):
        return self.pop_size

    def _ask(self):
        if self.pop is None:
            return self.genome.random(self.pop_size, self.rng, self.init)
        n = self.pop_size
        pairs = self.rng.integers(0, n, (n + n % 2, 2))
        parents = KP.crowded_tournament(self.rank, self.crowding, pairs)
        first, second = self.pop[parents[0::2]], self.pop[parents[1::2]]
        c1, c2 = self._crossover_op(first, second, self.rng, rate=self.crossover_rate,
                                    eta=self.eta_c, k=self.k_points)
        children = np.concatenate([c1, c2])[:n]
        children, evaluations = self._mutation_op(children, self.rng, rate=self.mutation_rate,
                                                  eta=self.eta_m)
        self.ndelta += evaluations
        return children

    def _tell(self, U, F, cv):
        if self.pop is None:
            if U.shape[0] < self.pop_size:
                raise ValueError(f"the initial population needs all {self.pop_size} values, "
                                 f"got {U.shape[0]}")
            pop, fit, vio = U, F, cv
        else:
            pop = np.concatenate([self.pop, U])
            fit = np.concatenate([self.fit, F])
            vio = np.concatenate([self.cv, cv])
        keep, self.rank, self.crowding = KP.survivors(np.ascontiguousarray(fit), vio,
                                                      self.pop_size)
        self.pop = np.ascontiguousarray(pop[keep])
        self.fit, self.cv = fit[keep], vio[keep]

    def front(self):
        # Front 0 of parents and children, restricted to the survivors, is the survivors'
        # non-dominated set (a survivor of a later front is dominated by a kept one); under
        # constrained domination it holds only feasible points when any is feasible.
        if self.pop is None:
            return np.empty((0, self.dim)), np.empty((0, self.n_objectives))
        first = (self.rank == 0) & np.isfinite(self.fit).all(axis=1)
        return self.pop[first], self.fit[first]

    def _population(self):
        if self.pop is None:
            return (np.empty((0, self.dim)), np.empty((0, self.n_objectives)), np.empty(0))
        return self.pop, self.fit, self.cv
