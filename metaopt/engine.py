"""The one ask -> evaluate -> tell loop: budget, termination rules, callback, history,
parallel evaluation, failure policy, and checkpoints.

Algorithms never call the objective; this loop does, so counting, stopping, parallelism,
failure handling and checkpoints live in one place for every algorithm.
"""

import os
import time
import warnings

import numpy as np

from ._checks import check_int, check_real
from .algorithms.base import Optimizer
from .checkpoint import (CheckpointError, check_checkpoint_path, load_checkpoint,
                         save_checkpoint)
from .state import StateError
from .evaluation import BatchEvaluator, EvaluationError
from .problem import make_evaluator
from .progress import Progress

__all__ = ["Termination", "Checkpointer", "RunState", "run", "drive", "drive_async",
           "resume_optimizer"]


class Termination:
    """The stopping rules of a run; the first one met ends it.

    Parameters
    ----------
    budget : int
        Evaluations; the last batch is truncated so that ``nfev == budget`` exactly.
    maxiter : int, optional
        Generations (batches told, the initial design included).
    target : float, optional
        Stop once the best value is ``<= target``.
    max_time : float, optional
        Wall-clock seconds (of this process, resumed runs included); checked after each
        generation.
    stagnation : int, optional
        Stop after this many generations without the best improving by more than
        ``stagnation_tol``.
    stagnation_tol : float, default 0
    """

    def __init__(self, budget, maxiter=None, target=None, max_time=None, stagnation=None,
                 stagnation_tol=0.0):
        self.budget = check_int("budget", budget, minimum=1)
        self.maxiter = check_int("maxiter", maxiter, minimum=1, allow_none=True)
        self.target = None if target is None else _check_target(target)
        self.max_time = check_real("max_time", max_time, 0.0, low_open=True, allow_none=True)
        self.stagnation = check_int("stagnation", stagnation, minimum=1, allow_none=True)
        self.stagnation_tol = check_real("stagnation_tol", stagnation_tol, 0.0)
        self.state = {"elapsed": 0.0, "reference": np.inf, "stalled": 0}

    def start(self, state=None):
        if state is not None:
            self.state = dict(state)
        self._t0 = time.perf_counter() - self.state["elapsed"]

    def elapsed(self):
        return time.perf_counter() - self._t0

    def snapshot(self):
        """The rules' counters, for a checkpoint."""
        return dict(self.state, elapsed=self.elapsed())

    def check(self, opt):
        """Return ``(success, message)`` when a rule is met, else None."""
        best = opt.best_fun
        state = self.state
        if self.stagnation is not None and opt.nit != state.get("seen_nit"):
            state["seen_nit"] = opt.nit  # counts generations, also when checked more often
            if best < state["reference"] - self.stagnation_tol:
                state["reference"], state["stalled"] = best, 0
            else:
                state["stalled"] += 1
        if self.target is not None and best <= self.target:
            return True, f"target value {self.target:g} reached"
        if opt.nfev >= self.budget:
            return True, f"budget of {self.budget} evaluations exhausted"
        if self.maxiter is not None and opt.nit >= self.maxiter:
            return True, f"maximum number of generations ({self.maxiter}) reached"
        if self.max_time is not None and self.elapsed() >= self.max_time:
            return True, f"time limit of {self.max_time:g} s reached"
        if self.stagnation is not None and state["stalled"] >= self.stagnation:
            return True, (f"stagnation: no improvement over {self.stagnation_tol:g} in "
                          f"{self.stagnation} generations")
        return None


def _check_target(target):
    return check_real("target", target)


