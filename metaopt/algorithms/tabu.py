"""Tabu search (F. Glover, "Tabu Search - Part I", ORSA J. Computing 1(3):190-206, 1989)."""

import numpy as np

from .._checks import check_choice, check_int, check_real
from ..kernels import tabu as KT
from ..state import Array, Float, Int
from .base import Optimizer
from .genomes import MOVES, make_genome

__all__ = ["Tabu"]

#: Neighbours per batch by genome (a tour with distances scores all its moves in a kernel).
DEFAULT_POP = {"tour": lambda dim: 1, "permutation": lambda dim: 64,
               "bits": lambda dim: min(dim, 64), "cube": lambda dim: min(2 * dim, 64)}


class Tabu(Optimizer):
    """Tabu search: move to the best admissible neighbour, even uphill; recent moves are tabu
    for ``tenure`` iterations unless they beat the best so far (aspiration by objective).

    Neighbourhoods, evaluated as one batch per iteration:

    - a ``Permutation`` with a distance matrix (``distances=``, lent by ``minimize`` from
      ``problems.TSP``): all 2-opt moves adding an edge to a near neighbour, scored by their
      deltas in a kernel (``Result.ndelta``); removed edges are tabu. Each batch runs
      ``inner_steps`` iterations and hands the best tour met to the objective.
    - other permutations: ``pop_size`` sampled ``move`` moves; the pair of values a swap or
      reversal touched, or the element an insertion moved, is tabu.
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
    move : {"2opt", "swap", "insertion", "mixed"}, default "mixed"
        The permutation neighbourhood without distances (see ``ILS``).
    step : float, default 0.05; patience : int, default 20
    distances : (n, n) array, optional
    rng, budget : as for every algorithm
    """

    accepts_repairs = False

    def __init__(self, bounds, *, pop_size=None, tenure=None, inner_steps=None, move="mixed",
                 step=0.05, patience=20, distances=None, rng=None, budget=None):
        super().__init__(bounds, rng=rng, budget=budget)
        self.genome = g = make_genome(self.space, distances, "Tabu", n_neighbors=8)
        self.native = g.native
        # With distances each batch runs tabu iterations inside a kernel (all candidate 2-opt
        # moves scored by their deltas, removed edges tabu); otherwise a batch is a sampled
        # neighbourhood with tabu move attributes, or tabu regions on the unit cube. Chosen once.
        self._tours = tours = g.distances is not None
        self._regions = g.continuous
        self._next_batch = self._tour_steps if tours else self._sampled_neighbours
        self._choose = self._tour_told if tours else self._best_admissible
        default_pop = DEFAULT_POP[g.kind](self.dim)
        self.pop_size = check_int("pop_size", default_pop if pop_size is None else pop_size,
                                  minimum=1)
        # For tours, 0.4 n measured best on kroA100 among 0.08n..0.6n (benchmarks/tsp.py).
        default_tenure = max(10, int(0.4 * self.dim)) if tours else max(7, self.dim // 10)
        self.tenure = check_int("tenure", default_tenure if tenure is None else tenure,
                                minimum=1)
        self.inner_steps = check_int("inner_steps", self.dim if inner_steps is None
                                     else inner_steps, minimum=1)
        self.move = check_choice("move", move, MOVES)
        self.step0 = check_real("step", step, 0.0, 1.0, low_open=True)
        self.patience = check_int("patience", patience, minimum=1)
        side = self.dim if tours else 0
        self._tabu_edges = np.zeros((side, side), np.int64)  # tours: until when an edge is tabu
        self._length = np.inf  # tours: the current tour's length, as the kernel tracks it
        self.iteration = 0
        self.current = None
        self.current_f = np.inf
        self._step = self.step0
        self._since_best = 0
        # attribute (a bit, or a pair of values swapped) -> iteration until which it is tabu
        self._tabu_until = np.full(g.n_attributes, -1, np.int64)
        # reals: the moves that left recently visited points (their regions are tabu)
        self._region_coord = np.empty(0, np.int64)
        self._region_delta = np.empty(0)
        self._region_until = np.empty(0, np.int64)
        self._attrs = None

    STATE = {
        "iteration": Int(0),
        "current": Array(float, "dim", optional=True, points=True),
        "current_f": Float(),
        "_length": Float(),
        "_step": Float(0.0, 1.0),
        "_since_best": Int(0),
        "_tabu_until": Array(np.int64, None),
        "_tabu_edges": Array(np.int64, None, None),
        "_region_coord": Array(np.int64, "regions", low=0, high="dim"),
        "_region_delta": Array(float, "regions"),
        "_region_until": Array(np.int64, "regions"),
        "_attrs": Array(np.int64, None, optional=True, low=0),
    }

    def _state_problem(self):
        if self._tabu_until.shape != (self.genome.n_attributes,):
            return f"_tabu_until has shape {self._tabu_until.shape}"
        side = self.dim if self._tours else 0
        if self._tabu_edges.shape != (side, side):
            return f"_tabu_edges has shape {self._tabu_edges.shape}"
        if self._region_coord.size and self._region_coord.max() >= self.dim:
            return "_region_coord names a coordinate past the last"
        if self._attrs is not None and self._attrs.size:
            limit = self.dim if self._regions else self.genome.n_attributes
            if self._attrs.max() >= limit:
                return f"_attrs holds attributes past {limit - 1}"
        if self._pending is not None and self.current is not None \
                and not self._tours \
                and (self._attrs is None or self._attrs.shape[0] != self._pending.shape[0]):
            return "a pending batch of neighbours needs one move attribute (_attrs) per row"
        return super()._state_problem()

    @property
    def batch_size(self):
        return 1 if self.current is not None and self._tours else self.pop_size

    def _ask(self):
        if self.current is None:
            return self.genome.random(self.pop_size, self.rng)
        return self._next_batch()

    def _sampled_neighbours(self):
        X, self._attrs = self._neighbours(self.current)
        return X

    def _tell(self, X, f):
        if self.current is None:
            i = int(np.argmin(f))
            self.current, self.current_f = X[i].copy(), f[i]
            if self._tours:
                self._length = f[i]
            return
        self._choose(X, f)

    def _tour_told(self, X, f):
        """Nothing to choose: the kernel moved the current tour; the objective saw its best."""

    def _best_admissible(self, X, f):
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
        if self._regions and self._since_best >= self.patience:
            self._step, self._since_best = max(self._step / 2.0, 1e-12), 0

    # -- neighbourhoods --------------------------------------------------------------------
    def _neighbours(self, x):
        """The sampled neighbourhood and each move's tabu attribute: the values a move
        touched (permutations), the flipped bit, or the moved coordinate (unit cube; integers and
        choices move by at least one level)."""
        return self.genome.neighbours(x, self.pop_size, self.rng, step=self._step,
                                      move=self.move)

    def _tabu_mask(self, X):
        """Which candidate rows are tabu: their move attribute is, or (reals) they fall within
        ``step / 2`` of a recently visited point."""
        if not self._regions:
            told = self._attrs[: X.shape[0]]  # a batch cut short by the budget tells fewer rows
            return self._tabu_until[np.asarray(told, np.int64)] > self.iteration
        live = self._region_until > self.iteration
        coord = self._attrs[: X.shape[0]]
        delta = X[np.arange(X.shape[0]), coord] - self.current[coord]
        return KT.region_tabu_mask(self.dim, self._region_coord[live], self._region_delta[live],
                                   coord, delta, self._step / 2)

    def _make_tabu(self, i, x):
        until = self.iteration + self.tenure
        if self._regions:  # the point left, kept as the move that left it
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
            self.genome.distances, tour, self._length, self.genome.neighbors, self._tabu_edges,
            self.iteration, self.tenure, best, self.inner_steps)
        self.ndelta += evaluations
        self.current, self._length = tour.astype(float), length
        return best_tour[None, :].astype(float)

    def _population(self):
        if self.current is None:
            return np.empty((0, self.dim)), np.empty(0)
        # The best point met, then the current one (tabu search may stand uphill of its best).
        if self._tours or self._best_u is None \
                or self.current_f <= self.best_fun:
            best = self._best_u if self._best_u is not None else self.current
            return best[None, :], np.array([self.best_fun])
        return np.stack([self._best_u, self.current]), np.array([self.best_fun, self.current_f])

