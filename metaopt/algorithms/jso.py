"""jSO (Brest, Maucec & Boskovic, CEC 2017): L-SHADE with iL-SHADE's and jSO's changes."""

import math

from .de import pbest_count
from ..kernels.adaptive import success_history_update
from .shade import LSHADE

__all__ = ["JSO"]


class JSO(LSHADE):
    """jSO (J. Brest, M. S. Maucec, B. Boskovic, "Single Objective Real-Parameter
    Optimization: Algorithm jSO", IEEE CEC 2017, pp. 1311-1318; second in the CEC 2017
    bound-constrained competition), as the authors' published code has it.

    L-SHADE (:class:`LSHADE`: linear population reduction to 4, an archive, success-history
    memories, midpoint bound repair) with these changes, each a fraction of the budget
    ``nfes / max_nfes`` as in the code:

    - ``N_init = round(25 sqrt(D) ln D)``, H = 5 memory slots initialised ``M_F = 0.3``,
      ``M_CR = 0.8``; the last slot always gives ``M_F = M_CR = 0.9``; archive rate 1;
    - CR at least 0.7 before 25% of the budget and 0.6 before 50%; F at most 0.7 before 60%;
    - current-to-pBest-w/1: ``v = x + F_w (x_pbest - x) + F (x_r1 - x_r2)`` with
      ``F_w = 0.7 F`` before 20%, ``0.8 F`` before 40%, ``1.2 F`` after; the p-best is never
      the target itself before 50%, and is drawn from the best ``round(p N)`` (at least 2),
      ``p = 0.25 (1 - nfes / (2 max_nfes))`` once the population has shrunk (from 0.25 to
      0.125);
    - each memory slot becomes the mean of its old value and the weighted Lehmer means of the
      successful F and CR (CR's terminal -1 where every successful CR is 0, averaged like any
      value, so a slot does not stay terminal).

    Parameters
    ----------
    bounds : sequence of (low, high), Space or variable
    pop_size : int, optional
        N_init; default ``round(25 sqrt(D) ln D)`` (at least 4).
    min_pop_size : int, default 4
    memory_size : int, default 5
    p : float, default 0.25
        The greedy fraction at the start.
    archive_rate : float, default 1.0
    budget : int
        Required (the schedules span it): here, or through :func:`metaopt.minimize`.
    init, rng : as for :class:`~metaopt.DE`
    """

    def __init__(self, bounds, *, pop_size=None, min_pop_size=4, memory_size=5, p=0.25,
                 archive_rate=1.0, init="lhs", rng=None, budget=None):
        super().__init__(bounds, pop_size=pop_size, min_pop_size=min_pop_size,
                         memory_size=memory_size, p=p, archive_rate=archive_rate, init=init,
                         rng=rng, budget=budget)
        self.memory_F[:] = 0.3
        self.memory_CR[:] = 0.8

    @staticmethod
    def default_pop_size(dim):
        return max(int(round(math.sqrt(dim) * math.log(dim) * 25)), 4) if dim > 1 else 4

    def _progress(self):
        return self.nfev / self.budget

    def _pbest_counts(self, n, u):
        rate = self.p if n == self.pop_size else self.p * (1.0 - 0.5 * self._progress())
        return pbest_count(rate, n)

    def _trial_rules(self):
        t = self._progress()
        return {"jf_scale": 0.7 if t < 0.2 else 0.8 if t < 0.4 else 1.2,
                "cr_floor": 0.7 if t < 0.25 else 0.6 if t < 0.5 else 0.0,
                "f_cap": 0.7 if t < 0.6 else 1.0,
                "fixed_last": True, "exclude_self": t < 0.5}

    def _adapt(self, F, CR, delta):
        slot = self._slot
        old_F, old_CR = self.memory_F[slot], self.memory_CR[slot]
        self.memory_CR[slot] = 0.0  # jSO's code: only an all-zero success list is terminal
        success_history_update(F, CR, delta, self.memory_F, self.memory_CR, slot, True)
        self.memory_F[slot] = 0.5 * (self.memory_F[slot] + old_F)
        self.memory_CR[slot] = 0.5 * (self.memory_CR[slot] + old_CR)
        self._slot = (slot + 1) % self.memory_size
