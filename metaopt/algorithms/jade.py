"""JADE: adaptive DE with an optional external archive (Zhang & Sanderson 2009)."""

import numpy as np

from .._checks import check_real
from ..state import Array
from ._adaptive_de import AdaptiveDE, lehmer_mean
from .de import pbest_count

__all__ = ["JADE"]


class JADE(AdaptiveDE):
    """JADE (J. Zhang, A. C. Sanderson, IEEE Trans. Evol. Comput. 13(5):945-958, 2009).

    current-to-pbest/1/bin with an archive of replaced parents; ``CR_i ~ N(mu_CR, 0.1)`` clipped
    to [0, 1] and ``F_i ~ Cauchy(mu_F, 0.1)`` redrawn while <= 0 (sampled exactly, by inverse
    CDF on F > 0) and capped at 1; after each generation with successes
    ``mu_CR <- (1-c) mu_CR + c mean(S_CR)`` and ``mu_F <- (1-c) mu_F + c lehmer(S_F)``. A
    component that leaves the bounds is set midway between the parent and the bound. When the
    archive exceeds ``pop_size`` members, randomly chosen ones are removed.

    Parameters
    ----------
    bounds : sequence of (low, high), Space or variable
    pop_size : int, optional
        Default as in the paper: 30 for dim <= 10, 100 for dim <= 30, else 400.
    c : float, default 0.1
        Adaptation rate of mu_CR and mu_F.
    p : float, default 0.05
        Greedy fraction: the p-best is one of the top ``max(round(p * pop_size), 2)``.
    mu_CR, mu_F : float, default 0.5
        Initial means.
    archive : bool, default True
        JADE with archive (True) or without (False).
    init, rng, budget : as for :class:`~metaopt.DE`
    """

    archive_overflow = "truncate"
    keep_ties = True
    STATE = {"memory_F": Array(float, 1, low=0.0, high=1.0),
             "memory_CR": Array(float, 1, low=0.0, high=1.0)}

    def __init__(self, bounds, *, pop_size=None, c=0.1, p=0.05, mu_CR=0.5, mu_F=0.5,
                 archive=True, init="lhs", rng=None, budget=None):
        self.c = check_real("c", c, 0.0, 1.0)
        self.p = check_real("p", p, 0.0, 1.0, low_open=True)
        self.memory_CR = np.array([check_real("mu_CR", mu_CR, 0.0, 1.0)])
        self.memory_F = np.array([check_real("mu_F", mu_F, 0.0, 1.0, low_open=True)])
        if not isinstance(archive, bool):
            raise TypeError(f"archive must be a bool, got archive={archive!r}")
        super().__init__(bounds, pop_size=pop_size, archive_rate=1.0 if archive else 0.0,
                         init=init, rng=rng, budget=budget)

    @property
    def mu_CR(self):
        return float(self.memory_CR[0])

    @property
    def mu_F(self):
        return float(self.memory_F[0])

    @staticmethod
    def default_pop_size(dim):
        return 30 if dim <= 10 else 100 if dim <= 30 else 400

    def _pbest_counts(self, n, u):
        return pbest_count(self.p, n)

    def _adapt(self, F, CR, delta):
        self.memory_CR[0] = (1 - self.c) * self.mu_CR + self.c * float(np.mean(CR))
        self.memory_F[0] = (1 - self.c) * self.mu_F + self.c * lehmer_mean(F, 1.0)
