"""The margin of CMA-ES over discrete variables (R. Hamano, S. Saito, M. Nomura, S. Shirakawa,
"CMA-ES with Margin: Lower-Bounding Marginal Probability for Mixed-Integer Black-Box
Optimization", GECCO 2022; the equations as in the authors' ``cmaes`` package, CMAwM).

A discrete coordinate with L levels lives on [0, 1] in L cells of width 1/L (level k on
[k/L, (k+1)/L), as :meth:`metaopt.Space.decode` reads it). Once the step size shrinks, every
sample's coordinate falls in the mean's cell and the variable freezes, however much a
neighbouring level would help. The margin keeps the probability of each neighbouring cell at
least ``alpha / 2`` (``alpha`` in all at the edge levels): after each update the mean's
coordinate and a per-coordinate factor ``A`` (samples are ``m + A (x - m)`` there) are moved
so that the marginal normal ``N(m, (sigma A)^2 C_jj)`` gives the cell boundaries those
probabilities; sigma and C are left as the update made them.
"""

import numpy as np
from scipy.special import ndtr, ndtri

__all__ = ["margin_correction", "default_margin"]


def default_margin(n, lam):
    """The paper's ``alpha = 1 / (n lambda)``."""
    return 1.0 / (n * lam)


def margin_correction(mean, A, scale, levels, alpha):
    """The corrected mean coordinates and factors of the discrete columns.

    Parameters
    ----------
    mean : (k,) the mean's discrete coordinates on [0, 1]
    A : (k,) their factors (1 at a run's start)
    scale : (k,) ``sigma sqrt(C_jj)`` of those coordinates (before ``A``)
    levels : (k,) how many levels each has (>= 2)
    alpha : float, the margin

    Returns
    -------
    (mean, A), new arrays.
    """
    mean, A = np.array(mean, dtype=float), np.array(A, dtype=float)
    level = np.clip(np.floor(mean * levels), 0, levels - 1)
    # the boundaries below and above the mean's cell; at an edge level both are its one
    # inner boundary
    lim_low = (np.clip(level - 1, 0, levels - 2) + 1) / levels
    lim_up = (np.clip(level, 0, levels - 2) + 1) / levels
    spread = scale * A
    low = ndtr((lim_low - mean) / spread)
    up = 1.0 - ndtr((lim_up - mean) / spread)
    mid = 1.0 - (low + up)
    edge = np.maximum(low, up) > 0.5
    side = ~edge
    if edge.any():  # put the inner boundary alpha's quantile away from the mean
        modify = edge & (np.minimum(low, up) < alpha)
        direction = np.sign(mean - lim_up)
        distance = spread * ndtri(1.0 - alpha)
        mean = np.where(modify, lim_up + direction * distance, mean)
    low = np.maximum(low, alpha / 2.0)
    up = np.maximum(up, alpha / 2.0)
    excess = 1.0 - low - up - mid  # what raising the small tails took from the others
    denominator = low + mid + up - 3.0 * alpha / 2.0
    target_low = np.clip(low + excess * (low - alpha / 2.0) / denominator, 1e-10, 0.5 - 1e-10)
    target_up = np.clip(up + excess * (up - alpha / 2.0) / denominator, 1e-10, 0.5 - 1e-10)
    # the mean and the factor that give both boundaries those tail probabilities
    q_low, q_up = ndtri(1.0 - target_low), ndtri(1.0 - target_up)
    A = np.where(side, (lim_up - lim_low) / ((q_low + q_up) * scale), A)
    mean = np.where(side, (lim_low * q_up + lim_up * q_low) / (q_low + q_up), mean)
    return mean, A
