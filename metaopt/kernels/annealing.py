"""Simulated-annealing kernels: Metropolis acceptance for a batch of chains, and a compiled
annealing run of 2-opt moves on tours with a distance matrix."""

import math

import numpy as np
from numba import njit


@njit(cache=True)
def metropolis(current_f, proposed_f, temperature, u):
    """Chain i accepts its proposal when it is no worse, or with probability
    ``exp(-(f_new - f_old) / T)``: when ``u[i]`` is below it. NaN-free inputs (inf is worst)."""
    n = proposed_f.shape[0]
    accept = np.zeros(n, np.bool_)
    for i in range(n):
        delta = proposed_f[i] - current_f[i]
        if delta <= 0.0:
            accept[i] = True
        elif temperature > 0.0 and math.isfinite(delta):
            accept[i] = u[i] < math.exp(-delta / temperature)
    return accept


@njit(cache=True)
def anneal_tours(distances, tours, lengths, t_start, t_end, u):
    """Anneal each tour (in place) through ``u.shape[1]`` 2-opt proposals, the temperature
    falling geometrically from ``t_start`` to ``t_end``.

    Proposal s of chain c reverses the segment between positions drawn from ``u[c, s, 0:2]``;
    it is accepted by Metropolis with ``u[c, s, 2]``. ``lengths`` is updated by the deltas.

    Returns the number of deltas evaluated.
    """
    chains, moves, _ = u.shape
    n = tours.shape[1]
    ratio = (t_end / t_start) ** (1.0 / max(moves - 1, 1)) if t_start > 0 else 0.0
    evaluations = 0
    for c in range(chains):
        temperature = t_start
        for s in range(moves):
            i = int(u[c, s, 0] * n)
            j = int(u[c, s, 1] * n)
            if i > j:
                i, j = j, i
            if j - i < 2 or (i == 0 and j == n - 1):
                temperature *= ratio
                continue
            a, b = tours[c, i], tours[c, i + 1]
            x, y = tours[c, j], tours[c, (j + 1) % n]
            delta = distances[a, x] + distances[b, y] - distances[a, b] - distances[x, y]
            evaluations += 1
            if delta <= 0.0 or (temperature > 0.0 and u[c, s, 2] < math.exp(-delta / temperature)):
                lo, hi = i + 1, j
                while lo < hi:
                    tours[c, lo], tours[c, hi] = tours[c, hi], tours[c, lo]
                    lo += 1
                    hi -= 1
                lengths[c] += delta
            temperature *= ratio
    return evaluations
