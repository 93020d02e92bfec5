"""Fitness shaping for evolution strategies."""

import math

import numpy as np
from numba import njit


@njit(cache=True)
def _average_ties(values_by_rank, f, order):
    """Give the members of each run of equal f (in sorted order) their mean shaped value."""
    n = f.shape[0]
    out = np.empty(n)
    start = 0
    while start < n:
        end = start
        while end + 1 < n and f[order[end + 1]] == f[order[start]]:
            end += 1
        mean = 0.0
        for r in range(start, end + 1):
            mean += values_by_rank[r]
        mean /= end - start + 1
        for r in range(start, end + 1):
            out[order[r]] = mean
        start = end + 1
    return out


@njit(cache=True)
def centered_ranks(f):
    """Ranks of ``f`` scaled to [-0.5, 0.5], the lowest value (the best, minimising) -0.5
    (Salimans et al. 2017); equal values share their mean rank, so ties carry no signal."""
    n = f.shape[0]
    order = np.argsort(f, kind="mergesort")
    by_rank = np.empty(n)
    for r in range(n):
        by_rank[r] = r / (n - 1) - 0.5 if n > 1 else 0.0
    return _average_ties(by_rank, f, order)


@njit(cache=True)
def nes_utilities(f):
    """NES utilities (Wierstra et al. 2014): the k-th best of n gets
    ``max(0, log(n/2 + 1) - log k) / sum_j max(0, log(n/2 + 1) - log j) - 1/n``; equal values
    share their mean utility."""
    n = f.shape[0]
    by_rank = np.empty(n)
    for k in range(1, n + 1):
        by_rank[k - 1] = max(0.0, math.log(n / 2.0 + 1.0) - math.log(k))
    by_rank /= by_rank.sum()
    by_rank -= 1.0 / n
    return _average_ties(by_rank, f, np.argsort(f, kind="mergesort"))
