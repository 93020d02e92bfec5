"""Evaluating batches: in process or on workers, under one failure policy for every algorithm.

Backends: joblib processes (loky, cloudpickle: lambdas, closures and notebook functions work),
joblib threads (for objectives that release the GIL), and a dask.distributed cluster through
joblib's dask backend. Rows keep their order whatever the backend and number of workers, so a
run gives the same result with any of them.

Failure policies (``on_error``):

- ``"raise"`` (default): after the batch finishes, raise :class:`EvaluationError` naming the
  first failed individual and its x; the values that did complete are kept: the engine writes
  the run and them into the run's checkpoint (or, without one, into a new file in the temporary
  folder, named by the error) so that ``resume=`` continues, and the error carries the run so
  far.
- ``"inf"``: a failed evaluation counts as +inf.
- ``"retry"``: re-evaluate a failed individual up to ``retries`` times, then +inf.

A failure is an exception raised by the objective or, with ``timeout``, an evaluation that
runs longer than ``timeout`` seconds (processes only: its worker is killed and replaced).
NaN and infinite values are not failures; they count as +inf.
"""

import concurrent.futures as cf
import signal
import time
import traceback

import numpy as np

from ._checks import check_choice, check_int, check_real

__all__ = ["EvaluationError", "Failure", "BatchEvaluator", "ON_ERROR", "BACKENDS"]

ON_ERROR = ("raise", "inf", "retry")
BACKENDS = ("processes", "threads", "dask")


