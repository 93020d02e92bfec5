"""How a user's objective becomes "evaluate a population".

Three forms: a scalar ``f(x) -> float`` called once per row; a vectorized ``f(X) -> (n,)`` called
once per batch; and a Numba ``@njit`` scalar function, detected and looped over the whole
population inside compiled code, with no Python call per individual.
"""

import weakref

import numpy as np
from numba import njit
from numba.extending import is_jitted

__all__ = ["Evaluator", "make_evaluator"]


_LOOPS = weakref.WeakKeyDictionary()


def _compiled_population_loop(fun):
    """A compiled loop over the rows of X calling the jitted ``fun``.

    Specialised per objective by closure: numba types a dispatcher passed as an argument on
    every call, which costs microseconds per batch, while a closure constant costs nothing.
    It cannot be cached on disk (the objective is not a global), so it compiles once per
    objective and process and is kept for later runs.
    """
    loop = _LOOPS.get(fun)
    if loop is None:
        loop = _LOOPS[fun] = _make_population_loop(fun)
    return loop


def _make_population_loop(fun):

    @njit
    def evaluate_rows(X):
        out = np.empty(X.shape[0])
        for i in range(X.shape[0]):
            out[i] = fun(X[i])
        return out

    return evaluate_rows


class Evaluator:
    """Callable ``X (n, dim) values -> f (n,) float64``; checks the shape of what comes back.

    Parameters
    ----------
    fun : callable
    space : Space
    vectorized : bool
        ``fun`` takes the whole (n, dim) batch and returns n values.
    """

    def __init__(self, fun, space, vectorized=False):
        if not callable(fun):
            raise TypeError(f"fun must be callable, got fun={fun!r}")
        if not isinstance(vectorized, bool):
            raise TypeError(f"vectorized must be a bool, got vectorized={vectorized!r}")
        self.fun = fun
        self.space = space
        self.vectorized = vectorized
        self.jitted = is_jitted(fun) and not vectorized
        if self.jitted:
            self.mode = "jitted"
            self._loop = _compiled_population_loop(fun)
        else:
            self.mode = "vectorized" if vectorized else "scalar"
        self.pass_dicts = space.named and not vectorized and not self.jitted
        #: An objective that draws random numbers (minibatches) declares ``takes_rng = True``
        #: and is called as ``fun(X, rng=Generator)``; the engine sets ``seed`` per batch.
        self.takes_rng = bool(getattr(fun, "takes_rng", False)) and not self.jitted
        self.seed = 0

    def call(self, arg):
        """Call the objective on one row (or, vectorized, one batch) as the user wrote it."""
        if self.takes_rng:
            return self.fun(arg, rng=np.random.default_rng(self.seed))
        return self.fun(arg)

    def __call__(self, X):
        """The objective's values for the batch ``X``, as it returns them (checked where the
        batch is evaluated, :func:`metaopt.evaluation.evaluate_rows`): an array for the
        vectorized and jitted forms, a list of values for a scalar objective."""
        if self.space.integer_valued:  # bits and permutations arrive as integer arrays
            X = X.astype(np.int64)
        if self.jitted:
            return self._loop(np.ascontiguousarray(X))
        if self.vectorized:
            return self.call(X)
        return [self.call(row) for row in self.rows(X)]

    def rows(self, X):
        """What a scalar objective receives for each row: dicts over a named Space, else rows
        (integer arrays for Binary and Permutation spaces)."""
        if self.pass_dicts:
            return self.space.to_dicts(X)
        return X.astype(np.int64) if self.space.integer_valued else X

    def __getstate__(self):
        # The compiled loop is rebuilt where the evaluator lands (a worker process).
        return {"fun": self.fun, "space": self.space, "vectorized": self.vectorized,
                "seed": self.seed}

    def __setstate__(self, state):
        self.__init__(state["fun"], state["space"], state["vectorized"])
        self.seed = state["seed"]


def make_evaluator(fun, space, vectorized=False):
    """Wrap ``fun`` as an :class:`Evaluator` over ``space``."""
    return Evaluator(fun, space, vectorized)
