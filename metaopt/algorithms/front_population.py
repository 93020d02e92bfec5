"""What NSGA-II, NSGA-III, MOEA/D and GDE3 share: a population with its objectives, violations
and fronts, the genetic variation of the genome (crossover then mutation, the operators
resolved by name once), and the front read from the fronts."""

import numpy as np

from .._checks import check_choice, check_int, check_real
from ..state import Array
from .genomes import make_genome
from .multiobjective import MultiObjectiveOptimizer

__all__ = ["FrontPopulation", "GeneticVariation", "tournament_pairs"]


def tournament_pairs(n, rng):
    """The binary tournaments of a generation of ``n`` parents (one more for odd n), as Deb's
    NSGA-II code and pymoo draw them: the pairs of two random orders of the population, so
    each member plays exactly twice (a third order gives the extra pair of odd sizes)."""
    tournaments = n + n % 2
    order = np.concatenate([rng.permutation(n) for _ in range(2 + n % 2)])
    return order[:2 * tournaments].reshape(tournaments, 2)


class GeneticVariation:
    """The genome's crossover and mutation with their rates and distribution indices, set up
    by :meth:`_set_variation` and applied by :meth:`_vary` (a mixin of an Optimizer)."""

    #: The mutation rate by genome kind when none is given (absent: ``1/dim``, per gene); a
    #: permutation is mutated per child.
    DEFAULT_MUTATION_RATES = {"permutation": 0.9}

    def _set_variation(self, owner, crossover, mutation, crossover_rate, mutation_rate, eta_c,
                       eta_m, k_points, init, distances=None):
        self.genome = g = make_genome(self.space, distances, owner, permutation_alone=False)
        self.native = g.native
        self.crossover = check_choice("crossover", g.CROSSOVERS[0] if crossover is None
                                      else crossover, g.CROSSOVERS)
        self.mutation = check_choice("mutation", g.MUTATIONS[0] if mutation is None
                                     else mutation, g.MUTATIONS)
        self._crossover_op = g.crossover(self.crossover)
        self._mutation_op = g.mutation(self.mutation)
        self.crossover_rate = check_real("crossover_rate", crossover_rate, 0.0, 1.0)
        default_rate = self.DEFAULT_MUTATION_RATES.get(g.kind, 1.0 / self.dim)
        self.mutation_rate = check_real("mutation_rate", default_rate if mutation_rate is None
                                        else mutation_rate, 0.0, 1.0)
        self.eta_c = check_real("eta_c", eta_c, 0.0)
        self.eta_m = check_real("eta_m", eta_m, 0.0)
        self.k_points = check_int("k_points", min(2, max(self.dim - 1, 1)) if k_points is None
                                  else k_points, minimum=1, maximum=max(self.dim - 1, 1))
        self.init = check_choice("init", init, ("lhs", "sobol", "random"))

    def _vary(self, first, second, n):
        """``n`` children of the parent pairs ``first`` and ``second`` (both of a pair's
        children, then cut to n), mutated."""
        c1, c2 = self._crossover_op(first, second, self.rng, rate=self.crossover_rate,
                                    eta=self.eta_c, k=self.k_points)
        children = np.concatenate([c1, c2])[:n]
        children, evaluations = self._mutation_op(children, self.rng, rate=self.mutation_rate,
                                                  eta=self.eta_m)
        self.ndelta += evaluations
        return children


class FrontPopulation(MultiObjectiveOptimizer):
    """A population of ``pop_size`` points with objectives ``fit`` (n, m), total violations
    ``cv`` and fronts ``rank``; subclasses give ``_first()`` (the initial points) and
    ``_offspring()`` for ``_ask``, and ``_survive(pop, fit, cv)`` (the points kept: indices
    and their fronts) for ``_tell``, which hands it the population and the told points."""

    STATE = {
        "pop": Array(float, "pop_size", "dim", optional=True, points=True),
        "fit": Array(float, "pop_size", "n_objectives", optional=True),
        "cv": Array(float, "pop_size", optional=True, low=0.0),
        "rank": Array(np.int64, "pop_size", optional=True, low=0),
    }

    def __init__(self, bounds, *, objectives, ref_point, rng, budget):
        super().__init__(bounds, objectives=objectives, ref_point=ref_point, rng=rng,
                         budget=budget)
        self.pop = None   # the population (genome points), (pop_size, dim)
        self.fit = None   # its objectives, (pop_size, m)
        self.cv = None    # its total constraint violations, (pop_size,)
        self.rank = None  # its fronts (0: non-dominated)

    def _state_problem(self):
        held = [getattr(self, name) is None for name in self._held()]
        if any(held) != all(held):
            return f"{', '.join(self._held())} must all be None or all arrays"
        return super()._state_problem()

    def _held(self):
        """The state fields that exist together (all None before the first generation)."""
        return ("pop", "fit", "cv", "rank")

    @property
    def batch_size(self):
        return self.pop_size

    def _ask(self):
        return self._first() if self.pop is None else self._offspring()

    def _tell(self, U, F, cv):
        if self.pop is None:
            if U.shape[0] < self.pop_size:
                raise ValueError(f"the initial population needs all {self.pop_size} values, "
                                 f"got {U.shape[0]}")
            pop, fit, vio = U, F, cv
        else:
            pop, fit, vio = self._merged(U, F, cv)
        keep, rank = self._survive(np.ascontiguousarray(fit), vio)
        self.pop = np.ascontiguousarray(pop[keep])
        self.fit, self.cv, self.rank = fit[keep], vio[keep], rank

    def _merged(self, U, F, cv):
        """The candidates for survival: the population and the told points (mu + lambda)."""
        return (np.concatenate([self.pop, U]), np.concatenate([self.fit, F]),
                np.concatenate([self.cv, cv]))

    def _first(self):
        return self.genome.random(self.pop_size, self.rng, self.init)

    def front(self):
        # Front 0 of the candidates restricted to the survivors is the survivors'
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