class Failure:
    """One failed evaluation: the row in its batch, and what went wrong (picklable text)."""

    def __init__(self, row, kind, message, trace=""):
        self.row, self.kind, self.message, self.trace = row, kind, message, trace

    @classmethod
    def from_exception(cls, row, exc):
        return cls(row, type(exc).__name__, str(exc),
                   "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))

    def __repr__(self):
        return f"Failure(row={self.row}, {self.kind}: {self.message})"


class EvaluationError(RuntimeError):
    """The objective failed under ``on_error="raise"``.

    Attributes
    ----------
    index : int
        The failed individual's row in its batch.
    x : ndarray
        Its point.
    failures : list of Failure
        Every failure in the batch.
    values : ndarray
        The batch's values; NaN where the evaluation failed.
    result : Result or None
        The run up to the last completed generation (set by the engine).
    checkpoint : str or None
        Where the engine saved the run, completed evaluations of this batch included.
    """

    def __init__(self, failures, X, values):
        first = failures[0]
        self.index, self.x = first.row, np.array(X[first.row])
        self.failures, self.values = failures, values
        self.result = None
        self.checkpoint = None
        super().__init__(
            f"the objective failed for individual {first.row} of the batch, "
            f"x={np.array2string(self.x, precision=6, threshold=20)}: {first.kind}: "
            f"{first.message}" + (f" ({len(failures)} failures in the batch)"
                                  if len(failures) > 1 else "")
            + "\n" + first.trace
        )


def evaluate_rows(evaluator, X):
    """Evaluate ``X`` and isolate failures row by row. Runs in workers; returns plain data.

    Returns
    -------
    values : (n,) array, NaN where an evaluation failed
    failures : list of Failure
    """
    n = X.shape[0]
    if evaluator.mode == "scalar":
        values = np.full(n, np.nan)
        failures = []
        rows = evaluator.rows(X)
        for i in range(n):
            try:
                values[i] = evaluator.scalar_value(evaluator._call(rows[i]), i)
            except Exception as exc:  # noqa: BLE001 - any error of the objective is a failure
                failures.append(Failure.from_exception(i, exc))
        return values, failures
    try:
        return evaluator(X), []
    except Exception as exc:  # noqa: BLE001
        batch_error = exc
    values = np.full(n, np.nan)
    failures = []
    if n > 1:
        for i in range(n):  # the batch failed as a whole: find which rows fail on their own
            try:
                values[i] = evaluator(X[i:i + 1])[0]
            except Exception as exc:  # noqa: BLE001
                failures.append(Failure.from_exception(i, exc))
    if len(failures) == n:  # every row fails: the batch's own error says most
        failures = [Failure.from_exception(i, batch_error) for i in range(n)]
    return values, failures


class EvaluationTimeout(TimeoutError):
    """Raised inside a worker when one evaluation outlives its timeout."""


def evaluate_rows_with_alarm(evaluator, X, timeout):
    """``evaluate_rows`` under a SIGALRM timer: a Python-level hang (a sleep, a loop) is
    interrupted inside the worker, which stays alive for the next task. Runs in a worker's
    main thread, where loky runs tasks."""

    def expire(signum, frame):
        raise EvaluationTimeout(f"evaluation took longer than timeout={timeout:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return evaluate_rows(evaluator, X)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _ready(evaluator):
    """A no-op task that makes a fresh worker import metaopt and unpickle the objective."""
    return evaluator.mode


def _offset(failures, start):
    for failure in failures:
        failure.row += start
    return failures


class _InlineExecutor:
    """Runs a submitted call at once, in process: the one-worker asynchronous loop."""

    @staticmethod
    def submit(fn, *args):
        future = cf.Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:  # noqa: BLE001
            future.set_exception(exc)
        return future


class BatchEvaluator:
    """Evaluate batches of points under a failure policy, serially or in parallel.

    Parameters
    ----------
    evaluator : metaopt.problem.Evaluator
    workers : int, default 1
        Parallel evaluations; -1 for all cores (or all of a dask cluster).
    backend : {"processes", "threads", "dask"}
    client : dask.distributed.Client or str, optional
        With backend="dask": a Client you made, or a scheduler address; default: the current
        Client.
    on_error : {"raise", "inf", "retry"}
    retries : int, default 2
        With on_error="retry": re-evaluations of a failed individual before it counts as +inf.
    timeout : float, optional
        Seconds one evaluation may take (backend="processes"); a slower one is a failure.
    """

    def __init__(self, evaluator, workers=1, backend="processes", client=None, on_error="raise",
                 retries=2, timeout=None):
        self.evaluator = evaluator
        self.workers = check_int("workers", workers, minimum=-1)
        if self.workers == 0:
            raise ValueError("workers must be >= 1 or -1 (all cores), got workers=0")
        self.backend = check_choice("backend", backend, BACKENDS)
        self.on_error = check_choice("on_error", on_error, ON_ERROR)
        self.retries = check_int("retries", retries, minimum=0)
        self.timeout = check_real("timeout", timeout, 0.0, low_open=True, allow_none=True)
        if self.timeout is not None and self.backend != "processes":
            raise ValueError(f"timeout needs backend='processes' (a hung thread or dask task "
                             f"cannot be stopped), got backend={backend!r}")
        if client is not None and self.backend != "dask":
            raise ValueError(f"client is for backend='dask', got backend={backend!r}")
        self.client = client
        self._parallel = None
        self._executor = None
        self._owns_executor = False
        self.nfail = 0

    @property
    def parallel(self):
        return self.workers != 1 or self.backend == "dask" or self.timeout is not None

    # -- one batch -----------------------------------------------------------------------------
    def __call__(self, X, values=None, done=None):
        """Values of the rows of ``X``; rows where ``done`` is True keep ``values``.

        Returns the (n,) values with failures replaced per the policy; raises
        :class:`EvaluationError` under on_error="raise".
        """
        n = X.shape[0]
        if values is None and not self.parallel:  # the common case, kept cheap
            out, failures = evaluate_rows(self.evaluator, X)
            if not failures:
                return out
        else:
            out = np.full(n, np.nan) if values is None else np.array(values, dtype=float)
            todo = np.arange(n) if done is None else np.flatnonzero(~np.asarray(done))
            failures = self._evaluate_subset(X, todo, out)
        attempts = 0
        while failures and self.on_error == "retry" and attempts < self.retries:
            attempts += 1
            failures = self._evaluate_subset(X, np.array([f.row for f in failures]), out)
        if failures:
            if self.on_error == "raise":
                raise EvaluationError(failures, X, out)
            self.nfail += len(failures)
            out[[f.row for f in failures]] = np.inf
        return out

    def _evaluate_subset(self, X, rows, out):
        if rows.size == 0:
            return []
        sub = X[rows]
        if not self.parallel:
            values, failures = evaluate_rows(self.evaluator, sub)
        elif self.timeout is not None:
            values, failures = self._with_timeout(sub)
        elif self.backend == "processes":
            values, failures = self._with_pool(sub)
        else:
            values, failures = self._with_joblib(sub)
        out[rows] = values
        for failure in failures:
            failure.row = int(rows[failure.row])
        return failures

    # -- joblib: processes, threads, dask --------------------------------------------------------
    def _joblib(self):
        if self._parallel is None:
            from joblib import Parallel, parallel_config

            if self.backend == "dask":
                kwargs = {}
                if isinstance(self.client, str):
                    kwargs["scheduler_host"] = self.client
                elif self.client is not None:
                    kwargs["client"] = self.client
                # parallel_config is what registers joblib's dask backend on first use.
                with parallel_config(backend="dask", **kwargs):
                    self._parallel = Parallel(n_jobs=self.workers)
            else:
                backend = "loky" if self.backend == "processes" else "threading"
                self._parallel = Parallel(n_jobs=self.workers, backend=backend)
            self._parallel.__enter__()  # keep one pool for the whole run
        return self._parallel

    def _n_chunks(self, n):
        parallel = self._joblib()
        try:
            workers = parallel._effective_n_jobs()  # joblib's own count, dask clusters included
        except AttributeError:  # pragma: no cover - older joblib
            from joblib import cpu_count

            workers = self.workers if self.workers > 0 else cpu_count()
        per_worker = 1 if self.evaluator.mode != "scalar" else 4  # balance uneven scalar costs
        return max(1, min(n, workers * per_worker))

    def _with_joblib(self, X):
        from joblib import delayed

        bounds = np.linspace(0, X.shape[0], self._n_chunks(X.shape[0]) + 1).astype(int)
        chunks = [(a, b) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
        results = self._joblib()(delayed(evaluate_rows)(self.evaluator, X[a:b]) for a, b in chunks)
        values = np.concatenate([v for v, _ in results])
        failures = [f for (a, _), (_, fs) in zip(chunks, results) for f in _offset(fs, a)]
        return values, failures

    # -- processes: chunks on the run's own loky pool ----------------------------------------
    def _with_pool(self, X):
        """Chunks submitted straight to the pool: per generation this costs about a
        millisecond, where a joblib.Parallel call costs several."""
        executor = self._shared_pool()
        per_worker = 1 if self.evaluator.mode != "scalar" else 2
        n_chunks = max(1, min(X.shape[0], self.capacity * per_worker))
        bounds = np.linspace(0, X.shape[0], n_chunks + 1).astype(int)
        chunks = [(a, b) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
        futures = [executor.submit(evaluate_rows, self.evaluator, X[a:b]) for a, b in chunks]
        values = np.full(X.shape[0], np.nan)
        failures = []
        for (a, b), future in zip(chunks, futures):
            try:
                values[a:b], fs = future.result()
            except Exception as exc:  # noqa: BLE001 - a crashed worker fails its rows
                fs = [Failure.from_exception(i, exc) for i in range(b - a)]
            failures.extend(_offset(fs, a))
        return values, failures

    # -- processes with a per-evaluation timeout -------------------------------------------------
    def _shared_pool(self):
        """joblib's reusable process pool (loky, cloudpickle): the one joblib.Parallel runs on,
        kept warm across runs."""
        from joblib.executor import get_memmapping_executor

        return get_memmapping_executor(self.capacity)

    def _loky(self):
        """A process pool of this run's own (joblib's loky, cloudpickle), apart from joblib's
        shared one, so that a hung worker can be killed without touching other pools."""
        from joblib.externals.loky import ProcessPoolExecutor

        self._executor = ProcessPoolExecutor(max_workers=self.capacity)
        self._owns_executor = True
        # Start every worker and unpickle the objective there before any deadline runs, so
        # that a timeout measures the evaluation, not the worker's start-up.
        warm = [self._executor.submit(_ready, self.evaluator) for _ in range(self.capacity)]
        cf.wait(warm)
        return self._executor

    def _with_timeout(self, X):
        """One row per task, at most ``workers`` running. The worker's own timer interrupts a
        slow evaluation; a worker that does not answer ``timeout`` + grace seconds after its
        task started (a hang in C code that ignores signals) is killed with its pool."""
        n = X.shape[0]
        values = np.full(n, np.nan)
        failures = []
        queue = list(range(n))
        executor = self._executor if self._executor is not None else self._loky()
        capacity = self.capacity
        running = {}
        while queue or running:
            while queue and len(running) < capacity:
                i = queue.pop(0)
                future = executor.submit(evaluate_rows_with_alarm, self.evaluator,
                                         X[i:i + 1], self.timeout)
                grace = max(1.0, self.timeout)
                running[future] = (i, time.monotonic() + self.timeout + grace)
            next_deadline = min(deadline for _, deadline in running.values())
            done, _ = cf.wait(running, timeout=max(0.0, next_deadline - time.monotonic()),
                              return_when=cf.FIRST_COMPLETED)
            for future in done:
                i, _ = running.pop(future)
                try:
                    (value,), fs = future.result()
                    values[i] = value
                    failures.extend(_offset(fs, i))
                except Exception as exc:  # noqa: BLE001 - a crashed worker is a failure too
                    failures.append(Failure.from_exception(i, exc))
            now = time.monotonic()
            expired = [f for f, (_, deadline) in running.items() if deadline <= now]
            if expired:
                for future in expired:
                    i, _ = running.pop(future)
                    failures.append(Failure(i, "TimeoutError", f"evaluation took longer than "
                                            f"timeout={self.timeout:g} s"))
                # A hung worker cannot be interrupted: replace the pool, re-run what was cut.
                queue = [i for i, _ in running.values()] + queue
                running = {}
                executor.shutdown(wait=False, kill_workers=True)
                executor = self._loky()
        failures.sort(key=lambda f: f.row)
        return values, failures

    # -- futures, for the asynchronous loop ------------------------------------------------------
    @property
    def capacity(self):
        """How many evaluations run at once."""
        if self.workers > 0:
            return self.workers
        from joblib import cpu_count

        return cpu_count()

    def submit(self, X):
        """Start evaluating ``X`` (a 1-row batch); returns a future."""
        if self._executor is None:
            if self.backend == "threads":
                self._executor = cf.ThreadPoolExecutor(max_workers=self.capacity)
            elif self.capacity == 1:
                self._executor = _InlineExecutor()
            else:
                self._executor = self._shared_pool()
        return self._executor.submit(evaluate_rows, self.evaluator, X)

    @staticmethod
    def wait_first(futures):
        done, _ = cf.wait(list(futures), return_when=cf.FIRST_COMPLETED)
        return done

    @staticmethod
    def outcome(future):
        """``(value, failures)`` of a finished 1-row evaluation."""
        try:
            (value,), failures = future.result()
        except Exception as exc:  # noqa: BLE001 - a crashed worker is a failure too
            return np.nan, [Failure.from_exception(0, exc)]
        return value, failures

    @staticmethod
    def cancel(futures):
        for future in futures:
            future.cancel()

    def close(self):
        """Release the worker pool."""
        if isinstance(self._executor, cf.ThreadPoolExecutor):
            self._executor.shutdown(wait=False, cancel_futures=True)
        elif self._executor is not None and self._owns_executor:
            self._executor.shutdown(wait=False, kill_workers=True)
        self._executor = None
        self._owns_executor = False
        if self._parallel is not None:
            self._parallel.__exit__(None, None, None)
            self._parallel = None
