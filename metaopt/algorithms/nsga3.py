"""NSGA-III (K. Deb, H. Jain, "An evolutionary many-objective optimization algorithm using
reference-point-based nondominated sorting approach, part I", IEEE Trans. Evolutionary
Computation 18(4):577-601, 2014; constraints as in H. Jain, K. Deb, part II, the same issue)."""

import numpy as np

from .._checks import check_int
from ..kernels import pareto as KP
from ..reference_directions import check_directions, default_directions
from .front_population import FrontPopulation, GeneticVariation

__all__ = ["NSGA3", "normalize", "associate"]


def normalize(F, ideal):
    """Deb & Jain's normalization (section IV-C) of the objectives ``F`` of the candidates:
    translated by the ideal point, divided by the intercepts of the hyperplane through the
    extreme points (each axis's minimizer of the achievement scalarizing function with weights
    1e-6 off the axis); where that hyperplane does not exist or cuts an axis at or below
    1e-10, the worst translated value of that axis is the intercept."""
    T = F - ideal
    m = F.shape[1]
    weights = np.full((m, m), 1e-6) + np.eye(m) * (1.0 - 1e-6)
    asf = np.max(T[:, None, :] / weights[None, :, :], axis=2)  # (n, m): each axis's ASF
    extreme = T[np.argmin(asf, axis=0)]
    worst = T.max(axis=0)
    try:
        b = np.linalg.solve(extreme, np.ones(m))
        intercepts = 1.0 / b
        if not np.all(np.isfinite(intercepts)) or np.any(intercepts <= 1e-10):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        intercepts = worst
    intercepts = np.where(intercepts <= 1e-10, np.maximum(worst, 1e-10), intercepts)
    return T / intercepts


def associate(N, directions):
    """Each normalized point's nearest reference line (through the origin along a direction)
    and its perpendicular distance to it (section IV-D)."""
    unit = directions / np.linalg.norm(directions, axis=1, keepdims=True)
    return KP.nearest_lines(np.ascontiguousarray(N), np.ascontiguousarray(unit))


class NSGA3(GeneticVariation, FrontPopulation):
    """NSGA-III: NSGA-II's fronts, with the last front filled by niching around reference
    directions instead of crowding distance, for three objectives and many more.

    Each generation: parents chosen at random (by a binary tournament on the constraint
    violation when there are constraints, Jain & Deb's part II), SBX and polynomial mutation
    (the genome's operators for bits and permutations); parents and children sorted into
    fronts; whole fronts kept while they fit; the objectives of the candidates normalized by
    the ideal point and the intercepts of the extreme points' hyperplane; each candidate
    associated with its nearest reference line; the last front's members picked one at a time
    for the direction with the fewest kept so far (nearest to it when it has none).

    Parameters
    ----------
    bounds : sequence of (low, high), Space or variable
    objectives : int, default 3
    ref_dirs : (H, m) array, optional
        Your own reference directions (non-negative rows). Default: Das & Dennis points with
        the paper's divisions (Table I: 12 for three objectives, H = 91; two layers from six
        objectives on); see :mod:`metaopt.reference_directions`.
    pop_size : int, optional
        Default: the smallest multiple of 4 from H (the paper's: 92 for three objectives).
    crossover, mutation : str, optional, as for :class:`~metaopt.GA`
    crossover_rate : float, default 1.0 (the paper's)
    mutation_rate : float, optional, default ``1/dim`` (per child for permutations: 0.9)
    eta_c, eta_m : float, default 30 and 20 (the paper's)
    init, ref_point, rng, budget : as for :class:`~metaopt.NSGA2`
    """

    def __init__(self, bounds, *, objectives=3, ref_dirs=None, pop_size=None, crossover=None,
                 mutation=None, crossover_rate=1.0, mutation_rate=None, eta_c=30.0,
                 eta_m=20.0, k_points=None, init="lhs", ref_point=None, rng=None,
                 budget=None):
        super().__init__(bounds, objectives=objectives, ref_point=ref_point, rng=rng,
                         budget=budget)
        m = self.n_objectives
        self.ref_dirs = default_directions(m) if ref_dirs is None else \
            check_directions(ref_dirs, m)
        default_pop = 4 * int(np.ceil(self.ref_dirs.shape[0] / 4))
        self.pop_size = check_int("pop_size", default_pop if pop_size is None else pop_size,
                                  minimum=4)
        self._set_variation("NSGA3", crossover, mutation, crossover_rate, mutation_rate, eta_c,
                            eta_m, k_points, init)

    def _offspring(self):
        n = self.pop_size
        pairs = self.rng.integers(0, n, (n + n % 2, 2))
        coin = self.rng.random(pairs.shape[0])
        a, b = self.cv[pairs[:, 0]], self.cv[pairs[:, 1]]
        # the less violated wins; between equals (all feasible: always), a coin
        parents = np.where(a < b, pairs[:, 0], np.where(b < a, pairs[:, 1],
                                                        np.where(coin < 0.5, pairs[:, 0],
                                                                 pairs[:, 1])))
        return self._vary(self.pop[parents[0::2]], self.pop[parents[1::2]], n)

    def _survive(self, F, cv):
        """The paper's Algorithm 1: whole fronts, then the last one by niching."""
        rank = KP.nondominated_ranks(F, cv)
        size = self.pop_size
        counts = np.bincount(rank)
        last = int(np.searchsorted(np.cumsum(counts), size))  # the front that does not fit
        kept = np.flatnonzero(rank < last)
        if kept.size == size:
            return kept, rank[kept]
        candidates = np.flatnonzero(rank <= last)
        if not (np.isfinite(F[candidates]).all() and (cv[candidates] <= 0).all()):
            # the last front is infeasible or failed (those come after every feasible point):
            # it is cut in index order, the violations having ranked it already
            order = np.lexsort((np.arange(candidates.size), rank[candidates]))
            keep = np.sort(candidates[order[:size]])
            return keep, rank[keep]
        ideal = F[candidates].min(axis=0)
        N = normalize(F[candidates], ideal)
        niche, distance = associate(N, self.ref_dirs)
        in_last = rank[candidates] == last
        count = np.bincount(niche[~in_last], minlength=self.ref_dirs.shape[0]).astype(np.int64)
        wanted = size - kept.size
        u = self.rng.random(2 * (wanted + self.ref_dirs.shape[0]))
        picked = KP.niche_fill(count, niche[in_last].astype(np.int64), distance[in_last],
                               wanted, u)
        keep = np.sort(np.concatenate([kept, candidates[in_last][picked]]))
        return keep, rank[keep]
