"""The one ask -> evaluate -> tell loop: budget, termination rules, callback, history,
parallel evaluation, failure policy, and checkpoints.

Algorithms never call the objective; this loop does, so counting, stopping, parallelism,
failure handling and checkpoints live in one place for every algorithm.
"""

from __future__ import annotations

import contextlib
import logging
import os
from typing import Any, Callable

import numpy as np

from .algorithms.base import Optimizer
from .compilation import announce_compilation
from .constraints import as_constraints
from .checkpointer import (Checkpointer, RunState, resume_optimizer, run_settings,
                           save_failed_batch, save_interrupted)
from .evaluation import BatchEvaluator, EvaluationError
from .objective import make_objective
from .progress import Progress
from .result import Result
from .run_options import RunOptions, with_run_options
from .termination import Termination

__all__ = ["run", "drive", "drive_async", "LOG_EVERY"]

log = logging.getLogger("metaopt")
#: Seconds between the INFO lines of a run on the ``metaopt`` logger.
LOG_EVERY = 10.0


def drive(opt, evaluations, termination, callback=None, checkpointer=None, state=None,
          progress=None, run_state=None, constraints=None, settings=None):
    """Run ``opt`` until a rule of ``termination`` (or the callback) stops it.

    Parameters
    ----------
    opt : Optimizer
    evaluations : BatchEvaluator
    termination : Termination
    callback : callable, optional
    checkpointer : Checkpointer, optional
    constraints : metaopt.constraints.Constraints, optional
        Evaluated here, after the objective, on each batch; the optimizer ranks by Deb's rules.
    state : dict, optional
        Engine state from a checkpoint: the rules' counters, failures, and the completed part
        of an interrupted batch. A resumed run whose rules are already met returns at once.

    Returns
    -------
    Result
    """
    run_state = run_state or RunState(termination, evaluations, settings)
    termination.start()
    pending = None
    logged_at = 0.0
    if state is not None:
        run_state.load_state_dict(state)
        pending = state["pending"]
        if opt.asked is None and opt.nfev > 0:
            stop = termination.check(opt)
            if stop is not None:  # a finished run: its result, nothing evaluated
                return _result(opt, evaluations, *stop)
    try:
        while True:
            X = opt.asked  # not None when resumed in the middle of a batch
            if X is None:
                X = opt.ask()
            X = X[: termination.budget - opt.nfev]
            seed = run_state.batch_seed(opt) if evaluations.evaluator.takes_rng else 0
            values, done = (None, None) if pending is None else (
                pending["values"][: len(X)], pending["done"][: len(X)])
            try:
                f, violation = evaluations.evaluate(X, seed=seed, constraints=constraints,
                                                    values=values, done=done,
                                                    first=opt.nfev == 0)
            except EvaluationError as err:
                if not err.programming_error:
                    err.result = _result(opt, evaluations, False,
                                         f"stopped: {err.args[0].splitlines()[0]}")
                    save_failed_batch(err, opt, run_state, checkpointer)
                raise
            except KeyboardInterrupt as interrupt:
                save_interrupted(interrupt, opt, run_state, checkpointer)
                raise
            pending = None
            opt.tell(X, f, violation)
            if progress is not None:
                progress.update(opt)
            logged_at = _log_generation(opt, termination, logged_at)
            stop = termination.check(opt)
            if checkpointer is not None and (stop is not None or checkpointer.due(opt.nit)):
                checkpointer.save(opt, run_state)
            if stop is None and callback is not None and _callback_stops(callback, opt,
                                                                         evaluations):
                stop = (False, "stopped by the callback")
                if checkpointer is not None:
                    checkpointer.save(opt, run_state)
            if stop is not None:
                log.info("%s stopped after %d evaluations: %s; %s %.10g",
                         type(opt).__name__, opt.nfev, stop[1], *opt.progress())
                return _result(opt, evaluations, *stop)
    finally:
        evaluations.close()
        if progress is not None:
            progress.close()


def _log_generation(opt, termination, logged_at):
    """DEBUG: every generation; INFO: a line every ``LOG_EVERY`` seconds. Returns when the
    last INFO line was written (seconds into the run)."""
    if not log.isEnabledFor(logging.INFO):
        return logged_at
    elapsed = termination.elapsed()
    log.debug("generation %d: %d evaluations, %s %.10g", opt.nit, opt.nfev, *opt.progress())
    if elapsed - logged_at >= LOG_EVERY:
        logged_at = elapsed
        log.info("%s: %d/%d evaluations, %s %.10g, %.0f evaluations/s",
                 type(opt).__name__, opt.nfev, termination.budget, *opt.progress(),
                 opt.nfev / max(elapsed, 1e-9))
    return logged_at


