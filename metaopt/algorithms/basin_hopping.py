"""Basin hopping, as scipy's ``basinhopping``: local searches from random displacements."""

import math

import numpy as np

from .._checks import check_choice, check_int, check_real
from ..state import Array, Bool, Float, Int
from .base import Optimizer
from .local_phase import LOCAL_METHODS, LocalPhase, local_limit, local_options

__all__ = ["BasinHopping"]


class BasinHopping(Optimizer):
    """Basin hopping (Wales & Doye 1997, "Global optimization by basin-hopping and the lowest
    energy structures of Lennard-Jones clusters"; the scheme of ``scipy.optimize.basinhopping``):
    an iterated local search over reals.

    Each iteration displaces the current local minimum by a uniform step in
    ``[-stepsize, stepsize]`` on every coordinate (in the variables' units), runs a local
    search from there and accepts its minimum by the Metropolis test
    ``exp(-(f_new - f_old) / T) >= u`` (and only if the search succeeded or the current one had
    not). Every ``interval`` steps the step size is divided by ``factor`` when more than
    ``target_accept_rate`` of the steps so far were accepted, multiplied by it otherwise. These
    rules and defaults are scipy's (read in scipy 1.16 ``_basinhopping.py``: ``T=1``,
    ``stepsize=0.5``, ``interval=50``, ``target_accept_rate=0.5``, ``stepwise_factor=0.9``);
    the first local search starts from ``x0`` (``start_from``) or a uniform random point.
    Unlike scipy, a run does not stop after ``niter`` iterations: it spends its budget.

    The local search is scipy's ``minimize`` over the unit cube, one evaluation at a time
    through the engine (:class:`~metaopt.algorithms.local_phase.LocalPhase`): it counts in the
    budget, the trials and the checkpoints (a resume replays it exactly). Displaced points are
    clipped into the box.

    Its local searches need a landscape that is not flat almost everywhere: it searches
    reals, integers and choices, not bits or permutations (DE, GA, SA or ILS do).

    Parameters
    ----------
    bounds : Space, variable, or (low, high) pairs
    T : float, default 1.0
    stepsize : float, default 0.5
    interval : int, default 50
    target_accept_rate : float, default 0.5
    stepwise_factor : float, default 0.9
    local : {"powell", "nelder-mead", "cobyqa", "l-bfgs-b"}, default "powell"
        Measured on the ten functions of ``problems`` (d = 5, 1,000 x d, 3 seeds): Powell
        no worse than the others on 9 of 10 (Rastrigin: L-BFGS-B), and 2 to 10 times faster
        a run than L-BFGS-B and COBYQA.
    local_maxfev : int, optional
        Evaluations one local search may spend; default the method's own, never more than the
        budget left.
    niter : int, optional
        Stop after this many hops (scipy's ``niter``, 100 there); default: spend the budget.
    niter_success : int, optional
        Stop when the lowest minimum found has not improved for this many hops (scipy's
        rule: a hop counts when it is accepted with a successful search and a lower value).
    rng, budget : as for every algorithm
    """

    supports = ("real", "integer", "choice")

    def __init__(self, bounds, *, T=1.0, stepsize=0.5, interval=50, target_accept_rate=0.5,
                 stepwise_factor=0.9, local="powell", local_maxfev=None, niter=None,
                 niter_success=None, rng=None, budget=None):
        super().__init__(bounds, rng=rng, budget=budget)
        self.T = check_real("T", T, 0.0)
        self.stepsize0 = check_real("stepsize", stepsize, 0.0, low_open=True)
        self.interval = check_int("interval", interval, minimum=1)
        self.target_accept_rate = check_real("target_accept_rate", target_accept_rate, 0.0,
                                             1.0, low_open=True, high_open=True)
        self.stepwise_factor = check_real("stepwise_factor", stepwise_factor, 0.0, 1.0,
                                          low_open=True, high_open=True)
        self.local = check_choice("local", local.lower() if isinstance(local, str) else local,
                                  LOCAL_METHODS)
        self.local_maxfev = check_int("local_maxfev", local_maxfev, minimum=1,
                                      allow_none=True)
        self.niter = check_int("niter", niter, minimum=1, allow_none=True)
        self.niter_success = check_int("niter_success", niter_success, minimum=1,
                                       allow_none=True)
        self._width = self.space.width.copy()
        d = self.dim
        self.xmin = None  # the current local minimum (unit cube) and its value, energy
        self.energy = math.inf
        self.incumbent_success = False
        self.stepsize = self.stepsize0
        self.nstep = 0
        self.naccept = 0
        self.local_x0 = np.zeros(d)
        self.local_maxfev_now = 0
        self.local_values = np.empty(0)
        self.searching = False
        self.lowest = math.inf  # scipy's Storage: the lowest accepted successful minimum
        self.since_lowest = 0
        self._local = None

    STATE = {
        "xmin": Array(float, "dim", optional=True, points=True),
        "energy": Float(),
        "incumbent_success": Bool(),
        "stepsize": Float(0.0),
        "nstep": Int(0), "naccept": Int(0),
        "local_x0": Array(float, "dim", points=True),
        "local_maxfev_now": Int(0),
        "local_values": Array(float, None),
        "searching": Bool(),
        "lowest": Float(), "since_lowest": Int(0),
    }
    #: The minimizer's thread, rebuilt from the local phase's start and values on load.
    DERIVED = ("_local",)

    def _rebuild(self):
        self._local = None
        if self.searching:
            self._local = LocalPhase(self.local, self.local_x0, self.local_maxfev_now,
                                     local_options(self.local, self.dim, self._width),
                                     replay=self.local_values)

    def _state_problem(self):
        if self.naccept > self.nstep:
            return f"naccept={self.naccept} exceeds nstep={self.nstep}"
        if self.searching and self.local_values.size > self.local_maxfev_now:
            return "a local search holds more values than its limit"
        if self._local is not None and self._local.done:
            return "the local search's values end it before its last evaluation was told"
        if self.nstep and self.xmin is None:
            return "steps were taken without a local minimum to take them from"
        return super()._state_problem()

    @property
    def batch_size(self):
        return 1

    def _ask(self):
        while not self.searching:  # a search that ends before its first request is settled
            start = self._x0 if self.xmin is None and self._x0 is not None else None
            self._start_local(self._first_point(start) if self.xmin is None else self._step())
        return self._local.point()[None, :]

    def _first_point(self, start):
        return start.copy() if start is not None else self.rng.random(self.dim)

    def _step(self):
        """scipy's AdaptiveStepsize around RandomDisplacement, in the variables' units."""
        self.nstep += 1
        if self.nstep % self.interval == 0:
            if self.naccept / self.nstep > self.target_accept_rate:
                self.stepsize /= self.stepwise_factor
            else:
                self.stepsize *= self.stepwise_factor
        moved = self.xmin + self.rng.uniform(-self.stepsize, self.stepsize, self.dim) / self._width
        return np.clip(moved, 0.0, 1.0)

    def _start_local(self, u):
        left = math.inf if self.budget is None else self.budget - self.nfev
        self.local_maxfev_now = local_limit(self.local, self.dim, self.local_maxfev, left)
        self.local_x0, self.local_values = u.copy(), np.empty(0)
        self._local = LocalPhase(self.local, u, self.local_maxfev_now,
                                 local_options(self.local, self.dim, self._width))
        self.searching = True
        self._settle()

    def _tell(self, U, f):
        self._local.tell(float(f[0]))
        self.local_values = np.append(self.local_values, float(f[0]))
        self._settle()

    def _settle(self):
        if not self._local.done:
            return
        x, f = self._local.result
        success = self._local.success
        self._local, self.searching, self.local_values = None, False, np.empty(0)
        if x is None:  # nothing was evaluated
            return
        if self.xmin is None:
            self.xmin, self.energy, self.incumbent_success = x.copy(), f, success
            self.lowest = f
            return
        # scipy's Metropolis, NaN included: min(0, nan) is 0 there, so inf after inf is taken
        beta = 1.0 / self.T if self.T != 0 else math.inf
        with np.errstate(invalid="ignore", over="ignore"):
            prod = float(np.float64(-(f - self.energy)) * beta)
        w = math.exp(min(0, prod))
        accept = w >= self.rng.uniform() and (success or not self.incumbent_success)
        new_lowest = False
        if accept:
            self.naccept += 1
            self.xmin, self.energy, self.incumbent_success = x.copy(), f, success
            if success and f < self.lowest:
                self.lowest, new_lowest = f, True
        self.since_lowest = 0 if new_lowest else self.since_lowest + 1
        if self.niter_success is not None and self.since_lowest > self.niter_success:
            self.converged = "success condition satisfied"
        elif self.niter is not None and self.nstep >= self.niter:
            self.converged = "requested number of basinhopping iterations completed " \
                             "successfully"

    def _population(self):
        """The current local minimum and the best point found."""
        if self.xmin is None:
            return np.empty((0, self.dim)), np.empty(0)
        return np.vstack([self.xmin, self._best_u]), np.array([self.energy, self.best_fun])