class Checkpointer:
    """When and where a run is saved.

    Parameters
    ----------
    path : str or os.PathLike
        Checked at once: a missing folder, a folder or "" is refused before any work.
    every : int, optional
        Save every ``every`` generations.
    interval : float, optional
        Save when ``interval`` seconds have passed since the last save. With neither given,
        every 60 seconds. A run also saves right after its initial population, when it ends,
        when it is interrupted (Ctrl-C) and when an evaluation fails under on_error="raise".

    A save that fails (a full disk) warns and the run goes on; the previous checkpoint stays
    intact.
    """

    def __init__(self, path, every=None, interval=None):
        self.path = check_checkpoint_path(path)
        self.every = check_int("checkpoint_every", every, minimum=1, allow_none=True)
        self.interval = check_real("checkpoint_interval", interval, 0.0, low_open=True,
                                   allow_none=True)
        if self.every is None and self.interval is None:
            self.interval = 60.0
        self.last = None

    def due(self, nit):
        if self.last is None:
            return True
        if self.every is not None and nit % self.every == 0:
            return True
        return self.interval is not None and time.monotonic() - self.last >= self.interval

    def save(self, opt, run_state, pending=None, strict=False):
        """Write the run; with ``strict`` a failed save raises, else it warns."""
        state = {
            "optimizer": opt.state_dict(),
            "pending": pending,
            **run_state.state_dict(),
        }
        try:
            save_checkpoint(self.path, state)
        except OSError as exc:
            if strict:
                raise
            warnings.warn(f"could not save the checkpoint {self.path!r} ({exc}); the run goes "
                          f"on and the previous checkpoint is kept", RuntimeWarning, stacklevel=3)
            return False
        self.last = time.monotonic()
        return True


class RunState:
    """What the engine keeps beside the optimizer: the stopping rules' counters, the failure
    count, and the seed of the objective's own random numbers."""

    def __init__(self, termination, evaluations):
        self.termination = termination
        self.evaluations = evaluations
        self.objective_entropy = None

    def state_dict(self):
        return {"termination": self.termination.snapshot(), "nfail": self.evaluations.nfail,
                "objective_entropy": self.objective_entropy}

    def load_state_dict(self, state):
        self.termination.start(state["termination"])
        self.evaluations.nfail = int(state["nfail"])
        self.objective_entropy = state["objective_entropy"]

    def batch_seed(self, opt):
        """The seed of the random numbers an objective draws for the next batch (its
        minibatch): one stream per run, drawn from the optimizer's rng once, indexed by the
        evaluations spent, so every worker sees the same numbers and a resumed run sees them
        again."""
        if self.objective_entropy is None:
            self.objective_entropy = int(opt.rng.integers(0, 2**63 - 1))
        return np.random.SeedSequence([self.objective_entropy, opt.nfev]).generate_state(1)[0]


def resume_optimizer(path, opt):
    """Load the checkpoint at ``path`` into ``opt`` (which must be of the saved class, over the
    saved space). Returns the saved engine state."""
    state = load_checkpoint(path)
    try:
        opt.load_state_dict(state["optimizer"])
    except (StateError, KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"resume={os.fspath(path)!r}: {exc}") from None
    return state


def drive(opt, evaluations, termination, callback=None, checkpointer=None, state=None,
          progress=None, run_state=None):
    """Run ``opt`` until a rule of ``termination`` (or the callback) stops it.

    Parameters
    ----------
    opt : Optimizer
    evaluations : BatchEvaluator
    termination : Termination
    callback : callable, optional
    checkpointer : Checkpointer, optional
    state : dict, optional
        Engine state from a checkpoint: the rules' counters, failures, and the completed part
        of an interrupted batch. A resumed run whose rules are already met returns at once.

    Returns
    -------
    Result
    """
    run_state = run_state or RunState(termination, evaluations)
    termination.start()
    pending = None
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
            if evaluations.evaluator.takes_rng:
                evaluations.evaluator.seed = run_state.batch_seed(opt)
            values, done = (None, None) if pending is None else (
                pending["values"][: len(X)], pending["done"][: len(X)])
            try:
                f = evaluations(X, values, done, first=opt.nfev == 0)
            except EvaluationError as err:
                if not err.programming_error:
                    _save_failed_batch(err, opt, run_state, checkpointer)
                raise
            except KeyboardInterrupt as interrupt:
                _save_interrupted(interrupt, opt, run_state, checkpointer)
                raise
            pending = None
            opt.tell(X, f)
            if progress is not None:
                progress.update(opt)
            stop = termination.check(opt)
            if checkpointer is not None and (stop is not None or checkpointer.due(opt.nit)):
                checkpointer.save(opt, run_state)
            if stop is None and callback is not None and _callback_stops(callback, opt,
                                                                         evaluations):
                stop = (False, "stopped by the callback")
                if checkpointer is not None:
                    checkpointer.save(opt, run_state)
            if stop is not None:
                return _result(opt, evaluations, *stop)
    finally:
        evaluations.close()
        if progress is not None:
            progress.close()


