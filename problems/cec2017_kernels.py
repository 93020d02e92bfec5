"""Compiled CEC 2017 functions: one point at a time, in the C code's order of operations.

problems/cec2017.py describes the functions and where the code departs from the report; this
module computes the same values with Numba, fast for the one-point calls of sequential methods
(L-SRTDE, dual annealing), and is what :class:`problems.cec2017.CEC2017` calls.
"""

import math

import numpy as np
from numba import njit

# basic function kinds
BENT, DISCUS, ELLIPS, ZAKHAROV, ROSEN, RASTRIGIN, SCHAFFER, LEVY, SCHWEFEL, ACKLEY, WEIER, \
    GRIEWANK, KATSUURA, GRIEROSEN, ESCAFFER, HAPPYCAT, HGBAT, BIRAS = range(18)
#: The scale each kind applies to the shifted point before rotating it.
RATES = np.array([1.0, 1.0, 1.0, 1.0, 2.048 / 100.0, 5.12 / 100.0, 1.0, 1.0, 1000.0 / 100.0,
                  1.0, 0.5 / 100.0, 600.0 / 100.0, 5.0 / 100.0, 5.0 / 100.0, 1.0, 5.0 / 100.0,
                  5.0 / 100.0, 10.0 / 100.0])
PI = math.pi


@njit(cache=True)
def _basic(kind, z):
    """A basic function of the transformed point ``z`` (scaled, rotated)."""
    d = z.size
    f = 0.0
    if kind == BENT:
        f = z[0] * z[0]
        for i in range(1, d):
            f += 1e6 * z[i] * z[i]
    elif kind == DISCUS:
        f = 1e6 * z[0] * z[0]
        for i in range(1, d):
            f += z[i] * z[i]
    elif kind == ELLIPS:
        for i in range(d):
            f += 10.0 ** (6.0 * i / (d - 1)) * z[i] * z[i]
    elif kind == ZAKHAROV:
        s1 = 0.0
        s2 = 0.0
        for i in range(d):
            s1 += z[i] ** 2
            s2 += 0.5 * (i + 1) * z[i]
        f = s1 + s2 ** 2 + s2 ** 4
    elif kind == ROSEN or kind == GRIEROSEN:
        w = z + 1.0
        for i in range(d - 1):
            t1 = w[i] * w[i] - w[i + 1]
            t2 = w[i] - 1.0
            if kind == ROSEN:
                f += 100.0 * t1 * t1 + t2 * t2
            else:
                t = 100.0 * t1 * t1 + t2 * t2
                f += t * t / 4000.0 - math.cos(t) + 1.0
        if kind == GRIEROSEN:
            t1 = w[d - 1] * w[d - 1] - w[0]
            t2 = w[d - 1] - 1.0
            t = 100.0 * t1 * t1 + t2 * t2
            f += t * t / 4000.0 - math.cos(t) + 1.0
    elif kind == RASTRIGIN:
        for i in range(d):
            f += z[i] * z[i] - 10.0 * math.cos(2.0 * PI * z[i]) + 10.0
    elif kind == SCHAFFER:  # of the unrotated point (see cec2017.py)
        for i in range(d - 1):
            s = (z[i] * z[i] + z[i + 1] * z[i + 1]) ** 0.5
            t = math.sin(50.0 * s ** 0.2)
            f += s ** 0.5 + s ** 0.5 * t * t
        f = f * f / (d - 1) / (d - 1)
    elif kind == LEVY:
        w0 = 1.0 + (z[0] - 1.0) / 4.0
        wl = 1.0 + (z[d - 1] - 1.0) / 4.0
        f = math.sin(PI * w0) ** 2
        for i in range(d - 1):
            w = 1.0 + (z[i] - 1.0) / 4.0
            f += (w - 1) ** 2 * (1 + 10 * math.sin(PI * w + 1) ** 2)
        f += (wl - 1) ** 2 * (1 + math.sin(2 * PI * wl) ** 2)
    elif kind == SCHWEFEL:
        for i in range(d):
            v = z[i] + 4.209687462275036e+002
            if v > 500:
                r = 500.0 - np.fmod(v, 500.0)
                f -= r * math.sin(r ** 0.5)
                t = (v - 500.0) / 100
                f += t * t / d
            elif v < -500:
                r = np.fmod(abs(v), 500.0)
                f -= (-500.0 + r) * math.sin((500.0 - r) ** 0.5)
                t = (v + 500.0) / 100
                f += t * t / d
            else:
                f -= v * math.sin(abs(v) ** 0.5)
        f += 4.189828872724338e+002 * d
    elif kind == ACKLEY:
        s1 = 0.0
        s2 = 0.0
        for i in range(d):
            s1 += z[i] * z[i]
            s2 += math.cos(2.0 * PI * z[i])
        f = math.e - 20.0 * math.exp(-0.2 * math.sqrt(s1 / d)) - math.exp(s2 / d) + 20.0
    elif kind == WEIER:
        offset = 0.0
        for k in range(21):
            offset += 0.5 ** k * math.cos(2.0 * PI * 3.0 ** k * 0.5)
        for i in range(d):
            for k in range(21):
                f += 0.5 ** k * math.cos(2.0 * PI * 3.0 ** k * (z[i] + 0.5))
        f -= d * offset
    elif kind == GRIEWANK:
        s = 0.0
        p = 1.0
        for i in range(d):
            s += z[i] * z[i]
            p *= math.cos(z[i] / math.sqrt(1.0 + i))
        f = 1.0 + s / 4000.0 - p
    elif kind == KATSUURA:
        f = 1.0
        power = (1.0 * d) ** 1.2
        for i in range(d):
            inner = 0.0
            for j in range(1, 33):
                scale = 2.0 ** j
                v = scale * z[i]
                inner += abs(v - math.floor(v + 0.5)) / scale
            f *= (1.0 + (i + 1) * inner) ** (10.0 / power)
        factor = 10.0 / d / d
        f = f * factor - factor
    elif kind == ESCAFFER:
        for i in range(d):
            j = i + 1 if i + 1 < d else 0
            s = z[i] * z[i] + z[j] * z[j]
            t1 = math.sin(math.sqrt(s)) ** 2
            t2 = 1.0 + 0.001 * s
            f += 0.5 + (t1 - 0.5) / (t2 * t2)
    elif kind == HAPPYCAT or kind == HGBAT:
        r2 = 0.0
        total = 0.0
        for i in range(d):
            v = z[i] - 1.0
            r2 += v * v
            total += v
        if kind == HAPPYCAT:
            f = abs(r2 - d) ** 0.25 + (0.5 * r2 + total) / d + 0.5
        else:
            f = abs(r2 ** 2.0 - total ** 2.0) ** 0.5 + (0.5 * r2 + total) / d + 0.5
    return f


