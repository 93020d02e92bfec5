"""Reference directions on the unit simplex, for NSGA-III and MOEA/D: the Das & Dennis (1998)
lattice, in one layer or, for many objectives, in Deb & Jain's (2014) two layers."""

import itertools
import math

import numpy as np

__all__ = ["das_dennis", "two_layers", "default_directions", "check_directions"]

#: Deb & Jain (2014), Table I: divisions per number of objectives (two layers from 6 on).
DIVISIONS = {2: (99,), 3: (12,), 4: (8,), 5: (6,), 6: (4, 1), 7: (3, 2), 8: (3, 2), 9: (3, 2),
             10: (3, 2), 15: (2, 1)}


def das_dennis(m, divisions):
    """Every (m,) vector of multiples of ``1/divisions`` summing to 1: ``C(divisions + m - 1,
    m - 1)`` directions."""
    points = []
    for bars in itertools.combinations(range(divisions + m - 1), m - 1):
        cuts = np.diff(np.r_[-1, bars, divisions + m - 1]) - 1
        points.append(cuts / divisions)
    return np.array(points, dtype=float)


def two_layers(m, outer, inner):
    """Deb & Jain's two layers: the boundary lattice of ``outer`` divisions and an inner one of
    ``inner`` divisions shrunk halfway towards the simplex's centre."""
    inside = (das_dennis(m, inner) + 1.0 / m) / 2.0
    return np.vstack([das_dennis(m, outer), inside])


def default_directions(m):
    """The paper's directions for ``m`` objectives (Table I; beyond it, 2 and 1 divisions in
    two layers, or for m above 15 the m axes and the centre)."""
    divisions = DIVISIONS.get(m)
    if divisions is None:
        divisions = (2, 1) if m < 16 else None
    if divisions is None:
        return np.vstack([np.eye(m), np.full((1, m), 1.0 / m)])
    if len(divisions) == 1:
        return das_dennis(m, divisions[0])
    return two_layers(m, *divisions)


def check_directions(directions, m, name="ref_dirs"):
    """``directions`` as an (H, m) array of non-negative rows that are not all zero."""
    W = np.asarray(directions, dtype=float)
    if W.ndim != 2 or W.shape[1] != m or W.shape[0] < 1 or not np.isfinite(W).all() \
            or (W < 0).any() or (W.sum(axis=1) <= 0).any():
        raise ValueError(f"{name} must be an (H, {m}) array of non-negative directions, none "
                         f"all zero; got {np.shape(directions)}")
    return W


def lattice_size(m, divisions):
    return math.comb(divisions + m - 1, m - 1)
