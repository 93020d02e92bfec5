"""Constraints: scipy's ``NonlinearConstraint`` and ``LinearConstraint``, or a plain callable
``g(x) -> array`` meaning ``g(x) <= 0``, turned into each point's violation.

How the algorithms use it: Deb's feasibility rules (K. Deb, "An efficient constraint handling
method for genetic algorithms", Computer Methods in Applied Mechanics and Engineering 186,
2000): a feasible point beats an infeasible one, two feasible points compare by objective,
two infeasible ones by their total violation. The engine hands each algorithm one value per
point that orders points so (:func:`deb_value`): the objective for a feasible point (values
above ``COMPRESS_ABOVE`` = 1e100 through a monotone logarithmic compression, so that every
finite feasible value, up to the largest double, ranks below ``INFEASIBLE``), and
``INFEASIBLE * (1 + violation)`` for an infeasible one. Every comparison an algorithm makes
(DE's selection, the archive and success memories of JADE/SHADE/L-SHADE, the GA's
tournaments, CMA-ES's and the evolution strategies' ranking, SA's and tabu's acceptance,
random search's best) therefore follows Deb's rules, with no penalty weight to tune.
"""

import contextlib

import numpy as np

from .evaluation.rows import Failure

__all__ = ["Constraints", "as_constraints", "deb_value", "objective_of", "INFEASIBLE",
           "COMPRESS_ABOVE"]

#: Feasible values above this are ranked through ``COMPRESS_ABOVE * (1 + log10(f /
#: COMPRESS_ABOVE))``: monotone, so the order holds (values closer than a relative 1e-13 may
#: tie), and the largest double maps to 2.1e102.
COMPRESS_ABOVE = 1e100
#: Above every ranked feasible value: infeasible points rank from here on, by violation.
INFEASIBLE = 1e200


def deb_value(f, violation):
    """One value per point that orders points by Deb's rules (``violation`` >= 0, summed):
    feasible points first by objective, then infeasible ones by violation. A failed
    evaluation (``f = inf``) ranks last."""
    f = np.asarray(f, dtype=float)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        big = np.isfinite(f) & (f > COMPRESS_ABOVE)
        ranked = np.where(big, COMPRESS_ABOVE * (1.0 + np.log10(np.where(big, f, 1.0)
                                                               / COMPRESS_ABOVE)), f)
        return np.where(violation > 0, INFEASIBLE * (1.0 + violation), ranked)


