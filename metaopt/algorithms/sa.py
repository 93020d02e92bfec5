"""Simulated annealing (S. Kirkpatrick, C. D. Gelatt, M. P. Vecchi, Science 220:671-680, 1983)
with a population of independent chains advanced together."""

import math

import numpy as np

from .._checks import check_choice, check_int, check_real
from ..constraints import INFEASIBLE
from ..kernels import annealing as KA
from ..state import Array, Float, Int
from .base import Optimizer, population_problem
from .genomes import MOVES, make_genome

__all__ = ["SA", "SCHEDULES"]

SCHEDULES = ("geometric", "exponential", "logarithmic", "adaptive")


class SA(Optimizer):
    """Simulated annealing: ``pop_size`` chains, each proposing one move per batch.

    Moves by variable type: reals (and integers, choices, on the unit cube) take a Gaussian or
    Cauchy step of per-chain scale ``step``, adapted every 10 moves towards 30% acceptance; bits
    flip ``flips`` random bits; a permutation undergoes a segment reversal ("2opt") or a swap.
    With a distance matrix (``distances=``, lent by ``minimize`` from ``problems.TSP``), each
    batch runs ``inner_moves`` 2-opt proposals per chain inside a kernel from their deltas
    (counted in ``Result.ndelta``) and hands the chains' tours to the objective.

    Temperature, at step k of K (K from the budget):

    - "geometric": ``T0 * r**k`` with r such that T reaches ``T0 * final_ratio`` at K;
    - "exponential": ``T0 * exp(-c * k**(1/dim))`` (Ingber 1989), reaching the same end;
    - "logarithmic": ``T0 / log(e + k)`` (Geman & Geman 1984): slow, for the patient;
    - "adaptive": ``T <- T / (1 + T log(1 + delta) / (3 sigma))`` with sigma the spread of the
      chains' values (Aarts & van Laarhoven 1985).

    ``T0`` defaults to the temperature that accepts an average uphill move of the first
    proposals with probability 0.8. ``reheat_after`` steps without a new best reheat to ``T0``
    (the schedule restarts), and with ``restart=True`` every chain restarts from the best point.

    Parameters
    ----------
    bounds : Space, variable, or (low, high) pairs
    pop_size : int, default 32 (4 with a distance matrix)
    schedule : {"geometric", "exponential", "logarithmic", "adaptive"}
    T0 : float, optional
    final_ratio : float, default 1e-8
    delta : float, default 0.1 (adaptive schedule)
    step : float, default 0.1; distribution : {"gauss", "cauchy"}
    flips : int, default 1
    move : {"2opt", "swap", "insertion", "mixed"}, default "mixed"
        Permutations without distances: a segment reversal, a swap, an insertion (one element
        moved elsewhere), or a reversal or an insertion at random.
    inner_moves : int, optional (distance mode; default ``20 * n``)
    reheat_after : int, optional; restart : bool
    distances : (n, n) array, optional
    rng, budget : as for every algorithm
    """

    needs_budget = True

    def __init__(self, bounds, *, pop_size=None, schedule="geometric", T0=None,
                 final_ratio=1e-8, delta=0.1, step=0.1, distribution="gauss", flips=1,
                 move="mixed", inner_moves=None, reheat_after=None, restart=False,
                 distances=None, rng=None, budget=None):
        super().__init__(bounds, rng=rng, budget=budget)
        self.genome = make_genome(self.space, distances, "SA", permutation_alone=False)
        self.native = self.genome.native
        # With distances the chains anneal inside a kernel (moves scored by their deltas);
        # otherwise each batch is one genome move per chain, accepted here. Chosen once.
        tours = self.genome.distances is not None
        self._advance = self._anneal_tours if tours else self._propose_moves
        self._accept = self._tell_tours if tours else self._metropolis
        self._first_T0 = self._set_T0_from_tours if tours else self._T0_at_first_move
        default_pop = 4 if tours else 32
        self.pop_size = check_int("pop_size", default_pop if pop_size is None else pop_size,
                                  minimum=1)
        self.schedule = check_choice("schedule", schedule, SCHEDULES)
        self.T0 = check_real("T0", T0, 0.0, low_open=True, allow_none=True)
        self.final_ratio = check_real("final_ratio", final_ratio, 0.0, 1.0, low_open=True,
                                      high_open=True)
        self.delta = check_real("delta", delta, 0.0, low_open=True)
        self.step0 = check_real("step", step, 0.0, low_open=True)
        self.distribution = check_choice("distribution", distribution, ("gauss", "cauchy"))
        self.flips = check_int("flips", flips, minimum=1, maximum=self.dim)
        self.move = check_choice("move", move, MOVES)
        self.reheat_after = check_int("reheat_after", reheat_after, minimum=1, allow_none=True)
        if not isinstance(restart, bool):
            raise TypeError(f"restart must be a bool, got restart={restart!r}")
        self.restart = restart
        self.inner_moves = check_int("inner_moves", 20 * self.dim if inner_moves is None
                                     else inner_moves, minimum=1)
        self.accepts_repairs = not tours  # annealed tours live in the chains
        self.chains = None
        self.chain_f = None
        self.chain_raw = None  # constrained runs: each chain's (objective, total violation)
        self.T = None
        self.k = 0
        self._since_best = 0
        self._sigma = np.full(self.pop_size, self.step0)
        self._accepted = np.zeros(self.pop_size)
        self._proposal = None

    STATE = {
        "chains": Array(float, "pop_size", "dim", optional=True, points=True),
        "chain_f": Array(float, "pop_size", optional=True),
        "chain_raw": Array(float, 2, "pop_size", optional=True),
        "T": Float(0.0, optional=True),
        "T0": Float(0.0, optional=True),
        "k": Int(0),
        "_since_best": Int(0),
        "_sigma": Array(float, "pop_size", low=0.0, high=1.0),
        "_accepted": Array(float, "pop_size", low=0.0),
        "_proposal": Array(float, "pop_size", "dim", optional=True, points=True),
    }

    def _state_problem(self):
        return population_problem(self.chains, self.chain_f) or super()._state_problem()

    @property
    def batch_size(self):
        return self.pop_size

    # -- temperature -------------------------------------------------------------------------
    def temperature(self, k):
        """The schedule's temperature at step k (not for the adaptive schedule)."""
        K = max(1, self.budget // self.pop_size - 1)  # the schedule's length in steps
        if self.schedule == "geometric":
            return self.T0 * self.final_ratio ** min(k / K, 1.0)
        if self.schedule == "exponential":
            c = -math.log(self.final_ratio) / K ** (1.0 / self.dim)
            return self.T0 * math.exp(-c * k ** (1.0 / self.dim))
        return self.T0 / math.log(math.e + k)

    def _cool(self):
        self.k += 1
        if self.schedule == "adaptive":
            finite = self.chain_f[np.isfinite(self.chain_f)]
            spread = float(np.std(finite)) if finite.size else 0.0
            if spread > 0:
                self.T = self.T / (1.0 + self.T * math.log(1.0 + self.delta) / (3.0 * spread))
        else:
            self.T = self.temperature(self.k)

    # -- ask/tell ------------------------------------------------------------------------------
    def _ask(self):
        if self.chains is None:
            return self._initial()
        return self._advance()

    def _tell(self, X, f):
        if self.chains is None:
            self.chains, self.chain_f = X.copy(), f.copy()
            if self._told is not None:
                self.chain_raw = np.stack(self._told).astype(float)
            self._first_T0()
            return
        self._accept(X, f)

    def _propose_moves(self):
        self._proposal = self._propose(self.chains)
        return self._proposal

    def _tell_tours(self, X, f):
        self.chain_f[: len(f)] = f  # the kernel tracked them; the objective has the last word
        self._after_step(f)

    def _metropolis(self, X, f):
        k = len(f)
        u = self.rng.random(k)
        if self._told is None or self.chain_raw is None:
            if self.T is None:
                self._set_T0(f, self.chain_f[:k])
            accept = KA.metropolis(self.chain_f[:k], f, self.T, u)
        else:  # constrained: Metropolis on the objective between feasible points, else Deb
            raw, cv = self._told
            old_raw, old_cv = self.chain_raw[0, :k], self.chain_raw[1, :k]
            if self.T is None:
                self._set_T0(raw, old_raw)
            both_feasible = (cv == 0) & (old_cv == 0)
            accept = np.where(both_feasible, KA.metropolis(old_raw, raw, self.T, u),
                              f <= self.chain_f[:k])
            self.chain_raw[:, :k][:, accept] = np.stack([raw, cv])[:, accept]
        self.chains[:k][accept] = X[accept]
        self.chain_f[:k][accept] = f[accept]
        if self.genome.continuous:
            self._adapt_steps(accept)
        self._cool()
        self._after_step(f)

    def _after_step(self, f):
        if f.min() < self.best_fun:
            self._since_best = 0
        else:
            self._since_best += 1
        if self.reheat_after is not None and self._since_best >= self.reheat_after:
            self.k, self.T, self._since_best = 0, self.T0, 0
            if self.restart and self._best_u is not None:
                self.chains[:] = self._best_u
                self.chain_f[:] = self.best_fun
                if self.chain_raw is not None:  # the best's objective and total violation
                    self.chain_raw[0] = self.best_value
                    self.chain_raw[1] = 0.0 if self.best_fun < INFEASIBLE \
                        else self.best_fun / INFEASIBLE - 1.0

    def _set_T0(self, proposed, current):
        """T0 from the first step's uphill moves: 80% of them accepted (on average)."""
        if self.T0 is None:
            with np.errstate(invalid="ignore"):  # inf - inf where both failed: not uphill
                deltas = proposed - current
            uphill = deltas[np.isfinite(deltas) & (deltas > 0)]
            self.T0 = float(-uphill.mean() / math.log(0.8)) if uphill.size else 1.0
        self.T = self.T0

    def _population(self):
        if self.chains is None:
            return np.empty((0, self.dim)), np.empty(0)
        return self.chains, self.chain_f

    # -- moves ---------------------------------------------------------------------------------
    def _initial(self):
        return self.genome.random(self.pop_size, self.rng)

    def _propose(self, x):
        """One move per chain: a scaled step, ``flips`` bit flips, or a permutation move."""
        return self.genome.propose(x, self.rng, scales=self._sigma,
                                   distribution=self.distribution, flips=self.flips,
                                   move=self.move)

    def _adapt_steps(self, accept):
        self._accepted[: len(accept)] += accept
        if self.k % 10 == 9:
            rate = self._accepted / 10.0
            self._sigma = np.clip(self._sigma * np.exp(rate - 0.3), 1e-12, 1.0)
            self._accepted[:] = 0

    # -- tours with distances ------------------------------------------------------------------
    def _T0_at_first_move(self):
        """Without distances T0 is measured on the first proposals (``_set_T0``)."""

    def _set_T0_from_tours(self):
        if self.T0 is None:
            probe = self.rng.random((1, 2000, 3))
            tour = self.chains[:1].astype(np.int64).copy()
            length = self.chain_f[:1].copy()
            # Deltas of random 2-opt moves from a random tour, measured at T = inf (all kept).
            before = length[0]
            deltas = []
            for s in range(probe.shape[1]):
                KA.anneal_tours(self.genome.distances, tour, length, 1e300, 1e300,
                                probe[:, s:s + 1])
                deltas.append(length[0] - before)
                before = length[0]
            deltas = np.array(deltas)
            uphill = deltas[deltas > 0]
            self.T0 = float(-uphill.mean() / math.log(0.8)) if uphill.size else 1.0
        self.T = self.T0

    def _anneal_tours(self):
        tours = self.chains.astype(np.int64)
        lengths = self.chain_f.copy()
        t_start = self.T
        self._cool()
        u = self.rng.random((self.pop_size, self.inner_moves, 3))
        self.ndelta += KA.anneal_tours(self.genome.distances, tours, lengths, t_start, self.T, u)
        self.chains = tours.astype(float)
        return self.chains.copy()

