"""The one ask -> evaluate -> tell loop: budget, termination rules, callback, history,
parallel evaluation, failure policy, and checkpoints.

Algorithms never call the objective; this loop does, so counting, stopping, parallelism,
failure handling and checkpoints live in one place for every algorithm.
"""

import os
import time

import numpy as np

from ._checks import check_int, check_real
from .algorithms.base import Optimizer
from .checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from .evaluation import BatchEvaluator, EvaluationError
from .problem import make_evaluator
from .progress import Progress

__all__ = ["Termination", "Checkpointer", "run", "drive", "drive_async", "resume_optimizer"]


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
    value = check_real("target", target) if not np.isinf(target) else None
    if value is None:
        raise ValueError(f"target must be finite, got target={target!r}")
    return value


class Checkpointer:
    """When and where a run is saved.

    Parameters
    ----------
    path : str or os.PathLike
    every : int, optional
        Save every ``every`` generations.
    interval : float, optional
        Save when ``interval`` seconds have passed since the last save. With neither given,
        every 60 seconds. A run also saves when it ends and when an evaluation fails under
        on_error="raise".
    """

    def __init__(self, path, every=None, interval=None):
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"checkpoint must be a file path, got checkpoint={path!r}")
        self.path = os.fspath(path)
        self.every = check_int("checkpoint_every", every, minimum=1, allow_none=True)
        self.interval = check_real("checkpoint_interval", interval, 0.0, low_open=True,
                                   allow_none=True)
        if self.every is None and self.interval is None:
            self.interval = 60.0
        self._last = time.monotonic()

    def due(self, nit):
        if self.every is not None and nit % self.every == 0:
            return True
        return self.interval is not None and time.monotonic() - self._last >= self.interval

    def save(self, opt, termination, evaluations, pending=None):
        save_checkpoint(self.path, {
            "method": type(opt).__name__,
            "space": repr(opt.space),
            "optimizer": opt,
            "termination": termination.snapshot(),
            "nfail": evaluations.nfail,
            "pending": pending,
        })
        self._last = time.monotonic()


def resume_optimizer(path, cls, space):
    """Load a checkpoint and check it belongs to a run of ``cls`` over ``space``.

    Returns the optimizer and the saved engine state.
    """
    state = load_checkpoint(path)
    if state.get("method") != cls.__name__ or state.get("space") != repr(space):
        raise CheckpointError(
            f"resume={os.fspath(path)!r} holds a run of {state.get('method')} over "
            f"{state.get('space')}; this call asks for {cls.__name__} over {space!r}"
        )
    return state["optimizer"], state


