"""NSGA-II (K. Deb, A. Pratap, S. Agarwal, T. Meyarivan, "A fast and elitist multiobjective
genetic algorithm: NSGA-II", IEEE Trans. Evolutionary Computation 6(2):182-197, 2002)."""

from .._checks import check_int
from ..kernels import pareto as KP
from ..state import Array
from .front_population import FrontPopulation, GeneticVariation, tournament_pairs

__all__ = ["NSGA2"]


class NSGA2(GeneticVariation, FrontPopulation):
    """NSGA-II: fast non-dominated sorting, crowding distance and elitist (mu + lambda)
    survival, over every genome the GA has.

    Each generation, ``pop_size`` binary tournaments by the crowded-comparison operator (the
    lower front wins, then the larger crowding distance) choose the parents, each member
    playing in two (the pairs of two random orders, as in Deb's reference code); pairs of them
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
        self.pop_size = check_int("pop_size", pop_size, minimum=4)
        self._set_variation("NSGA2", crossover, mutation, crossover_rate, mutation_rate, eta_c,
                            eta_m, k_points, init)
        self.crowding = None  # the population's crowding distances within their fronts

    STATE = {"crowding": Array(float, "pop_size", optional=True, low=0.0)}

    def _held(self):
        return (*super()._held(), "crowding")

    def _offspring(self):
        n = self.pop_size
        pairs = tournament_pairs(n, self.rng)
        parents = KP.crowded_tournament(self.rank, self.crowding, pairs)
        return self._vary(self.pop[parents[0::2]], self.pop[parents[1::2]], n)

    def _survive(self, F, cv):
        keep, rank, self.crowding = KP.survivors(F, cv, self.pop_size)
        return keep, rank
