"""The default strategy parameters of CMA-ES (N. Hansen, "The CMA Evolution Strategy: A
Tutorial", arXiv:1604.00772, 2016, Table 1), with the active update's negative weights
(Jastrebski & Arnold 2006, as set in the tutorial) and the diagonal variant's learning rates
(R. Ros, N. Hansen, "A Simple Modification in CMA-ES Achieving Linear Time and Space
Complexity", PPSN X, 2008)."""

import math
from typing import NamedTuple

import numpy as np

__all__ = ["default_popsize", "strategy_parameters", "StrategyParameters"]


class StrategyParameters(NamedTuple):
    """Table 1 of the tutorial for one population size: what ``cma_update`` takes as one
    record (as a plain tuple, in this order)."""

    weights: np.ndarray  # (lam,): positive for the mu best, negative (active) or 0 after
    mu: int
    mueff: float
    cc: float
    cs: float
    c1: float
    cmu: float
    damps: float
    chi_n: float  # E||N(0, I)||


def default_popsize(n):
    """``4 + floor(3 ln n)``."""
    return 4 + int(3 * math.log(n))


def strategy_parameters(n, lam, diagonal=False, active=True):
    """Weights and learning rates for dimension ``n`` and population ``lam``.

    Returns a :class:`StrategyParameters`.
    """
    mu = lam // 2
    raw = math.log((lam + 1) / 2) - np.log(np.arange(1, lam + 1))
    positive, negative = raw[:mu], raw[mu:]
    mueff = positive.sum() ** 2 / (positive ** 2).sum()
    mueff_neg = negative.sum() ** 2 / (negative ** 2).sum() if negative.size else 0.0
    alpha_cov = 2.0
    cc = (4 + mueff / n) / (n + 4 + 2 * mueff / n)
    cs = (mueff + 2) / (n + mueff + 5)
    c1 = alpha_cov / ((n + 1.3) ** 2 + mueff)
    cmu = min(1 - c1, alpha_cov * (mueff - 2 + 1 / mueff) / ((n + 2) ** 2 + alpha_cov * mueff / 2))
    if diagonal:  # sep-CMA: the diagonal learns (n + 2) / 3 times faster
        c1, cmu = min(1.0, c1 * (n + 2) / 3), min(1.0, cmu * (n + 2) / 3)
        if c1 + cmu > 1:
            scale = 1 / (c1 + cmu)
            c1, cmu = c1 * scale, cmu * scale
    damps = 1 + 2 * max(0.0, math.sqrt((mueff - 1) / (n + 1)) - 1) + cs
    weights = np.empty(lam)
    weights[:mu] = positive / positive.sum()
    if active and not diagonal and negative.size and cmu > 0:  # cmu = 0 when mu = 1
        alpha_mu = 1 + c1 / cmu
        alpha_mueff = 1 + 2 * mueff_neg / (mueff + 2)
        alpha_posdef = (1 - c1 - cmu) / (n * cmu)
        weights[mu:] = min(alpha_mu, alpha_mueff, alpha_posdef) * negative / np.abs(negative).sum()
    else:
        weights[mu:] = 0.0
    chi_n = math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n))
    return StrategyParameters(weights, int(mu), float(mueff), float(cc), float(cs), float(c1),
                              float(cmu), float(damps), float(chi_n))
