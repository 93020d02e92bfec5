"""CMA-ES kernels: mirrored orthogonal sampling, one generation's update and the stopping
tests on the distribution.

The samplers take every random number pre-drawn, so each kernel equals a plain-numpy
transcription (``tests/reference.py``, ``tests/test_cmaes.py``) on the same draws.
"""

import math

import numpy as np
from numba import njit


@njit(cache=True)
def mirrored_orthogonal(G, lam):
    """``lam`` standard steps from the ``lam - lam // 2`` Gaussian draws ``G`` (k, n).

    Mirrored orthogonal sampling (H. Wang, M. Emmerich, T. Baeck, "Mirrored Orthogonal
    Sampling for Covariance Matrix Adaptation Evolution Strategies", Evolutionary Computation
    27(4), 2019): the draws are orthogonalised by Gram-Schmidt in blocks of ``n``, each keeps
    its own length (chi-distributed, independent of its direction), and the first
    ``lam // 2`` are mirrored: rows ``k + i`` are ``-row i``. With an odd ``lam`` the last
    of the ``k`` rows has no mirror.
    """
    k, n = G.shape
    Z = np.empty((lam, n))
    for start in range(0, k, n):
        stop = min(start + n, k)
        for i in range(start, stop):
            v = G[i].copy()
            for j in range(start, i):  # modified Gram-Schmidt: against the unit rows so far
                dot = 0.0
                for c in range(n):
                    dot += v[c] * Z[j, c]
                for c in range(n):
                    v[c] -= dot * Z[j, c]
            norm = 0.0
            for c in range(n):
                norm += v[c] * v[c]
            norm = math.sqrt(norm)
            for c in range(n):
                Z[i, c] = v[c] / norm if norm > 0.0 else G[i, c]
        for i in range(start, stop):  # the unit rows take their draws' lengths
            length = 0.0
            for c in range(n):
                length += G[i, c] * G[i, c]
            length = math.sqrt(length)
            norm = 0.0
            for c in range(n):
                norm += Z[i, c] * Z[i, c]
            scale = length / math.sqrt(norm) if norm > 0.0 else 0.0
            for c in range(n):
                Z[i, c] *= scale
    for i in range(lam - k):
        for c in range(n):
            Z[k + i, c] = -Z[i, c]
    return Z


@njit(cache=True)
def reflect_into_box(X):
    """``X`` folded into [0, 1] by mirroring at the bounds (periodic, period 2)."""
    U = np.empty_like(X)
    for i in range(X.shape[0]):
        for c in range(X.shape[1]):
            y = X[i, c] % 2.0
            U[i, c] = 2.0 - y if y > 1.0 else y
    return U


@njit(cache=True)
def cma_sample(G, lam, orthogonal, B, D, mean, sigma):
    """``lam`` samples from the Gaussian draws ``G``: the standard steps ``Z`` (mirrored
    orthogonal ones from ``lam - lam // 2`` draws when ``orthogonal``, else ``G`` itself), the
    steps ``Y = Z diag(D) B^T`` (``Y = Z diag(D)`` when ``B`` is empty: the diagonal variant),
    the samples ``X = mean + sigma Y`` and their reflections into the unit cube.
    Returns (Y, X, U)."""
    Z = mirrored_orthogonal(G, lam) if orthogonal else G
    n = Z.shape[1]
    Y = np.empty((lam, n))
    if B.shape[0] == 0:
        for i in range(lam):
            for c in range(n):
                Y[i, c] = Z[i, c] * D[c]
    else:
        for i in range(lam):
            for r in range(n):
                total = 0.0
                for c in range(n):
                    total += Z[i, c] * D[c] * B[r, c]
                Y[i, r] = total
    X = np.empty((lam, n))
    for i in range(lam):
        for c in range(n):
            X[i, c] = mean[c] + sigma * Y[i, c]
    return Y, X, reflect_into_box(X)


@njit(cache=True)
def _whiten(B, D, y, out):
    """``out = B^T y / D`` (its norm is that of ``C^(-1/2) y``); returns its squared norm."""
    n = y.shape[0]
    squared = 0.0
    for c in range(n):
        total = 0.0
        for r in range(n):
            total += B[r, c] * y[r]
        out[c] = total / D[c]
        squared += out[c] * out[c]
    return squared


