"""Constraints: scipy's ``NonlinearConstraint`` and ``LinearConstraint``, or a plain callable
``g(x) -> array`` meaning ``g(x) <= 0``, turned into each point's violation.

How the algorithms use it: Deb's feasibility rules (K. Deb, "An efficient constraint handling
method for genetic algorithms", Computer Methods in Applied Mechanics and Engineering 186,
2000): a feasible point beats an infeasible one, two feasible points compare by objective,
two infeasible ones by their total violation. The engine hands each algorithm one value per
point that orders points exactly so (:func:`deb_value`): the objective for a feasible point,
``INFEASIBLE * (1 + violation)`` for an infeasible one. Every comparison an algorithm makes
(DE's selection, the archive and success memories of JADE/SHADE/L-SHADE, the GA's
tournaments, CMA-ES's and the evolution strategies' ranking, SA's and tabu's acceptance,
random search's best) therefore follows Deb's rules, with no penalty weight to tune.
"""

import numpy as np

from .evaluation.rows import Failure

__all__ = ["Constraints", "as_constraints", "deb_value", "INFEASIBLE"]

#: Above any objective value a feasible point may have: infeasible points rank beyond it.
INFEASIBLE = 1e100


def deb_value(f, violation):
    """One value per point that orders points by Deb's rules (``violation`` >= 0, summed)."""
    with np.errstate(over="ignore"):
        return np.where(violation > 0, INFEASIBLE * (1.0 + violation), f)


def _is_linear(c):
    return hasattr(c, "A") and hasattr(c, "lb") and hasattr(c, "ub")


def _is_nonlinear(c):
    return hasattr(c, "fun") and hasattr(c, "lb") and hasattr(c, "ub")


def _is_jitted(fun):
    return hasattr(fun, "py_func") and hasattr(fun, "signatures")


class Constraints:
    """The violations of a batch of points under a list of constraints.

    Parameters
    ----------
    constraints : constraint or list of constraints
        ``scipy.optimize.NonlinearConstraint(fun, lb, ub)`` (``lb <= fun(x) <= ub``),
        ``scipy.optimize.LinearConstraint(A, lb, ub)`` (``lb <= A x <= ub``), or a callable
        ``g(x) -> array`` meaning ``g(x) <= 0`` (a Numba ``@njit`` one works too).
    dim : int
    vectorized : bool
        Callables and NonlinearConstraint functions take the whole batch ``X`` (n, dim) and
        return (n, m) (or (n,) for one constraint), as the objective does with
        ``vectorized=True``.
    """

    def __init__(self, constraints, dim, vectorized=False):
        parts = constraints if isinstance(constraints, (list, tuple)) else [constraints]
        if not parts:
            raise ValueError("constraints is an empty list; pass None for no constraints")
        self.dim, self.vectorized = dim, bool(vectorized)
        self.parts = []
        for i, c in enumerate(parts):
            where = f"constraints[{i}]" if isinstance(constraints, (list, tuple)) \
                else "constraints"
            if _is_linear(c):
                A = np.atleast_2d(np.asarray(c.A, dtype=float))
                if A.shape[1] != dim:
                    raise ValueError(f"{where}: LinearConstraint A must have {dim} columns, "
                                     f"got shape {A.shape}")
                self.parts.append(("linear", A, *self._bounds(c, A.shape[0], where)))
            elif _is_nonlinear(c):
                if not callable(c.fun):
                    raise TypeError(f"{where}: NonlinearConstraint.fun must be callable")
                self.parts.append(("nonlinear", c.fun, np.asarray(c.lb, float),
                                   np.asarray(c.ub, float)))
            elif callable(c):
                self.parts.append(("callable", c, None, None))
            else:
                raise TypeError(f"{where} must be a scipy NonlinearConstraint, "
                                f"LinearConstraint or a callable g(x) <= 0, got {c!r}")

    @staticmethod
    def _bounds(c, m, where):
        lb = np.broadcast_to(np.asarray(c.lb, float), (m,)).copy()
        ub = np.broadcast_to(np.asarray(c.ub, float), (m,)).copy()
        if np.any(lb > ub):
            raise ValueError(f"{where}: lb must not exceed ub, got lb={c.lb!r}, ub={c.ub!r}")
        return lb, ub

    def _values(self, fun, X):
        """``fun`` over the rows of X as an (n, m) array."""
        if self.vectorized:
            values = np.asarray(fun(X), dtype=float)
            if values.ndim == 1:
                values = values[:, None]
            if values.shape[0] != X.shape[0]:
                raise ValueError(f"a vectorized constraint must return one row per point: got "
                                 f"shape {values.shape} for {X.shape[0]} points")
            return values
        rows = [np.atleast_1d(np.asarray(fun(x), dtype=float)) for x in X]
        return np.array(rows, dtype=float).reshape(len(rows), -1)

    def violations(self, X):
        """Each point's violation of each constraint component, (n, k), all >= 0; a value
        that is not a number counts as an infinite violation."""
        X = np.asarray(X, dtype=float)
        out = []
        for kind, fun, lb, ub in self.parts:
            if kind == "linear":
                v = X @ fun.T
                out.append(np.maximum(lb - v, 0) + np.maximum(v - ub, 0))
            elif kind == "nonlinear":
                v = self._values(fun, X)
                out.append(np.maximum(lb - v, 0) + np.maximum(v - ub, 0))
            else:
                out.append(np.maximum(self._values(fun, X), 0))
        cv = np.concatenate(out, axis=1)
        return np.where(np.isnan(cv), np.inf, cv)

    def evaluate(self, X):
        """``(violations, failures)``: :meth:`violations`, where a row whose constraint
        functions raise gets an infinite violation and a
        :class:`~metaopt.evaluation.rows.Failure` (numbered by its row in ``X``). Functions
        of one point are called once per row; a vectorized batch that raises is evaluated
        again row by row to find the rows that fail."""
        batch_error = None
        if self.vectorized:
            try:
                return self.violations(X), []
            except Exception as exc:  # noqa: BLE001 - the batch's failure: find its rows
                batch_error = exc
        rows, failures = [], []
        for i in range(X.shape[0]):
            try:
                rows.append(self.violations(X[i:i + 1])[0])
            except Exception as exc:  # noqa: BLE001
                rows.append(None)
                failures.append(Failure.from_exception(i, exc))
        if batch_error is not None and len(failures) == X.shape[0]:  # the batch's error
            failures = [Failure.from_exception(i, batch_error) for i in range(X.shape[0])]
        width = max((len(r) for r in rows if r is not None), default=1)
        cv = np.array([np.full(width, np.inf) if r is None else r for r in rows])
        return cv.reshape(X.shape[0], width), failures

    def __call__(self, X):
        """Each point's total violation (the sum over components, Deb's measure), (n,)."""
        return self.violations(X).sum(axis=1)


def as_constraints(constraints, dim, vectorized=False):
    """None, or :class:`Constraints` over ``constraints``."""
    if constraints is None:
        return None
    if isinstance(constraints, Constraints):
        return constraints
    return Constraints(constraints, dim, vectorized)