def drive_async(opt, evaluations, termination, callback=None, checkpointer=None, state=None):
    """Steady-state asynchronous loop: every finished evaluation is told at once and a new one
    starts, so no worker waits for the slowest of a generation.

    The initial population is evaluated as a batch first. Which trials exist depends on the
    order in which evaluations finish, so results are not bit-identical across worker counts
    (they are with one worker). In-flight evaluations are not part of a checkpoint: a resumed
    run draws new trials for them.
    """
    run_state = RunState(termination, evaluations)
    if opt.nfev == 0 or opt.asked is not None:  # the initial design: one ordinary generation
        first = Termination(opt.nfev + opt.batch_size)
        drive(opt, evaluations, first, None, None, state, run_state=RunState(first,
                                                                              evaluations))
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
                in_flight[evaluations.submit(x)] = (key, u, x)
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
        _save_failed_batch(err, opt, run_state, checkpointer, batch=False)
        raise
    finally:
        evaluations.cancel(in_flight)
        evaluations.close()


def _save_failed_batch(err, opt, run_state, checkpointer, batch=True):
    """Keep the finished part of a run that an evaluation error stops: in the run's checkpoint,
    or, when it has none, in a new file in the temporary folder named by the error. With
    ``batch``, the completed evaluations of the failed batch are kept too. A save that fails
    here never hides the evaluation error: it is added to its message."""
    pending = None
    if batch:
        done = ~np.isnan(err.values)
        for failure in err.failures:
            done[failure.row] = False
        pending = {"values": np.asarray(err.values, float), "done": done}
    err.result = _result(opt, run_state.evaluations, False,
                         f"stopped: {err.args[0].splitlines()[0]}")
    path = _save_or_temporary(opt, run_state, checkpointer, pending)
    if isinstance(path, Exception):
        err.args = (f"{err.args[0].rstrip()}\nThe run could not be saved: {path}",)
        return
    err.checkpoint = path
    err.args = (f"{err.args[0].rstrip()}\nThe run so far, and every evaluation that completed, "
                f"is saved in {path}: pass resume={path!r} to continue.",)


def _save_interrupted(interrupt, opt, run_state, checkpointer):
    """Ctrl-C: save the run and the evaluations of the current batch that finished."""
    values = getattr(interrupt, "values", None)
    pending = None
    if values is not None:
        pending = {"values": np.asarray(values, float), "done": ~np.isnan(values)}
    if checkpointer is not None:
        try:
            checkpointer.save(opt, run_state, pending, strict=True)
        except OSError as exc:
            warnings.warn(f"interrupted, and the checkpoint could not be saved: {exc}",
                          RuntimeWarning, stacklevel=3)


def _save_or_temporary(opt, run_state, checkpointer, pending):
    """Save into the run's checkpoint, else into a new temporary file; the path, or the
    exception that stopped the save."""
    made = None
    if checkpointer is None:
        import tempfile

        handle, made = tempfile.mkstemp(prefix=f"metaopt-{type(opt).__name__}-", suffix=".ckpt")
        os.close(handle)
        checkpointer = Checkpointer(made)
    try:
        checkpointer.save(opt, run_state, pending, strict=True)
    except Exception as exc:  # noqa: BLE001 - reported with the original error
        if made is not None:
            os.unlink(made)
        return exc
    return checkpointer.path


def _settings(opt):
    """The optimizer's settings named like its constructor's arguments (scalars only)."""
    import inspect

    names = inspect.signature(type(opt).__init__).parameters
    held = vars(opt)  # attributes only: a property (JADE's mu_F) is state that evolves
    return {name: held[name] for name in names if name != "budget"  # the call's budget wins
            and isinstance(held.get(name), (bool, int, float, str))}


def _warn_replaced_settings(given, saved):
    differ = [f"{k}={saved[k]!r} (saved) over {k}={given[k]!r}" for k in given
              if k in saved and saved[k] != given[k]]
    if differ:
        warnings.warn("resume continues the saved run with its own settings: "
                      + ", ".join(differ), UserWarning, stacklevel=4)