def drive(opt, evaluations, termination, callback=None, checkpointer=None, state=None,
          progress=None):
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
        of an interrupted batch.

    Returns
    -------
    Result
    """
    termination.start(None if state is None else state["termination"])
    pending = None
    if state is not None:
        evaluations.nfail = state["nfail"]
        pending = state["pending"]
        opt._t0 = time.perf_counter() - termination.state["elapsed"]
    try:
        while True:
            if opt._pending is None:
                X = opt.ask()
            else:  # resumed in the middle of a batch
                X = opt._values(opt._pending)
            X = X[: termination.budget - opt.nfev]
            if evaluations.evaluator.takes_rng:
                evaluations.evaluator.seed = batch_seed(opt)
            values, done = (None, None) if pending is None else pending
            try:
                f = evaluations(X, values, done)
            except EvaluationError as err:
                _save_failed_batch(err, opt, termination, evaluations, checkpointer)
                raise
            pending = None
            opt.tell(X, f)
            if progress is not None:
                progress.update(opt)
            stop = termination.check(opt)
            if checkpointer is not None and (stop is not None or checkpointer.due(opt.nit)):
                checkpointer.save(opt, termination, evaluations)
            if stop is None and callback is not None and _callback_stops(callback, opt,
                                                                         evaluations):
                stop = (False, "stopped by the callback")
                if checkpointer is not None:
                    checkpointer.save(opt, termination, evaluations)
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
    if opt.pop is None:  # the initial design: one generation of the ordinary loop
        drive(opt, evaluations, Termination(opt.nfev + opt.batch_size), None, None, state)
        state = None
    termination.start(None if state is None else state["termination"])
    if state is not None:
        evaluations.nfail = state["nfail"]
    stop = termination.check(opt)
    submitted = opt.nfev
    in_flight = {}
    try:
        while stop is None:
            while len(in_flight) < evaluations.capacity and submitted < termination.budget:
                key, u = opt.ask_one()
                x = opt._values(u[None, :])
                in_flight[evaluations.submit(x)] = (key, u, x, 0)
                submitted += 1
            for future in evaluations.wait_first(in_flight):
                key, u, x, attempts = in_flight.pop(future)
                f, failures = evaluations.outcome(future)
                if failures and evaluations.on_error == "retry" and attempts < evaluations.retries:
                    in_flight[evaluations.submit(x)] = (key, u, x, attempts + 1)
                    continue
                if failures:
                    if evaluations.on_error == "raise":
                        err = EvaluationError(failures, x, np.full(1, np.nan))
                        _save_failed_batch(err, opt, termination, evaluations, checkpointer,
                                           batch=False)
                        raise err
                    evaluations.nfail += 1
                    f = np.inf
                nit = opt.nit
                opt.tell_one(key, u, f)
                stop = termination.check(opt)
                if stop is None and callback is not None and opt.nit != nit and \
                        _callback_stops(callback, opt, evaluations):
                    stop = (False, "stopped by the callback")
                if checkpointer is not None and opt.nit != nit and checkpointer.due(opt.nit):
                    checkpointer.save(opt, termination, evaluations)
                if stop is not None:
                    break
        if checkpointer is not None:
            checkpointer.save(opt, termination, evaluations)
        return _result(opt, evaluations, *stop)
    finally:
        evaluations.cancel(in_flight)
        evaluations.close()


def batch_seed(opt):
    """The seed of the random numbers an objective draws for the next batch (its minibatch):
    one stream per run, taken from the optimizer's rng once, indexed by the evaluations spent,
    so that every worker sees the same numbers and a resumed run sees them again."""
    if getattr(opt, "_objective_entropy", None) is None:
        opt._objective_entropy = int(opt.rng.integers(0, 2**63 - 1))
    return np.random.SeedSequence([opt._objective_entropy, opt.nfev]).generate_state(1)[0]


def _save_failed_batch(err, opt, termination, evaluations, checkpointer, batch=True):
    """Keep the finished part of a run that an evaluation error stops: in the run's checkpoint,
    or, when it has none, in a new file in the temporary folder named by the error. With
    ``batch``, the completed evaluations of the failed batch are kept too."""
    pending = None
    if batch:
        done = ~np.isnan(err.values)
        for failure in err.failures:
            done[failure.row] = False
        pending = (err.values, done)
    err.result = _result(opt, evaluations, False, f"stopped: {err.args[0].splitlines()[0]}")
    if checkpointer is None:
        import tempfile

        handle, path = tempfile.mkstemp(prefix=f"metaopt-{type(opt).__name__}-", suffix=".ckpt")
        os.close(handle)
        checkpointer = Checkpointer(path)
    checkpointer.save(opt, termination, evaluations, pending=pending)
    err.checkpoint = checkpointer.path
    err.args = (f"{err.args[0].rstrip()}\nThe run so far, and every evaluation that completed, "
                f"is saved in {checkpointer.path}: pass resume={checkpointer.path!r} to "
                f"continue.",)


def _result(opt, evaluations, success, message):
    res = opt.result(success=success, message=message)
    res.nfail = evaluations.nfail
    return res


def _callback_stops(callback, opt, evaluations):
    try:
        return callback(_result(opt, evaluations, True, "in progress")) is True
    except StopIteration:
        return True


def run(optimizer, fun, *, budget=None, vectorized=False, callback=None, workers=1,
        backend="processes", client=None, on_error="raise", retries=2, timeout=None,
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
        Default: ``optimizer.budget``, else ``10000 * dim``.
    workers : int, default 1
        Parallel evaluations (-1: all cores). Results do not depend on it.
    backend : {"processes", "threads", "dask"}
    client : dask.distributed.Client or scheduler address, optional
    on_error : {"raise", "inf", "retry"}
        Failure policy; see :mod:`metaopt.evaluation`.
    retries : int, default 2
    timeout : float, optional
        Seconds per evaluation (processes).
    checkpoint : path, optional
        Save the run there (atomically) every ``checkpoint_every`` generations or
        ``checkpoint_interval`` seconds (default 60 s), at the end, and on a failure.
    resume : path, optional
        Continue the run saved there (same algorithm and space); ``optimizer``'s own state is
        replaced by the saved one.
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
    state = None
    if resume is not None:
        optimizer, state = resume_optimizer(resume, type(optimizer), optimizer.space)
    evaluator = make_evaluator(fun, optimizer.space, vectorized)
    if budget is None:
        budget = optimizer.budget if optimizer.budget is not None else 10000 * optimizer.dim
    termination = Termination(budget, maxiter=maxiter, target=target, max_time=max_time,
                              stagnation=stagnation, stagnation_tol=stagnation_tol)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got callback={callback!r}")
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
    checkpointer = None if checkpoint is None else Checkpointer(checkpoint, checkpoint_every,
                                                                checkpoint_interval)
    if not isinstance(asynchronous, bool):
        raise TypeError(f"asynchronous must be a bool, got asynchronous={asynchronous!r}")
    if asynchronous:
        if not optimizer.supports_async:
            optimizer.ask_one()  # raises the algorithm's own explanation
        if backend == "dask" or timeout is not None:
            raise ValueError("asynchronous mode runs on processes or threads, without timeout")
        return drive_async(optimizer, evaluations, termination, callback, checkpointer, state)
    bar = None if progress is False else Progress(termination.budget, progress,
                                                   type(optimizer).__name__)
    return drive(optimizer, evaluations, termination, callback, checkpointer, state, bar)
