"""``minimize``: the scipy-style entry point, a thin layer over the ask/tell driver."""

from __future__ import annotations

import dataclasses
import inspect
import os
from typing import Any, Callable, Union

import numpy as np

from ._checks import check_int
from .algorithms import METHODS, MULTI_OBJECTIVE, get_algorithm, method_table
from .algorithms.multiobjective import MultiObjectiveOptimizer
from .auto import choose_method, choose_multiobjective
from .checkpoint import load_checkpoint
from .engine import run_with
from .result import Result
from .run_options import RUN_OPTIONS, RunOptions, with_run_options
from .scipy_style import (Negated, WithArgs, adapt_callback, flip_result, scipy_de_keywords,
                          scipy_global_keywords)
from .space import as_space, frame_space, needs_frame

__all__ = ["minimize"]

RngLike = Union[None, int, np.random.Generator]


def minimize(fun: Callable[..., Any], bounds: Any, method: str | type = "auto",
             budget: int | None = None, rng: RngLike = None, vectorized: bool | str = False,
             callback: Callable[..., Any] | None = None, init: Any = None, *,
             args: tuple = (), x0: Any = None, maximize: bool = False,
             max_trials: int | None = None, objectives: int = 1,
             **options: Any) -> Result:
    """Minimize ``fun`` over ``bounds`` with a population-based, gradient-free method.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> float`` for a point; with ``vectorized=True``, ``fun(X) -> (n,)`` for a batch
        ``X`` of shape (n, dim); a Numba ``@njit`` scalar function is detected and looped over
        the population in compiled code. Over a named :class:`Space`, a scalar ``fun`` receives
        a dict ``{name: value}``. NaN or infinite values count as +inf.
    bounds : sequence of (low, high), Space, a single variable, or None
        None (or pairs with infinite entries) searches without bounds around ``x0`` with the
        initial step ``sigma0`` (both required, in the variables' units), as pycma does:
        CMA-ES ("auto" runs it) and the evolution strategies (SNES, OpenAI-ES: their
        ``sigma``); any other method is refused, since each draws its first population from
        the box. A pair bounded on one side only is refused.
    method : str, default "auto"
        "auto" picks the method and its main settings from the space, the dimension and the
        budget (the README's table; :func:`metaopt.auto.choose_method`), and says what it
        picked and why in ``Result.method``. Or one of ``metaopt.REGISTRY``:

{methods}
    budget : int, optional
        Evaluations to spend; ``nfev == budget`` exactly unless another rule stops first.
        Default ``10000 * dim``.
    rng : None, int or numpy.random.Generator
        The same seed gives the same x, fun and nfev, whatever ``workers`` and ``backend``.
    vectorized : bool or "scipy", default False
        True: ``fun(X)`` takes the batch as (n, dim), one row per point, and returns (n,).
        "scipy": scipy's layout, ``fun(x)`` with x of shape (dim, n), one column per point
        (``differential_evolution(vectorized=True)``'s); never guessed from the shapes.
    callback : callable, optional
        Called after each generation; return True (or raise StopIteration) to stop. Its style
        is decided as scipy decides it, by the parameter's name: ``callback(
        intermediate_result)`` gets the Result so far; any other callback gets a copy of the
        best ``xk``, and one with two positional parameters ``(xk, convergence)``,
        differential_evolution's style. (``metaopt.run`` on an ask/tell object always
        passes the Result.)
    init : {"lhs", "sobol", "random"} or array, optional
        The initial population of population-based methods.
    workers, backend, client : parallel evaluation (joblib processes, threads, or dask)
    on_error, retries, timeout : the failure policy (see :mod:`metaopt.evaluation`)
    checkpoint, checkpoint_every, checkpoint_interval, resume : save and continue runs
    asynchronous : bool, default False
        Steady-state evaluation for DE (see :func:`metaopt.run`).
    progress : bool or None, default False
        A tqdm progress bar (best value, evaluations per second, ETA) on runs longer than a
        second; None: only when stderr is a terminal.
    maxiter, target, max_time, stagnation, stagnation_tol
        Further stopping rules; see :class:`metaopt.termination.Termination`. With
        ``method="dual_annealing"``, ``maxiter`` has scipy's meaning: annealing iterations
        (each ``2 dim`` visits and maybe a local search), not batches.
    args : tuple, optional
        Extra arguments: ``fun(x, *args)``, as scipy.
    x0 : array, optional
        A point to start from: the mean of CMA-ES and the evolution strategies; for every
        other method, the first point evaluated (it replaces one of the initial population).
    maximize : bool or sequence of bools, default False
        Maximize ``fun``; the Result (fun, population_fun, history) and ``target`` are in
        ``fun``'s own sign. With several objectives, one bool for all or one per objective
        (as Optuna's ``directions``).
    objectives : int, default 1
        How many values ``fun`` returns: with m >= 2, ``fun(x)`` returns m numbers
        (``fun(X)`` an (n, m) array with ``vectorized=True``) and a multi-objective method
        (``nsga2``; "auto" picks one) minimizes them all. The Result then carries the
        non-dominated set found: ``pareto_x`` (k, dim), ``pareto_fun`` (k, m) and
        ``pareto_params`` over a named Space; ``x`` and ``fun`` are the same arrays (as pymoo's
        X and F); ``history`` records the front's hypervolume against ``hv_ref``.
    constraints : constraint or list of constraints, optional
        ``scipy.optimize.NonlinearConstraint`` (``lb <= fun(x) <= ub``), ``LinearConstraint``
        (``lb <= A x <= ub``), or a callable ``g(x) -> array`` meaning ``g(x) <= 0`` (taking the
        batch (n, dim) when ``vectorized=True``; a Numba ``@njit`` one works too). Every method
        then compares points by Deb's feasibility rules (:mod:`metaopt.constraints`);
        ``Result.maxcv`` is the largest violation at ``x``, and a run that found no feasible
        point ends with ``success=False`` and says so. A constraint function that raises
        follows ``on_error`` as the objective does: its row's violation is infinite and counts
        in ``Result.nfail`` ("inf", "retry"), or the run stops with ``EvaluationError``, the
        batch's objective values saved for ``resume=`` ("raise").
    equality_tol : float, default 1e-4
        Equality constraints (``lb == ub``) are met within this distance (the CEC 2006
        convention); it counts in feasibility, ``Result.maxcv`` and ``success``.
    max_trials : int, optional
        Keep only the first ``max_trials`` evaluations in ``Result.trials`` (its ``dropped``
        counts the others); default: as many as 10 million numbers hold (dim + 4 a row),
        every evaluation of 10,000 x dim up to dim 100.
    **options
        The run options above (:class:`metaopt.run_options.RunOptions`); every other name is
        passed to the algorithm's class, e.g. ``pop_size``, ``strategy``, ``F``, ``CR``.

    Returns
    -------
    Result
        ``x``, ``fun``, ``nfev``, ``nit``, ``success``, ``message``, ``population``,
        ``population_fun``, ``history``, ``nfail``, ``method`` (the method run; after "auto",
        with the reason in one line).

    Examples
    --------
    >>> import numpy as np, metaopt
    >>> res = metaopt.minimize(lambda x: float(np.sum(x**2)), [(-5, 5)] * 3, method="de",
    ...                        budget=3000, rng=0)
    >>> res.nfev
    3000
    """
    run_options = RunOptions(budget=budget, vectorized=vectorized, **{
        name: options.pop(name) for name in RUN_OPTIONS if name in options})
    resume, checkpoint = run_options.resume, run_options.checkpoint
    target = run_options.target
    unbounded = needs_frame(bounds)
    if unbounded:  # no box, or some infinite bounds: a search around x0 (CMA-ES)
        method = _method_without_bounds(method)
        space = frame_space(bounds, x0, _initial_step(get_algorithm(method), options))
    else:
        space = as_space(bounds)
    if not callable(fun):
        raise TypeError(f"fun must be callable, got fun={fun!r}")
    objectives = check_int("objectives", objectives, minimum=1)
    maximize, signs = _directions(maximize, objectives)
    if isinstance(args, list):
        args = tuple(args)  # as scipy's differential_evolution unpacks it
    elif not isinstance(args, tuple):
        args = (args,)  # scipy accepts a single extra argument too
    if budget is None:
        budget = 10000 * space.dim
    budget = check_int("budget", budget, minimum=1)
    auto = isinstance(method, str) and method == "auto"
    if auto:
        saved = _resumed_method(resume, checkpoint)
        if saved is not None:  # a resumed run goes on with the method and options it began with
            method, chosen, reason = *saved, "the method of the run being resumed"
        elif objectives > 1:
            method, chosen, reason = choose_multiobjective(space, objectives)
        else:
            method, chosen, reason = choose_method(space, budget, fun)
        options = {**chosen, **options}  # the user's own options win
        described = f"{method} (auto: {reason})"
    cls = get_algorithm(method)
    _check_objectives(cls, method, objectives)
    converged = None
    if cls is METHODS.get("de"):  # differential_evolution's keywords, in our terms
        options, space, rng, init, asynchronous, converged = scipy_de_keywords(
            options, space, rng, init)
        if asynchronous:
            run_options = dataclasses.replace(run_options, asynchronous=True)
    for name in ("dual_annealing", "basinhopping"):  # and these two's
        if cls is METHODS.get(name):
            options, rng, maxfun, maxiter = scipy_global_keywords(
                name, options, rng, run_options.budget, run_options.maxiter)
            if maxfun is not None:
                budget = maxfun
                run_options = dataclasses.replace(run_options, budget=maxfun)
            if maxiter is not None:  # the annealing's iterations, not the engine's
                run_options = dataclasses.replace(run_options, maxiter=None)
    if objectives > 1:
        options["objectives"] = objectives
        if target is not None:
            raise ValueError("target= stops a run of one objective; a run of several stops by "
                             "its budget, maxiter, max_time, stagnation (of the front's "
                             "hypervolume) or the callback")
        ref = options.get("ref_point")
        if maximize and ref is not None and np.shape(ref) == signs.shape:
            options["ref_point"] = np.asarray(ref, dtype=float) * signs  # in minimized terms
    if init is not None:
        options["init"] = init
    if x0 is not None and _accepts(cls, "x0"):
        options["x0"], x0 = x0, None
    accepted = _check_options(cls, method, options)
    # A problem that knows its structure lends it to the algorithms that accept it: a distance
    # matrix (problems.TSP) to local searches, a repair operator (problems.Knapsack) to the GA.
    for attribute in ("distances", "repair"):
        if attribute in accepted and attribute not in options and hasattr(fun, attribute):
            options[attribute] = getattr(fun, attribute)
    opt = cls(space, rng=rng, budget=budget, **options)
    if auto and "pop_size" not in options and "pop_size" in accepted \
            and opt.batch_size > budget:
        # auto on a budget below the method's first population: one population of it all
        try:
            opt = cls(space, rng=rng, budget=budget, pop_size=budget, **options)
        except ValueError:
            pass  # below the method's smallest population: run() says the budget is too small
    if x0 is not None:
        opt.start_from(x0)
    if max_trials is not None:
        opt.trials.max_rows = check_int("max_trials", max_trials, minimum=0)
    objective = WithArgs(fun, args) if args else fun
    given_target = target
    if maximize and objectives > 1:
        objective = Negated(objective, signs)
    elif maximize:
        objective = Negated(objective)
        if isinstance(target, (int, float, np.integer, np.floating)) \
                and not isinstance(target, bool):
            target = -target  # anything else: Termination names what is wrong with it
    engine_callback = adapt_callback(callback, bool(maximize), signs)
    stopped_converged = []
    if converged is not None:
        user_callback = engine_callback

        def engine_callback(res):
            if converged(res):
                stopped_converged.append(res.nfev)
                return True
            return bool(user_callback(res)) if user_callback is not None else False

    res = run_with(opt, objective, dataclasses.replace(
        run_options, budget=budget, target=target, callback=engine_callback))
    if stopped_converged and res.nfev == stopped_converged[-1]:
        res.success, res.status = True, 0
        res.message = ("converged: the population's values have std <= atol + tol |mean| "
                       "(scipy's tol)")
    if auto:
        res.method = described  # the method run (the Result names it), and why
    if not maximize:
        return res
    if objectives > 1:
        return flip_result(res, signs)
    if target is not None:  # the message in the user's terms: the maximized target
        res.message = res.message.replace(f"target value {target:g} reached",
                                          f"target value {given_target:g} reached")
    return flip_result(res)


