"""Whether one method's final values differ from another's: rank tests and confidence
intervals over seeds, for ``metaopt compare``."""

from __future__ import annotations

import itertools

import numpy as np
from scipy import stats

__all__ = ["pairwise_comparisons", "format_comparisons", "ALPHA"]

#: The significance level of the comparisons (after the false discovery rate adjustment).
ALPHA = 0.05


def _median_difference(a, b, axis=-1):
    return np.median(a, axis=axis) - np.median(b, axis=axis)


def pairwise_comparisons(finals: dict, alpha: float = ALPHA, n_resamples: int = 2000,
                         rng=0) -> list[dict]:
    """Every pair of methods' final values, compared.

    For each pair (a, b): the two-sided Mann-Whitney U test of their values
    (``scipy.stats.mannwhitneyu``), a ``1 - alpha`` bootstrap confidence interval of
    ``median(a) - median(b)`` (``scipy.stats.bootstrap``, percentile method, the seeds
    resampled within each method), and the p-values adjusted for the number of pairs by
    Benjamini and Hochberg's false discovery rate (``scipy.stats.false_discovery_control``);
    a difference is significant when its adjusted p-value is below ``alpha``.

    Parameters
    ----------
    finals : dict
        Method name -> its final values (one per seed).
    alpha : float
    n_resamples : int
    rng : None, int or numpy.random.Generator
        The bootstrap's resampling.

    Returns
    -------
    list of dict with ``a``, ``b``, ``median_difference``, ``ci_low``, ``ci_high``, ``p``,
    ``p_adjusted``, ``significant`` and ``better`` (the method with the lower median where
    significant, else None).
    """
    gen = np.random.default_rng(rng)
    rows = []
    for a, b in itertools.combinations(finals, 2):
        x, y = np.asarray(finals[a], float), np.asarray(finals[b], float)
        x, y = x[np.isfinite(x)], y[np.isfinite(y)]
        row = {"a": a, "b": b, "median_difference": float("nan"), "ci_low": float("nan"),
               "ci_high": float("nan"), "p": float("nan")}
        if x.size and y.size:
            row["median_difference"] = float(_median_difference(x, y))
            row["p"] = float(stats.mannwhitneyu(x, y, alternative="two-sided").pvalue)
            if x.size >= 2 and y.size >= 2 and (np.ptp(x) > 0 or np.ptp(y) > 0):
                ci = stats.bootstrap((x, y), _median_difference, n_resamples=n_resamples,
                                     confidence_level=1 - alpha, method="percentile",
                                     vectorized=True, random_state=gen).confidence_interval
                row["ci_low"], row["ci_high"] = float(ci.low), float(ci.high)
        rows.append(row)
    p = np.array([r["p"] for r in rows])
    tested = np.isfinite(p)
    adjusted = np.full(p.shape, np.nan)
    if tested.any():
        adjusted[tested] = stats.false_discovery_control(p[tested])
    for row, q in zip(rows, adjusted):
        row["p_adjusted"] = float(q)
        row["significant"] = bool(np.isfinite(q) and q < alpha)
        d = row["median_difference"]
        row["better"] = (row["a"] if d < 0 else row["b"]) if row["significant"] and d != 0 \
            else None
    return rows


def format_comparisons(rows: list[dict], alpha: float = ALPHA) -> str:
    """The comparisons as the table ``metaopt compare`` prints."""
    lines = [f"pairwise: Mann-Whitney U (two-sided), p adjusted by Benjamini-Hochberg, "
             f"{100 * (1 - alpha):.0f}% bootstrap CI of the median difference a - b",
             f"{'a':<10} {'b':<10} {'a - b':>12} {'CI low':>12} {'CI high':>12} "
             f"{'p':>8} {'p adj':>8}  significant"]
    for r in rows:
        said = f"yes, {r['better']} lower" if r["significant"] else "no"
        lines.append(f"{r['a']:<10} {r['b']:<10} {r['median_difference']:12.4g} "
                     f"{r['ci_low']:12.4g} {r['ci_high']:12.4g} {r['p']:8.3g} "
                     f"{r['p_adjusted']:8.3g}  {said}")
    return "\n".join(lines)