@njit(cache=True)
def cma_update(Ys, params, mean, ps, pc, C, B, D, sigma, g, decompose):
    """One generation of the tutorial's updates (N. Hansen, arXiv:1604.00772, eqs. 39-47 with
    the active update's negative weights) on the ranked steps ``Ys`` (lam, n), best first;
    ``params`` is the generation's Table 1 (``StrategyParameters``: weights, mu, mueff, cc,
    cs, c1, cmu, damps, chi_n).

    ``mean``, ``ps``, ``pc`` and the full covariance ``C`` are updated in place; ``C^(-1/2)``
    is ``B diag(1/D) B^T`` of the last eigendecomposition. With ``decompose`` the new ``C``
    (symmetric by construction) is decomposed into ``B`` and ``D`` (in place). Returns the new
    step size.
    """
    weights, mu, mueff, cc, cs, c1, cmu, damps, chi_n = params
    lam, n = Ys.shape
    v = np.empty(n)
    y_w = np.zeros(n)
    for i in range(mu):
        for c in range(n):
            y_w[c] += weights[i] * Ys[i, c]
    for c in range(n):
        mean[c] += sigma * y_w[c]
    z = np.empty(n)  # C^(-1/2) y_w = B diag(1/D) B^T y_w
    _whiten(B, D, y_w, v)
    for r in range(n):
        total = 0.0
        for c in range(n):
            total += B[r, c] * v[c]
        z[r] = total
    a = 1.0 - cs
    b = math.sqrt(cs * (2.0 - cs) * mueff)
    ps_norm = 0.0
    for c in range(n):
        ps[c] = a * ps[c] + b * z[c]
        ps_norm += ps[c] * ps[c]
    ps_norm = math.sqrt(ps_norm)
    hsig = ps_norm / math.sqrt(1.0 - (1.0 - cs) ** (2 * (g + 1))) \
        < (1.4 + 2.0 / (n + 1)) * chi_n
    h = 1.0 if hsig else 0.0
    b = h * math.sqrt(cc * (2.0 - cc) * mueff)
    for c in range(n):
        pc[c] = (1.0 - cc) * pc[c] + b * y_w[c]
    w_circ = weights.copy()
    for i in range(lam):
        if weights[i] < 0.0:
            w_circ[i] *= n / max(_whiten(B, D, Ys[i], v), 1e-300)
    decay = 1.0 + c1 * (1.0 - h) * cc * (2.0 - cc) - c1 - cmu * np.sum(weights)
    for r in range(n):  # the upper triangle; the lower one mirrors it
        for c in range(r, n):
            rank_mu = 0.0
            for i in range(lam):
                rank_mu += w_circ[i] * Ys[i, r] * Ys[i, c]
            C[r, c] = decay * C[r, c] + c1 * pc[r] * pc[c] + cmu * rank_mu
            C[c, r] = C[r, c]
    if decompose:
        values, vectors = np.linalg.eigh(C)
        for c in range(n):
            D[c] = math.sqrt(max(values[c], 1e-300))
        B[:, :] = vectors
    return sigma * math.exp(cs / damps * (ps_norm / chi_n - 1.0))


#: Codes of :func:`cma_stop_code` (0: no test fired).
TOLX, NOEFFECTAXIS, NOEFFECTCOORD, CONDITIONCOV = 1, 2, 3, 4


@njit(cache=True)
def cma_stop_code(mean, sigma, sigma_start, pc, variances, B, D, g, tolx, tolconditioncov):
    """The first of Hansen's (2009) tests on the distribution that fires, as a code:
    TolX (every ``sigma * p_c`` and ``sigma * std`` below ``tolx * sigma0``), NoEffectAxis
    (a tenth of axis ``g mod n`` leaves the mean unchanged; skipped when ``B`` is empty, the
    diagonal variant), NoEffectCoord (a fifth of a coordinate's std leaves it unchanged) and
    ConditionCov (``(max D / min D)^2 > tolconditioncov``). ``variances`` is ``diag C``."""
    n = mean.shape[0]
    stds = np.sqrt(variances)
    widest = 0.0
    for c in range(n):
        widest = max(widest, abs(sigma * pc[c]), sigma * stds[c])
    if widest < tolx * sigma_start:
        return TOLX
    if B.shape[0] > 0:
        i = g % n
        step = 0.1 * sigma * D[i]
        for c in range(n):
            if mean[c] != mean[c] + step * B[c, i]:
                break
        else:
            return NOEFFECTAXIS
    for c in range(n):
        if mean[c] == mean[c] + 0.2 * sigma * stds[c]:
            return NOEFFECTCOORD
    if (D.max() / D.min()) ** 2 > tolconditioncov:
        return CONDITIONCOV
    return 0
