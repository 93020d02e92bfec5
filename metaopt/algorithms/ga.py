"""Genetic algorithms: real-coded, binary and permutation (Holland 1975; Goldberg 1989)."""

import numpy as np

from .._checks import check_choice, check_int
from ..kernels import ga as KG
from .base import POPULATION_STATE, Optimizer, population_problem
from .front_population import GeneticVariation

__all__ = ["GA"]

#: Defaults that follow the genome: population, mutation rate (None: ``1/dim``, per gene) and
#: tournament size. A permutation without distances (a black box) is mutated per child; with
#: distances the memetic 2-opt mutation is applied to 30% of the children.
GENOME_DEFAULTS = {"cube": (100, None, 2), "bits": (100, None, 2),
                   "permutation": (50, 0.9, 4), "tour": (100, 0.3, 2)}



class GA(GeneticVariation, Optimizer):
    """A genetic algorithm whose genome follows the space.

    - Reals, integers, choices (and mixed spaces): real-coded on the unit cube, with tournament
      selection, SBX crossover (Deb & Agrawal 1995) and polynomial mutation (Deb & Goyal 1996),
      both in the bounded form of Deb's NSGA-II code; integers and choices decode by flooring.
    - ``Binary`` variables only: uniform or k-point crossover and bit-flip mutation.
    - One ``Permutation``: order crossover OX (Davis 1985) or PMX (Goldberg & Lingle 1985);
      inversion, swap, insertion, "mixed" (an inversion or an insertion) or "2opt" mutation.
      "2opt" with a distance matrix (``distances=``, lent by ``minimize`` from a problem such
      as ``problems.TSP``) takes the child to a 2-opt local optimum (a memetic GA; move deltas
      counted in ``Result.ndelta``); without one it is a random reversal, as inversion.

    Replacement: "generational" keeps the ``elitism`` best parents and fills the rest with
    children; "steady" makes ``offspring`` children per batch and keeps the best ``pop_size``
    of parents and children (the worst are replaced).

    Parameters
    ----------
    bounds : Space, variable, or (low, high) pairs
    pop_size : int, optional
        Default 100; 50 for a permutation without distances (black box).
    crossover, mutation : str, optional
        Defaults: sbx/polynomial, uniform/bitflip, ox/mixed (ox/2opt when a distance
        matrix is given).
    crossover_rate : float, default 0.9
    mutation_rate : float, optional
        Per gene for reals and bits (default ``1/dim``); per child for permutations (0.9
        without distances, 0.3 with them).
    eta_c, eta_m : float, default 15 and 20
        Distribution indices of SBX and polynomial mutation.
    tournament_size : int, optional
        Default 2; 4 for a permutation without distances. (The black-box permutation
        defaults were picked on berlin52 and Taillard's flow shops: benchmarks/tsp.py
        --blackbox, benchmarks/flowshop.py.)
    elitism : int, default 2
    replacement : {"generational", "steady"}
    offspring : int, optional
        Children per batch in steady-state mode (default ``pop_size // 4``, even).
    k_points : int, default 2 (1 for two bits)
    distances : (n, n) array, optional
    repair : callable, optional
        For bit and permutation genomes: maps a batch of children (m, n) to valid ones before
        they are evaluated (a problem's ``repair``, such as ``problems.Knapsack.repair``, is
        lent by ``minimize``); the initial population is repaired too.
    init : {"lhs", "sobol", "random"}, for real-coded genomes
    rng, budget : as for every algorithm
    """

    DEFAULT_MUTATION_RATES = {kind: rate for kind, (_, rate, _) in GENOME_DEFAULTS.items()
                              if rate is not None}

    def __init__(self, bounds, *, pop_size=None, crossover=None, mutation=None,
                 crossover_rate=0.9, mutation_rate=None, eta_c=15.0, eta_m=20.0,
                 tournament_size=None, elitism=2, replacement="generational", offspring=None,
                 k_points=None, distances=None, repair=None, init="lhs", rng=None,
                 budget=None):
        super().__init__(bounds, rng=rng, budget=budget)
        self._set_variation("GA", crossover, mutation, crossover_rate, mutation_rate, eta_c,
                            eta_m, k_points, init, distances)
        default_pop, _, default_tournament = GENOME_DEFAULTS[self.genome.kind]
        self.pop_size = check_int("pop_size", default_pop if pop_size is None else pop_size,
                                  minimum=4)
        self.tournament_size = check_int("tournament_size", default_tournament
                                         if tournament_size is None else tournament_size,
                                         minimum=1)
        self.elitism = check_int("elitism", elitism, minimum=0, maximum=self.pop_size - 2)
        self.replacement = check_choice("replacement", replacement, ("generational", "steady"))
        default_offspring = max(2, (self.pop_size // 4) // 2 * 2)
        self.offspring = check_int("offspring", default_offspring if offspring is None
                                   else offspring, minimum=1)
        if repair is not None and not callable(repair):
            raise TypeError(f"repair must be callable, got repair={repair!r}")
        self.repair = repair if self.native else None
        self.pop = None
        self.fit = None

    STATE = POPULATION_STATE

    def _state_problem(self):
        return population_problem(self.pop, self.fit) or super()._state_problem()

    @property
    def batch_size(self):
        if self.pop is None:
            return self.pop_size
        return self.pop_size - self.elitism if self.replacement == "generational" \
            else self.offspring

    # -- the generation ----------------------------------------------------------------------
    def _ask(self):
        if self.pop is None:
            return self._repaired(self._initial())
        n = self.batch_size
        pairs = (n + 1) // 2
        winners = KG.tournament(self.fit, self.rng.random((2 * pairs, self.tournament_size)))
        first, second = self.pop[winners[:pairs]], self.pop[winners[pairs:]]
        return self._repaired(self._vary(first, second, n))

    def _repaired(self, X):
        if self.repair is None:
            return X
        R = np.asarray(self.repair(X), dtype=float)
        if R.shape != X.shape:
            raise ValueError(f"repair must return shape {X.shape}, got {R.shape}")
        return R

    def _tell(self, X, f):
        if self.pop is None:
            if X.shape[0] < self.pop_size:
                raise ValueError(f"the initial population needs all {self.pop_size} values, "
                                 f"got {X.shape[0]}")
            self.pop, self.fit = X.copy(), f.copy()
            return
        if self.replacement == "generational":
            order = np.argsort(self.fit, kind="stable")
            # Elites, the children, and (only when the final batch was cut short) the best
            # remaining parents to keep the size.
            keep = order[: self.pop_size - X.shape[0]]
            self.pop = np.concatenate([self.pop[keep], X])
            self.fit = np.concatenate([self.fit[keep], f])
        else:
            pop = np.concatenate([self.pop, X])
            fit = np.concatenate([self.fit, f])
            best = np.argsort(fit, kind="stable")[: self.pop_size]
            self.pop, self.fit = pop[best], fit[best]

    def _population(self):
        if self.pop is None:
            return np.empty((0, self.dim)), np.empty(0)
        return self.pop, self.fit

    # -- operators ---------------------------------------------------------------------------
    def _initial(self):
        return self.genome.random(self.pop_size, self.rng, self.init)