with_run_options(minimize, leading=("budget", "vectorized", "callback"),
                 after=("args", "x0", "maximize", "max_trials", "objectives"))
minimize.__doc__ = minimize.__doc__.replace("{methods}", "\n".join(
    "        - " + line for line in method_table().splitlines()))


def _method_without_bounds(method):
    """The method of a search without bounds: CMA-ES ("auto" picks it); any other is refused,
    naming what to do instead."""
    if isinstance(method, str) and method == "auto":
        return "cmaes"
    cls = get_algorithm(method)
    if not getattr(cls, "searches_without_bounds", False):
        able = sorted(name for name, c in METHODS.items()
                      if getattr(c, "searches_without_bounds", False))
        raise ValueError(f"method={method!r} searches a box: give finite bounds, or search "
                         f"without bounds with method in {able} (x0= and sigma0= then "
                         f"say where to start and how far to step)")
    return method


def _initial_step(cls, options):
    """The initial step of a search without bounds, in the variables' units: CMA-ES's
    ``sigma0`` (required), an evolution strategy's ``sigma`` (given or its default)."""
    parameters = inspect.signature(cls.__init__).parameters
    for name in ("sigma0", "sigma"):
        if name in parameters:
            default = parameters[name].default
            return options.get(name, None if default is inspect.Parameter.empty else default)
    return None


