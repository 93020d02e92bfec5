"""The ask/tell contract for several objectives: ``tell(X, F)`` with ``F`` of shape (n, m), all
minimized, and a Result that carries the non-dominated set (``pareto_x``, ``pareto_fun``).

A run's progress is the hypervolume of its front (the space the front dominates up to a
reference point): recorded in ``Result.history`` (column ``hypervolume``) and, negated, in
``best_fun``, so that the engine's stopping rules (stagnation, callbacks) and progress bar
read it as they read a single objective. Hypervolume, IGD and IGD+ are moocore's
(:mod:`metaopt.indicators`).
"""

from __future__ import annotations

import time

import numpy as np

from .._checks import check_int
from ..indicators import derived_reference, front_hypervolume
from ..kernels import pareto as KP
from ..result import History, Result
from ..state import Array, Float
from ..trials import Trials
from .base import Optimizer

__all__ = ["MultiObjectiveOptimizer", "FrontHistory"]


class FrontHistory(History):
    """The hypervolume of the front against evaluations, one row per generation: columns
    ``nit``, ``nfev``, ``hypervolume`` and ``time``."""

    columns = ("nit", "nfev", "hypervolume", "time")

    def __getattr__(self, name):
        if name in FrontHistory.columns:
            return self[name]
        raise AttributeError(name)

    def __repr__(self):
        if not self._n:
            return "FrontHistory(empty)"
        last = self._n - 1
        return (f"FrontHistory({len(self)} rows; last: nit={int(self._data[0][last])}, "
                f"nfev={int(self._data[1][last])}, hypervolume={self._data[2][last]:.6g})")


class MultiObjectiveOptimizer(Optimizer):
    """Base of the methods that minimize ``objectives`` (m >= 2) values at once.

    Subclasses implement ``_ask() -> U``, ``_tell(U, F, cv)`` (``F`` (n, m) with failures as
    +inf rows, ``cv`` (n,) total constraint violations, 0 when feasible or unconstrained) and
    ``_population() -> (U, F, cv)``.

    Parameters
    ----------
    bounds : sequence of (low, high), Space or variable
    objectives : int
        How many values ``fun`` returns for a point (at least 2).
    ref_point : (m,) array, optional
        The hypervolume's reference point, in minimized terms. Default: derived from the
        first generation, ``worst + 0.1 * (worst - best)`` per objective over its feasible
        points (stated in ``Result.hv_ref``).
    rng, budget : as for every algorithm
    """

    def __init__(self, bounds, *, objectives=2, ref_point=None, rng=None, budget=None):
        super().__init__(bounds, rng=rng, budget=budget)
        self.n_objectives = check_int("objectives", objectives, minimum=2)
        if ref_point is not None:
            ref = np.asarray(ref_point, dtype=float)
            if ref.shape != (self.n_objectives,) or not np.isfinite(ref).all():
                raise ValueError(f"ref_point must be {self.n_objectives} finite numbers, got "
                                 f"ref_point={ref_point!r}")
            ref_point = ref
        self.hv_ref = ref_point
        self.hypervolume = 0.0
        self.history = FrontHistory()
        self.trials = Trials(self.space, n_objectives=self.n_objectives)
        if self.budget is not None:
            self.trials.expect(self.budget)

    STATE = {
        "hv_ref": Array(float, "n_objectives", optional=True),
        "hypervolume": Float(0.0),
    }

    def tell(self, X, fX, violation=None):
        """Report the objective values ``fX`` (n, m) of the points ``X`` (n, dim): the asked
        batch or its first rows. A row with a value that is not a finite number counts as
        failed, +inf in every objective. ``violation`` as for one objective."""
        U, X, F, n = self._told_arrays(X, fX)
        failed = ~np.isfinite(F).all(axis=1)
        if failed.any():
            F = np.where(failed[:, None], np.inf, F)
        U, cv, _ = self._count_batch(U, X, n, violation)
        self._tell(U, F, np.zeros(n) if cv is None else cv)
        if self.hv_ref is None:
            self.hv_ref = derived_reference(F, np.zeros(n) if cv is None else cv)
        _, front_F = self.front()
        self.hypervolume = float(front_hypervolume(front_F, self.hv_ref))
        self.best_fun = -self.hypervolume
        now = time.perf_counter() - self._t0
        self.history.append(self.nit, self.nfev, self.hypervolume, now)
        self.trials.append(X, F, self.nit, now, failed if failed.any() else None, cv)

    def progress(self):
        return "hypervolume", self.hypervolume

    def front(self):
        """The current non-dominated set: its points (unit cube or genome values) and their
        objectives; only feasible points when any is feasible. A point the population holds
        twice is here twice (the Result's front holds it once)."""
        U, F, cv = self._population()
        if U.shape[0] == 0:
            return U, F
        feasible = cv <= 0.0
        if feasible.any():
            U, F, cv = U[feasible], F[feasible], cv[feasible]
        else:  # none feasible: the least violated
            least = cv == cv.min()
            U, F, cv = U[least], F[least], cv[least]
        finite = np.isfinite(F).all(axis=1)
        if finite.any():
            U, F, cv = U[finite], F[finite], cv[finite]
        rank = KP.nondominated_ranks(F, cv)
        return U[rank == 0], F[rank == 0]

    def result(self, success=True, message="ask/tell run"):
        """The run so far: ``x`` and ``fun`` are the non-dominated set (``pareto_x`` (k, dim),
        ``pareto_fun`` (k, m), as pymoo's X and F), with the final population, the front's
        hypervolume against ``hv_ref`` and its history."""
        U, F = self.front()
        pareto_x = self._values(U)
        if U.shape[0] > 1:  # each point once (bits and permutations repeat), in front order
            _, first = np.unique(pareto_x, axis=0, return_index=True)
            pareto_x, F = pareto_x[np.sort(first)], F[np.sort(first)]
        pop_u, pop_f, pop_cv = self._population()
        if self.constrained and pop_cv.size and not (pop_cv <= 0).any():
            success = False
            message = (f"no feasible point found (the least violation: maxcv="
                       f"{pop_cv.min():.3g}); {message}")
        res = Result(x=pareto_x, fun=F.copy(), pareto_x=pareto_x, pareto_fun=F.copy(),
                     nfev=self.nfev, nit=self.nit, success=success, message=message,
                     population=self._values(pop_u), population_fun=pop_f.copy(),
                     history=self.history)
        if self.constrained:  # the front's largest violation: 0 once any point is feasible
            res.maxcv = 0.0 if (pop_cv <= 0).any() else float(pop_cv.min())
        if self.space.named:
            res.pareto_params = [self.space.to_dict(x) for x in pareto_x]
        res.hv_ref = None if self.hv_ref is None else self.hv_ref.copy()
        res.hypervolume = self.hypervolume
        return self._finish_result(res)

    def _tell(self, U, F, cv):
        raise NotImplementedError

    def _population(self):
        """The current population: points, objectives (n, m), total violations (n,)."""
        raise NotImplementedError
