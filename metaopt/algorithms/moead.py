"""MOEA/D (Q. Zhang, H. Li, "MOEA/D: A multiobjective evolutionary algorithm based on
decomposition", IEEE Trans. Evolutionary Computation 11(6):712-731, 2007)."""

import numpy as np

from .._checks import check_bool, check_choice, check_int, check_real
from ..kernels import pareto as KP
from ..reference_directions import (check_directions, das_dennis, default_directions,
                                    lattice_size)
from ..state import Array, Int
from .front_population import FrontPopulation, GeneticVariation

__all__ = ["MOEAD"]

DECOMPOSITIONS = {"tchebycheff": KP.TCHEBYCHEFF, "pbi": KP.PBI}


def _lattice_of_size(m, size):
    """The Das & Dennis lattice of ``size`` directions in ``m`` objectives, or ValueError
    naming the sizes near it."""
    sizes = {}
    p = 1
    while lattice_size(m, p) <= 4 * size + 10:
        sizes[lattice_size(m, p)] = p
        p += 1
    if size not in sizes:
        near = sorted(sizes, key=lambda s: abs(s - size))[:3]
        raise ValueError(f"pop_size={size}: a lattice of {m} objectives has {sorted(near)} "
                         f"directions near that; pass one of them or ref_dirs")
    return das_dennis(m, sizes[size])


