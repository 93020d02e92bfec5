"""What the algorithms with native bit and permutation genomes share: the choice of mode
from the space, the distance matrix they may be lent, and random starting points."""

import numpy as np

from ..sampling import make_sampler

__all__ = ["search_mode", "check_distances", "random_points"]


def search_mode(space, distances, owner, permutation_alone=True):
    """"tour" (one Permutation with distances), "permutation", "binary" (only Binary
    variables) or "real" (everything else, searched on the unit cube)."""
    kinds = set(space.kinds)
    if space.kinds == ("permutation",):
        return "tour" if distances is not None else "permutation"
    if kinds == {"binary"}:
        return "binary"
    if permutation_alone and "permutation" in kinds:
        raise ValueError(f"{owner} searches a Permutation on its own, not mixed with other "
                         f"variables; got {space!r}")
    return "real"


def check_distances(distances, dim):
    """The distance matrix as a contiguous float array of shape (dim, dim)."""
    D = np.ascontiguousarray(distances, dtype=float)
    if D.shape != (dim, dim):
        raise ValueError(f"distances must have shape ({dim}, {dim}), got {D.shape}")
    return D


def random_points(mode, m, dim, rng, design="lhs"):
    """``m`` random starting points: permutations, bit strings, or unit-cube points."""
    if mode in ("tour", "permutation"):
        return np.argsort(rng.random((m, dim)), axis=1).astype(float)
    if mode == "binary":
        return (rng.random((m, dim)) < 0.5).astype(float)
    return np.ascontiguousarray(make_sampler(design, dim, rng).random(m))