def objective_of(ranked):
    """The objective values behind ``deb_value``'s feasible ranks (inf for infeasible ones);
    compressed values come back to a relative 1e-14."""
    ranked = np.asarray(ranked, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        big = np.isfinite(ranked) & (ranked > COMPRESS_ABOVE) & (ranked < INFEASIBLE)
        f = np.where(big, COMPRESS_ABOVE * 10.0 ** (np.where(big, ranked, COMPRESS_ABOVE)
                                                     / COMPRESS_ABOVE - 1.0), ranked)
        return np.where(ranked >= INFEASIBLE, np.inf, f)


def _is_linear(c):
    return hasattr(c, "A") and hasattr(c, "lb") and hasattr(c, "ub")


def _is_nonlinear(c):
    return hasattr(c, "fun") and hasattr(c, "lb") and hasattr(c, "ub")


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
    equality_tol : float, default 1e-4
        A component with ``lb == ub`` (an equality) is met when ``|h(x) - lb| <= equality_tol``
        and violated by ``|h(x) - lb| - equality_tol`` beyond: no sampled point meets an
        equality exactly. 1e-4 is the convention of the CEC 2006 constrained benchmark
        (Liang et al. 2006, "Problem definitions and evaluation criteria for the CEC 2006
        special session on constrained real-parameter optimization"); it counts in
        feasibility, ``Result.maxcv`` and ``success``.
    """

    def __init__(self, constraints, dim, vectorized=False, equality_tol=1e-4):
        if isinstance(equality_tol, bool) or not isinstance(equality_tol, (int, float)) \
                or not 0 <= equality_tol < np.inf:
            raise ValueError(f"equality_tol must be a finite number >= 0, got "
                             f"equality_tol={equality_tol!r}")
        self.equality_tol = float(equality_tol)
        parts = constraints if isinstance(constraints, (list, tuple)) else [constraints]
        if not parts:
            raise ValueError("constraints is an empty list; pass None for no constraints")
        self.dim, self.vectorized = dim, bool(vectorized)
        self.parts = []
        for i, c in enumerate(parts):
            where = f"constraints[{i}]" if isinstance(constraints, (list, tuple)) \
                else "constraints"
            if _is_linear(c):
                A = c.A.toarray() if hasattr(c.A, "toarray") else c.A  # scipy.sparse
                try:
                    A = np.atleast_2d(np.asarray(A, dtype=float))
                except (TypeError, ValueError):
                    raise TypeError(f"{where}: LinearConstraint A must be a matrix of numbers, "
                                    f"got A={c.A!r:.80}") from None
                if A.ndim != 2 or not np.isfinite(A).all():
                    raise ValueError(f"{where}: LinearConstraint A must be a finite 2-d "
                                     f"matrix, got shape {A.shape}")
                if A.shape[1] != dim:
                    raise ValueError(f"{where}: LinearConstraint A must have {dim} columns, "
                                     f"got shape {A.shape}")
                self.parts.append(("linear", A, *self._bounds(c, A.shape[0], where)))
            elif _is_nonlinear(c):
                if not callable(c.fun):
                    raise TypeError(f"{where}: NonlinearConstraint.fun must be callable")
                lb, ub = self._checked_bounds(c, where)
                self.parts.append(("nonlinear", c.fun, lb, ub))
            elif callable(c):
                self.parts.append(("callable", c, None, None))
            else:
                raise TypeError(f"{where} must be a scipy NonlinearConstraint, "
                                f"LinearConstraint or a callable g(x) <= 0, got {c!r}")

    def describe(self):
        """What defines these constraints, as plain strings (a checkpoint compares them on
        resume): each part's kind, its function's name, and its bounds or matrix."""
        out = [f"equality_tol={self.equality_tol!r}"]
        for kind, fun, lb, ub in self.parts:
            if kind == "linear":
                out.append(f"linear A={np.array2string(fun, precision=17)} "
                           f"lb={np.array2string(lb, precision=17)} "
                           f"ub={np.array2string(ub, precision=17)}")
            else:
                name = getattr(fun, "__qualname__", type(fun).__qualname__)
                bounds = "" if lb is None else f" lb={lb.tolist()} ub={ub.tolist()}"
                out.append(f"{kind} {name}{bounds}")
        return out

    @staticmethod
    def _checked_bounds(c, where, m=None):
        try:
            lb, ub = np.asarray(c.lb, float), np.asarray(c.ub, float)
            if m is not None:
                lb, ub = np.broadcast_to(lb, (m,)), np.broadcast_to(ub, (m,))
            lb, ub = (a.copy() for a in np.broadcast_arrays(lb, ub))
        except (TypeError, ValueError):
            raise ValueError(f"{where}: lb and ub must be numbers or arrays of one shape, got "
                             f"lb={c.lb!r:.80}, ub={c.ub!r:.80}") from None
        if np.isnan(lb).any() or np.isnan(ub).any():
            raise ValueError(f"{where}: lb and ub must not be NaN, got lb={c.lb!r:.80}, "
                             f"ub={c.ub!r:.80}")
        if np.any(lb > ub):
            raise ValueError(f"{where}: lb must not exceed ub, got lb={c.lb!r}, ub={c.ub!r}")
        return lb, ub

    def _bounds(self, c, m, where):
        return self._checked_bounds(c, where, m)

    def _outside(self, v, lb, ub):
        """How far ``v`` lies outside ``[lb, ub]``; equalities within ``equality_tol``."""
        outside = np.maximum(lb - v, 0) + np.maximum(v - ub, 0)
        equal = lb == ub
        if np.any(equal):
            near = np.maximum(np.abs(v - lb) - self.equality_tol, 0)
            outside = np.where(equal, near, outside)
        return outside

    def _values(self, fun, X):
        """``fun`` over the rows of X as an (n, m) array."""
        if self.vectorized:
            values = _numbers(fun(X))
            if values.ndim == 0:
                raise ValueError(f"a vectorized constraint must return one row per point: got "
                                 f"a single number for {X.shape[0]} points")
            if values.ndim == 1:
                values = values[:, None]
            if values.shape[0] != X.shape[0]:
                raise ValueError(f"a vectorized constraint must return one row per point: got "
                                 f"shape {values.shape} for {X.shape[0]} points")
            return values
        rows = [np.atleast_1d(_numbers(fun(x))).ravel() for x in X]
        return np.array(rows, dtype=float).reshape(len(rows), -1)

    def violations(self, X):
        """Each point's violation of each constraint component, (n, k), all >= 0; a value
        that is not a number counts as an infinite violation."""
        X = np.asarray(X, dtype=float)
        out = []
        for kind, fun, lb, ub in self.parts:
            if kind == "linear":
                out.append(self._outside(X @ fun.T, lb, ub))
            elif kind == "nonlinear":
                out.append(self._outside(self._values(fun, X), lb, ub))
            else:
                out.append(np.maximum(self._values(fun, X), 0))
        cv = np.concatenate(out, axis=1)
        return np.where(np.isnan(cv), np.inf, cv)

    def evaluate(self, X, limit=None):
        """``(violations, failures)``: :meth:`violations`, where a row whose constraint
        functions raise gets an infinite violation and a
        :class:`~metaopt.evaluation.rows.Failure` (numbered by its row in ``X``). Functions
        of one point are called once per row; a vectorized batch that raises is evaluated
        again row by row to find the rows that fail. ``limit(rows)``, when given, is a context
        manager that bounds the time of one call over that many rows (``timeout=``)."""
        guard = limit or (lambda rows: contextlib.nullcontext())
        batch_error = None
        if self.vectorized:
            try:
                with guard(X.shape[0]):
                    return self.violations(X), []
            except Exception as exc:  # noqa: BLE001 - the batch's failure: find its rows
                batch_error = exc
        rows, failures = [], []
        for i in range(X.shape[0]):
            try:
                with guard(1):
                    rows.append(self.violations(X[i:i + 1])[0])
            except Exception as exc:  # noqa: BLE001
                rows.append(None)
                failures.append(Failure.from_exception(i, exc))
        if batch_error is not None and len(failures) == X.shape[0]:  # the batch's error
            failures = [Failure.from_exception(i, batch_error) for i in range(X.shape[0])]
        width = next((len(r) for r in rows if r is not None), 1)
        for i, r in enumerate(rows):
            if r is not None and len(r) != width:  # a row of another width: that row fails
                failures.append(Failure(i, "ValueError", f"the constraints gave {len(r)} values "
                                        f"for this point and {width} for an earlier one"))
                rows[i] = None
        failures.sort(key=lambda f: f.row)
        cv = np.array([np.full(width, np.inf) if r is None else r for r in rows])
        return cv.reshape(X.shape[0], width), failures

    def __call__(self, X):
        """Each point's total violation (the sum over components, Deb's measure), (n,)."""
        return self.violations(X).sum(axis=1)


def _numbers(values):
    """A constraint's output as a float array; None or non-numbers raise naming it."""
    if values is None:
        raise TypeError("a constraint returned None; it must return numbers (<= 0 when met)")
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"a constraint must return numbers, got {values!r:.80}") from None


def as_constraints(constraints, dim, vectorized=False, equality_tol=1e-4):
    """None, or :class:`Constraints` over ``constraints``."""
    if constraints is None:
        return None
    if isinstance(constraints, Constraints):
        return constraints
    return Constraints(constraints, dim, vectorized, equality_tol)
