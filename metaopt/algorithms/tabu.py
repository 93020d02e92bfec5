"""Tabu search (F. Glover, "Tabu Search - Part I", ORSA J. Computing 1(3):190-206, 1989)."""

import numpy as np

from .._checks import check_int, check_real
from ..kernels import moves as KM
from ..kernels import permutation as KP
from ..kernels import tabu as KT
from ._discrete import check_distances, random_points, search_mode
from .base import Optimizer

__all__ = ["Tabu"]


class Tabu(Optimizer):
    """Tabu search: move to the best admissible neighbour, even uphill; recent moves are tabu
    for ``tenure`` iterations unless they beat the best so far (aspiration by objective).

    Neighbourhoods, evaluated as one batch per iteration:

    - a ``Permutation`` with a distance matrix (``distances=``, lent by ``minimize`` from
      ``problems.TSP``): all 2-opt moves adding an edge to a near neighbour, scored by their
      deltas in a kernel (``Result.ndelta``); removed edges are tabu. Each batch runs
      ``inner_steps`` iterations and hands the best tour met to the objective.
    - other permutations: ``pop_size`` sampled swaps of two elements; the swapped pair is tabu.
    - bits: single-bit flips (all of them when ``pop_size >= n``); the flipped bit is tabu.
    - everything else, on the unit cube: ``+-step`` along each coordinate (at least one level
      for integers and choices); points visited recently are tabu regions of radius
      ``step / 2``; the step halves after ``patience`` iterations without a new best.

    Parameters
    ----------
    bounds : Space, variable, or (low, high) pairs
    pop_size : int, optional
        Neighbours per batch (default: ``min(n, 64)`` for bits, ``2 * dim`` capped at 64 for
        reals, 64 for permutations, 1 with distances).
    tenure : int, optional
        Default ``max(7, dim // 10)``; with distances ``max(10, 0.4 n)``.
    inner_steps : int, optional (distance mode; default ``n``)
    step : float, default 0.05; patience : int, default 20
    distances : (n, n) array, optional
    rng, budget : as for every algorithm
    """

    accepts_repairs = False

    def __init__(self, bounds, *, pop_size=None, tenure=None, inner_steps=None, step=0.05,
                 patience=20, distances=None, rng=None, budget=None):
        super().__init__(bounds, rng=rng, budget=budget)
        self.mode = search_mode(self.space, distances, "Tabu")
        self.native = self.mode != "real"
        defaults = {"tour": 1, "permutation": 64, "binary": min(self.dim, 64),
                    "real": min(2 * self.dim, 64)}
        self.pop_size = check_int("pop_size", defaults[self.mode] if pop_size is None
                                  else pop_size, minimum=1)
        # For tours, 0.4 n measured best on kroA100 among 0.08n..0.6n (benchmarks/tsp.py).
        default_tenure = max(10, int(0.4 * self.dim)) if self.mode == "tour" \
            else max(7, self.dim // 10)
        self.tenure = check_int("tenure", default_tenure if tenure is None else tenure,
                                minimum=1)
        self.inner_steps = check_int("inner_steps", self.dim if inner_steps is None
                                     else inner_steps, minimum=1)
        self.step0 = check_real("step", step, 0.0, 1.0, low_open=True)
        self.patience = check_int("patience", patience, minimum=1)
        if self.mode == "tour":
            self.distances = check_distances(distances, self.dim)
            self.neighbors = KP.neighbor_lists(self.distances, 8)
            self._tabu_edges = np.zeros((self.dim, self.dim), np.int64)
        levels = np.where(np.isin(np.arange(self.dim), self.space._discrete),
                          1.0 / np.maximum(self.space.width, 1.0), 0.0)
        self._min_step = levels  # integers and choices move by at least one level
        self.iteration = 0
        self.current = None
        self.current_f = np.inf
        self._step = self.step0
        self._since_best = 0
        # attribute (a bit, or a pair of values swapped) -> iteration until which it is tabu
        n_attributes = {"permutation": self.dim * self.dim, "binary": self.dim}
        self._tabu_until = np.full(n_attributes.get(self.mode, 0), -1, np.int64)
        # reals: the moves that left recently visited points (their regions are tabu)
        self._region_coord = np.empty(0, np.int64)
        self._region_delta = np.empty(0)
        self._region_until = np.empty(0, np.int64)
        self._attrs = None

    @property
    def batch_size(self):
        return self.pop_size if self.current is None or self.mode != "tour" else 1

    def _ask(self):
        if self.current is None:
            return self._random_points(self.pop_size)
        if self.mode == "tour":
            return self._tour_steps()
        X, self._attrs = self._neighbours(self.current)
        return X

    def _tell(self, X, f):
        if self.current is None:
            i = int(np.argmin(f))
            self.current, self.current_f = X[i].copy(), f[i]
            if self.mode == "tour":
                self._length = f[i]
            return
        if self.mode == "tour":
            self._length_best = f[0]
            return
        k = len(f)
        order = np.argsort(f, kind="stable")
        best_before = self.best_fun if np.isfinite(self.best_fun) else np.inf
        admissible = (f < best_before) | ~self._tabu_mask(X)  # aspiration lifts the tabu
        candidates = order[admissible[order]]  # the best admissible neighbour
        chosen = int(candidates[0]) if candidates.size else None
        if chosen is not None:
            self._make_tabu(chosen, X[chosen])
            self.current, self.current_f = X[chosen].copy(), f[chosen]
        self.iteration += 1
        self._since_best = 0 if f[:k].min() < best_before else self._since_best + 1
        if self.mode == "real" and self._since_best >= self.patience:
            self._step, self._since_best = max(self._step / 2.0, 1e-12), 0

    # -- neighbourhoods --------------------------------------------------------------------
    def _random_points(self, m):
        return random_points(self.mode, m, self.dim, self.rng)

    def _neighbours(self, x):
        m, d = self.pop_size, self.dim
        if self.mode == "permutation":
            a = self.rng.integers(0, d, m)
            b = (a + 1 + self.rng.integers(0, d - 1, m)) % d
            P = KP.swap_mutation(np.repeat(x[None, :].astype(np.int64), m, axis=0),
                                 np.stack([a, b], axis=1))
            values = np.sort(np.stack([x[a], x[b]], axis=1).astype(np.int64), axis=1)
            return P.astype(float), values[:, 0] * d + values[:, 1]
        if self.mode == "binary":
            bits = self.rng.permutation(d)[:m] if m <= d else self.rng.integers(0, d, m)
            return KM.flip_bits(x, bits), bits
        moves = self.rng.permutation(2 * d)[:m] if m <= 2 * d else self.rng.integers(0, 2 * d, m)
        return KM.compass_moves(x, moves, np.maximum(self._step, self._min_step[moves % d])), \
            moves % d

    def _tabu_mask(self, X):
        """Which candidate rows are tabu: their move attribute is, or (reals) they fall within
        ``step / 2`` of a recently visited point."""
        if self.mode != "real":
            told = self._attrs[: X.shape[0]]  # a batch cut short by the budget tells fewer rows
            return self._tabu_until[np.asarray(told, np.int64)] > self.iteration
        live = self._region_until > self.iteration
        coord = self._attrs[: X.shape[0]]
        delta = X[np.arange(X.shape[0]), coord] - self.current[coord]
        return KT.region_tabu_mask(self.dim, self._region_coord[live], self._region_delta[live],
                                   coord, delta, self._step / 2)

    def _make_tabu(self, i, x):
        until = self.iteration + self.tenure
        if self.mode == "real":  # the point left now: recorded as the move that leaves it
            live = self._region_until > self.iteration
            j = int(self._attrs[i])
            self._region_coord = np.append(self._region_coord[live], j)
            self._region_delta = np.append(self._region_delta[live],
                                           x[j] - self.current[j])
            self._region_until = np.append(self._region_until[live], until)
        else:
            self._tabu_until[int(self._attrs[i])] = until

    # -- tours with distances ----------------------------------------------------------------
    def _tour_steps(self):
        tour = self.current.astype(np.int64)
        best = self.best_fun if np.isfinite(self.best_fun) else self._length
        best_tour, best_len, length, self.iteration, evaluations = KT.tabu_tour_steps(
            self.distances, tour, self._length, self.neighbors, self._tabu_edges,
            self.iteration, self.tenure, best, self.inner_steps)
        self.ndelta += evaluations
        self.current, self._length = tour.astype(float), length
        return best_tour[None, :].astype(float)

    def _population(self):
        if self.current is None:
            return np.empty((0, self.dim)), np.empty(0)
        # The best point met, then the current one (tabu search may stand uphill of its best).
        if self.mode == "tour" or self._best_u is None or self.current_f <= self.best_fun:
            best = self._best_u if self._best_u is not None else self.current
            return best[None, :], np.array([self.best_fun])
        return np.stack([self._best_u, self.current]), np.array([self.best_fun, self.current_f])

