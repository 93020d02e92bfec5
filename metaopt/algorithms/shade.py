"""SHADE (Tanabe & Fukunaga 2013) and L-SHADE (Tanabe & Fukunaga 2014)."""

import numpy as np

from .._checks import check_int, check_real
from ..state import Int
from ..kernels.adaptive import success_history_update
from ._adaptive_de import AdaptiveDE
from .de import pbest_count

__all__ = ["SHADE", "LSHADE"]

#: The terminal value of L-SHADE's CR memory: a slot holding it makes CR_i = 0.
TERMINAL = -1.0


class SHADE(AdaptiveDE):
    """Success-History based Adaptive DE (R. Tanabe, A. Fukunaga, IEEE CEC 2013, pp. 71-78).

    A memory of H pairs (M_CR, M_F), all 0.5 at first. Each individual picks a random slot r and
    draws ``CR_i ~ N(M_CR[r], 0.1)`` clipped to [0, 1] and ``F_i ~ Cauchy(M_F[r], 0.1)`` (redrawn
    while <= 0, sampled exactly by inverse CDF on F > 0; capped at 1), and its own greedy
    fraction ``p_i ~ U[2/N, 0.2]``. After each generation with successes, slot k (cycling)
    gets the improvement-weighted arithmetic mean of
    the successful CRs and the weighted Lehmer mean of the successful Fs.

    Parameters
    ----------
    bounds : sequence of (low, high), Space or variable
    pop_size : int, default 100
    memory_size : int, default 100 (H = N in the paper)
    p_max : float, default 0.2
    archive_rate : float, default 1.0
        Archive capacity as a multiple of the population size.
    init, rng, budget : as for :class:`~metaopt.DE`
    """

    def __init__(self, bounds, *, pop_size=None, memory_size=100, p_max=0.2, archive_rate=1.0,
                 init="lhs", rng=None, budget=None):
        self.memory_size = check_int("memory_size", memory_size, minimum=1)
        self.p_max = check_real("p_max", p_max, 0.0, 1.0, low_open=True)
        super().__init__(bounds, pop_size=pop_size, archive_rate=archive_rate, init=init,
                         rng=rng, budget=budget)
        self.memory_CR = np.full(self.memory_size, 0.5)
        self.memory_F = np.full(self.memory_size, 0.5)
        self._slot = 0

    STATE = {"_slot": Int(0, "memory_size")}

    def _state_problem(self):
        if self._slot >= self.memory_size:
            return f"_slot={self._slot} is not below memory_size={self.memory_size}"
        return super()._state_problem()

    @staticmethod
    def default_pop_size(dim):
        return 100

    def _pbest_counts(self, n, u):
        p = min(2.0 / n, self.p_max) + u * (self.p_max - min(2.0 / n, self.p_max))
        return np.clip(np.rint(p * n), 2, n).astype(np.int64)

    def _adapt(self, F, CR, delta):
        success_history_update(F, CR, delta, self.memory_F, self.memory_CR, self._slot, False)
        self._slot = (self._slot + 1) % self.memory_size


class LSHADE(SHADE):
    """SHADE with Linear Population Size Reduction (R. Tanabe, A. Fukunaga, IEEE CEC 2014,
    pp. 1658-1665).

    Starts from ``N_init = round(18 * dim)`` and after every generation shrinks linearly in the
    evaluations spent, ``N = round(N_init + (N_min - N_init) * nfev / budget)``, removing the
    worst; the archive capacity follows as ``int(N * archive_rate)``. A fixed greedy fraction
    ``p`` (0.11) replaces SHADE's random ``p_i``; both memories use the weighted Lehmer mean; a
    CR slot that is terminal, or whose successful CRs are all 0, becomes terminal (CR_i = 0
    thereafter, as the paper states). Defaults are the paper's: H = 6, archive rate 2.6.

    Parameters
    ----------
    bounds : sequence of (low, high), Space or variable
    pop_size : int, optional
        N_init; default ``round(18 * dim)``.
    min_pop_size : int, default 4
    memory_size : int, default 6
    p : float, default 0.11
    archive_rate : float, default 2.6
    budget : int, optional
        The evaluation budget the reduction schedule spans (Tanabe & Fukunaga's max_nfes).
        Required: given here, or by :func:`metaopt.run` or :func:`metaopt.minimize`.
    init, rng : as for :class:`~metaopt.DE`
    """

    needs_budget = True

    def __init__(self, bounds, *, pop_size=None, min_pop_size=4, memory_size=6, p=0.11,
                 archive_rate=2.6, init="lhs", rng=None, budget=None):
        self.p = check_real("p", p, 0.0, 1.0, low_open=True)
        super().__init__(bounds, pop_size=pop_size, memory_size=memory_size,
                         archive_rate=archive_rate, init=init, rng=rng, budget=budget)
        self.min_pop_size = check_int("min_pop_size", min_pop_size, minimum=4,
                                      maximum=self.pop_size)

    @staticmethod
    def default_pop_size(dim):
        return max(int(round(18 * dim)), 4)

    def min_members(self):
        return self.min_pop_size

    def _pbest_counts(self, n, u):
        return pbest_count(self.p, n)

    def _adapt(self, F, CR, delta):
        # a terminal CR slot (TERMINAL) stays terminal; see success_history_update
        success_history_update(F, CR, delta, self.memory_F, self.memory_CR, self._slot, True)
        self._slot = (self._slot + 1) % self.memory_size

    def _after_generation(self):
        n = self.pop.shape[0]
        planned = int(round(self.pop_size + (self.min_pop_size - self.pop_size)
                            * self.nfev / self.budget))
        planned = max(planned, self.min_pop_size)
        if planned >= n:
            return
        # Remove the worst; among equals the lowest index goes first, as the reference code does.
        worst_first = np.lexsort((np.arange(n), -self.fit))
        keep = np.sort(worst_first[n - planned:])
        self.pop = np.ascontiguousarray(self.pop[keep])
        self.fit = self.fit[keep]
        if self.pop_raw is not None:
            self.pop_raw = self.pop_raw[:, keep]
        self.archive.shrink(int(planned * self.archive_rate))
