"""Uncertainty handling for CMA-ES: UH-CMA-ES (N. Hansen, A. S. P. Niederberger, L. Guzzella,
P. Koumoutsakos, "A Method for Handling Uncertainty in Evolutionary Optimization With an
Application to Feedback Control of Combustion", IEEE TEC 13(1), 2009), with the constants and
the treatment of pycma's ``NoiseHandler`` (``cma/optimization_tools.py``, 4.x), which its
``fmin(noise_handler=True)`` runs.

After each generation a few of its solutions are evaluated again, each moved by a tiny step
(``epsilon`` sigma along the distribution); the rank changes between the two value lists,
beyond what a random reordering of that size would cause, measure how far noise dominates the
ranking (``noise_s`` > 0: it does). Where it does, sigma grows by ``alpha_sigma`` so that the
differences between samples outgrow the noise again. The extra evaluations are spent from the
budget but do not enter the update (as in pycma).
"""

import numpy as np

__all__ = ["reevaluation_count", "reevaluation_indices", "rank_change_measure", "alpha_sigma",
           "NOISE_THETA", "NOISE_CUMULATION", "NOISE_EPSILON", "values_disagree"]

#: The rank-change percentile (pycma's ``theta = 0.5``; the paper's 0.2).
NOISE_THETA = 0.5
#: The measure's learning rate (pycma's ``cum = 0.3``; the paper's 1).
NOISE_CUMULATION = 0.3
#: The re-evaluated solutions' perturbation, a multiple of sigma (pycma's ``epsilon``).
NOISE_EPSILON = 1e-7
#: Two values of one point that differ by more than this fraction of the larger disagree:
#: well above the rounding a vectorized objective shows between batches of other sizes.
DISAGREEMENT_RTOL = 1e-9


def alpha_sigma(n):
    """The step-size factor while noise dominates: pycma's ``1 + 2 / (n + 10)``."""
    return 1.0 + 2.0 / (n + 10)


def reevaluation_count(lam, u):
    """How many of ``lam`` solutions are evaluated again: pycma's ``2 + lam / 20``, its
    fraction rounded up with probability equal to it (``u`` a uniform draw)."""
    count = 2.0 + lam / 20.0
    return min(lam, int(count) + int((count % 1.0) > u))


def reevaluation_indices(f, count):
    """pycma's choice 1: the first ``count - count // 2`` solutions of the batch (as sampled,
    a random pick) and the best ``count // 2`` of the others."""
    first = count - count // 2
    rest = np.argsort(f[first:], kind="stable")[: count - first] + first
    return np.concatenate([np.arange(first), rest]).astype(np.int64)


def _percentile(data, p):
    """pycma's ``Mh.prctile``: linear interpolation between the order statistics at
    ``p n / 100 - 0.5``, clamped to the extremes."""
    data = np.sort(data)
    n = data.size
    fi = p * n / 100.0 - 0.5
    if fi <= 0:
        return float(data[0])
    if fi >= n - 1:
        return float(data[-1])
    i = int(fi)
    return float((i + 1 - fi) * data[i] + (fi - i) * data[i + 1])


def rank_change_measure(f, f_again, idx, theta=NOISE_THETA):
    """The mean rank change beyond its limit over the re-evaluated solutions ``idx``.

    ``f`` are a generation's values and ``f_again`` the same with ``idx`` replaced by their
    second evaluations. Both lists are ranked together; each re-evaluated solution's rank
    change (less one, its own move) is compared with the ``theta``-percentile of the rank
    changes a uniformly random new rank would make (pycma's ``update_measure``)."""
    lam = f.size
    ranks = np.argsort(np.argsort(np.concatenate([f, f_again]), kind="stable"),
                       kind="stable").reshape(2, lam)
    delta = ranks[0] - ranks[1] - np.sign(ranks[0] - ranks[1])
    r = np.arange(1, 2 * lam)
    s = np.empty(idx.size)
    for k, i in enumerate(idx):
        a, b = ranks[0, i], ranks[1, i]
        limit = 0.5 * (_percentile(np.abs(r - (a + 1 - (a > b))), theta * 50)
                       + _percentile(np.abs(r - (b + 1 - (b > a))), theta * 50))
        s[k] = abs(delta[i]) - max(limit, 1.0)
    return float(s.mean())


def values_disagree(f, f_again):
    """Whether two evaluations of the same points differ beyond rounding (a noisy
    objective): ``|f - f_again| > 1e-9 max(|f|, |f_again|)`` for any point, or one finite
    and the other not."""
    f, f_again = np.asarray(f, float), np.asarray(f_again, float)
    finite = np.isfinite(f) & np.isfinite(f_again)
    if (np.isfinite(f) != np.isfinite(f_again)).any():
        return True
    gap = np.abs(f[finite] - f_again[finite])
    scale = np.maximum(np.abs(f[finite]), np.abs(f_again[finite]))
    return bool((gap > DISAGREEMENT_RTOL * scale).any())
