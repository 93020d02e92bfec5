"""What every tell does to a batch, in one compiled pass each: the finiteness test, the
comparison of told points with asked ones, and the write of the trials table's rows. A numpy
expression costs a few microseconds per call whatever its size; a run of small batches (L-SHADE
near its end tells 4 points per generation) pays that per generation, so these replace chains
of numpy calls, not loops."""

import numpy as np
from numba import njit


@njit(cache=True)
def all_finite(values):
    """Whether every entry of the 1-d ``values`` is finite (``np.isfinite(values).all()``)."""
    for v in values:
        if not np.isfinite(v):
            return False
    return True


@njit(cache=True)
def same_rows(X, Y):
    """Whether the 2-d ``X`` and ``Y`` (same shape) are equal entry by entry under ``==`` (a
    NaN anywhere makes them differ: ``not (X != Y).any()``)."""
    n, d = X.shape
    for i in range(n):
        for j in range(d):
            if not X[i, j] == Y[i, j]:
                return False
    return True


@njit(cache=True)
def record_rows(points, scalars, start, X, values, batch, time, failed, violation):
    """In place: rows ``start ...`` of the trials table (``points`` (rows, dim), ``scalars``
    (rows, 4 + m): batch, time, the first objective, failed, violation, the other objectives)
    from the first ``n = len(X)`` told points, their ``values`` (n, m), the ``batch`` number,
    the ``time``, ``failed`` (n,) or empty (none failed) and ``violation`` (n,) or empty
    (unconstrained)."""
    n, d = X.shape
    m = values.shape[1]
    for i in range(n):
        r = start + i
        for j in range(d):
            points[r, j] = X[i, j]
        scalars[r, 0] = batch
        scalars[r, 1] = time
        scalars[r, 2] = values[i, 0]
        scalars[r, 3] = 1.0 if failed.shape[0] and failed[i] else 0.0
        scalars[r, 4] = violation[i] if violation.shape[0] else 0.0
        for k in range(1, m):
            scalars[r, 4 + k] = values[i, k]
