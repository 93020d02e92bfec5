"""L-SRTDE (Stanovov & Semenkin, CEC 2024): success-rate-based adaptive DE."""

import math

import numpy as np

from .._checks import check_int
from ..state import Array, Float, Int
from .base import Optimizer

__all__ = ["LSRTDE"]


class LSRTDE(Optimizer):
    """L-SRTDE (V. Stanovov, E. Semenkin, "Success Rate-based Adaptive Differential Evolution
    L-SRTDE for CEC 2024 Competition", IEEE CEC 2024; first of its bound-constrained track),
    as the authors' code (github.com/VladimirStanovov/L-SRTDE_CEC-2024) runs it.

    Two populations of N members: the *front*, where trials start and which successful trials
    enter (each success overwrites the next slot in turn), and the *elite*, the best N of the
    last generation's elite and its successful trials, which gives the p-best and ``r2``. One
    trial at a time, each evaluated before the next is made (``ask()`` returns one point):

    - F ~ N(0.4 + 0.25 tanh(5 SR), 0.02) (redrawn outside [0, 1]), SR the success rate of
      the last generation (0.5 at first);
    - current-to-pbest/r: ``v = x_t + F (e_pbest - x_t) + F (x_r1 - e_r2)`` for a random
      front member ``t``, the p-best among the elite's best ``max(2, int(0.7 N exp(-7 SR)))``,
      ``r1`` from the front with rank weights ``exp(-3 rank / N)``, ``r2`` uniform over the
      elite (the index comparisons that keep them apart are the code's, across the two
      arrays);
    - binomial crossover with ``CR ~ N(M_CR[k], 0.05)`` clipped to [0, 1] from a random slot
      of H = 5 (all 1 at first); a coordinate outside the box is drawn anew uniformly;
    - a trial no worse than its target enters the front and the elite's pool; after each
      generation (N trials) slot ``k`` (cycling) becomes the mean of its old value and the
      weighted Lehmer mean of the successes' *actual* crossover fractions, weighted by
      their improvements, and the front shrinks linearly to 4 members over the budget,
      ``N = int(N_init + (4 - N_init) nfes / max_nfes)``, losing its worst.

    Where the code writes past the live front or removes from a stale copy (a success slot
    index left beyond a shrunk front; removing several worst members at once), the intent
    is kept: the slot index wraps, the worst members go.

    Parameters
    ----------
    bounds : sequence of (low, high), Space or variable
    pop_size : int, optional
        N_init; default ``20 D``.
    min_pop_size : int, default 4
    memory_size : int, default 5
    rng, budget : as for every algorithm (``budget`` required: the reduction spans it)
    """

    needs_budget = True

    def __init__(self, bounds, *, pop_size=None, min_pop_size=4, memory_size=5, rng=None,
                 budget=None):
        super().__init__(bounds, rng=rng, budget=budget)
        d = self.dim
        self.pop_size = check_int("pop_size", 20 * d if pop_size is None else pop_size,
                                  minimum=4)
        self.min_pop_size = check_int("min_pop_size", min_pop_size, minimum=4,
                                      maximum=self.pop_size)
        self.memory_size = check_int("memory_size", memory_size, minimum=1)
        self.memory_CR = np.ones(self.memory_size)
        self.memory_index = 0
        self.success_rate = 0.5
        self.front = self.front_fit = self.elite = self.elite_fit = None
        self.success_slot = 0  # the front slot the next success overwrites (PFIndex)
        # the generation in progress: its size, rankings and parameters from its start
        self.gen_size = 0
        self.trials_done = 0
        self.elite_order = np.empty(0, dtype=np.int64)
        self.front_order = np.empty(0, dtype=np.int64)
        self.mean_F = 0.0
        self.pbest_size = 0
        self.success_x = np.empty((0, d))
        self.success_f = np.empty(0)
        self.success_cr = np.empty(0)
        self.success_delta = np.empty(0)
        self.target = 0  # the pending trial's target and actual crossover fraction
        self.trial_cr = 0.0
        self._rank_cdf = np.empty(0)

    STATE = {
        "memory_CR": Array(float, "memory_size", low=0.0, high=1.0),
        "memory_index": Int(0, "memory_size"), "success_rate": Float(0.0, 1.0),
        "front": Array(float, "n", "dim", optional=True, points=True),
        "front_fit": Array(float, "n", optional=True),
        "elite": Array(float, "n", "dim", optional=True, points=True),
        "elite_fit": Array(float, "n", optional=True),
        "success_slot": Int(0), "gen_size": Int(0), "trials_done": Int(0),
        "elite_order": Array(int, None, low=0), "front_order": Array(int, None, low=0),
        "mean_F": Float(0.0, 1.0), "pbest_size": Int(0),
        "success_x": Array(float, None, "dim", points=True),
        "success_f": Array(float, None), "success_cr": Array(float, None, low=0.0, high=1.0),
        "success_delta": Array(float, None, low=0.0),
        "target": Int(0), "trial_cr": Float(0.0, 1.0),
    }

    #: The front's rank-selection CDF, derived from the generation's size.
    DERIVED = ("_rank_cdf",)

    def _rebuild(self):
        self._set_rank_cdf()

    def _set_rank_cdf(self):
        n = 0 if self.front is None else self.front.shape[0]  # not gen_size: checked later
        weights = np.exp(-np.arange(n) / max(n, 1) * 3)
        self._rank_cdf = np.cumsum(weights) / weights.sum() if n else weights

    def _state_problem(self):
        if self.front is not None:
            n = self.front.shape[0]
            if not self.min_pop_size <= n <= self.pop_size or self.elite.shape[0] != n:
                return f"front and elite must hold the same N in [{self.min_pop_size}, " \
                       f"{self.pop_size}] members"
            if self.gen_size != n or self.trials_done > n or self.target >= n or \
                    self.success_slot >= n:
                return "the generation's size, trial count, target and success slot must fit " \
                       "the front"
            if self.elite_order.shape != (n,) or self.front_order.shape != (n,) or \
                    self.elite_order.max() >= n or self.front_order.max() >= n:
                return "the rankings must order the N members"
            k = self.success_f.shape[0]
            if not (self.success_x.shape[0] == self.success_cr.shape[0]
                    == self.success_delta.shape[0] == k <= self.trials_done):
                return "one success record per successful trial"
            if not 2 <= self.pbest_size <= n:
                return f"pbest_size={self.pbest_size} is outside [2, {n}]"
        elif self.gen_size or self.trials_done or self.success_f.size or self.elite is not None:
            return "before the first population is told, no generation can be in progress"
        if self.memory_index >= self.memory_size:
            return f"memory_index={self.memory_index} is not below {self.memory_size}"
        return super()._state_problem()

    @property
    def batch_size(self):
        return self.pop_size if self.front is None else 1

    # -- the initial population ---------------------------------------------------------------
    def _ask(self):
        if self.front is None:
            return self.rng.random((self.pop_size, self.dim))
        return self._trial()[None, :]

    def _tell(self, U, f):
        if self.front is None:
            if f.shape[0] < self.pop_size:
                return  # the budget ended inside the first population
            self.elite, self.elite_fit = U.copy(), f.copy()
            order = np.argsort(f, kind="stable")
            self.front, self.front_fit = U[order].copy(), f[order].copy()
            self._start_generation()
            return
        self._select(U[0], float(f[0]))
        self.trials_done += 1
        if self.trials_done == self.gen_size:
            self._end_generation()

    # -- one generation -----------------------------------------------------------------------
    def _start_generation(self):
        n = self.front.shape[0]
        self.gen_size, self.trials_done = n, 0
        self.elite_order = np.argsort(self.elite_fit, kind="stable")
        self.front_order = np.argsort(self.front_fit, kind="stable")
        self.mean_F = 0.4 + 0.25 * math.tanh(5 * self.success_rate)
        self.pbest_size = max(2, int(n * 0.7 * math.exp(-7 * self.success_rate)))
        self.success_slot %= n
        self._set_rank_cdf()

    def _trial(self):
        n, d, rng = self.gen_size, self.dim, self.rng
        # One block of draws a trial (numpy's per-call cost dominates at this size); the
        # rejection loops draw more only when a pick collides.
        u = rng.random(d + 6)
        normal = rng.standard_normal(2)
        t = _pick(u[0], n)
        slot = _pick(u[1], self.memory_size)
        pbest = int(self.elite_order[_pick(u[2], self.pbest_size)])
        while pbest == t:
            pbest = int(self.elite_order[_pick(rng.random(), self.pbest_size)])
        r1 = self._rank_pick(u[3])
        while r1 == pbest:
            r1 = self._rank_pick(rng.random())
        r2 = int(self.elite_order[_pick(u[4], n)])
        while r2 == pbest or r2 == r1:
            r2 = int(self.elite_order[_pick(rng.random(), n)])
        F = self.mean_F + 0.02 * normal[0]
        while not 0.0 <= F <= 1.0:
            F = self.mean_F + 0.02 * rng.standard_normal()
        cr = min(max(self.memory_CR[slot] + 0.05 * normal[1], 0.0), 1.0)
        x = self.front[t]
        crossed = u[6:] < cr
        crossed[_pick(u[5], d)] = True
        v = x + F * (self.elite[pbest] - x) + F * (self.front[r1] - self.elite[r2])
        outside = (v < 0.0) | (v > 1.0)
        if outside.any():
            v[outside] = rng.random(int(outside.sum()))
        self.target, self.trial_cr = t, float(np.count_nonzero(crossed)) / d
        return np.where(crossed, v, x)

    def _rank_pick(self, u):
        """A front member drawn with the rank weights exp(-3 rank / N)."""
        rank = min(int(np.searchsorted(self._rank_cdf, u, "right")), self.gen_size - 1)
        return int(self.front_order[rank])

    def _select(self, u, f):
        t = self.target
        if not f <= self.front_fit[t]:
            return
        slot = self.success_slot
        self.front[slot], self.front_fit[slot] = u, f
        # the code's improvement: taken after the slot is overwritten (0 where slot == t);
        # a finite trial over a failed target improves infinitely, two failures not at all
        gap = self.front_fit[t] - f if math.isfinite(self.front_fit[t]) else math.inf
        delta = abs(gap) if math.isfinite(f) else 0.0
        self.success_x = np.vstack([self.success_x, u[None, :]])
        self.success_f = np.append(self.success_f, f)
        self.success_cr = np.append(self.success_cr, self.trial_cr)
        self.success_delta = np.append(self.success_delta, delta)
        self.success_slot = (slot + 1) % self.gen_size

    def _end_generation(self):
        n, k = self.gen_size, self.success_f.shape[0]
        self.success_rate = k / n
        planned = int((self.min_pop_size - self.pop_size) / self.budget * self.nfev
                      + self.pop_size)
        planned = min(max(planned, self.min_pop_size), n)
        if planned < n:  # the worst go; among equals the first found goes first
            worst_first = np.lexsort((np.arange(n), -self.front_fit))
            keep = np.sort(worst_first[n - planned:])
            self.front, self.front_fit = self.front[keep], self.front_fit[keep]
        if k:
            mean = _weighted_lehmer(self.success_cr, self.success_delta)
            self.memory_CR[self.memory_index] = 0.5 * (mean + self.memory_CR[self.memory_index])
            self.memory_index = (self.memory_index + 1) % self.memory_size
            pool_x = np.vstack([self.elite, self.success_x])[: planned + k]
            pool_f = np.concatenate([self.elite_fit, self.success_f])[: planned + k]
            best = np.argsort(pool_f, kind="stable")[:planned]
            self.elite, self.elite_fit = pool_x[best].copy(), pool_f[best].copy()
        else:
            self.elite, self.elite_fit = self.elite[:planned], self.elite_fit[:planned]
        self.success_x = np.empty((0, self.dim))
        self.success_f = self.success_cr = self.success_delta = np.empty(0)
        self._start_generation()

    def _population(self):
        if self.front is None:
            return np.empty((0, self.dim)), np.empty(0)
        return self.front.copy(), self.front_fit.copy()


def _pick(u, n):
    """An index uniform over range(n) from the uniform draw ``u`` in [0, 1)."""
    return min(int(u * n), n - 1)


def _weighted_lehmer(values, weights):
    """The code's MeanWL: ``sum(w v^2) / sum(w v)`` with ``w`` the normalised weights; 1 where
    the denominator is not above 1e-8 in magnitude (or the weights sum to 0). An infinite
    weight (a trial that repaired a failed target) counts as the largest finite one."""
    finite = weights[np.isfinite(weights)]
    weights = np.where(np.isfinite(weights), weights, finite.max() if finite.size else 1.0)
    total = weights.sum()
    if not total > 0:
        return 1.0
    w = weights / total
    den = float(np.sum(w * values))
    return float(np.sum(w * values**2)) / den if abs(den) > 1e-8 else 1.0
