"""The ask/tell contract every algorithm implements.

Algorithms search the unit cube ``[0, 1]^dim``; :class:`Optimizer` decodes what they ask into
variable values, sanitises what users tell (NaN and inf count as +inf), keeps the best point,
the counters and the history. Subclasses implement ``_ask() -> U`` and ``_tell(U, f)``;
``f`` may be the caller's own array, so they copy what they keep.
"""

from __future__ import annotations

import functools
import inspect
import time

import numpy as np

from .._checks import check_int, check_point
from ..constraints import deb_value, objective_of
from ..kernels.bookkeeping import all_finite, same_rows
from ..result import History, Result
from ..rng import as_generator, rng_origin
from ..sampling import make_sampler
from ..space import as_space
from ..state import RNG, Array, Bool, Float, Int, Nested, Str
from ..trials import Trials
from .genomes import unit_cube_problem
from .stateful import Stateful

__all__ = ["Optimizer", "PopulationOptimizer", "POPULATION_STATE", "population_problem"]


class Optimizer(Stateful):
    """Base of every algorithm: ``ask()`` a batch, evaluate it, ``tell(X, fX)``; ``result()``.

    Parameters
    ----------
    bounds : sequence of (low, high), Space or variable
    rng : None, int or numpy.random.Generator
    budget : int, optional
        The number of evaluations the run will spend; algorithms whose schedule depends on it
        (L-SHADE's population reduction) read it, others ignore it.
    """

    #: Variable kinds the algorithm can search. Algorithms on the unit cube search them all:
    #: bits by thresholds, permutations by random keys.
    supports = ("real", "integer", "choice", "binary", "permutation")
    #: True when ``_ask`` returns variable values (tours, bits) rather than unit-cube points.
    native = False
    #: True when a schedule spans the evaluation budget (L-SHADE's population reduction, SA's
    #: cooling): then ``ask()`` refuses to run without one rather than guess it.
    needs_budget = False
    #: How many objectives the optimizer minimizes at once (see :mod:`.multiobjective`).
    n_objectives = 1

    #: The evolving state every optimizer has (see :mod:`metaopt.state`); subclasses declare
    #: theirs in their own ``STATE``, merged with this one. ``elapsed`` stands for the clock.
    STATE = {
        "rng": RNG(),
        "nfev": Int(0),
        "nit": Int(0),
        "ndelta": Int(0),
        "best_fun": Float(),
        "best_value": Float(),
        "best_violation": Float(0.0),
        "constrained": Bool(),
        "converged": Str(optional=True),
        "_best_u": Array(float, "dim", optional=True, points=True),
        "_pending": Array(float, None, "dim", optional=True, points=True),
        "_x0": Array(float, "dim", optional=True, points=True),
        "history": Nested(),
        "trials": Nested(),
        "elapsed": Float(0.0),
    }
    #: Attributes rebuilt from the state on load rather than saved (the asked batch in
    #: variable values), and ones that hold something only inside a call (``_told``).
    DERIVED = ("_asked_values", "_told", "_t0")

    def __init_subclass__(cls, **kwargs):
        """Each algorithm's constructor records the arguments it was called with (the
        outermost one, for subclasses calling their base's): what a resume compares."""
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None:
            return
        signature = inspect.signature(init)

        @functools.wraps(init)
        def recorded(self, *args, **kw):
            if "_given" not in vars(self):
                bound = signature.bind(self, *args, **kw)
                bound.apply_defaults()
                self._given = {name: value for name, value in bound.arguments.items()
                               if name not in ("self", "bounds", "rng", "budget")}
            init(self, *args, **kw)

        cls.__init__ = recorded

    def __init__(self, bounds, *, rng=None, budget=None):
        self.space = as_space(bounds)
        unsupported = sorted(set(self.space.kinds) - set(self.supports))
        if unsupported:
            raise ValueError(
                f"{type(self).__name__} supports variables of kind {self.supports}, "
                f"got a space with {unsupported}"
            )
        self.dim = self.space.dim
        self.rng = as_generator(rng)
        self.rng_origin = rng_origin(rng, self.rng)  # what a resume must be given again
        self.budget = check_int("budget", budget, minimum=1, allow_none=True)
        self.nfev = 0
        self.nit = 0
        self.ndelta = 0
        self.best_fun = np.inf
        #: Set (to why) by an algorithm that has nothing more to search; the run then ends.
        self.converged = None
        #: The genome searched natively (GA, SA, tabu search, ILS), or None (the unit cube).
        self.genome = None
        self._best_u = None
        self.best_value = np.inf     # the objective at the best point (Deb's rules)
        self.best_violation = 0.0    # its largest constraint violation (scipy's maxcv)
        self.constrained = False     # told violations (a constrained problem)
        self._told = None
        self._pending = None
        self._asked_values = None
        self._x0 = None  # a point to evaluate first (start_from), in the genome's terms
        self.history = History()
        self.trials = Trials(self.space)
        if self.budget is not None:
            self.trials.expect(self.budget)
        self._t0 = time.perf_counter()

    # -- the public contract ----------------------------------------------------------------
    @property
    def batch_size(self):
        """The number of points the next ``ask()`` returns."""
        raise NotImplementedError

    def set_budget(self, budget):
        """Give the number of evaluations the run will spend (the engine does this); a budget
        that differs from one already given is an error."""
        budget = check_int("budget", budget, minimum=1)
        if self.budget is not None and self.budget != budget:
            raise ValueError(f"budget={budget} conflicts with the budget={self.budget} this "
                             f"{type(self).__name__} was made with")
        self.budget = budget
        self.trials.expect(budget)

    def ask(self) -> np.ndarray:
        """Return the next batch to evaluate, shape (batch_size, dim), in variable values."""
        if self.budget is None and self.needs_budget:
            raise ValueError(
                f"{type(self).__name__} schedules its search over the evaluation budget: pass "
                f"budget= to {type(self).__name__}(...) (or to metaopt.run) for an ask/tell loop"
            )
        if self._pending is not None:
            raise RuntimeError("ask() called twice: tell() the previous batch first")
        U = self._ask()
        if self._x0 is not None:  # the first batch's first point is the user's start
            U[0], self._x0 = self._x0, None
        self._pending = U
        values = U.copy() if self.native else self.space.decode(U)
        self._asked_values = values.copy()  # what tell compares the told points with
        return values

    def start_from(self, x0):
        """Evaluate ``x0`` (a point in variable values) first: it takes the place of the first
        point of the first batch, whose other points the method draws as usual (scipy's
        ``x0`` for population methods; a local search or a chain then starts from it when it
        is the best of that batch). Call it before the first ``ask()``."""
        if self.nfev or self._pending is not None:
            raise RuntimeError("start_from(x0) must come before the first ask()")
        point = check_point("x0", x0, self.space)
        self._x0 = point.copy() if self.native else self.space.encode(point[None, :])[0]

    def tell(self, X: np.typing.ArrayLike, fX: np.typing.ArrayLike,
             violation: np.typing.ArrayLike | None = None) -> None:
        """Report the objective values ``fX`` of the points ``X``.

        ``X`` is the batch of the last ``ask()`` or its first ``k`` rows (a run that ends
        mid-batch). A row that differs from the asked point is taken as the caller's repair of
        it (clipped, rounded, made feasible), where the algorithm can take one; it must lie in
        the space. NaN and infinite values count as +inf.

        ``violation``, for constrained problems: each point's constraint violation, (k,) or
        one column per constraint (k, m), >= 0 (0: feasible). The algorithm then compares
        points by Deb's feasibility rules (:mod:`metaopt.constraints`).
        """
        U, X, f, n = self._told_arrays(X, fX)
        failed = None
        if not all_finite(f):
            failed = ~np.isfinite(f)
            f = np.where(failed, np.inf, f)
        U, cv, worst = self._count_batch(U, X, n, violation)
        ranked = f if cv is None else deb_value(f, cv)  # what the algorithm compares
        self._told = None if cv is None else (f, cv)  # for methods with their own rules (eps)
        self._tell(U, ranked)
        self._told = None
        i = int(ranked.argmin())
        if ranked[i] < self.best_fun or self._best_u is None:
            self.best_fun = float(ranked[i])
            self._best_u = U[i].copy()
            self.best_value = float(f[i])
            self.best_violation = 0.0 if cv is None else float(worst[i])
        now = time.perf_counter() - self._t0
        shown = self.best_value if self.best_violation == 0 else np.inf
        self.history.append(self.nit, self.nfev, shown, now)
        self.trials.append(X, f, self.nit, now, failed, cv)

    def _count_batch(self, U, X, n, violation):
        """The told batch taken: its violations (total, largest; None, None without),
        the caller's repairs, the counters. Returns (the told points, total, largest)."""
        cv, worst = self._violations(violation, n)
        self.constrained = self.constrained or cv is not None
        U = self._take_repairs(U[:n], X)
        self._pending = self._asked_values = None
        self.nfev += n
        self.nit += 1
        return U, cv, worst

    def _told_arrays(self, X, fX):
        """The pending batch, ``X`` and ``fX`` as float arrays and their rows, checked: fX of
        shape (k,) (one objective) or (k, m), X (k, dim), the first k rows of the batch."""
        U = self._pending
        if U is None:
            raise RuntimeError("tell() called without a pending ask()")
        f = np.asarray(fX)
        if f.dtype.kind not in "biuf":
            raise TypeError(f"tell: fX must hold real numbers, got fX={fX!r:.80}")
        f = f.astype(float, copy=False)
        try:
            X = np.asarray(X, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"tell: X must be an array of points, got X={X!r:.80}") from None
        n, m = (len(X) if X.ndim else 0), self.n_objectives
        values = (n,) if m == 1 else (n, m)
        if f.shape != values or n > U.shape[0] or n == 0 or X.shape != (n, self.dim):
            shape = "(k,)" if m == 1 else f"(k, {m}) (one column per objective)"
            raise ValueError(
                f"tell: fX must have shape {shape} and X shape (k, {self.dim}), the first k "
                f"rows of the asked batch, 0 < k <= {U.shape[0]}; got X of shape {X.shape} "
                f"and fX of shape {f.shape}"
            )
        return U, X, f, n

    def _violations(self, violation, n):
        """(total per point, largest component per point), or (None, None)."""
        if violation is None:
            return None, None
        try:
            v = np.asarray(violation, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"tell: violation must be an array of numbers, got "
                            f"violation={violation!r:.80}") from None
        if v.ndim == 1:
            v = v[:, None]
        if v.ndim != 2 or v.shape[0] != n:
            raise ValueError(f"tell: violation must have shape ({n},) or ({n}, m), got "
                             f"{np.shape(violation)}")
        v = np.where(np.isnan(v), np.inf, v)
        if np.any(v < 0):
            raise ValueError("tell: violation must be >= 0 (0 for a feasible point)")
        return v.sum(axis=1), v.max(axis=1) if v.shape[1] else np.zeros(n)

    #: Whether told points that differ from the asked ones (a caller's repair) can replace
    #: them; methods whose moves carry bookkeeping (tabu attributes, local-search tours) can't.
    accepts_repairs = True

    def _take_repairs(self, U, X):
        """``U`` with the rows the caller changed replaced by the told points, encoded."""
        asked = self._asked_values[: U.shape[0]] if self._asked_values is not None \
            else self._values(U)
        if same_rows(X, asked):
            return U
        differs = X != asked
        changed = np.flatnonzero(np.any(differs & ~(np.isnan(X) & np.isnan(asked)), axis=1))
        if changed.size == 0:
            return U
        rows = changed.tolist()[:10]
        if not self.accepts_repairs:
            raise ValueError(f"tell: rows {rows} of X differ from the asked points; "
                             f"{type(self).__name__} cannot take repaired points: tell the "
                             f"points it asked for")
        inside = np.isfinite(X[changed]).all(axis=1) & self.space.contains(X[changed])
        if not inside.all():
            raise ValueError(f"tell: rows {changed[~inside].tolist()[:10]} of X differ from "
                             f"the asked points and lie outside the space")
        U = U.copy()
        U[changed] = X[changed] if self.native else self.space.clip_unit(
            self.space.encode(X[changed]))
        return U

    # -- steady-state (asynchronous) contract -------------------------------------------------
    supports_async = False

    def ask_one(self):
        """Return ``(key, u)``: one point to evaluate now, in the unit cube, built from the
        current state (steady-state algorithms only)."""
        raise ValueError(f"asynchronous mode is not supported by {type(self).__name__}; "
                         f"methods that support it: DE")

    def tell_one(self, key, u, f):
        """Report the value ``f`` of the point ``u`` handed out by ``ask_one`` as ``key``."""
        raise NotImplementedError

    def _record_one(self, u, f, generation_size):
        """Counters, best and history for one steady-state evaluation."""
        self.nfev += 1
        if f < self.best_fun or self._best_u is None:
            self.best_fun, self._best_u = float(f), u.copy()
            self.best_value = float(f)
        now = time.perf_counter() - self._t0
        self.trials.append(self._values(u[None, :]), np.array([f], float), self.nit + 1, now,
                           np.array([not np.isfinite(f)]))
        if self.nfev % generation_size == 0:
            self.nit += 1
            self.history.append(self.nit, self.nfev, self.best_fun, now)

    # -- state as plain data (state_dict, load_state_dict: metaopt.algorithms.stateful) ---
    def _state_problem(self):
        """What makes the loaded state inconsistent (sizes that must agree, indices that must
        lie in range), as a message, or None. Run after the fields are set; the load is
        undone when it says something. Subclasses add their own tests to this one's."""
        if self.nfev != len(self.trials) + self.trials.dropped or self.nit != len(self.history):
            return (f"nfev={self.nfev} and nit={self.nit} disagree with the {len(self.trials)} "
                    f"trials (+{self.trials.dropped} dropped) and {len(self.history)} "
                    f"generations recorded")
        if self._pending is not None and self._pending.shape[0] != self.batch_size:
            return (f"_pending holds {self._pending.shape[0]} points where the next batch "
                    f"has {self.batch_size}")
        return None

    def check_points(self, U):
        """Why the rows of ``U`` are not points this optimizer searches (unit-cube points, or
        the genome's own values), or None."""
        if self.genome is not None:
            return self.genome.check_points(U)
        if not self.space.is_bounded:  # unbounded columns take any finite coordinate
            if not np.isfinite(U).all():
                return "points with coordinates that are not finite"
            return unit_cube_problem(U[:, self.space.bounded])
        return unit_cube_problem(U)

    def progress(self):
        """What a progress bar or log line shows of the run so far: (name, value)."""
        return "best", self.best_fun

    @property
    def asked(self):
        """The batch handed out by the last ``ask()`` and not yet told (in variable values),
        or None: what a run resumed mid-batch evaluates first."""
        return None if self._pending is None else self._values(self._pending)

    @property
    def x(self):
        """The best point so far, in variable values (None before the first tell)."""
        return None if self._best_u is None else self._values(self._best_u[None, :])[0]

    def _values(self, U):
        return U.copy() if self.native else self.space.decode(U)

    def result(self, success: bool = True, message: str = "ask/tell run") -> Result:
        """The run so far as a :class:`Result`."""
        pop_u, pop_f = self._population()
        if self.constrained:  # ranks back to objectives; infeasible members show none
            pop_f = objective_of(pop_f)
            if self.best_violation > 0:
                success = False
                message = (f"no feasible point found (the least violation: maxcv="
                           f"{self.best_violation:.3g}); {message}")
        res = Result(
            x=self.x, fun=self.best_value if self._best_u is not None else self.best_fun,
            nfev=self.nfev, nit=self.nit, success=success, message=message,
            population=self._values(pop_u), population_fun=pop_f.copy(), history=self.history,
        )
        if self.constrained:
            res.maxcv = self.best_violation
        if self.space.named and res.x is not None:
            res.params = self.space.to_dict(res.x)
        return self._finish_result(res)

    def _finish_result(self, res):
        """What every Result carries besides the run's own values."""
        res.ndelta = self.ndelta
        res.trials = self.trials
        res.method = registered_name(type(self))
        # scipy's names beside ours: status 0 when a stopping rule ended the run
        res.status = 0 if res.success else 1 if "callback" in res.message else 2
        res.population_energies = res.population_fun
        return res

    # -- for subclasses ---------------------------------------------------------------------
    def _ask(self):
        raise NotImplementedError

    def _tell(self, U, f):
        raise NotImplementedError

    def _population(self):
        """The current population in the unit cube and its values."""
        raise NotImplementedError


