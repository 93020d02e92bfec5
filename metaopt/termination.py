"""The stopping rules of a run: budget, generations, target, time, stagnation."""

import time

import numpy as np

from ._checks import check_int, check_real

__all__ = ["Termination"]


class Termination:
    """The stopping rules of a run; the first one met ends it.

    Parameters
    ----------
    budget : int
        Evaluations; the last batch is truncated so that ``nfev == budget`` exactly.
    maxiter : int, optional
        Generations (batches told, the initial design included).
    target : float, optional
        Stop once the best value is ``<= target``.
    max_time : float, optional
        Wall-clock seconds (of this process, resumed runs included); checked after each
        generation.
    stagnation : int, optional
        Stop after this many generations without the best improving by more than
        ``stagnation_tol``.
    stagnation_tol : float, default 0
    """

    def __init__(self, budget, maxiter=None, target=None, max_time=None, stagnation=None,
                 stagnation_tol=0.0):
        self.budget = check_int("budget", budget, minimum=1)
        self.maxiter = check_int("maxiter", maxiter, minimum=1, allow_none=True)
        self.target = None if target is None else _check_target(target)
        self.max_time = check_real("max_time", max_time, 0.0, low_open=True, allow_none=True)
        self.stagnation = check_int("stagnation", stagnation, minimum=1, allow_none=True)
        self.stagnation_tol = check_real("stagnation_tol", stagnation_tol, 0.0)
        self.state = {"elapsed": 0.0, "reference": np.inf, "stalled": 0}

    def start(self, state=None):
        """Start the clock and the counters (from a checkpoint's ``counters`` when resuming)."""
        if state is not None:
            self.state = dict(state)
        self._t0 = time.perf_counter() - self.state["elapsed"]

    def elapsed(self):
        """Seconds the run has lasted, resumed parts included."""
        return time.perf_counter() - self._t0

    def snapshot(self):
        """The rules' counters, for a checkpoint."""
        return dict(self.state, elapsed=self.elapsed())

    def check(self, opt):
        """Return ``(success, message)`` when a rule is met, else None."""
        best = opt.best_fun
        state = self.state
        if self.stagnation is not None and opt.nit != state.get("seen_nit"):
            state["seen_nit"] = opt.nit  # counts generations, also when checked more often
            if best < state["reference"] - self.stagnation_tol:
                state["reference"], state["stalled"] = best, 0
            else:
                state["stalled"] += 1
        if opt.converged is not None:
            return True, str(opt.converged)
        if self.target is not None and best <= self.target:
            return True, f"target value {self.target:g} reached"
        if opt.nfev >= self.budget:
            return True, f"budget of {self.budget} evaluations exhausted"
        if self.maxiter is not None and opt.nit >= self.maxiter:
            return True, f"maximum number of generations ({self.maxiter}) reached"
        if self.max_time is not None and self.elapsed() >= self.max_time:
            return True, f"time limit of {self.max_time:g} s reached"
        if self.stagnation is not None and state["stalled"] >= self.stagnation:
            return True, (f"stagnation: no improvement over {self.stagnation_tol:g} in "
                          f"{self.stagnation} generations")
        return None


def _check_target(target):
    return check_real("target", target)
