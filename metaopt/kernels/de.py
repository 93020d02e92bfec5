"""Differential-evolution operators over a whole population in the unit cube.

Storn & Price (1997) define the strategies and crossovers; Zhang & Sanderson (2009) add
current-to-pbest/1 with an archive and the midpoint bound repair used by JADE, SHADE and L-SHADE.
"""

import numpy as np
from numba import njit

# Strategy codes for ``mutate``; the algorithm classes map names to them once, at set-up.
RAND1 = 0
BEST1 = 1
CURRENT_TO_BEST1 = 2
RAND2 = 3
CURRENT_TO_PBEST1 = 4
BEST2 = 5
RAND_TO_BEST1 = 6

# How many distinct random indices each strategy draws.
N_PICKS = {RAND1: 3, BEST1: 2, CURRENT_TO_BEST1: 2, RAND2: 5, CURRENT_TO_PBEST1: 2, BEST2: 4,
           RAND_TO_BEST1: 3}


@njit(cache=True)
def sample_indices(u, ranges):
    """Draw distinct indices per row from uniforms, excluding the row's own index.

    Parameters
    ----------
    u : (n, k) float array of uniforms in [0, 1)
    ranges : (k,) int array, non-decreasing; column j is drawn from ``[0, ranges[j])``

    Returns
    -------
    (n, k) int64 array: row i holds k distinct indices, none equal to i. Column j is uniform over
    ``[0, ranges[j])`` minus ``i`` and the row's earlier picks.
    """
    n, k = u.shape
    out = np.empty((n, k), np.int64)
    excluded = np.empty(k + 1, np.int64)
    for i in range(n):
        excluded[0] = i
        m = 1
        for j in range(k):
            r = int(u[i, j] * (ranges[j] - m))
            for e in range(m):  # excluded is sorted ascending: skip past each one at or below r
                if excluded[e] <= r:
                    r += 1
            out[i, j] = r
            pos = m
            while pos > 0 and excluded[pos - 1] > r:
                excluded[pos] = excluded[pos - 1]
                pos -= 1
            excluded[pos] = r
            m += 1
    return out


@njit(cache=True)
def mutate(src, idx, guide, F, strategy):
    """Mutant vectors for every row.

    Parameters
    ----------
    src : (m, d) array; rows ``0..n-1`` are the population (row i is the target ``x_i``),
        further rows (an archive) may follow
    idx : (n, k) int array of distinct random indices into ``src`` (``sample_indices``)
    guide : (n,) int array: the best (best/1, current-to-best/1) or a p-best
        (current-to-pbest/1) index per row; ignored by rand/1 and rand/2
    F : (n,) scale factors
    strategy : int code (RAND1, BEST1, CURRENT_TO_BEST1, RAND2, CURRENT_TO_PBEST1, BEST2,
        RAND_TO_BEST1)

    Returns
    -------
    (n, d) mutants:
    rand/1 ``x_r0 + F (x_r1 - x_r2)``; best/1 ``x_g + F (x_r0 - x_r1)``;
    current-to-best/1 and current-to-pbest/1 ``x_i + F (x_g - x_i) + F (x_r0 - x_r1)``;
    rand/2 ``x_r0 + F (x_r1 - x_r2) + F (x_r3 - x_r4)``; scipy's best/2
    ``x_g + F (x_r0 + x_r1 - x_r2 - x_r3)`` and rand-to-best/1
    ``x_r0 + F (x_g - x_r0) + F (x_r1 - x_r2)`` (``scipy.optimize.differential_evolution``'s
    ``best2`` and ``randtobest1``, summed in its order).
    """
    n = idx.shape[0]
    d = src.shape[1]
    v = np.empty((n, d))
    for i in range(n):
        f = F[i]
        if strategy == RAND1:
            a, b, c = idx[i, 0], idx[i, 1], idx[i, 2]
            for j in range(d):
                v[i, j] = src[a, j] + f * (src[b, j] - src[c, j])
        elif strategy == BEST1:
            g, b, c = guide[i], idx[i, 0], idx[i, 1]
            for j in range(d):
                v[i, j] = src[g, j] + f * (src[b, j] - src[c, j])
        elif strategy == RAND2:
            a, b, c, p, q = idx[i, 0], idx[i, 1], idx[i, 2], idx[i, 3], idx[i, 4]
            for j in range(d):
                v[i, j] = src[a, j] + f * (src[b, j] - src[c, j]) + f * (src[p, j] - src[q, j])
        elif strategy == BEST2:
            g, a, b, c, e = guide[i], idx[i, 0], idx[i, 1], idx[i, 2], idx[i, 3]
            for j in range(d):
                v[i, j] = src[g, j] + f * (src[a, j] + src[b, j] - src[c, j] - src[e, j])
        elif strategy == RAND_TO_BEST1:
            g, a, b, c = guide[i], idx[i, 0], idx[i, 1], idx[i, 2]
            for j in range(d):
                w = src[a, j] + f * (src[g, j] - src[a, j])
                v[i, j] = w + f * (src[b, j] - src[c, j])
        else:  # CURRENT_TO_BEST1, CURRENT_TO_PBEST1
            g, b, c = guide[i], idx[i, 0], idx[i, 1]
            for j in range(d):
                v[i, j] = src[i, j] + f * (src[g, j] - src[i, j]) + f * (src[b, j] - src[c, j])
    return v