#: The fields of an optimizer that keeps a population of ``pop_size`` points and their values.
POPULATION_STATE = {
    "pop": Array(float, "pop_size", "dim", optional=True, points=True),
    "fit": Array(float, "pop_size", optional=True),
}


def population_problem(pop, fit):
    """Why a loaded population and its values do not go together, or None."""
    if (pop is None) != (fit is None):
        return "pop and fit must both be None or both arrays"
    if pop is not None and pop.shape[0] != fit.shape[0]:
        return f"pop has {pop.shape[0]} members and fit {fit.shape[0]} values"
    return None


def registered_name(cls):
    """The name ``cls`` is registered under in ``metaopt.REGISTRY`` (else its class name)."""
    from . import METHODS  # the registry imports this module

    return next((name for name, known in METHODS.items() if known is cls), cls.__name__)


class PopulationOptimizer(Optimizer):
    """An optimizer whose first batch is an initial design of ``pop_size`` points.

    Parameters
    ----------
    init : {"lhs", "sobol", "random"} or array of shape (pop_size, dim)
        The initial design; an array gives the points in variable values and sets ``pop_size``.
    """

    def __init__(self, bounds, *, pop_size, init="lhs", rng=None, budget=None, min_pop_size=1):
        super().__init__(bounds, rng=rng, budget=budget)
        if isinstance(init, str):
            if pop_size is None:
                pop_size = self.default_pop_size(self.dim)
            self.pop_size = check_int("pop_size", pop_size, minimum=min_pop_size)
            if self.budget is not None and self.pop_size > self.budget:  # before allocating
                raise ValueError(
                    f"budget={self.budget} is smaller than the first population of "
                    f"{self.pop_size} evaluations; raise the budget or pass a smaller pop_size")
            self._init_u = np.ascontiguousarray(
                make_sampler(init, self.dim, self.rng).random(self.pop_size))
        else:
            self._init_u = self._encode_init(init, pop_size, min_pop_size)
            self.pop_size = self._init_u.shape[0]
        self.pop = None  # unit-cube population, set by the first tell
        self.fit = None

    STATE = POPULATION_STATE

    @staticmethod
    def default_pop_size(dim):
        """The population size used when neither ``pop_size`` nor an ``init`` array gives one."""
        return max(10 * dim, 10)

    def _encode_init(self, init, pop_size, min_pop_size):
        try:
            X = np.array(init, dtype=float)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"init must be 'lhs', 'sobol', 'random' or an array, "
                            f"got init={init!r}") from exc
        if X.ndim != 2 or X.shape[1] != self.dim:
            raise ValueError(f"init must have shape (pop_size, {self.dim}), got shape {X.shape}")
        if X.shape[0] < min_pop_size:
            raise ValueError(f"init needs at least {min_pop_size} rows, got {X.shape[0]}")
        if pop_size is not None and pop_size != X.shape[0]:
            raise ValueError(f"pop_size={pop_size!r} disagrees with init of {X.shape[0]} rows")
        if not np.all(np.isfinite(X)) or not np.all(self.space.contains(X)):
            raise ValueError("init has points outside the bounds or non-finite values")
        return np.ascontiguousarray(np.clip(self.space.encode(X), 0.0, 1.0))

    @property
    def batch_size(self):
        return self.pop_size if self.pop is None else self._next_batch_size()

    def _next_batch_size(self):
        return self.pop.shape[0]

    def _state_problem(self):
        return population_problem(self.pop, self.fit) or super()._state_problem()

    def _ask(self):
        if self.pop is None:
            return self._init_u.copy()  # the population evolves in place; the design stays
        return self._ask_offspring()

    def _tell(self, U, f):
        if self.pop is None:
            if U.shape[0] < self.pop_size:
                raise ValueError(
                    f"the initial population needs all {self.pop_size} values, got {U.shape[0]}"
                )
            self.pop = np.ascontiguousarray(U)
            self.fit = f.copy()
            self._after_init()
        else:
            self._tell_offspring(U, f)

    def _after_init(self):
        """Hook run once the initial population has its values."""

    def _population(self):
        if self.pop is None:
            return np.empty((0, self.dim)), np.empty(0)
        return self.pop, self.fit

    def _ask_offspring(self):
        raise NotImplementedError

    def _tell_offspring(self, U, f):
        raise NotImplementedError
