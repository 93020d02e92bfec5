"""What scipy users pass to ``minimize`` by habit: ``args=``, both callback styles, and
``maximize=True``; small picklable wrappers so that they run on worker processes too."""

import copy
import inspect

import numpy as np

from .result import History

__all__ = ["WithArgs", "Negated", "adapt_callback", "callback_style", "flip_result",
           "convergence"]


class WithArgs:
    """``fun(x, *args)`` as a function of ``x`` alone (scipy's ``args=``)."""

    def __init__(self, fun, args):
        self.fun, self.args = fun, tuple(args)

    def __call__(self, x):
        return self.fun(x, *self.args)


class Negated:
    """``-fun(x)``: maximizing ``fun`` is minimizing it (NaN stays a failure). With several
    objectives, ``signs`` (one per objective, -1 where maximized) multiplies each column."""

    def __init__(self, fun, signs=None):
        self.fun = fun
        self.signs = None if signs is None else np.asarray(signs, dtype=float)

    def maximized(self):
        """True, or with several objectives the list of which are maximized."""
        return True if self.signs is None else [bool(s < 0) for s in self.signs]

    @property
    def takes_rng(self):
        """The wrapped objective's: its random numbers (a minibatch) still reach it."""
        return bool(getattr(self.fun, "takes_rng", False))

    def __call__(self, x, **kwargs):
        value = self.fun(x, **kwargs)
        if self.signs is not None:
            try:
                return np.asarray(value, dtype=float) * self.signs
            except (TypeError, ValueError):
                return value  # not numbers: the evaluation says what is wrong
        if np.ndim(value) == 0:
            return -float(value)
        return -np.asarray(value, dtype=float)


def convergence(population_fun, tol=0.01):
    """scipy's differential_evolution ``convergence`` value: ``tol / (std / |mean| + eps)``
    of the population's values (the run converges as it reaches 1)."""
    finite = population_fun[np.isfinite(population_fun)]
    if finite.size == 0:
        return 0.0
    spread = np.std(finite) / max(abs(np.mean(finite)), np.finfo(float).tiny)
    return float(tol / (spread + np.finfo(float).eps))


def callback_style(callback):
    """How ``minimize`` calls ``callback``, decided as scipy decides it
    (``scipy.optimize._optimize._wrap_callback``): by the parameter's *name*. A callback whose
    only parameter is named ``intermediate_result`` gets the Result so far (as a keyword);
    any other gets a copy of ``xk``, and where it takes a second positional parameter (or
    ``*args``), differential_evolution's ``convergence`` too. Returns "result", "xk" or
    "xk_convergence"."""
    try:
        params = list(inspect.signature(callback).parameters.values())
    except (TypeError, ValueError):  # builtins without a signature: scipy's default, xk
        return "xk"
    if {p.name for p in params} == {"intermediate_result"}:
        return "result"
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params):
        return "xk_convergence"
    return "xk"


def adapt_callback(callback, maximize, signs=None):
    """The engine's ``callback(result)`` for a scipy-style callback (:func:`callback_style`):
    ``callback(intermediate_result=res)``, ``callback(xk)`` or ``callback(xk, convergence)``.
    Returning True, or raising StopIteration, stops the run."""
    if callback is None or not callable(callback):
        return callback  # the engine names a callback that is not callable
    style = callback_style(callback)

    def engine_callback(res):
        if maximize:
            res = flip_result(res, signs)
        if style == "result":
            return callback(intermediate_result=res)
        xk = np.array(res.x, copy=True)
        if style == "xk_convergence":
            return callback(xk, convergence(np.asarray(res.population_fun)))
        return callback(xk)

    return engine_callback


def flip_result(res, signs=None):
    """A minimization's Result in the terms of the maximized objective (values negated). With
    several objectives, ``signs`` (-1 where maximized) multiplies each objective's column; the
    hypervolume history needs no change."""
    if signs is not None:
        for key in ("fun", "pareto_fun", "population_fun", "hv_ref"):
            if res.get(key) is not None:
                res[key] = np.asarray(res[key]) * signs
        res.population_energies = res.population_fun
        if "trials" in res:
            res.trials = copy.copy(res.trials)
            res.trials.sign = signs
        return res
    res.fun = -res.fun
    res.population_fun = -np.asarray(res.population_fun)
    res.population_energies = res.population_fun
    if "trials" in res:
        res.trials = copy.copy(res.trials)  # the run's own table keeps the minimized sign
        res.trials.sign = -res.trials.sign
    if "history" in res:
        flipped = History()
        state = res.history.state_dict()
        state["best_fun"] = -state["best_fun"]
        flipped.load_state_dict(state)
        res.history = flipped
    return res