def drive_async(opt, evaluations, termination, callback=None, checkpointer=None, state=None,
                settings=None):
    """Steady-state asynchronous loop: every finished evaluation is told at once and a new one
    starts, so no worker waits for the slowest of a generation.

    The initial population is evaluated as a batch first. Which trials exist depends on the
    order in which evaluations finish, so results are not bit-identical across worker counts
    (they are with one worker). In-flight evaluations are not part of a checkpoint: a resumed
    run draws new trials for them.
    """
    run_state = RunState(termination, evaluations, settings)
    if opt.nfev == 0 or opt.asked is not None:  # the initial design: one ordinary generation
        first = Termination(opt.nfev + opt.batch_size)
        drive(opt, evaluations, first, None, None, state,
              run_state=RunState(first, evaluations, settings))
        state = None
    termination.start()
    if state is not None:
        run_state.load_state_dict(state)
    stop = termination.check(opt)
    submitted = opt.nfev
    in_flight = {}
    try:
        while stop is None:
            while len(in_flight) < evaluations.capacity and submitted < termination.budget:
                key, u = opt.ask_one()
                x = opt.space.decode(u[None, :])
                seed = run_state.batch_seed(opt, submitted) if evaluations.evaluator.takes_rng \
                    else 0
                in_flight[evaluations.submit(x, seed)] = (key, u, x)
                submitted += 1
            for future in evaluations.wait_first(in_flight):
                key, u, x = in_flight.pop(future)
                f = evaluations.settle(future, x)
                if f is None:  # resubmitted under on_error="retry"
                    in_flight[evaluations.last_future] = (key, u, x)
                    continue
                nit = opt.nit
                opt.tell_one(key, u, f)
                stop = termination.check(opt)
                if stop is None and callback is not None and opt.nit != nit and \
                        _callback_stops(callback, opt, evaluations):
                    stop = (False, "stopped by the callback")
                if checkpointer is not None and opt.nit != nit and checkpointer.due(opt.nit):
                    checkpointer.save(opt, run_state)
                if stop is not None:
                    break
        if checkpointer is not None:
            checkpointer.save(opt, run_state)
        return _result(opt, evaluations, *stop)
    except EvaluationError as err:
        err.result = _result(opt, evaluations, False, f"stopped: {err.args[0].splitlines()[0]}")
        save_failed_batch(err, opt, run_state, checkpointer, batch=False)
        raise
    finally:
        evaluations.cancel(in_flight)
        evaluations.close()


def _result(opt, evaluations, success, message):
    res = opt.result(success=success, message=message)
    res.nfail = evaluations.nfail
    return res


def _callback_stops(callback, opt, evaluations):
    try:
        return bool(callback(_result(opt, evaluations, True, "in progress")))
    except StopIteration:
        return True


def _check_flags(callback, asynchronous, progress, schedule_without_checkpoint):
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got callback={callback!r}")
    if not isinstance(asynchronous, bool):
        raise TypeError(f"asynchronous must be a bool, got asynchronous={asynchronous!r}")
    if not (progress is None or isinstance(progress, (bool, np.bool_))):
        raise TypeError(f"progress must be True, False or None, got progress={progress!r}")
    if schedule_without_checkpoint:
        raise ValueError("checkpoint_every and checkpoint_interval need checkpoint= (a path)")


def _run_budget(optimizer, budget):
    """The run's budget, given to the optimizer (whose schedules may span it)."""
    if budget is None:
        if optimizer.budget is None and optimizer.needs_budget:
            raise ValueError(f"{type(optimizer).__name__} schedules its search over the budget: "
                             f"pass budget= to metaopt.run or to {type(optimizer).__name__}")
        budget = optimizer.budget if optimizer.budget is not None else 10000 * optimizer.dim
    optimizer.set_budget(budget)
    return budget


def _resume(optimizer, resume, checkpointer, budget, settings):
    """Load the saved run into ``optimizer`` when there is one to continue; its engine state.
    A run saved with other settings (``run_settings``) is refused, naming each difference."""
    if resume is True:  # the preemptible-job idiom: continue if the checkpoint exists
        if checkpointer is None:
            raise ValueError("resume=True continues from checkpoint=, which is not given")
        resume = checkpointer.path if os.path.exists(checkpointer.path) else None
    if resume is None or resume is False:
        return None
    state = resume_optimizer(resume, optimizer, settings)
    record = state.pop("trials_record", None)
    if record is not None and checkpointer is not None \
            and os.path.abspath(checkpointer.path) == os.path.abspath(os.fspath(resume)):
        checkpointer.trials_file.continue_from(record)  # later saves append to it
    optimizer.budget = budget  # this call's budget wins: a larger one continues the run
    return state


