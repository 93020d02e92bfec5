"""The one ask -> evaluate -> tell loop: budget, termination rules, callback, history.

Algorithms never call the objective; this loop does, so counting and stopping live in one place.
"""

import time

import numpy as np

from ._checks import check_int, check_real

__all__ = ["Termination", "run"]


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
        Wall-clock seconds; checked after each generation.
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

    def start(self):
        self._t0 = time.perf_counter()
        self._reference = np.inf
        self._stalled = 0

    def check(self, opt):
        """Return ``(success, message)`` when a rule is met, else None."""
        best = opt.best_fun
        if self.target is not None and best <= self.target:
            return True, f"target value {self.target:g} reached"
        if opt.nfev >= self.budget:
            return True, f"budget of {self.budget} evaluations exhausted"
        if self.maxiter is not None and opt.nit >= self.maxiter:
            return True, f"maximum number of generations ({self.maxiter}) reached"
        if self.max_time is not None and time.perf_counter() - self._t0 >= self.max_time:
            return True, f"time limit of {self.max_time:g} s reached"
        if self.stagnation is not None:
            if best < self._reference - self.stagnation_tol:
                self._reference, self._stalled = best, 0
            else:
                self._stalled += 1
                if self._stalled >= self.stagnation:
                    return True, (f"stagnation: no improvement over {self.stagnation_tol:g} in "
                                  f"{self.stagnation} generations")
        return None


def _check_target(target):
    value = check_real("target", target) if not np.isinf(target) else None
    if value is None:
        raise ValueError(f"target must be finite, got target={target!r}")
    return value


def run(opt, evaluator, termination, callback=None):
    """Drive ``opt`` until a rule of ``termination`` (or the callback) stops it.

    Parameters
    ----------
    opt : Optimizer
    evaluator : callable, (n, dim) values -> (n,) objective values
    termination : Termination
    callback : callable, optional
        ``callback(intermediate_result)`` after each generation, with a :class:`Result`;
        returning True (or raising StopIteration) stops the run.

    Returns
    -------
    Result
    """
    budget = termination.budget
    termination.start()
    while True:
        X = opt.ask()
        remaining = budget - opt.nfev
        if X.shape[0] > remaining:
            X = X[:remaining]
        opt.tell(X, evaluator(X))
        stop = termination.check(opt)
        if stop is None and callback is not None and _callback_stops(callback, opt):
            stop = (False, "stopped by the callback")
        if stop is not None:
            return opt.result(success=stop[0], message=stop[1])


def _callback_stops(callback, opt):
    try:
        return callback(opt.result(success=True, message="in progress")) is True
    except StopIteration:
        return True
