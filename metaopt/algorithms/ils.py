"""Iterated local search (H. R. Lourenco, O. C. Martin, T. Stuetzle, "Iterated Local Search",
Handbook of Metaheuristics, 2003): local search, perturbation, acceptance, repeated."""

import math

import numpy as np

from .._checks import check_choice, check_int, check_real
from ..kernels import permutation as KP
from ..state import Array, Bool, Float, Int
from .base import Optimizer
from .genomes import MOVES, make_genome

__all__ = ["ILS"]

ACCEPTANCE = ("better", "always")


def kick_endpoints(tour, cuts):
    """The cities at the ends of the three edges a double-bridge kick with ``cuts`` creates:
    read in the tour before the kick, at the cut positions (only they need a fresh look)."""
    c1, c2, c3 = cuts
    return tour[[c1 - 1, c1, c2 - 1, c2, c3 - 1, c3]]


class ILS(Optimizer):
    """Iterated local search for permutations (tours), bit strings and everything else.

    What it searches decides how:

    - A ``Permutation(n)`` with a distance matrix (``distances=``, filled in by
      ``minimize`` when the objective has a ``distances`` attribute, as ``problems.TSP`` does):
      2-opt + Or-opt local search on nearest-neighbour candidate lists with don't-look bits,
      computed from move deltas inside one kernel, and the double-bridge kick (Martin, Otto &
      Felten 1991). Each walker's tour is evaluated by the objective once per iteration (nfev);
      the move deltas are counted apart, in ``Result.ndelta``.
    - A ``Permutation`` without distances (a black box: scheduling, assignment, a tour
      whose length is only a function): each batch evaluates ``pop_size`` of the current
      permutation's ``move`` neighbours, scanning all of them in a random order, circularly,
      and takes the best of a batch if it improves; once a whole lap (``patience`` batches)
      brings no improvement the permutation is a local optimum, and a double bridge kicks it.
    - A space of ``Binary`` variables: batches of single-bit flips and of swaps of a set bit
      with a clear one; the kick flips ``kick_bits`` random bits.
    - Any other space: a compass (pattern) search on the unit cube, ``+-step`` along each
      coordinate, halving the step when no move improves, until ``min_step``; the kick is a
      Gaussian step of scale ``kick_scale``.

    Acceptance: "better" keeps the new local optimum when it improves the walker's current one;
    "always" moves anyway (a random walk over local optima). ``restart_after`` iterations
    without improvement restart a walker from a random point.

    Parameters
    ----------
    bounds : Space, variable, or (low, high) pairs
    pop_size : int
        Tours: independent walkers per batch (default 1). Otherwise: neighbours per batch
        (default ``min(2 * dim, 64)``).
    distances : (n, n) array, optional
    neighbors : int, default 10
        Candidate list length.
    max_segment : int, default 3
        Longest Or-opt segment.
    move : {"2opt", "swap", "insertion", "mixed"}, default "mixed"
        The black-box permutation neighbourhood: segment reversals, swaps, insertions (take
        one element out and put it back elsewhere), or reversals and insertions half and half.
    acceptance : {"better", "always"}
    restart_after : int, optional
    patience, kick_bits, step, min_step, kick_scale : the neighbourhood modes' settings
    rng, budget : as for every algorithm
    """

    accepts_repairs = False

    def __init__(self, bounds, *, pop_size=None, distances=None, neighbors=10, max_segment=3,
                 move="mixed", acceptance="better", restart_after=None, patience=None,
                 kick_bits=3, step=0.2, min_step=1e-7, kick_scale=0.1, rng=None, budget=None):
        super().__init__(bounds, rng=rng, budget=budget)
        n_neighbors = check_int("neighbors", neighbors, minimum=1)
        self.genome = g = make_genome(self.space, distances, "ILS", n_neighbors=n_neighbors)
        # With distances, walkers descend inside a kernel (2-opt + Or-opt from move deltas) and
        # each batch is one kicked-and-improved tour per walker; otherwise a batch is a slice
        # of one point's neighbourhood. Chosen once.
        tours = g.distances is not None
        self._ask_batch = self._ask_tours if tours else self._ask_neighbours
        self._tell_batch = self._tell_tours if tours else self._tell_neighbours
        problem = g.kick_problem()
        if problem:
            raise ValueError(f"ILS cannot kick {self.space!r}: {problem}")
        default_pop = 1 if tours else min(2 * self.dim, 64)
        self.pop_size = check_int("pop_size", default_pop if pop_size is None else pop_size,
                                  minimum=1)
        self.acceptance = check_choice("acceptance", acceptance, ACCEPTANCE)
        self.restart_after = check_int("restart_after", restart_after, minimum=1,
                                       allow_none=True)
        self.move = check_choice("move", move, MOVES)
        self.max_segment = check_int("max_segment", max_segment, minimum=0, maximum=3)
        self.kick_bits = check_int("kick_bits", kick_bits, minimum=1)
        self.step0 = check_real("step", step, 0.0, 1.0, low_open=True)
        self.min_step = check_real("min_step", min_step, 0.0, low_open=True)
        self.kick_scale = check_real("kick_scale", kick_scale, 0.0, low_open=True)
        self.native = g.native  # tours and bits are handed out as values
        # how many distinct neighbours a point has: reversals, flips and swaps, compass moves
        neighbourhood = 1 if tours else g.descent_size(self.move)
        self.patience = check_int(
            "patience", patience if patience is not None
            else max(1, math.ceil(neighbourhood / self.pop_size)), minimum=1)
        self.current = None      # the walkers' current local optima (values), (walkers, dim)
        self.current_f = None
        self.stale = None        # iterations without improvement, per walker
        self._x = None           # neighbourhood modes: the point whose neighbours are searched
        self._fx = np.inf
        self._x_is_new = True    # its value still has to be measured
        self._stall = 0
        self._step = self.step0
        self._scan = None        # black-box permutations: the moves, scanned circularly
        self._scan_at = 0

    # ------------------------------------------------------------------------------------
    STATE = {
        # the walkers' current local optima; tours: NaN rows for walkers not started
        "current": Array(float, "walkers", "dim", optional=True, nan=True),
        "current_f": Array(float, "walkers", optional=True),
        "stale": Array(np.int64, "walkers", optional=True, low=0),
        "_x": Array(float, "dim", optional=True, points=True),
        "_fx": Float(),
        "_x_is_new": Bool(),
        "_stall": Int(0),
        "_step": Float(0.0),
        "_scan": Array(np.int64, None, 3, optional=True),
        "_scan_at": Int(0),
    }

    def _state_problem(self):
        if (self.current is None) != (self.current_f is None) or \
                (self.current is None) != (self.stale is None):
            return "current, current_f and stale must all be None or all arrays"
        if self.current is not None:
            walkers = self.pop_size if self.genome.distances is not None else 1
            if self.current.shape[0] != walkers:
                return f"current has {self.current.shape[0]} walkers, expected {walkers}"
            started = np.isfinite(self.current_f)
            problem = self.check_points(self.current[started])
            if problem:
                return f"current: {problem}"
        if self._scan is not None:
            moves = self.genome.move_list(self.move, np.random.default_rng(0))
            if self._scan.shape != moves.shape or not np.array_equal(
                    np.unique(self._scan, axis=0), np.unique(moves, axis=0)) \
                    or self._scan_at >= len(self._scan):
                return "_scan is not this neighbourhood's list of moves, or _scan_at is past it"
        return super()._state_problem()

    @property
    def batch_size(self):
        return self.pop_size

    def _random_points(self, m):
        return self.genome.random(m, self.rng, "random")

    def _ask(self):
        return self._ask_batch()

    def _tell(self, X, f):
        return self._tell_batch(X, f)

    def _ask_neighbours(self):
        if self._x is None:
            return self._random_points(self.pop_size)
        neighbours = self._neighbours(self._x, self.pop_size - int(self._x_is_new))
        if self._x_is_new:
            return np.vstack([self._x[None, :], neighbours])
        return neighbours

    def _tell_neighbours(self, X, f):
        if self._x is None:  # the first batch: random points, the best one starts
            i = int(np.argmin(f))
            self._x, self._fx, self._x_is_new = X[i].copy(), f[i], False
            self.current, self.current_f = self._x[None, :].copy(), np.array([f[i]])
            self.stale = np.zeros(1, np.int64)
            return
        if self._x_is_new:
            self._fx, X, f = f[0], X[1:], f[1:]
            self._x_is_new = False
        if f.size and f.min() < self._fx:
            i = int(np.argmin(f))
            self._x, self._fx, self._stall = X[i].copy(), f[i], 0
            return
        self._stall += 1
        if self.genome.continuous and self._stall >= self.patience:
            self._step /= 2.0
            self._stall = 0
            if self._step >= self.min_step:
                return
        elif self._stall < self.patience:
            return
        self._local_optimum_reached()

    def _local_optimum_reached(self):
        improved = self._fx < self.current_f[0]
        if improved or self.acceptance == "always":
            self.current[0], self.current_f[0] = self._x, self._fx
        self.stale[0] = 0 if improved else self.stale[0] + 1
        if self.restart_after is not None and self.stale[0] >= self.restart_after:
            start, self.stale[0] = self._random_points(1)[0], 0
            self.current_f[0] = np.inf
        else:
            start = self._kick(self.current[0])
        self._x, self._fx, self._x_is_new = start, np.inf, True
        self._stall, self._step, self._scan = 0, self.step0, None

    # -- neighbourhoods ----------------------------------------------------------------------
    def _neighbours(self, x, m):
        """Permutation moves, bit flips and swaps, or compass moves ``+-step``."""
        X, self._scan, self._scan_at = self.genome.descent(
            x, max(m, 1), self.rng, self._scan, self._scan_at, step=self._step, move=self.move)
        return X

    def _kick(self, x):
        """A double bridge, ``kick_bits`` flips, or a Gaussian step of ``kick_scale``."""
        return self.genome.kick(x, self.rng, scale=self.kick_scale, bits=self.kick_bits)

    # -- tours with a distance matrix ------------------------------------------------------------
    def _improve(self, tour, active):
        self.ndelta += self.genome.improve(tour, active, self.max_segment)
        return tour

    def _ask_tours(self):
        tours = np.empty((self.pop_size, self.dim), np.int64)
        everyone = np.ones(self.dim, np.bool_)
        for w in range(self.pop_size):
            if self.current is None or not np.isfinite(self.current_f[w]):
                tours[w] = self._improve(self.rng.permutation(self.dim), everyone)
                continue
            cuts = self.genome.kick_cuts(self.rng)
            kicked = KP.double_bridge(self.current[w][None, :].astype(np.int64), cuts[None, :])[0]
            active = np.zeros(self.dim, np.bool_)
            active[kick_endpoints(self.current[w].astype(np.int64), cuts)] = True
            tours[w] = self._improve(kicked, active)
        return tours.astype(float)

    def _tell_tours(self, X, f):
        k = f.shape[0]
        if self.current is None:
            self.current = np.full((self.pop_size, self.dim), np.nan)
            self.current_f = np.full(self.pop_size, np.inf)
            self.stale = np.zeros(self.pop_size, np.int64)
        for w in range(k):
            improved = f[w] < self.current_f[w]
            if improved or self.acceptance == "always":
                self.current[w], self.current_f[w] = X[w], f[w]
            self.stale[w] = 0 if improved else self.stale[w] + 1
            if self.restart_after is not None and self.stale[w] >= self.restart_after:
                self.current_f[w], self.stale[w] = np.inf, 0

    # -- what the result reports ---------------------------------------------------------------
    def _population(self):
        if self.current is None:
            return np.empty((0, self.dim)), np.empty(0)
        keep = np.isfinite(self.current_f) & ~np.isnan(self.current).any(axis=1)
        return self.current[keep], self.current_f[keep]

