"""Genetic-algorithm operators over whole populations, from pre-drawn random numbers.

Real-coded (on the unit cube): simulated binary crossover, SBX (K. Deb, R. B. Agrawal, Complex
Systems 9:115-148, 1995), in the bounded form of Deb's NSGA-II code, and polynomial mutation
(K. Deb, M. Goyal, 1996) in the same code's bounded form. Binary: uniform and k-point crossover,
bit-flip mutation. Selection: k-way tournaments.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def tournament(fitness, u):
    """Winner of each row's tournament: ``u[i]`` (k uniforms) picks k entrants uniformly with
    replacement; the one with the lowest fitness wins (the first drawn among equals)."""
    m, k = u.shape
    n = fitness.shape[0]
    winners = np.empty(m, np.int64)
    for i in range(m):
        best = int(u[i, 0] * n)
        for t in range(1, k):
            c = int(u[i, t] * n)
            if fitness[c] < fitness[best]:
                best = c
        winners[i] = best
    return winners


@njit(cache=True)
def _betaq(rand, alpha, eta):
    if rand <= 1.0 / alpha:
        return (rand * alpha) ** (1.0 / (eta + 1.0))
    return (1.0 / (2.0 - rand * alpha)) ** (1.0 / (eta + 1.0))


@njit(cache=True)
def sbx(first, second, eta, rate, u_pair, u_var, u_beta, u_swap):
    """SBX on [0, 1]: pair i is crossed when ``u_pair[i] < rate``; then variable j when
    ``u_var[i, j] <= 0.5`` and the parents differ by more than 1e-14, with spread drawn from
    ``u_beta[i, j]`` and the children swapped when ``u_swap[i, j] <= 0.5``.

    Returns two (m, d) arrays of children.
    """
    m, d = first.shape
    c1 = first.copy()
    c2 = second.copy()
    for i in range(m):
        if u_pair[i] >= rate:
            continue
        for j in range(d):
            if u_var[i, j] > 0.5 or abs(first[i, j] - second[i, j]) <= 1e-14:
                continue
            y1 = min(first[i, j], second[i, j])
            y2 = max(first[i, j], second[i, j])
            r = u_beta[i, j]
            beta = 1.0 + 2.0 * y1 / (y2 - y1)
            a = _betaq(r, 2.0 - beta ** (-(eta + 1.0)), eta)
            low = 0.5 * ((y1 + y2) - a * (y2 - y1))
            beta = 1.0 + 2.0 * (1.0 - y2) / (y2 - y1)
            b = _betaq(r, 2.0 - beta ** (-(eta + 1.0)), eta)
            high = 0.5 * ((y1 + y2) + b * (y2 - y1))
            low = min(max(low, 0.0), 1.0)
            high = min(max(high, 0.0), 1.0)
            if u_swap[i, j] <= 0.5:
                c1[i, j], c2[i, j] = high, low
            else:
                c1[i, j], c2[i, j] = low, high
    return c1, c2


@njit(cache=True)
def polynomial_mutation(X, eta, rate, u_apply, u_delta):
    """In place on [0, 1]: component (i, j) mutates when ``u_apply[i, j] <= rate``."""
    m, d = X.shape
    power = 1.0 / (eta + 1.0)
    for i in range(m):
        for j in range(d):
            if u_apply[i, j] > rate:
                continue
            y = X[i, j]
            r = u_delta[i, j]
            if r <= 0.5:
                val = 2.0 * r + (1.0 - 2.0 * r) * (1.0 - y) ** (eta + 1.0)
                deltaq = val**power - 1.0
            else:
                val = 2.0 * (1.0 - r) + 2.0 * (r - 0.5) * y ** (eta + 1.0)
                deltaq = 1.0 - val**power
            X[i, j] = min(max(y + deltaq, 0.0), 1.0)
    return X


@njit(cache=True)
def uniform_crossover(first, second, rate, u_pair, u_gene):
    """Pair i (when ``u_pair[i] < rate``) swaps gene j where ``u_gene[i, j] < 0.5``."""
    c1 = first.copy()
    c2 = second.copy()
    m, d = first.shape
    for i in range(m):
        if u_pair[i] >= rate:
            continue
        for j in range(d):
            if u_gene[i, j] < 0.5:
                c1[i, j], c2[i, j] = second[i, j], first[i, j]
    return c1, c2


@njit(cache=True)
def k_point_crossover(first, second, rate, u_pair, points):
    """Pair i (when ``u_pair[i] < rate``) exchanges every other segment between the sorted
    cut points ``points[i]`` (values in 1..d-1)."""
    c1 = first.copy()
    c2 = second.copy()
    m, d = first.shape
    for i in range(m):
        if u_pair[i] >= rate:
            continue
        swap = False
        cut = 0
        for j in range(d):
            while cut < points.shape[1] and points[i, cut] == j:
                swap = not swap
                cut += 1
            if swap:
                c1[i, j], c2[i, j] = second[i, j], first[i, j]
    return c1, c2


@njit(cache=True)
def bit_flip(X, rate, u):
    """In place: flip bit (i, j) where ``u[i, j] < rate``."""
    m, d = X.shape
    for i in range(m):
        for j in range(d):
            if u[i, j] < rate:
                X[i, j] = 1.0 - X[i, j]
    return X
