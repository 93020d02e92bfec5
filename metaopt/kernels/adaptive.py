"""The adaptive DE family (JADE, SHADE, L-SHADE) from pre-drawn numbers: parameter sampling
and a whole generation of current-to-pbest/1 trials."""

import math

import numpy as np
from numba import njit

from .de import sample_indices


@njit(cache=True)
def truncated_cauchy(mu, scale, u):
    """Cauchy(mu, scale) conditioned on > 0, by inverse CDF, capped at 1.

    Equal in distribution to JADE's "redraw while F <= 0": the conditional CDF is sampled
    directly, ``q = c + (1 - u)(1 - c)`` with ``c = P(F <= 0)``, so one uniform always suffices.
    """
    c = 0.5 + math.atan(-mu / scale) / math.pi
    q = c + (1.0 - u) * (1.0 - c)
    return min(mu + scale * math.tan(math.pi * (q - 0.5)), 1.0)


@njit(cache=True)
def adaptive_parameters(memory_F, memory_CR, u_slot, u_F, z_CR, cr_floor=0.0, f_cap=1.0,
                        fixed_last=False):
    """Per-individual F and CR drawn from a success-history memory.

    Parameters
    ----------
    memory_F, memory_CR : (H,) means; a negative CR entry is L-SHADE's terminal value
    u_slot, u_F : (n,) uniforms choosing the slot ``r = floor(u H)`` and drawing F
    z_CR : (n,) standard normals drawing CR
    cr_floor, f_cap : jSO's early bounds: ``CR = max(CR, cr_floor)``, ``F = min(F, f_cap)``
    fixed_last : jSO's last slot, which always gives ``M_F = M_CR = 0.9``

    Returns
    -------
    F : (n,) Cauchy(M_F[r], 0.1) conditioned on > 0, capped at 1 (and f_cap)
    CR : (n,) N(M_CR[r], 0.1) clipped to [0, 1], or 0 where M_CR[r] is terminal (then at
    least cr_floor)
    """
    n = u_slot.shape[0]
    H = memory_F.shape[0]
    F = np.empty(n)
    CR = np.empty(n)
    for i in range(n):
        r = int(u_slot[i] * H)
        m_f, m_cr = memory_F[r], memory_CR[r]
        if fixed_last and r == H - 1:
            m_f, m_cr = 0.9, 0.9
        CR[i] = max(0.0 if m_cr < 0.0 else min(max(m_cr + 0.1 * z_CR[i], 0.0), 1.0), cr_floor)
        F[i] = min(truncated_cauchy(m_f, 0.1, u_F[i]), f_cap)
    return F, CR


@njit(cache=True)
def pbest_trials(pop, fit, archive, memory_F, memory_CR, u, z_CR, counts, jf_scale=1.0,
                 cr_floor=0.0, f_cap=1.0, fixed_last=False, exclude_self=False):
    """One generation of current-to-pbest/1/bin trials of JADE, SHADE and L-SHADE, composed in
    one call from pre-drawn numbers (Zhang & Sanderson 2009; Tanabe & Fukunaga 2013, 2014).

    Row i draws F_i and CR_i from the memory (:func:`adaptive_parameters`), its p-best among
    the ``counts[i]`` best members (ties by index), ``r1`` from the population and ``r2`` from
    the population and the archive (both distinct from i and each other), and builds
    ``v = x_i + F_i (x_pbest - x_i) + F_i (x_r1 - x_r2)``, binomial crossover with ``CR_i``,
    and the midpoint repair ``x_i / 2`` below 0, ``(1 + x_i) / 2`` above 1. The archive is read
    in place (no concatenated copy of population and archive).

    Parameters
    ----------
    pop : (n, d) population; fit : (n,) its values
    archive : (A, d) archived parents
    memory_F, memory_CR : (H,) means
    u : (n, d + 7) uniforms: the two picks, jrand, d crossover draws, then the memory slot,
        F, the p-best's rank and the greedy fraction (the last is read by the caller)
    z_CR : (n,) standard normals drawing CR
    counts : (n,) int64, how many of the best each row's p-best is drawn from
    jf_scale : jSO's weighted F of the p-best term, ``F_w = jf_scale F`` (1: current-to-pbest)
    cr_floor, f_cap, fixed_last : jSO's parameter rules (:func:`adaptive_parameters`)
    exclude_self : jSO's p-best other than the target (uniform over the others of the best)

    Returns
    -------
    trial : (n, d) inside the unit cube; F, CR : (n,) the parameters drawn
    """
    n, d = pop.shape
    F, CR = adaptive_parameters(memory_F, memory_CR, u[:, d + 3], u[:, d + 4], z_CR, cr_floor,
                                f_cap, fixed_last)
    order = np.argsort(fit, kind="mergesort")
    rank = np.empty(n, np.int64)
    for k in range(n):
        rank[order[k]] = k
    ranges = np.empty(2, np.int64)
    ranges[0] = n
    ranges[1] = n + archive.shape[0]
    picks = sample_indices(u[:, :2], ranges)
    trial = np.empty((n, d))
    for i in range(n):
        if exclude_self and rank[i] < counts[i]:  # among the other counts[i] - 1 best
            k = int(u[i, d + 5] * (counts[i] - 1))
            g = order[k + 1 if k >= rank[i] else k]
        else:
            g = order[int(u[i, d + 5] * counts[i])]
        b, c = picks[i, 0], picks[i, 1]
        jrand = int(u[i, 2] * d)
        f, cr = F[i], CR[i]
        fw = f * jf_scale
        for j in range(d):
            x = pop[i, j]
            if u[i, 3 + j] < cr or j == jrand:
                xc = pop[c, j] if c < n else archive[c - n, j]
                v = x + fw * (pop[g, j] - x) + f * (pop[b, j] - xc)
                if v < 0.0:
                    v = 0.5 * x
                elif v > 1.0:
                    v = 0.5 * (1.0 + x)
                trial[i, j] = v
            else:
                trial[i, j] = x
    return trial, F, CR