@njit(cache=True)
def _bi_rastrigin(y, signs_from, rotation, rotate):
    """Lunacek's bi-Rastrigin of ``y`` (shifted, scaled by 10/100), signs from the shift."""
    d = y.size
    mu0, depth = 2.5, 1.0
    s = 1.0 - 1.0 / (2.0 * (d + 20.0) ** 0.5 - 8.2)
    mu1 = -((mu0 * mu0 - depth) / s) ** 0.5
    z = 2 * y
    for i in range(d):
        if signs_from[i] < 0.0:
            z[i] = -z[i]
    tmp1 = 0.0
    tmp2 = 0.0
    for i in range(d):
        moved = z[i] + mu0
        tmp1 += (moved - mu0) ** 2
        tmp2 += (moved - mu1) ** 2
    tmp2 = tmp2 * s + depth * d
    waves = _rotate(rotation, z) if rotate else z
    cosines = 0.0
    for i in range(d):
        cosines += math.cos(2.0 * PI * waves[i])
    return min(tmp1, tmp2) + 10.0 * (d - cosines)


@njit(cache=True)
def _rotate(M, y):
    d = y.size
    z = np.empty(d)
    for i in range(d):
        acc = 0.0
        for j in range(d):
            acc += y[j] * M[i, j]
        z[i] = acc
    return z


@njit(cache=True)
def shifted_rotated(kind, x, shift, rotation):
    """A basic function at ``x``, shifted, scaled and rotated as the code does."""
    y = (x - shift) * RATES[kind]
    if kind == BIRAS:
        return _bi_rastrigin(y, shift, rotation, True)
    if kind == SCHAFFER:
        return _basic(kind, y)
    return _basic(kind, _rotate(rotation, y))


@njit(cache=True)
def hybrid(kinds, sizes, x, shift, rotation, shuffle):
    """A hybrid function: shift, rotate, shuffle, then one basic function per group."""
    z = _rotate(rotation, x - shift)
    shuffled = z[shuffle]
    total = 0.0
    start = 0
    for g in range(kinds.size):
        kind, size = kinds[g], sizes[g]
        if size < 0:
            break
        group = shuffled[start:start + size]
        if kind == BIRAS:
            total += _bi_rastrigin(group * (10.0 / 100.0), shift, rotation, False)
        elif kind == SCHAFFER:  # the first `size` shuffled variables, not its group
            total += _basic(kind, shuffled[:size].copy())
        else:
            total += _basic(kind, group * RATES[kind])
        start += size
    return total


@njit(cache=True)
def evaluate(X, single, hybrid_kinds, hybrid_sizes, shifts, rotations, shuffles, parts,
             numerators, denominators, deltas, out):
    """The values of the rows of ``X`` into ``out``.

    ``single`` >= 0: a basic function of that kind; else ``parts`` (k,) the components of a
    composition (a kind, or 100 + a row of ``hybrid_kinds`` for a hybrid) or, with k = 1 and
    ``parts[0] >= 100``, one hybrid function.
    """
    n, d = X.shape
    k = parts.size
    for r in range(n):
        x = X[r]
        if single >= 0:
            out[r] = shifted_rotated(single, x, shifts[0], rotations[0])
            continue
        if k == 1:
            h = parts[0] - 100
            out[r] = hybrid(hybrid_kinds[h], hybrid_sizes[h], x, shifts[0], rotations[0],
                            shuffles[0])
            continue
        fits = np.empty(k)
        for i in range(k):
            if parts[i] >= 100:
                h = parts[i] - 100
                fit = hybrid(hybrid_kinds[h], hybrid_sizes[h], x, shifts[i], rotations[i],
                             shuffles[i])
            else:
                fit = shifted_rotated(parts[i], x, shifts[i], rotations[i])
            fits[i] = numerators[i] * fit / denominators[i] + 100.0 * i
        w = np.empty(k)
        w_max = 0.0
        for i in range(k):
            dist = 0.0
            for j in range(d):
                dist += (x[j] - shifts[i, j]) ** 2.0
            if dist != 0:
                w[i] = (1.0 / dist) ** 0.5 * math.exp(-dist / 2.0 / d / deltas[i] ** 2.0)
            else:
                w[i] = 1.0e99
            w_max = max(w_max, w[i])
        w_sum = 0.0
        for i in range(k):
            w_sum += w[i]
        if w_max == 0:
            w[:] = 1.0
            w_sum = k
        f = 0.0
        for i in range(k):
            f += w[i] / w_sum * fits[i]
        out[r] = f
