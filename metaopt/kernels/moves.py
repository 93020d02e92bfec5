"""Neighbourhood moves for the trajectory methods (ILS, SA, tabu), from pre-drawn numbers."""

import numpy as np
from numba import njit


@njit(cache=True)
def flip_bits(x, bits):
    """Row i is ``x`` with bit ``bits[i]`` flipped."""
    m = bits.shape[0]
    out = np.empty((m, x.shape[0]))
    for i in range(m):
        out[i] = x
        out[i, bits[i]] = 1.0 - x[bits[i]]
    return out


@njit(cache=True)
def flip_or_swap_bits(x, bits, swap, u_one, u_zero):
    """Row i flips bit ``bits[i]``, or, where ``swap[i]`` and x has both a set and a clear bit,
    clears a set bit and sets a clear one, chosen by ``u_one[i]`` and ``u_zero[i]``."""
    m, d = bits.shape[0], x.shape[0]
    ones = np.flatnonzero(x > 0.5)
    zeros = np.flatnonzero(x < 0.5)
    out = np.empty((m, d))
    for i in range(m):
        out[i] = x
        if swap[i] and ones.size > 0 and zeros.size > 0:
            out[i, ones[int(u_one[i] * ones.size)]] = 0.0
            out[i, zeros[int(u_zero[i] * zeros.size)]] = 1.0
        else:
            out[i, bits[i]] = 1.0 - x[bits[i]]
    return out


@njit(cache=True)
def compass_moves(x, moves, sizes):
    """Row i moves coordinate ``moves[i] % d`` of ``x`` by ``+sizes[i]`` (moves < d) or
    ``-sizes[i]``, clipped to [0, 1]."""
    m, d = moves.shape[0], x.shape[0]
    out = np.empty((m, d))
    for i in range(m):
        out[i] = x
        j = moves[i] % d
        value = x[j] + sizes[i] if moves[i] < d else x[j] - sizes[i]
        out[i, j] = min(max(value, 0.0), 1.0)
    return out


@njit(cache=True)
def scaled_steps(X, scales, z):
    """``clip(X + scales[:, None] * z, 0, 1)``: Gaussian or Cauchy steps per chain."""
    m, d = X.shape
    out = np.empty((m, d))
    for i in range(m):
        for j in range(d):
            out[i, j] = min(max(X[i, j] + scales[i] * z[i, j], 0.0), 1.0)
    return out


@njit(cache=True)
def flip_row_bits(X, bits):
    """In place: flip bit ``bits[i]`` of row i."""
    for i in range(X.shape[0]):
        X[i, bits[i]] = 1.0 - X[i, bits[i]]
    return X