@njit(cache=True)
def _block_sum(a, lo, n):
    # numpy's pairwise summation of a block of at most 128 (loops_utils.h.src), step for step
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[lo + i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - n % 8:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@njit(cache=True)
def numpy_sum(a):
    """``np.sum`` of a 1-d float64 array, bit for bit: numpy's pairwise summation (blocks of at
    most 128, longer runs halved at a multiple of 8), its recursion unrolled on a stack."""
    n = a.shape[0]
    if n <= 128:
        return _block_sum(a, 0, n)
    lo = np.empty(64, np.int64)
    size = np.empty(64, np.int64)
    phase = np.zeros(64, np.int64)
    values = np.empty(64)
    top, vtop = 1, 0
    lo[0], size[0], phase[0] = 0, n, 0
    while top > 0:
        t = top - 1
        m = size[t]
        if m <= 128:
            values[vtop] = _block_sum(a, lo[t], m)
            vtop += 1
            top -= 1
            continue
        half = m // 2
        half -= half % 8
        if phase[t] == 0:  # the left half first
            phase[t] = 1
            lo[top], size[top], phase[top] = lo[t], half, 0
            top += 1
        elif phase[t] == 1:  # then the right half
            phase[t] = 2
            lo[top], size[top], phase[top] = lo[t] + half, m - half, 0
            top += 1
        else:  # both done: left + right
            values[vtop - 2] = values[vtop - 2] + values[vtop - 1]
            vtop -= 1
            top -= 1
    return values[0]


@njit(cache=True)
def success_history_update(F, CR, delta, memory_F, memory_CR, slot, lshade):
    """In place: slot ``slot`` of the memories from the successful ``F``, ``CR`` and their
    improvements ``delta`` (Tanabe & Fukunaga 2013, eqs. 7-9; 2014 for ``lshade``).

    Weights ``w_k = delta_k / sum(delta)`` (an infinite improvement, a trial that repaired a
    failed parent, counts as the largest finite one; equal weights when none is positive).
    ``M_F`` becomes the weighted Lehmer mean of F. ``M_CR`` becomes the weighted arithmetic
    mean of CR (SHADE) or, with ``lshade``, the weighted Lehmer mean, and the terminal value
    -1 when the slot is terminal or every successful CR is 0. The sums are numpy's, so the
    memories equal a numpy implementation's to the bit.
    """
    m = delta.shape[0]
    largest = -np.inf
    for k in range(m):
        if np.isfinite(delta[k]) and delta[k] > largest:
            largest = delta[k]
    if largest == -np.inf:
        largest = 1.0
    d = np.empty(m)
    for k in range(m):
        d[k] = delta[k] if np.isfinite(delta[k]) else largest
    total = numpy_sum(d)
    w = np.empty(m)
    for k in range(m):
        w[k] = 1.0 / m if total <= 0.0 else d[k] / total
    num = np.empty(m)
    den = np.empty(m)
    for k in range(m):
        num[k] = w[k] * (F[k] * F[k])
        den[k] = w[k] * F[k]
    memory_F[slot] = numpy_sum(num) / numpy_sum(den)
    if not lshade:
        for k in range(m):
            num[k] = w[k] * CR[k]
        memory_CR[slot] = numpy_sum(num)
        return
    if memory_CR[slot] == -1.0 or CR.max() == 0.0:
        memory_CR[slot] = -1.0
        return
    for k in range(m):
        num[k] = w[k] * (CR[k] * CR[k])
        den[k] = w[k] * CR[k]
    memory_CR[slot] = numpy_sum(num) / numpy_sum(den)


@njit(cache=True)
def overwrite_rows(rows, X, slots):
    """In place: ``rows[slots[k]] = X[k]`` for k in order (a later row may overwrite an
    earlier one: the archive of SHADE's reference code)."""
    for k in range(X.shape[0]):
        rows[slots[k], :] = X[k, :]


@njit(cache=True)
def adaptive_selection(pop, fit, trials, f_trials, F, CR, keep_ties):
    """One-to-one selection of JADE, SHADE and L-SHADE for the first ``len(f_trials)`` rows,
    in place (as :func:`~metaopt.kernels.de.greedy_selection`), with what the adaptation
    needs, in row order, of the trials that were strictly better than their parents.

    Returns
    -------
    losers : (s, d) the parents those trials replace (before replacement: the archive's rows)
    F, CR : (s,) the trials' parameters
    delta : (s,) their improvements ``fit - f_trials``
    """
    k = f_trials.shape[0]
    d = pop.shape[1]
    s = 0
    for i in range(k):
        if f_trials[i] < fit[i]:
            s += 1
    losers = np.empty((s, d))
    F_s = np.empty(s)
    CR_s = np.empty(s)
    delta = np.empty(s)
    t = 0
    for i in range(k):
        better = f_trials[i] < fit[i]
        if better:
            for j in range(d):
                losers[t, j] = pop[i, j]
            F_s[t], CR_s[t], delta[t] = F[i], CR[i], fit[i] - f_trials[i]
            t += 1
        if better or (f_trials[i] == fit[i] and not keep_ties):
            fit[i] = f_trials[i]
            for j in range(d):
                pop[i, j] = trials[i, j]
    return losers, F_s, CR_s, delta
