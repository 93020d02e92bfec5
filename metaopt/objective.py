"""How a user's objective becomes "evaluate a population": one class per form.

- :class:`ScalarObjective`: ``f(x) -> float``, called once per row (a dict per row over a
  named Space);
- :class:`VectorizedObjective`: ``f(X) -> (n,)``, called once per batch;
- :class:`JittedObjective`: a Numba ``@njit`` scalar function, looped over the whole population
  inside compiled code, with no Python call per individual.

:func:`make_objective` picks the class once. Every form answers ``evaluate(X, seed, isolate)``
with the batch's values and its failures (:mod:`metaopt.evaluation.rows` isolates them), so
nothing downstream asks which form it holds. ``seed`` seeds the random numbers of an objective
that declares ``takes_rng = True`` (a minibatch): it is called ``fun(X, rng=Generator)``.
"""

import weakref

import numpy as np
from numba import njit
from numba.extending import is_jitted

from .evaluation.rows import evaluate_batch, evaluate_each_row

__all__ = ["Objective", "ScalarObjective", "VectorizedObjective", "JittedObjective",
           "make_objective"]


_LOOPS = weakref.WeakKeyDictionary()


def _compiled_population_loop(fun, n_objectives=1):
    """A compiled loop over the rows of X calling the jitted ``fun``.

    Specialised per objective by closure: numba types a dispatcher passed as an argument on
    every call, which costs microseconds per batch, while a closure constant costs nothing.
    It cannot be cached on disk (the objective is not a global), so it compiles once per
    objective and process and is kept for later runs.
    """
    loops = _LOOPS.setdefault(fun, {})
    if n_objectives not in loops:
        loops[n_objectives] = _make_population_loop(fun) if n_objectives == 1 else \
            _make_front_loop(fun, n_objectives)
    return loops[n_objectives]


def _make_population_loop(fun):

    @njit
    def evaluate_rows(X):
        out = np.empty(X.shape[0])
        for i in range(X.shape[0]):
            out[i] = fun(X[i])
        return out

    return evaluate_rows


def _make_front_loop(fun, m):

    @njit
    def evaluate_rows(X):
        out = np.empty((X.shape[0], m))
        for i in range(X.shape[0]):
            out[i, :] = np.asarray(fun(X[i]))
        return out

    return evaluate_rows


class Objective:
    """Base: the user's ``fun`` over ``space``, evaluated a batch (n, dim) at a time.

    Subclasses give ``__call__(X, seed)`` (the values as ``fun`` returns them) and
    ``evaluate(X, seed, isolate)`` (checked (n,) values and the failures of the rows).
    """

    #: Whether the run's first batch probes one row alone (a per-row objective) rather than
    #: the whole batch (a batch objective, probed as it will be called).
    probes_one_row = False
    #: Chunks per worker when a batch is spread over processes (more balance uneven costs).
    chunks_per_worker = 1

    def __init__(self, fun, space, n_objectives=1):
        if not callable(fun):
            raise TypeError(f"fun must be callable, got fun={fun!r}")
        self.fun = fun
        self.space = space
        #: Values per evaluation: 1, or m objectives (a row of m values).
        self.n_objectives = n_objectives
        #: An objective that draws random numbers (minibatches) declares ``takes_rng = True``.
        self.takes_rng = bool(getattr(fun, "takes_rng", False))

    def call(self, arg, seed=0):
        """Call the objective on one row (or one batch) as the user wrote it."""
        if self.takes_rng:
            return self.fun(arg, rng=np.random.default_rng(seed))
        return self.fun(arg)

    def _integer_rows(self, X):
        # bits and permutations arrive as integer arrays
        return X.astype(np.int64) if self.space.integer_valued else X

    def __getstate__(self):
        return {"fun": self.fun, "space": self.space, "n_objectives": self.n_objectives}

    def __setstate__(self, state):
        self.__init__(state["fun"], state["space"], state["n_objectives"])


class ScalarObjective(Objective):
    """``fun(x) -> float`` called once per row; over a named Space, ``x`` is a dict."""

    probes_one_row = True
    chunks_per_worker = 2

    def __init__(self, fun, space, n_objectives=1):
        super().__init__(fun, space, n_objectives)
        self.pass_dicts = space.named

    def rows(self, X):
        """What the objective receives for each row: dicts over a named Space, else rows
        (integer arrays for Binary and Permutation spaces)."""
        return self.space.to_dicts(X) if self.pass_dicts else self._integer_rows(X)

    def __call__(self, X, seed=0):
        """The values for the batch ``X``, a list as ``fun`` returns them."""
        return [self.call(row, seed) for row in self.rows(X)]

    def evaluate(self, X, seed=0, isolate=True):
        """The values of the rows of ``X``, one call per row (failures isolated)."""
        return evaluate_each_row(self, X, seed)


class VectorizedObjective(Objective):
    """``fun(X) -> (n,)`` called once per batch (``vectorized=True``)."""

    def __call__(self, X, seed=0):
        """The values for the batch ``X``, as ``fun`` returns them."""
        return self.call(self._integer_rows(X), seed)

    def evaluate(self, X, seed=0, isolate=True):
        """The values of the batch ``X`` in one call (rows isolated on a failure with
        ``isolate``)."""
        return evaluate_batch(self, X, seed, isolate)


class ScipyLayoutObjective(VectorizedObjective):
    """``fun(X.T) -> (n,)``: a vectorized function in scipy's layout (``vectorized="scipy"``):
    ``x`` of shape (dim, n), one column per point, as ``differential_evolution(vectorized=True)``
    passes it."""

    def call(self, arg, seed=0):
        return super().call(np.ascontiguousarray(arg.T), seed)


class JittedObjective(VectorizedObjective):
    """A Numba ``@njit`` scalar function, looped over the batch in compiled code."""

    def __init__(self, fun, space, n_objectives=1):
        super().__init__(fun, space, n_objectives)
        self.takes_rng = False  # compiled code takes no Generator
        self._loop = _compiled_population_loop(fun, n_objectives)

    def __call__(self, X, seed=0):
        return self._loop(np.ascontiguousarray(self._integer_rows(X)))

    def __getstate__(self):
        # The compiled loop is rebuilt where the objective lands (a worker process).
        return {"fun": self.fun, "space": self.space, "n_objectives": self.n_objectives}


def make_objective(fun, space, vectorized=False, n_objectives=1):
    """The :class:`Objective` for ``fun`` over ``space``: jitted when ``fun`` is a Numba
    dispatcher (and not ``vectorized``), else vectorized or scalar as ``vectorized`` says.
    With ``n_objectives`` m > 1 it returns m values a point ((n, m) for a batch)."""
    if not callable(fun):
        raise TypeError(f"fun must be callable, got fun={fun!r}")
    if isinstance(vectorized, str) and vectorized == "scipy":
        return ScipyLayoutObjective(fun, space, n_objectives)
    if not isinstance(vectorized, bool):
        raise TypeError(f"vectorized must be a bool or 'scipy', got vectorized={vectorized!r}")
    if vectorized:
        return VectorizedObjective(fun, space, n_objectives)
    if is_jitted(fun):
        return JittedObjective(fun, space, n_objectives)
    return ScalarObjective(fun, space, n_objectives)