def run(optimizer: Optimizer, fun: Callable[..., Any], **options: Any) -> Result:
    """Drive an ask/tell optimizer on ``fun``: the loop ``minimize`` uses, for objects you made.

    Parameters
    ----------
    optimizer : Optimizer
        For instance ``metaopt.DE(bounds, pop_size=40, rng=0)``.
    fun : callable
        As for :func:`metaopt.minimize`.
    budget : int, optional
        Given to the optimizer (its schedules span it). Default: ``optimizer.budget``; for
        optimizers without a budget-dependent schedule, ``10000 * dim``. A budget that differs
        from the optimizer's own is an error.
    workers : int, Executor or map-like callable, default 1
        Parallel evaluations (-1: all cores), or the user's own pool (a
        ``concurrent.futures.Executor``, or a map-like callable such as ``pool.map``, as
        scipy's ``workers=``). Results do not depend on it.
    backend : {"processes", "threads", "dask"}
    client : dask.distributed.Client or scheduler address, optional
    on_error : {"raise", "inf", "retry"}
        Failure policy; see :mod:`metaopt.evaluation`.
    retries : int, optional
        With on_error="retry": re-evaluations of a failed individual (default 2).
    timeout : float, optional
        Seconds per evaluation (processes).
    checkpoint : path, optional
        Save the run there (atomically) every ``checkpoint_every`` generations or
        ``checkpoint_interval`` seconds (default 60 s), at the end, and on a failure.
    resume : path or True, optional
        Continue the run saved there: same algorithm, space, method options, ``rng``,
        constraints and direction (maximize), else CheckpointError names each difference
        (the budget and stopping rules are this call's: a larger budget continues a finished
        run). ``optimizer``'s state is replaced by the saved one. ``True``: continue from
        ``checkpoint`` if that file exists, else start (one command line for the first run
        and every restart of a preemptible job). A finished run is returned as it was, with
        nothing evaluated, unless a larger budget or a looser rule lets it go on.
    asynchronous : bool, default False
        Steady-state mode for algorithms that support it (DE): each finished evaluation is
        told at once and starts the next, for objectives whose time varies. Not bit-identical
        across worker counts.
    progress : bool or None, default False
        A progress bar (tqdm) with the best value, evaluations per second and ETA, shown once
        the run has lasted a second; None shows it only when stderr is a terminal.
    maxiter, target, max_time, stagnation, stagnation_tol, callback, constraints, equality_tol
        As for :func:`metaopt.minimize`.

    Returns
    -------
    Result
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a metaopt Optimizer, got {optimizer!r}")
    return run_with(optimizer, fun, RunOptions.from_keywords("run", options))


def run_with(optimizer, fun, options):
    """:func:`run` with its options as one :class:`~metaopt.run_options.RunOptions`."""
    o = options
    evaluator = make_objective(fun, optimizer.space, o.vectorized, optimizer.n_objectives)
    # constraints of a scipy-layout objective are called per point (they take x of shape (dim,))
    constraints = as_constraints(o.constraints, optimizer.dim, o.vectorized is True,
                                 o.equality_tol)
    budget = _run_budget(optimizer, o.budget)
    termination = Termination(budget, **o.termination_rules())
    _check_flags(o.callback, o.asynchronous, o.progress,
                 o.checkpoint is None
                 and not (o.checkpoint_every is None and o.checkpoint_interval is None))
    checkpointer = None if o.checkpoint is None else Checkpointer(
        o.checkpoint, o.checkpoint_every, o.checkpoint_interval)
    settings = run_settings(optimizer, fun, constraints)
    lock = contextlib.nullcontext() if checkpointer is None else checkpointer.lock()
    with lock:
        return _start(optimizer, evaluator, constraints, budget, termination, checkpointer,
                      settings, o)


with_run_options(run)


def _start(optimizer, evaluator, constraints, budget, termination, checkpointer, settings, o):
    """The rest of :func:`run`, with the checkpoint's lock held."""
    state = _resume(optimizer, o.resume, checkpointer, budget, settings)
    if state is None and optimizer.batch_size > budget:
        raise ValueError(
            f"budget={budget} is smaller than the first population of {optimizer.batch_size} "
            f"evaluations; raise the budget or pass a smaller pop_size"
        )
    if budget < optimizer.nfev:
        raise ValueError(f"budget={budget} is below the {optimizer.nfev} evaluations the "
                         f"resumed run has already spent")
    evaluations = BatchEvaluator(evaluator, workers=o.workers, backend=o.backend,
                                 client=o.client, on_error=o.on_error, retries=o.retries,
                                 timeout=o.timeout)
    announce_compilation(optimizer)
    log.info("%s over %d variables, budget %d evaluations", type(optimizer).__name__,
             optimizer.dim, budget)
    if o.asynchronous and constraints is not None:
        raise ValueError("asynchronous mode does not take constraints yet: use the "
                         "generational loop (asynchronous=False)")
    if o.asynchronous:
        if not optimizer.supports_async:
            optimizer.ask_one()  # raises the algorithm's own explanation
        if o.backend == "dask" or o.timeout is not None:
            raise ValueError("asynchronous mode runs on processes or threads, without timeout")
        return drive_async(optimizer, evaluations, termination, o.callback, checkpointer, state,
                           settings)
    quiet = o.progress is not None and not o.progress
    bar = None if quiet else Progress(termination.budget, o.progress, type(optimizer).__name__)
    return drive(optimizer, evaluations, termination, o.callback, checkpointer, state, bar,
                 constraints=constraints, settings=settings)
