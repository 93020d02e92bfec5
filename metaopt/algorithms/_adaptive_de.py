"""What JADE, SHADE and L-SHADE share: current-to-pbest/1/bin with an archive, midpoint bound
repair, per-individual F (Cauchy) and CR (normal) drawn from a memory of means (one slot for
JADE, H for SHADE), and the record of the successful parameters."""

import numpy as np

from .._checks import check_real
from ..kernels import adaptive as KA
from ..kernels import de as K
from ._archive import Archive
from ..state import Array, Nested
from .base import PopulationOptimizer

__all__ = ["AdaptiveDE", "lehmer_mean"]

# Columns of the uniform block drawn each generation: the trial's (2 picks, jrand, d
# crossover draws) come first; these follow them (see kernels.adaptive.pbest_trials).
_SLOT, _F, _PBEST, _P = range(4)


def lehmer_mean(values, weights):
    """The weighted Lehmer mean ``sum(w s^2) / sum(w s)``."""
    return float(np.sum(weights * values**2) / np.sum(weights * values))


class AdaptiveDE(PopulationOptimizer):
    """Base of the parameter-adaptive DE variants.

    Subclasses set ``memory_F`` and ``memory_CR`` (arrays of means), say how many top
    individuals a p-best is drawn from (``_pbest_counts``) and how successes update the memory
    (``_adapt``).
    """

    archive_overflow = "replace"
    #: Whether a trial equal to its parent leaves the parent in place.
    keep_ties = False

    def __init__(self, bounds, *, pop_size, archive_rate, init, rng, budget):
        super().__init__(bounds, pop_size=pop_size, init=init, rng=rng, budget=budget,
                         min_pop_size=4)
        self.archive_rate = check_real("archive_rate", archive_rate, 0.0)
        self.archive = Archive(int(self.archive_rate * self.pop_size), self.dim,
                               overflow=self.archive_overflow)
        self._F = self._CR = None
        self.pop_raw = None  # constrained runs: each member's (objective, total violation)

    STATE = {
        "pop": Array(float, "n", "dim", optional=True, points=True),  # L-SHADE shrinks it
        "fit": Array(float, "n", optional=True),
        "archive": Nested(),
        "pop_raw": Array(float, 2, "n", optional=True),
        "memory_F": Array(float, "memory_size", low=0.0, high=1.0),
        "memory_CR": Array(float, "memory_size", low=-1.0, high=1.0),
        # the last ask's parameters, one per trial (the population may have shrunk since)
        "_F": Array(float, "m", optional=True, low=0.0, high=1.0),
        "_CR": Array(float, "m", optional=True, low=0.0, high=1.0),
    }

    def _state_problem(self):
        if self.pop is not None and not self.min_members() <= self.pop.shape[0] <= self.pop_size:
            return f"pop has {self.pop.shape[0]} members, outside [{self.min_members()}, " \
                   f"{self.pop_size}]"
        if (self._F is None) != (self._CR is None):
            return "_F and _CR must both be None or both arrays"
        if self.pop_raw is not None and (self.pop is None or self.pop_raw[1].min() < 0):
            return "pop_raw needs a population and violations >= 0"
        if self._pending is not None and self.pop is not None and (
                self._F is None or self._F.shape[0] != self._pending.shape[0]):
            return "the pending trials need their F and CR (_F, _CR) of the same length"
        return super()._state_problem()

    def min_members(self):
        """The fewest members the population can have."""
        return self.pop_size

    def _improvements(self, parent_fit, f, better):
        """The success weights' improvements ``|df|`` of the trials that won. Under
        constraints, in the quantity that decided each comparison: the objective between
        feasible points, the violation otherwise (a ranked difference would let one
        infeasible-to-feasible step outweigh every other success)."""
        if self.pop_raw is None or self._told is None:
            return parent_fit[better] - f[better]
        k = f.shape[0]
        raw, cv = self._told
        old_raw, old_cv = self.pop_raw[0, :k], self.pop_raw[1, :k]
        with np.errstate(invalid="ignore"):
            delta = np.where((cv == 0) & (old_cv == 0), old_raw - raw, old_cv - cv)
        replaced = f <= parent_fit if self.keep_ties else better
        self.pop_raw[:, :k][:, replaced] = np.stack([raw, cv])[:, replaced]
        return delta[better]

    def _pbest_counts(self, n, u):
        """How many of the best each individual's p-best is drawn from (int or (n,) array)."""
        raise NotImplementedError

    def _adapt(self, F, CR, delta):
        """Update the memory from the successful F, CR and their improvements ``delta``."""
        raise NotImplementedError

    def _after_generation(self):
        """Hook after selection (L-SHADE shrinks the population here)."""

    def _ask_offspring(self):
        n = self.pop.shape[0]
        u = self.rng.random((n, self.dim + 7))
        z = self.rng.standard_normal(n)
        counts = self._pbest_counts(n, u[:, self.dim + 3 + _P])
        if isinstance(counts, (int, np.integer)):
            counts = np.full(n, counts, np.int64)
        trial, self._F, self._CR = KA.pbest_trials(self.pop, self.fit, self.archive.rows,
                                                   self.memory_F, self.memory_CR, u, z, counts,
                                                   **self._trial_rules())
        return trial

    def _trial_rules(self):
        """Keyword arguments of :func:`~metaopt.kernels.adaptive.pbest_trials` beyond the
        population and the draws (jSO's schedule-dependent rules); none here."""
        return {}

    def _after_init(self):
        if self._told is not None:  # constrained: each member's objective and violation
            self.pop_raw = np.stack(self._told).astype(float)

    def _tell_offspring(self, U, f):
        k = f.shape[0]
        if self.pop_raw is None:  # one compiled pass: selection and what adaptation needs
            losers, F, CR, delta = KA.adaptive_selection(self.pop, self.fit, U, f, self._F[:k],
                                                         self._CR[:k], self.keep_ties)
        else:
            parent_fit = self.fit[:k]
            better = f < parent_fit
            delta = self._improvements(parent_fit, f, better)
            losers, F, CR = self.pop[:k][better], self._F[:k][better], self._CR[:k][better]
            K.greedy_selection(self.pop, self.fit, U, f, self.keep_ties)
        self.archive.add(losers, self.rng)
        if delta.shape[0]:
            self._adapt(F, CR, delta)
        self._after_generation()
