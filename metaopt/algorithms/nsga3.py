"""NSGA-III (K. Deb, H. Jain, "An evolutionary many-objective optimization algorithm using
reference-point-based nondominated sorting approach, part I", IEEE Trans. Evolutionary
Computation 18(4):577-601, 2014; constraints as in H. Jain, K. Deb, part II, the same issue)."""

import numpy as np

from .._checks import check_int
from ..kernels import pareto as KP
from ..reference_directions import check_directions, default_directions
from ..state import Array
from .front_population import FrontPopulation, GeneticVariation, tournament_pairs

__all__ = ["NSGA3", "normalize", "associate"]


def normalize(F, ideal, previous=None):
    """Deb & Jain's normalization (section IV-C) of the objectives ``F`` of the candidates:
    translated by the ideal point, divided by the intercepts of the hyperplane through the
    extreme points (each axis's minimizer of the achievement scalarizing function with weights
    1e-6 off the axis, among the candidates and the ``previous`` generation's extreme points,
    as the reference implementations keep them: J. Blank, K. Deb, P. C. Roy, "Investigating
    the normalization procedure of NSGA-III", EMO 2019); where that hyperplane does not exist
    or cuts an axis at or below 1e-10, the worst translated value of that axis is the
    intercept. Returns the normalized candidates and the extreme points (in F's terms)."""
    m = F.shape[1]
    pool = F if previous is None else np.vstack([previous, F])
    T = pool - ideal
    weights = np.full((m, m), 1e-6) + np.eye(m) * (1.0 - 1e-6)
    asf = np.max(T[:, None, :] / weights[None, :, :], axis=2)  # (n, m): each axis's ASF
    chosen = np.argmin(asf, axis=0)
    extreme = T[chosen]
    worst = (F - ideal).max(axis=0)
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            intercepts = 1.0 / np.linalg.solve(extreme, np.ones(m))
        if not np.all(np.isfinite(intercepts)) or np.any(intercepts <= 1e-10):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        intercepts = worst
    intercepts = np.where(intercepts <= 1e-10, np.maximum(worst, 1e-10), intercepts)
    return (F - ideal) / intercepts, pool[chosen]


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
        #: z^min over every generation's candidates so far (the paper's section IV-C: the
        #: minimum of each objective in the union of S_0 .. S_t)
        self.ideal = None
        self.extreme = None  # the last generation's extreme points, (m, m)

    STATE = {"ideal": Array(float, "n_objectives", optional=True),
             "extreme": Array(float, "n_objectives", "n_objectives", optional=True)}

    def _offspring(self):
        n = self.pop_size
        pairs = tournament_pairs(n, self.rng)
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
        seen = F[candidates].min(axis=0)
        self.ideal = seen if self.ideal is None else np.minimum(self.ideal, seen)
        N, self.extreme = normalize(F[candidates], self.ideal, self.extreme)
        niche, distance = associate(N, self.ref_dirs)
        in_last = rank[candidates] == last
        count = np.bincount(niche[~in_last], minlength=self.ref_dirs.shape[0]).astype(np.int64)
        wanted = size - kept.size
        u = self.rng.random(2 * (wanted + self.ref_dirs.shape[0]))
        picked = KP.niche_fill(count, niche[in_last].astype(np.int64), distance[in_last],
                               wanted, u)
        keep = np.sort(np.concatenate([kept, candidates[in_last][picked]]))
        return keep, rank[keep]