def _resumed_method(resume, checkpoint):
    """The registry name of the method saved in the checkpoint to resume and the options it
    was built with, if there is one."""
    path = checkpoint if resume is True else resume
    if resume is None or resume is False or not isinstance(path, (str, os.PathLike)) \
            or not os.path.isfile(path):
        return None
    try:
        state = load_checkpoint(path)
        saved, options = state["optimizer"]["method"], dict(state["settings"]["options"])
    except Exception:  # noqa: BLE001 - the resume itself reports what is wrong with the file
        return None
    name = next((name for name, cls in METHODS.items() if cls.__name__ == saved), None)
    return None if name is None else (name, options)


def _directions(maximize, objectives):
    """``maximize`` checked: a bool, or with several objectives a bool or one per objective.
    Returns (whether any is maximized, the signs per objective or None for one objective)."""
    if isinstance(maximize, (bool, np.bool_)):
        flags = [bool(maximize)] * objectives
    elif objectives > 1 and isinstance(maximize, (list, tuple, np.ndarray)) \
            and len(maximize) == objectives \
            and all(isinstance(m, (bool, np.bool_)) for m in maximize):
        flags = [bool(m) for m in maximize]
    else:
        several = f" or {objectives} bools (one per objective)" if objectives > 1 else ""
        raise TypeError(f"maximize must be a bool{several}, got maximize={maximize!r}")
    if objectives == 1:
        return flags[0], None
    return any(flags), np.where(flags, -1.0, 1.0)


def _check_objectives(cls, method, objectives):
    several = cls in MULTI_OBJECTIVE.values() or getattr(cls, "n_objectives", 1) > 1 \
        or issubclass(cls, MultiObjectiveOptimizer)
    if objectives > 1 and not several:
        raise ValueError(f"method={method!r} minimizes one objective; for objectives="
                         f"{objectives} use one of {sorted(MULTI_OBJECTIVE)}")
    if objectives == 1 and several:
        raise ValueError(f"method={method!r} minimizes several objectives: pass objectives=m "
                         f"(m >= 2, the number of values fun returns)")


def _accepts(cls, name):
    return name in inspect.signature(cls.__init__).parameters


def _check_options(cls, method, options):
    accepted = {
        name for name, par in inspect.signature(cls.__init__).parameters.items()
        if par.kind is inspect.Parameter.KEYWORD_ONLY
    } - {"rng", "budget"}
    unknown = sorted(set(options) - accepted)
    if unknown:
        raise TypeError(
            f"unknown option(s) {unknown} for method={method!r}; it accepts {sorted(accepted)}"
        )
    return accepted