def _result(opt, evaluations, success, message):
    res = opt.result(success=success, message=message)
    res.nfail = evaluations.nfail
    return res


def _callback_stops(callback, opt, evaluations):
    try:
        return bool(callback(_result(opt, evaluations, True, "in progress")))
    except StopIteration:
        return True


def run(optimizer, fun, *, budget=None, vectorized=False, callback=None, workers=1,
        backend="processes", client=None, on_error="raise", retries=None, timeout=None,
        checkpoint=None, checkpoint_every=None, checkpoint_interval=None, resume=None,
        asynchronous=False, progress=False, maxiter=None, target=None, max_time=None,
        stagnation=None, stagnation_tol=0.0):
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
    workers : int, default 1
        Parallel evaluations (-1: all cores). Results do not depend on it.
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
        Continue the run saved there (same algorithm and space); ``optimizer``'s own state and
        settings are replaced by the saved ones (the saved run wins). ``True``: continue from
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
    maxiter, target, max_time, stagnation, stagnation_tol, callback
        As for :func:`metaopt.minimize`.

    Returns
    -------
    Result
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a metaopt Optimizer, got {optimizer!r}")
    evaluator = make_evaluator(fun, optimizer.space, vectorized)
    if budget is None:
        if optimizer.budget is None and optimizer.needs_budget:
            raise ValueError(f"{type(optimizer).__name__} schedules its search over the budget: "
                             f"pass budget= to metaopt.run or to {type(optimizer).__name__}")
        budget = optimizer.budget if optimizer.budget is not None else 10000 * optimizer.dim
    optimizer.set_budget(budget)
    termination = Termination(budget, maxiter=maxiter, target=target, max_time=max_time,
                              stagnation=stagnation, stagnation_tol=stagnation_tol)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got callback={callback!r}")
    if not isinstance(asynchronous, bool):
        raise TypeError(f"asynchronous must be a bool, got asynchronous={asynchronous!r}")
    if not (progress is None or isinstance(progress, (bool, np.bool_))):
        raise TypeError(f"progress must be True, False or None, got progress={progress!r}")
    if checkpoint is None and (checkpoint_every is not None or checkpoint_interval is not None):
        raise ValueError("checkpoint_every and checkpoint_interval need checkpoint= (a path)")
    checkpointer = None if checkpoint is None else Checkpointer(checkpoint, checkpoint_every,
                                                                checkpoint_interval)
    if resume is True:  # the preemptible-job idiom: continue if the checkpoint exists
        if checkpointer is None:
            raise ValueError("resume=True continues from checkpoint=, which is not given")
        resume = checkpointer.path if os.path.exists(checkpointer.path) else None
    elif resume is False:
        resume = None
    state = None
    if resume is not None:
        given = _settings(optimizer)
        state = resume_optimizer(resume, optimizer)
        _warn_replaced_settings(given, _settings(optimizer))
        optimizer.budget = budget  # this call's budget wins: a larger one continues the run
    if state is None and optimizer.batch_size > budget:
        raise ValueError(
            f"budget={budget} is smaller than the first population of {optimizer.batch_size} "
            f"evaluations; raise the budget or pass a smaller pop_size"
        )
    if budget < optimizer.nfev:
        raise ValueError(f"budget={budget} is below the {optimizer.nfev} evaluations the "
                         f"resumed run has already spent")
    evaluations = BatchEvaluator(evaluator, workers=workers, backend=backend, client=client,
                                 on_error=on_error, retries=retries, timeout=timeout)
    if asynchronous:
        if not optimizer.supports_async:
            optimizer.ask_one()  # raises the algorithm's own explanation
        if backend == "dask" or timeout is not None:
            raise ValueError("asynchronous mode runs on processes or threads, without timeout")
        return drive_async(optimizer, evaluations, termination, callback, checkpointer, state)
    quiet = progress is not None and not progress
    bar = None if quiet else Progress(termination.budget, progress, type(optimizer).__name__)
    return drive(optimizer, evaluations, termination, callback, checkpointer, state, bar)
