"""Generalized simulated annealing with a local phase, as scipy's ``dual_annealing``."""

import math

import numpy as np
from scipy.special import gammaln

from .._checks import check_choice, check_int, check_real
from ..state import Array, Bool, Float, Int, Str
from .base import Optimizer
from .local_phase import LOCAL_METHODS, LocalPhase, local_limit, local_options

__all__ = ["DualAnnealing"]

TAIL_LIMIT = 1.0e8
MIN_VISIT_BOUND = 1.0e-10
MAX_REINIT = 1000
PHASES = ("init", "chain", "local_best", "local_min")


class DualAnnealing(Optimizer):
    """Generalized simulated annealing (Tsallis & Stariolo 1996; Xiang, Sun, Fan & Gong 1997)
    coupled with a local search, the algorithm of ``scipy.optimize.dual_annealing`` (Xiang
    et al. 2013, "Generalized simulated annealing for global optimization: the GenSA package").

    One chain. Each iteration at temperature ``T(i) = T0 (2^(qv-1) - 1) / ((i+2)^(qv-1) - 1)``
    makes ``2 dim`` visits from the current point: the first ``dim`` move every coordinate at
    once, the others one coordinate each, by steps of the distorted Cauchy-Lorentz (Tsallis)
    visiting distribution with parameter ``visit`` = qv (in the variables' units, wrapped
    into the box). A better point is taken; a worse one with the generalized Metropolis
    probability ``(1 - (1 - qa) dE / T_qa)^(1 / (1 - qa))``, ``T_qa = T / (i + 1)``, qa =
    ``accept``. After the chain, a local search starts from the best point when the chain
    improved it, and from the chain's own best after ``1000`` (later ``dim``) chains without
    improvement. Below ``T0 * restart_temp_ratio`` the chain restarts from a random point.
    These rules and constants are scipy's (read in scipy 1.16 ``_dual_annealing.py``); its
    probabilistic local search (``pls``) is never taken there (``K`` stays ``100 dim``) and
    is not taken here. Unlike scipy, a run does not stop after ``maxiter`` iterations: it
    restarts and spends its budget.

    The local search is scipy's ``minimize`` over the unit cube, one evaluation at a time
    through the engine (:class:`~metaopt.algorithms.local_phase.LocalPhase`), so it counts in
    the budget, the trials and the checkpoints (a resume replays it exactly).

    Parameters
    ----------
    bounds : Space, variable, or (low, high) pairs
    initial_temp : float, default 5230
    restart_temp_ratio : float, default 2e-5
    visit : float, default 2.62 (in (1, 3))
    accept : float, default -5.0 (in (-1e4, -5])
    local : {"l-bfgs-b", "nelder-mead", "powell", "cobyqa"} or None, default "l-bfgs-b"
        The local phase (None: no local search, scipy's ``no_local_search=True``).
        ``"l-bfgs-b"`` is scipy's default, its gradient by finite differences (steps of 1e-8
        in the variables' units), each evaluation counted; the others use no gradient.
        Measured (ten functions of ``problems``, 1,000 x d, 3 seeds): at d = 5 L-BFGS-B and
        Nelder-Mead tie (Griewank: L-BFGS-B), at d = 20 L-BFGS-B solves Rastrigin, Schwefel
        and Levy where Nelder-Mead ends at 21.9, 1638 and 2.2.
    local_maxfev : int, optional
        Evaluations one local search may spend; default the method's own (scipy's), with
        L-BFGS-B at dual_annealing's ``maxiter = min(max(6 dim, 100), 1000)``; never more than
        the budget left.
    maxiter : int, optional
        Stop after this many iterations (scipy's ``maxiter``, 1000 there); default: spend the
        budget. ``minimize(method="dual_annealing", maxiter=...)`` means this one.
    rng, budget : as for every algorithm
    """

    def __init__(self, bounds, *, initial_temp=5230.0, restart_temp_ratio=2e-5, visit=2.62,
                 accept=-5.0, local="l-bfgs-b", local_maxfev=None, maxiter=None, rng=None,
                 budget=None):
        super().__init__(bounds, rng=rng, budget=budget)
        self.initial_temp = check_real("initial_temp", initial_temp, 0.01, 5e4)
        self.restart_temp_ratio = check_real("restart_temp_ratio", restart_temp_ratio, 0.0,
                                             1.0, low_open=True, high_open=True)
        self.visit = check_real("visit", visit, 1.0, 3.0, low_open=True, high_open=True)
        self.accept = check_real("accept", accept, -1e4, -5.0, low_open=True)
        self.local = None if local is None else check_choice(
            "local", local.lower() if isinstance(local, str) else local, LOCAL_METHODS)
        self.local_maxfev = check_int("local_maxfev", local_maxfev, minimum=1,
                                      allow_none=True)
        self.maxiter = check_int("maxiter", maxiter, minimum=1, allow_none=True)
        self._range = self.space.width.copy()
        qv = self.visit
        self._factor2 = math.exp((4.0 - qv) * math.log(qv - 1.0))
        self._factor3 = math.exp((2.0 - qv) * math.log(2.0) / (qv - 1.0))
        self._factor4_p = math.sqrt(math.pi) * self._factor2 / (self._factor3 * (3.0 - qv))
        self._factor5 = 1.0 / (qv - 1.0) - 0.5
        self._d1 = 2.0 - self._factor5
        self._factor6 = math.pi * (1.0 - self._factor5) / math.sin(
            math.pi * (1.0 - self._factor5)) / math.exp(float(gammaln(self._d1)))
        self._t1 = math.exp((qv - 1.0) * math.log(2.0)) - 1.0
        d = self.dim
        self.phase = "init"
        self.current = None
        self.current_f = math.inf
        self.xbest = None
        self.ebest = math.inf
        self.xmin = None
        self.emin = math.inf
        self.step = 0  # i: the temperature index since the last (re)start
        self.chain_step = 0  # j: the visit within the chain
        self.iteration = 0
        self.not_improved = 0
        self.not_improved_max = 1000
        self.improved = False
        self.reinits = 0
        self.local_x0 = np.zeros(d)
        self.local_e0 = math.inf
        self.local_maxfev_now = 0
        self.local_values = np.empty(0)
        self._local = None

    STATE = {
        "phase": Str(choices=PHASES),
        "current": Array(float, "dim", optional=True, points=True),
        "current_f": Float(),
        "xbest": Array(float, "dim", optional=True, points=True),
        "ebest": Float(),
        "xmin": Array(float, "dim", optional=True, points=True),
        "emin": Float(),
        "step": Int(0), "chain_step": Int(0), "iteration": Int(0),
        "not_improved": Int(0), "not_improved_max": Int(1),
        "improved": Bool(), "reinits": Int(0, MAX_REINIT),
        "local_x0": Array(float, "dim", points=True),
        "local_e0": Float(),
        "local_maxfev_now": Int(0),
        "local_values": Array(float, None),
    }
    #: The minimizer's thread, rebuilt from the local phase's start and values on load.
    DERIVED = ("_local",)

    def _rebuild(self):
        self._local = None
        if self.phase in ("local_best", "local_min"):
            self._local = LocalPhase(self.local, self.local_x0, self.local_maxfev_now,
                                     self._local_options(), replay=self.local_values)

    def _state_problem(self):
        if self.phase != "init" and (self.current is None or self.xbest is None
                                     or self.xmin is None):
            return f"phase {self.phase!r} needs the current, best and chain points"
        if self.chain_step >= 2 * self.dim:
            return f"chain_step={self.chain_step} is not below 2 dim = {2 * self.dim}"
        if self.phase.startswith("local") and (self.local is None or
                                               self.local_values.size > self.local_maxfev_now):
            return "a local phase needs a local method and at most local_maxfev_now values"
        if self._local is not None and self._local.done:
            return "the local phase's values end it before its last evaluation was told"
        return super()._state_problem()

    @property
    def batch_size(self):
        return 1

    # -- temperature and visits ----------------------------------------------------------------
    def temperature(self, step=None):
        """T at temperature index ``step`` (default the current one)."""
        i = self.step if step is None else step
        t2 = math.exp((self.visit - 1.0) * math.log(i + 2.0)) - 1.0
        return self.initial_temp * self._t1 / t2

    def _visit_steps(self, temperature, n):
        x, y = self.rng.normal(size=(n, 2)).T
        qv = self.visit
        factor1 = math.exp(math.log(temperature) / (qv - 1.0))
        factor4 = self._factor4_p * factor1
        x = x * math.exp(-(qv - 1.0) * math.log(self._factor6 / factor4) / (3.0 - qv))
        with np.errstate(divide="ignore", over="ignore"):
            den = np.exp((qv - 1.0) * np.log(np.fabs(y)) / (3.0 - qv))
            return x / den

    def _visiting(self, u, j, temperature):
        """The visit ``j`` of the chain from unit point ``u`` (in the variables' units,
        wrapped into the box as scipy's VisitingDistribution.visiting)."""
        width = self._range
        x = u * width  # the variables' units, measured from the lower bound
        d = self.dim
        if j < d:
            visits = self._visit_steps(temperature, d)
            upper, lower = self.rng.uniform(size=2)
            visits[visits > TAIL_LIMIT] = TAIL_LIMIT * upper
            visits[visits < -TAIL_LIMIT] = -TAIL_LIMIT * lower
            moved = np.fmod(np.fmod(visits + x, width) + width, width)
            moved[np.fabs(moved) < MIN_VISIT_BOUND] += 1e-10
        else:
            moved = x.copy()
            visit = float(self._visit_steps(temperature, 1)[0])
            if visit > TAIL_LIMIT:
                visit = TAIL_LIMIT * self.rng.uniform()
            elif visit < -TAIL_LIMIT:
                visit = -TAIL_LIMIT * self.rng.uniform()
            k = j - d
            value = math.fmod(math.fmod(visit + x[k], width[k]) + width[k], width[k])
            if math.fabs(value) < MIN_VISIT_BOUND:
                value += MIN_VISIT_BOUND
            moved[k] = value
        return np.clip(moved / width, 0.0, 1.0)

    # -- ask / tell ---------------------------------------------------------------------------
    def _ask(self):
        if self.phase == "init":
            return self.rng.random((1, self.dim))
        if self.phase == "chain":
            return self._visiting(self.current, self.chain_step, self.temperature())[None, :]
        return self._local.point()[None, :]

    def _tell(self, U, f):
        u, e = U[0].copy(), float(f[0])
        if self.phase == "init":
            self._tell_start(u, e)
        elif self.phase == "chain":
            self._tell_visit(u, e)
        else:
            self._local.tell(e)
            self.local_values = np.append(self.local_values, e)
            self._settle_local()

    def _tell_start(self, u, e):
        if not math.isfinite(e) and self.reinits < MAX_REINIT - 1:
            self.reinits += 1
            return  # scipy's reset draws another start
        self.reinits = 0
        self.current, self.current_f = u, e
        if self.xbest is None:
            self.xbest, self.ebest = u.copy(), e
            self.xmin, self.emin = u.copy(), e
        self.step = 0
        self._begin_chain()

    def _begin_chain(self):
        self.phase, self.chain_step = "chain", 0
        self.not_improved += 1
        self.improved = self.step == 0

    def _tell_visit(self, u, e):
        j = self.chain_step
        if e < self.current_f:
            self.current, self.current_f = u, e
            if e < self.ebest:
                self.xbest, self.ebest = u.copy(), e
                self.improved = True
                self.not_improved = 0
        else:
            t_qa = self.temperature() / float(self.step + 1)
            r = self.rng.uniform()
            pqv_temp = 1.0 - (1.0 - self.accept) * (e - self.current_f) / t_qa
            pqv = 0.0 if not pqv_temp > 0.0 else math.exp(math.log(pqv_temp)
                                                          / (1.0 - self.accept))
            if r <= pqv:
                self.current, self.current_f = u, e
                self.xmin = u.copy()
            if self.not_improved >= self.not_improved_max and (
                    j == 0 or self.current_f < self.emin):
                self.emin, self.xmin = self.current_f, self.current.copy()
        self.chain_step += 1
        if self.chain_step == 2 * self.dim:
            self.chain_step = 0
            if self.local is not None and self.improved:
                self._start_local("local_best", self.xbest, self.ebest)
            else:
                self._after_best_search()

    # -- the local phase ----------------------------------------------------------------------
    def _local_options(self):
        return local_options(self.local, self.dim, self._range)

    def _start_local(self, phase, u, e):
        left = math.inf if self.budget is None else self.budget - self.nfev
        cap = local_limit(self.local, self.dim, self.local_maxfev, left)
        self.phase = phase
        self.local_x0, self.local_e0 = u.copy(), e
        self.local_maxfev_now, self.local_values = cap, np.empty(0)
        self._local = LocalPhase(self.local, u, cap, self._local_options())
        self._settle_local()

    def _settle_local(self):
        """Take the result of a local search that has ended, and go on."""
        if self._local is None or not self._local.done:
            return
        x, e = self._local.result
        self._local = None
        self.local_values = np.empty(0)
        if x is None or not e < self.local_e0:  # scipy keeps the start unless it improved
            x, e = self.local_x0.copy(), self.local_e0
        if self.phase == "local_best":
            if e < self.ebest:
                self.not_improved = 0
                self.xbest, self.ebest = x.copy(), e
                self.current, self.current_f = x.copy(), e
            self._after_best_search()
        else:
            self.xmin, self.emin = x.copy(), e
            self.not_improved = 0
            self.not_improved_max = self.dim
            if e < self.ebest:
                self.xbest, self.ebest = x.copy(), e
                self.current, self.current_f = x.copy(), e
            self._end_iteration()

    def _after_best_search(self):
        if self.local is not None and self.not_improved >= self.not_improved_max:
            self._start_local("local_min", self.xmin, self.emin)
        else:
            self._end_iteration()

    def _end_iteration(self):
        self.iteration += 1
        self.step += 1
        if self.maxiter is not None and self.iteration >= self.maxiter:
            self.converged = "Maximum number of iteration reached"
        if self.temperature() < self.initial_temp * self.restart_temp_ratio:
            self.phase = "init"  # re-annealing from a random point; the best is kept
        else:
            self._begin_chain()

    def _population(self):
        """The chain's current point and the best point found."""
        if self.current is None:
            return np.empty((0, self.dim)), np.empty(0)
        return np.vstack([self.current, self._best_u]), np.array([self.current_f,
                                                                   self.best_fun])
