"""What scipy users pass to ``minimize`` by habit: ``args=``, both callback styles, and
``maximize=True``; small picklable wrappers so that they run on worker processes too."""

import copy
import inspect
import math

import numpy as np

from .result import History

__all__ = ["WithArgs", "Negated", "adapt_callback", "callback_style", "flip_result",
           "convergence", "scipy_de_keywords", "scipy_global_keywords"]


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


#: scipy.optimize.differential_evolution's init names, as ours.
SCIPY_INIT = {"latinhypercube": "lhs", "sobol": "sobol", "halton": "halton", "random": "random"}


def _seed_as_rng(options, rng):
    """scipy's ``seed=`` (popped from ``options``) as ``rng``; both given is an error."""
    if "seed" not in options:
        return rng
    seed = options.pop("seed")
    if rng is not None:
        raise TypeError("give rng= (or scipy's seed=), not both")
    return seed


def scipy_de_keywords(options, space, rng, init):
    """``differential_evolution``'s keywords given to ``minimize(method="de")``, in metaopt's
    terms: ``popsize`` (a multiple of the dimension), ``seed`` (``rng``), ``init`` names,
    ``integrality`` (those columns become Integer variables), ``updating``, ``polish``,
    ``disp``, and ``tol``/``atol`` (scipy's convergence stop, returned as a test of a
    Result). Returns ``(options, space, rng, init, asynchronous, converged)``; refuses what
    has no meaning here, saying what to use."""
    options = dict(options)
    rng = _seed_as_rng(options, rng)
    if "popsize" in options:
        if "pop_size" in options:
            raise TypeError("give pop_size= (the population) or scipy's popsize= (a multiple "
                            "of the dimension), not both")
        popsize = options.pop("popsize")
        if isinstance(popsize, bool) or not isinstance(popsize, int) or popsize < 1:
            raise ValueError(f"popsize must be an int >= 1, got popsize={popsize!r}")
        options["pop_size"] = max(popsize * space.dim, 5)
    init = SCIPY_INIT.get(init, init) if isinstance(init, str) else init
    asynchronous = False
    updating = options.pop("updating", "deferred")
    if updating not in ("immediate", "deferred"):
        raise ValueError(f"updating must be 'immediate' or 'deferred', got updating={updating!r}")
    if updating == "immediate":
        asynchronous = True  # each trial replaces its target as soon as it is evaluated
    if options.pop("polish", False):
        raise ValueError("polish=True (scipy's default) runs L-BFGS-B after the search, "
                         "outside its budget; metaopt spends the budget on the search: pass "
                         "polish=False, or polish res.x with scipy.optimize.minimize(fun, "
                         "res.x, method='L-BFGS-B')")
    options.pop("disp", None)
    integrality = options.pop("integrality", None)
    if integrality is not None:
        space = _with_integrality(space, integrality)
    tol, atol = options.pop("tol", None), options.pop("atol", None)
    converged = None
    if tol is not None or atol is not None:
        tol = float(0.01 if tol is None else tol)
        atol = float(0.0 if atol is None else atol)
        if not (tol >= 0 and atol >= 0):
            raise ValueError(f"tol and atol must be >= 0, got tol={tol!r}, atol={atol!r}")

        def converged(res):
            """scipy's stop: ``std(E) <= atol + tol |mean(E)|`` of the population's values."""
            values = np.asarray(res.population_fun, dtype=float)
            values = values[np.isfinite(values)]
            return values.size > 1 and np.std(values) <= atol + tol * abs(np.mean(values))
    return options, space, rng, init, asynchronous, converged


#: dual_annealing's and basinhopping's keywords that have no counterpart here, and what to do.
_REFUSED = {
    "take_step": "a custom step is not supported; tune stepsize, interval, "
                 "target_accept_rate and stepwise_factor",
    "accept_test": "a custom acceptance test is not supported; tune T",
}


def scipy_global_keywords(method, options, rng, user_budget, user_maxiter):
    """``dual_annealing``'s or ``basinhopping``'s keywords given to ``minimize(method=...)``,
    in metaopt's terms: ``seed`` (``rng``), ``maxfun`` (the budget), ``maxiter`` (the
    annealing's iterations, not the engine's), ``no_local_search``, ``minimizer_kwargs``
    (``{"method": name}`` of a derivative-free method or L-BFGS-B), ``disp``; ``niter``,
    ``niter_success`` and the step and acceptance keywords keep their names. Returns
    ``(options, rng, budget, maxiter)`` (budget and maxiter None when unchanged); refuses
    what has no meaning here, saying what to use."""
    from .algorithms.local_phase import LOCAL_METHODS

    options = dict(options)
    rng = _seed_as_rng(options, rng)
    options.pop("disp", None)
    for name, advice in _REFUSED.items():
        if options.pop(name, None) is not None:
            raise ValueError(f"{name}= ({method}): {advice}")
    budget = None
    if "maxfun" in options:
        maxfun = options.pop("maxfun")
        if method != "dual_annealing":
            raise TypeError(f"maxfun is dual_annealing's; give budget= to {method}")
        if user_budget is not None and user_budget != maxfun:
            raise ValueError(f"give budget= or scipy's maxfun=, not both (budget={user_budget}"
                             f", maxfun={maxfun})")
        budget = int(maxfun)
    maxiter = None
    if method == "dual_annealing" and user_maxiter is not None:
        options["maxiter"], maxiter = user_maxiter, user_maxiter
    if options.pop("no_local_search", False):
        if method != "dual_annealing":
            raise TypeError("no_local_search is dual_annealing's")
        options["local"] = None
    kwargs = options.pop("minimizer_kwargs", None)
    if kwargs is not None:
        kwargs = dict(kwargs)
        name = kwargs.pop("method", None)
        if name is not None:
            local = name.lower() if isinstance(name, str) else name
            local = "l-bfgs-b" if local == "bfgs" else local  # BFGS in a box is L-BFGS-B
            if local not in LOCAL_METHODS:
                raise ValueError(f"minimizer_kwargs: method must be one of {LOCAL_METHODS} "
                                 f"or 'BFGS' (taken as L-BFGS-B: the search has a box), the "
                                 f"local search running through the engine without a "
                                 f"gradient from you; got method={name!r}")
            options["local"] = local
        if kwargs:
            raise ValueError(f"minimizer_kwargs: {sorted(kwargs)} are not taken (the local "
                             f"search runs on the unit cube, one evaluation at a time through "
                             f"the engine); give method= only, and local_maxfev= for its "
                             f"limit")
    return options, rng, budget, maxiter


def _with_integrality(space, integrality):
    """The space with the ``integrality`` columns as Integer variables on
    ``[ceil(low), floor(high)]`` (scipy's rule)."""
    from .space import Integer, Space

    flags = np.asarray(integrality, dtype=bool).reshape(-1)
    if flags.shape != (space.dim,) or space.named or space.kinds != ("real",) * space.dim:
        raise ValueError(f"integrality must hold one bool per variable of a box of Reals "
                         f"({space.dim}), got integrality={integrality!r}")
    variables = []
    for flag, var in zip(flags, space.variables):
        if not flag:
            variables.append(var)
            continue
        low, high = math.ceil(var.low), math.floor(var.high)
        if not low < high:
            raise ValueError(f"integrality: [{var.low}, {var.high}] holds fewer than two "
                             f"integers")
        variables.append(Integer(int(low), int(high)))
    return Space(variables)