class MOEAD(GeneticVariation, FrontPopulation):
    """MOEA/D: one scalar subproblem per weight vector, each solved by mating with and
    replacing its neighbours.

    Subproblem i has weight vector lambda_i (Das & Dennis points, H of them; the population
    is H) and its ``neighbors`` nearest weight vectors B(i) (itself included). Each generation
    visits the subproblems in order, i = 1, ..., H; subproblem i makes one child from two
    distinct random members of B(i) (SBX and polynomial mutation on the unit cube; the
    genome's operators for bits and permutations), and once it is evaluated updates the ideal
    point z* and replaces each neighbour j whose subproblem the child solves no worse:
    Tchebycheff ``max_k lambda_jk |f_k - z*_k|`` or PBI ``d1 + theta d2`` (the paper's
    section II, step 2). So each child is made from a population its predecessors have
    already changed, and ``ask()`` returns one point at a time. ``sequential=False`` instead
    makes the children of all subproblems at once and evaluates them as one batch (in
    parallel where there are workers), then applies the updates child by child: the children
    no longer see each other (``benchmarks/multiobjective.py``, 5 seeds: on ZDT6 the final
    hypervolume drops from 0.983 to 0.962 of the true front's, on DTLZ6 from 0.60 to 0.23,
    but on DTLZ4, whose density is biased, it rises from 0.57 to 0.94). With constraints a
    smaller violation wins first (the paper has none). The external archive of the paper is
    not kept: the Result's front is the population's non-dominated set, as pymoo's.

    Parameters
    ----------
    bounds : sequence of (low, high), Space or variable
    objectives : int, default 2
    ref_dirs : (H, m) array, optional
        The weight vectors; default as NSGA-III's (:mod:`metaopt.reference_directions`:
        H = 100 for two objectives, 91 for three).
    pop_size : int, optional
        Instead of ``ref_dirs``: the size of a Das & Dennis lattice (any size for two
        objectives; for more, a size the lattice has, such as 91 or 105 for three).
    neighbors : int, default 20 (the paper's T; the population when smaller)
    decomposition : {"tchebycheff", "pbi"}, default "tchebycheff" for two objectives, "pbi"
        for more
    theta : float, default 5 (PBI's penalty)
    sequential : bool, default True
        One child at a time, as the paper; False: a generation's children in one batch.
    crossover, mutation : str, optional, as for :class:`~metaopt.GA`
    crossover_rate : float, default 1.0
    mutation_rate : float, optional, default ``1/dim``
    eta_c, eta_m : float, default 20 and 20
    init, ref_point, rng, budget : as for :class:`~metaopt.NSGA2`
    """

    def __init__(self, bounds, *, objectives=2, ref_dirs=None, pop_size=None, neighbors=None,
                 decomposition=None, theta=5.0, sequential=True, crossover=None, mutation=None,
                 crossover_rate=1.0, mutation_rate=None, eta_c=20.0, eta_m=20.0,
                 k_points=None, init="lhs", ref_point=None, rng=None, budget=None):
        super().__init__(bounds, objectives=objectives, ref_point=ref_point, rng=rng,
                         budget=budget)
        m = self.n_objectives
        if ref_dirs is not None:
            self.ref_dirs = check_directions(ref_dirs, m)
        elif pop_size is not None:
            self.ref_dirs = _lattice_of_size(m, check_int("pop_size", pop_size, minimum=2))
        else:
            self.ref_dirs = default_directions(m)
        if pop_size is not None and pop_size != self.ref_dirs.shape[0]:
            raise ValueError(f"pop_size={pop_size} differs from the {self.ref_dirs.shape[0]} "
                             f"weight vectors of ref_dirs: MOEA/D has one member per vector")
        self.pop_size = self.ref_dirs.shape[0]
        self.neighbors = check_int("neighbors", min(20, self.pop_size) if neighbors is None
                                   else neighbors, minimum=2, maximum=self.pop_size)
        self.decomposition = check_choice(
            "decomposition", ("tchebycheff" if m == 2 else "pbi") if decomposition is None
            else decomposition, tuple(DECOMPOSITIONS))
        self.theta = check_real("theta", theta, 0.0)
        self.sequential = check_bool("sequential", sequential)
        self._set_variation("MOEAD", crossover, mutation, crossover_rate, mutation_rate, eta_c,
                            eta_m, k_points, init)
        gaps = np.linalg.norm(self.ref_dirs[:, None, :] - self.ref_dirs[None, :, :], axis=2)
        self._neighbours = np.ascontiguousarray(
            np.argsort(gaps, axis=1, kind="stable")[:, :self.neighbors]).astype(np.int64)
        self._method = DECOMPOSITIONS[self.decomposition]
        self.ideal = None  # z*: the best feasible value of each objective met
        self.subproblem = 0  # sequential: the subproblem whose child comes next

    STATE = {"ideal": Array(float, "n_objectives", optional=True),
             "subproblem": Int(0, "pop_size")}

    @property
    def batch_size(self):
        return 1 if self.sequential and self.pop is not None else self.pop_size

    def _state_problem(self):
        if self.subproblem >= self.pop_size:
            return f"subproblem={self.subproblem} is not below pop_size={self.pop_size}"
        return super()._state_problem()

    def _held(self):
        return (*super()._held(), "ideal")

    def _subproblems(self):
        """The subproblems whose children the pending batch holds."""
        if self.sequential:
            return np.array([self.subproblem])
        return np.arange(self.pop_size)

    def _offspring(self):
        rows = self._subproblems()
        n, T = rows.shape[0], self.neighbors
        first = self.rng.integers(0, T, n)
        second = (first + 1 + self.rng.integers(0, T - 1, n)) % T  # distinct from the first
        a, b = self._neighbours[rows, first], self._neighbours[rows, second]
        return self._vary(self.pop[a], self.pop[b], n)  # one child of each pair

    def _tell(self, U, F, cv):
        if self.pop is None:
            super()._tell(U, F, cv)
            usable = (cv <= 0) & np.isfinite(F).all(axis=1)
            rows = F[usable] if usable.any() else F[np.isfinite(F).all(axis=1)]
            self.ideal = rows.min(axis=0) if rows.size else np.full(self.n_objectives, np.inf)
            return
        rows = self._subproblems()[:U.shape[0]]
        KP.moead_update(self.pop, self.fit, self.cv, np.ascontiguousarray(U),
                        np.ascontiguousarray(F), cv, self._neighbours[rows],
                        self.ref_dirs, self.ideal, self._method, self.theta)
        if self.sequential:
            self.subproblem = (self.subproblem + 1) % self.pop_size
        self.rank = KP.nondominated_ranks(self.fit, self.cv)

    def _survive(self, F, cv):  # the first generation: every member, each its subproblem's
        return np.arange(F.shape[0]), KP.nondominated_ranks(F, cv)
