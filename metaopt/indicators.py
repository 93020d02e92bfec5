"""Quality indicators of a front (all objectives minimized): hypervolume, IGD and IGD+, computed
by moocore (M. López-Ibáñez et al.'s reference implementations), and the reference point a run
derives when none is given."""

import numpy as np

__all__ = ["hypervolume", "igd", "igd_plus", "derived_reference", "front_hypervolume"]


def _moocore():
    import moocore

    return moocore


def _front(F, name="F"):
    F = np.asarray(F, dtype=float)
    if F.ndim != 2 or F.shape[1] < 2:
        raise ValueError(f"{name} must be an (n, m) array of m >= 2 objectives, got shape "
                         f"{F.shape}")
    return F


def hypervolume(F, ref):
    """The volume dominated by the points ``F`` (n, m) and bounded by ``ref`` (m,); points that
    do not dominate ``ref`` add nothing (Zitzler & Thiele 1998)."""
    F = _front(F)
    ref = np.asarray(ref, dtype=float)
    if ref.shape != (F.shape[1],):
        raise ValueError(f"ref must have {F.shape[1]} values, got shape {ref.shape}")
    inside = np.all(F < ref, axis=1)
    if not inside.any():
        return 0.0
    return float(_moocore().hypervolume(F[inside], ref=ref))


def igd(F, reference_front):
    """Inverted generational distance: the mean distance from each point of the true front
    ``reference_front`` to its nearest point of ``F`` (Coello & Reyes Sierra 2004)."""
    return float(_moocore().igd(_front(F), ref=_front(reference_front, "reference_front")))


def igd_plus(F, reference_front):
    """IGD+ (Ishibuchi et al. 2015): IGD with the distance counting only the objectives in
    which ``F``'s point is worse, which makes it Pareto-compliant."""
    return float(_moocore().igd_plus(_front(F), ref=_front(reference_front,
                                                            "reference_front")))


def derived_reference(F, cv):
    """A reference point from a first generation: per objective, the worst feasible finite
    value plus a tenth of its range (plus a tenth of its size, or 0.1, when the range is 0).
    Infeasible or failed points are used only when no point is both feasible and finite."""
    F = np.asarray(F, dtype=float)
    finite = np.isfinite(F).all(axis=1)
    usable = finite & (np.asarray(cv) <= 0)
    rows = F[usable] if usable.any() else F[finite] if finite.any() else None
    if rows is None:
        return None
    worst, best = rows.max(axis=0), rows.min(axis=0)
    span = worst - best
    margin = np.where(span > 0, 0.1 * span, np.maximum(0.1 * np.abs(worst), 0.1))
    return worst + margin


def front_hypervolume(F, ref):
    """The hypervolume of ``F`` against ``ref``, 0 for an empty front or no reference."""
    if ref is None or F.shape[0] == 0:
        return 0.0
    return hypervolume(F, ref)