@njit(cache=True)
def binomial_crossover(x, v, CR, u, jrand):
    """Trial ``t_ij = v_ij`` where ``u_ij < CR_i`` or ``j == jrand_i``, else ``x_ij``."""
    n, d = v.shape
    t = np.empty((n, d))
    for i in range(n):
        for j in range(d):
            t[i, j] = v[i, j] if (u[i, j] < CR[i] or j == jrand[i]) else x[i, j]
    return t


@njit(cache=True)
def exponential_crossover(x, v, CR, u, start):
    """Trial taking a run of ``L`` consecutive (cyclic) components of ``v`` from ``start_i``.

    ``L`` starts at 1 and grows while ``u[i, L-1] < CR_i`` and ``L < d`` (Storn & Price 1997).
    """
    n, d = v.shape
    t = x[:n].copy()
    for i in range(n):
        length = 1
        while length < d and u[i, length - 1] < CR[i]:
            length += 1
        for s in range(length):
            j = (start[i] + s) % d
            t[i, j] = v[i, j]
    return t


@njit(cache=True)
def repair_midpoint(trial, parent):
    """In place: a component below 0 becomes ``parent/2``; above 1, ``(1 + parent)/2``.

    The bound handling of JADE, SHADE and L-SHADE, on the unit cube.
    """
    n, d = trial.shape
    for i in range(n):
        for j in range(d):
            if trial[i, j] < 0.0:
                trial[i, j] = 0.5 * parent[i, j]
            elif trial[i, j] > 1.0:
                trial[i, j] = 0.5 * (1.0 + parent[i, j])
    return trial


@njit(cache=True)
def repair_clip(trial):
    """In place: clip every component to [0, 1]."""
    n, d = trial.shape
    for i in range(n):
        for j in range(d):
            trial[i, j] = min(max(trial[i, j], 0.0), 1.0)
    return trial


@njit(cache=True)
def repair_reflect(trial):
    """In place: mirror a component at the bound it crossed (``-t`` or ``2 - t``), then clip."""
    n, d = trial.shape
    for i in range(n):
        for j in range(d):
            t = trial[i, j]
            if t < 0.0:
                t = -t
            elif t > 1.0:
                t = 2.0 - t
            trial[i, j] = min(max(t, 0.0), 1.0)
    return trial


@njit(cache=True)
def repair_reinit(trial, u):
    """In place: an out-of-bounds component is replaced by the uniform ``u_ij`` (as scipy does)."""
    n, d = trial.shape
    for i in range(n):
        for j in range(d):
            if trial[i, j] < 0.0 or trial[i, j] > 1.0:
                trial[i, j] = u[i, j]
    return trial


@njit(cache=True)
def greedy_selection(pop, fit, trials, f_trials, keep_ties):
    """In place one-to-one survivor selection for the first ``len(f_trials)`` rows.

    Trial i replaces parent i when ``f_trials[i] <= fit[i]`` (Storn & Price, SHADE), or only
    when strictly better with ``keep_ties`` (JADE's paper and code keep the parent on a tie).

    Returns
    -------
    (len(f_trials),) int8: 0 parent kept, 1 replaced by an equal trial, 2 by a strictly better one.
    """
    k = f_trials.shape[0]
    d = pop.shape[1]
    outcome = np.zeros(k, np.int8)
    for i in range(k):
        if f_trials[i] < fit[i] or (f_trials[i] == fit[i] and not keep_ties):
            outcome[i] = 2 if f_trials[i] < fit[i] else 1
            fit[i] = f_trials[i]
            for j in range(d):
                pop[i, j] = trials[i, j]
    return outcome


# Bound-repair codes for ``de_offspring``.
MIDPOINT = 0
CLIP = 1
REFLECT = 2
REINIT = 3


@njit(cache=True)
def de_offspring(src, u, ranges, guide, F, CR, strategy, exponential, repair):
    """One generation of trial vectors: the operators above composed in a single call.

    Parameters
    ----------
    src : (m, d) population (first n rows, the targets) followed by any archive rows
    u : (n, k + 1 + d [+ d]) uniforms: k index picks, the crossover start (jrand), d crossover
        draws, and d more for REINIT bound repair
    ranges : (k,) index ranges for ``sample_indices``
    guide, F, CR, strategy : as for ``mutate`` and the crossovers
    exponential : bool, exponential rather than binomial crossover
    repair : MIDPOINT, CLIP, REFLECT or REINIT

    Returns
    -------
    (n, d) trial vectors inside the unit cube.
    """
    n = u.shape[0]
    k = ranges.shape[0]
    d = src.shape[1]
    picks = sample_indices(u[:, :k], ranges)
    mutant = mutate(src, picks, guide, F, strategy)
    start = np.empty(n, np.int64)
    for i in range(n):
        start[i] = int(u[i, k] * d)
    draws = u[:, k + 1:k + 1 + d]
    parents = src[:n]
    if exponential:
        trial = exponential_crossover(parents, mutant, CR, draws, start)
    else:
        trial = binomial_crossover(parents, mutant, CR, draws, start)
    if repair == MIDPOINT:
        repair_midpoint(trial, parents)
    elif repair == CLIP:
        repair_clip(trial)
    elif repair == REFLECT:
        repair_reflect(trial)
    else:
        repair_reinit(trial, u[:, k + 1 + d:])
    return trial
