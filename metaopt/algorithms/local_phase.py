"""A local search from scipy.optimize, driven one evaluation at a time through ask/tell.

``scipy.optimize.minimize`` calls its objective itself; here that call hands the point to the
optimizer's ``ask()`` and waits for the value that ``tell()`` brings, so every evaluation of
the local phase goes through the engine (budget, failure policy, trials table, checkpoints).
The minimizer runs in a helper thread that is always waiting while the engine works: the two
never run at once.

A search whose first ``dim + 1`` values are all failures (NaN or infinite: a region where the
objective fails) ends there, keeping its start, rather than spend its limit learning nothing.

A checkpoint holds only the start point and the values told so far. The minimizers used here
are deterministic, so a resumed run replays them: it starts the minimizer again from the same
point and answers its first requests with the recorded values, without evaluating anything,
until it asks for the first new point, exactly where the interrupted run would have gone on.
"""

import queue
import threading
import weakref

import numpy as np

__all__ = ["LocalPhase", "LOCAL_METHODS", "local_options", "local_limit"]

#: scipy.optimize.minimize methods that need no gradient from the user. L-BFGS-B estimates it
#: by finite differences, whose evaluations count like the others (as dual_annealing's).
LOCAL_METHODS = ("powell", "nelder-mead", "cobyqa", "l-bfgs-b")


def local_limit(method, dim, requested, left):
    """Evaluations one search may spend: ``requested`` or the method's own default in scipy
    (Powell 1000 dim, Nelder-Mead 200 dim, COBYQA 500 dim, L-BFGS-B 15000), never more than
    the ``left`` of the budget (at least 1)."""
    default = {"powell": 1000 * dim, "nelder-mead": 200 * dim, "cobyqa": 500 * dim,
               "l-bfgs-b": 15000}[method]
    return int(min(requested or default, max(left, 1)))


def local_options(method, dim, width=None):
    """The minimizer's options over the unit cube. L-BFGS-B takes dual_annealing's iteration
    limit ``min(max(6 dim, 100), 1000)`` and finite-difference steps of 1e-8 in the variables'
    units (``width``: the box's widths), as scipy's run in those units. The simplex and
    line-search methods' default tolerances (1e-4) are relative to the unit cube here, so
    coarse; they are set to what their ftol means at the precision of doubles."""
    if method == "l-bfgs-b":
        options = {"maxiter": min(max(6 * dim, 100), 1000)}
        if width is not None:
            options["eps"] = 1e-8 / np.asarray(width, dtype=float)
        return options
    if method == "powell":
        return {"xtol": 1e-8, "ftol": 1e-12}
    if method == "nelder-mead":
        return {"xatol": 1e-10, "fatol": 1e-12}
    return {}


class _Stop(Exception):
    """Raised inside the minimizer's objective to end an abandoned local search."""


class LocalPhase:
    """One local search over the unit cube, asked and told one point at a time.

    Parameters
    ----------
    method : str
        One of :data:`LOCAL_METHODS` (scipy.optimize.minimize's method).
    x0 : (dim,) array in [0, 1]
    maxfev : int
        Evaluations the search may spend (the minimizer's own limit, and a hard cap here).
    options : dict, optional
        More options for the minimizer.
    replay : sequence of float, optional
        Values told before a checkpoint, answered again without evaluation.
    """

    def __init__(self, method, x0, maxfev, options=None, replay=()):
        self.method = method
        self.options = dict(options or {})
        self.x0 = np.array(x0, dtype=float)
        self.maxfev = int(maxfev)
        self.values = []  # every value told (replayed ones first)
        self._replay = list(replay)
        self._requests = queue.Queue(maxsize=1)
        self._answers = queue.Queue(maxsize=1)
        self._waiting = None  # the point the minimizer waits for, or None
        self.result = None  # (x, f) once the minimizer has returned
        self.error = None  # what stopped the minimizer, if it raised
        self.success = False  # the minimizer's own verdict (False when cut short)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._finalizer = weakref.finalize(self, _abandon, self._answers, self._thread)
        self._thread.start()
        self._next()

    @property
    def done(self):
        """Whether the minimizer has returned (``result`` holds its answer)."""
        return self._waiting is None

    def point(self):
        """The point the minimizer waits to have evaluated (a copy), or None when done."""
        return None if self._waiting is None else self._waiting.copy()

    def tell(self, f):
        """The value of :meth:`point`; runs the minimizer on to its next request."""
        if self._waiting is None:
            raise RuntimeError("LocalPhase.tell: the local search has ended")
        self._waiting = None
        self.values.append(float(f))
        self._answers.put(float(f))
        self._next()

    def close(self):
        """End the minimizer's thread if it is still waiting."""
        self._finalizer()

    # -- inside the helper thread ------------------------------------------------------------
    def _objective(self, x):
        if len(self.values) == self.x0.size + 1 and not np.isfinite(self.values).any():
            raise _Stop  # dim + 1 failures from the start: no slope to follow from here
        if self._replay:
            f = self._replay.pop(0)
            self.values.append(f)
            return f
        if len(self.values) >= self.maxfev:
            raise _Stop  # the minimizer overran its own limit (finite differences do)
        self._requests.put(("ask", np.clip(np.array(x, dtype=float), 0.0, 1.0)))
        f = self._answers.get()
        if f is None:
            raise _Stop
        return f

    def _run(self):
        from scipy.optimize import minimize

        bounds = [(0.0, 1.0)] * self.x0.size
        limit = "maxfun" if self.method == "l-bfgs-b" else "maxfev"
        options = {**self.options, limit: self.maxfev}
        best = [None, np.inf]

        def objective(x):
            f = self._objective(x)
            if f < best[1]:
                best[0], best[1] = np.clip(np.array(x, dtype=float), 0.0, 1.0), f
            return f if np.isfinite(f) else np.inf

        try:
            # inf - inf in finite differences over failed points: numpy's error state is the
            # thread's own, so this quiets the minimizer only, not the user's objective
            with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
                res = minimize(objective, self.x0, method=self.method, bounds=bounds,
                               options=options)
            x = np.clip(np.asarray(res.x, dtype=float), 0.0, 1.0)
            f = float(res.fun)
            if best[0] is not None and not f <= best[1]:
                x, f = best[0], best[1]  # what was evaluated, not the minimizer's claim
            self.success = bool(res.success)
            self._requests.put(("done", (x, f)))
        except _Stop:
            self._requests.put(("done", (best[0], best[1])))
        except Exception as exc:  # noqa: BLE001 - the search ends; its best point stands
            self.error = exc
            self._requests.put(("done", (best[0], best[1])))

    def _next(self):
        kind, payload = self._requests.get()
        if kind == "ask":
            self._waiting = payload
        else:
            self._waiting = None
            self.result = payload
            self._thread.join()


def _abandon(answers, thread):
    if thread.is_alive():
        try:
            answers.put_nowait(None)
        except queue.Full:  # pragma: no cover - the minimizer is not waiting
            pass
        thread.join(timeout=5)
