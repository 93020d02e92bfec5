"""One failure policy over every backend, for batches and for single asynchronous evaluations.

Failure policies (``on_error``):

- ``"raise"`` (default): raise :class:`EvaluationError` naming the first failed individual
  and its x; the values that did complete are kept: the engine writes the run and them into
  the run's checkpoint (or, without one, into a new file in the temporary folder, named by the
  error) so that ``resume=`` continues, and the error carries the run so far.
- ``"inf"``: a failed evaluation counts as +inf (counted in ``Result.nfail``).
- ``"retry"``: re-evaluate a failed individual up to ``retries`` times, then +inf.

A constraint function that raises follows the same policy (see
:meth:`BatchEvaluator.violations`): its row gets an infinite violation rather than an infinite
value, and under "raise" the batch's objective values are kept.

A failure is an exception raised by the objective (``SystemExit`` included), a value that is
not a real number (``None``, a string, a complex number), a worker process that dies while
evaluating it, or, with ``timeout``, an evaluation that runs longer than ``timeout`` seconds
(processes only). NaN and infinite values are not failures; they count as +inf.

The first evaluation of a run is a probe, evaluated before the rest of its batch: when it
fails under "raise", or fails with a programming error under any policy (a NameError or
AttributeError, a wrong return shape as from a batch function without ``vectorized=True``, a
value that is not a number), the run raises at once with the objective's traceback, and
nothing is saved. Rows killed with their
worker are re-run alone on a fresh pool, so only the row that crashes fails and the result does
not depend on timing.
"""

import concurrent.futures as cf
import contextlib
import time

import numpy as np

from .._checks import check_choice, check_int, check_real
from .backends import Dask, InProcess, Processes, is_map_like, make_backend, pool_crashes
from .rows import (EvaluationError, EvaluationTimeout, Failure, evaluate_rows,
                   evaluate_rows_with_alarm, ready)

__all__ = ["BatchEvaluator", "ON_ERROR", "BACKENDS"]

ON_ERROR = ("raise", "inf", "retry")
BACKENDS = ("processes", "threads", "dask")


class BatchEvaluator:
    """Evaluate batches of points under a failure policy, serially or in parallel.

    Parameters
    ----------
    evaluator : metaopt.objective.Objective
    workers : int, Executor or map-like callable, default 1
        Parallel evaluations; -1 for all cores (or all of a dask cluster). As scipy's
        ``workers=``: a ``concurrent.futures.Executor`` or a map-like callable (``pool.map``)
        of the user's, used as given (results do not depend on it either).
    backend : {"processes", "threads", "dask"}
    client : dask.distributed.Client or str, optional
        With backend="dask": a Client you made, or a scheduler address; default: the current
        Client.
    on_error : {"raise", "inf", "retry"}
    retries : int, optional
        With on_error="retry" (only): re-evaluations of a failed individual before it counts
        as +inf.
    timeout : float, optional
        Seconds one evaluation may take (backend="processes"); a slower one is a failure.
    """

    def __init__(self, evaluator, workers=1, backend="processes", client=None, on_error="raise",
                 retries=None, timeout=None):
        self.evaluator = evaluator
        user_pool = is_map_like(workers)
        self.workers = workers if user_pool else check_int("workers", workers, minimum=-1)
        if not user_pool and self.workers == 0:
            raise ValueError("workers must be >= 1 or -1 (all cores), got workers=0")
        self.backend_name = check_choice("backend", backend, BACKENDS)
        self.on_error = check_choice("on_error", on_error, ON_ERROR)
        if retries is not None and self.on_error != "retry":
            raise ValueError(f"retries={retries!r} is for on_error='retry', got "
                             f"on_error={on_error!r}")
        self.retries = check_int("retries", 2 if retries is None else retries, minimum=0)
        self.timeout = check_real("timeout", timeout, 0.0, low_open=True, allow_none=True)
        if self.timeout is not None and backend != "processes":
            raise ValueError(f"timeout needs backend='processes' (a hung thread or dask task "
                             f"cannot be stopped), got backend={backend!r}")
        if client is not None and backend != "dask":
            raise ValueError(f"client is for backend='dask', got backend={backend!r}")
        if client is not None and not isinstance(client, str) and not hasattr(client,
                                                                              "scheduler"):
            raise TypeError(f"client must be a dask.distributed.Client or a scheduler address, "
                            f"got client={client!r}")
        self.backend = make_backend(backend, self.workers, client,
                                    private=self.timeout is not None)
        if user_pool and timeout is not None:
            raise ValueError("timeout needs workers= a number of processes, not the user's "
                             "own pool")
        if isinstance(self.backend, (Processes, Dask)):
            _check_picklable(evaluator, workers, timeout)
        self.nfail = 0
        self.last_future = None
        # How many times the pool was replaced: a future from an older pool that reports a
        # crash may only have been the victim of another row's crash.
        self.pool_epoch = 0

    def _blank(self, n):
        """NaN values for ``n`` rows: (n,), or (n, m) for m objectives."""
        m = self.evaluator.n_objectives
        return np.full(n if m == 1 else (n, m), np.nan)

    @property
    def capacity(self):
        """How many evaluations run at once."""
        return self.backend.capacity

    # -- one batch -----------------------------------------------------------------------------
    def evaluate(self, X, *, seed=0, constraints=None, values=None, done=None, first=False):
        """The batch ``X`` evaluated: its objective values and, with ``constraints``, their
        violations (None without), both under the failure policy.

        ``seed`` seeds the random numbers of an objective that takes an rng (the same for
        every row of the batch, wherever it runs). Rows where ``done`` is True keep
        ``values`` (a batch resumed half-way). ``first`` marks the run's first batch (see
        :meth:`__call__`).
        """
        f = self(X, values, done, first=first, seed=seed)
        if constraints is None:
            return f, None
        return f, self.violations(constraints, X, f, first=first)

    def __call__(self, X, values=None, done=None, first=False, seed=0):
        """Values of the rows of ``X``; rows where ``done`` is True keep ``values``.

        With ``first`` (the run's first batch) the first row is evaluated alone, and its
        failure raises at once as a programming error. Returns the (n,) values with failures
        replaced per the policy; raises :class:`EvaluationError` under on_error="raise".
        """
        n = X.shape[0]
        if values is None and not first and self.timeout is None and \
                isinstance(self.backend, InProcess):  # the common case, without bookkeeping
            out, failures = evaluate_rows(self.evaluator, X, seed)
            if failures:
                return self._settle_failures(X, out, failures, seed)
            return out
        out = self._blank(n) if values is None else np.array(values, dtype=float)
        todo = np.arange(n) if done is None else np.flatnonzero(~np.asarray(done, bool))
        probed = []
        if first and values is None and n > 0:
            # The scalar form probes its first row alone; a batch form is probed whole,
            # without isolating rows (which would call it once per row).
            probe = todo[:1] if self.evaluator.probes_one_row else todo
            probed = self._evaluate(X, probe, out, seed, isolate=False)
            whole = len(probed) == probe.size  # every probed row failed
            if probed and (self.on_error == "raise" or (whole and probed[0].programming)):
                raise EvaluationError(probed, X, out, programming_error=True)
            todo = todo[probe.size:]
            if probed and probe.size > 1:  # a batch failed as a whole: isolate its rows
                probed = self._evaluate(X, probe, out, seed)
        return self._settle_failures(X, out, probed + self._evaluate(X, todo, out, seed), seed)

    def violations(self, constraints, X, values, first=False):
        """The constraint violations of the evaluated batch ``X`` (objective ``values``) under
        the failure policy: a row whose constraint function raises is retried (``"retry"``),
        gets an infinite violation and counts in ``nfail`` (``"inf"``, and ``"retry"`` when
        retries run out), or raises :class:`EvaluationError` with every objective value kept
        (``"raise"``). On the run's first batch a failure of its first row under "raise", or of
        every row with a programming error under any policy, raises at once as a programming
        error (nothing saved), as the objective's does."""
        limit = None if self.timeout is None else self._constraint_timer
        cv, failures = constraints.evaluate(X, limit)
        attempts = 0
        while failures and self.on_error == "retry" and attempts < self.retries:
            attempts += 1
            rows = np.array([f.row for f in failures])
            again, still = constraints.evaluate(X[rows], limit)
            if again.shape[1] != cv.shape[1]:  # one of the two failed on every row it had
                if len(still) == len(rows):
                    again = np.full((len(rows), cv.shape[1]), np.inf)
                else:
                    cv = np.full((X.shape[0], again.shape[1]), np.inf)
            cv[rows] = again
            failures = [Failure(int(rows[f.row]), f.kind, f.message, f.trace) for f in still]
        if failures:
            programming = first and (  # as for the objective: its first row, or all rows
                (self.on_error == "raise" and failures[0].row == 0)
                or (len(failures) == X.shape[0] and failures[0].programming))
            if self.on_error == "raise" or programming:
                raise EvaluationError(failures, X, values, programming_error=programming,
                                      source="constraints")
            self.nfail += len(failures)
        return cv

    @contextlib.contextmanager
    def _constraint_timer(self, rows):
        """``timeout`` seconds a row for constraint functions, which run in this process: a
        SIGALRM timer interrupts a Python-level hang (the main thread only; elsewhere, and
        for a hang inside C code, the constraint is not timed)."""
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread() \
                or not hasattr(signal, "setitimer"):
            yield
            return
        seconds = self.timeout * rows

        def expire(signum, frame):
            raise EvaluationTimeout(f"a constraint took longer than timeout={self.timeout:g} s "
                                    f"a row")

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def _settle_failures(self, X, out, failures, seed):
        """Retry, raise or count the ``failures`` of the batch ``X`` (values in ``out``)."""
        attempts = 0
        while failures and self.on_error == "retry" and attempts < self.retries:
            attempts += 1
            failures = self._evaluate(X, np.array([f.row for f in failures]), out, seed)
        if failures:
            if self.on_error == "raise":
                raise EvaluationError(failures, X, out)
            self.nfail += len(failures)
            out[[f.row for f in failures]] = np.inf
        return out

    def _evaluate(self, X, rows, out, seed, isolate=True):
        """Evaluate ``X[rows]`` into ``out``; the failures, numbered by rows of ``X``."""
        if rows.size == 0:
            return []
        sub = X[rows]
        try:
            if self.timeout is not None:
                values, failures = self._with_timeout(sub, seed)
            else:
                values, failures = self._in_chunks(sub, seed, isolate)
        except KeyboardInterrupt as interrupt:  # keep what finished, in the batch's rows
            finished = getattr(interrupt, "values", None)
            if finished is not None and len(finished) == len(rows):
                out[rows] = finished
            interrupt.values = out
            raise
        out[rows] = values
        for failure in failures:
            failure.row = int(rows[failure.row])
        return failures

    def _in_chunks(self, X, seed, isolate=True):
        n = X.shape[0]
        per_worker = self.evaluator.chunks_per_worker
        n_chunks = 1 if isinstance(self.backend, InProcess) else \
            max(1, min(n, self.capacity * per_worker))
        if n_chunks == 1:
            chunks = [(0, n)]
        else:
            edges = np.linspace(0, n, n_chunks + 1).astype(int)
            chunks = [(a, b) for a, b in zip(edges[:-1], edges[1:]) if b > a]
        try:
            outcomes = self.backend.map(evaluate_rows, [(self.evaluator, X[a:b], seed, isolate)
                                                        for a, b in chunks])
        except KeyboardInterrupt as interrupt:  # keep the chunks that had finished
            finished = self._blank(n)
            for (a, b), outcome in zip(chunks, getattr(interrupt, "outcomes", None) or ()):
                if isinstance(outcome, tuple):
                    finished[a:b] = outcome[0]
            if getattr(interrupt, "values", None) is None or len(interrupt.values) != n:
                interrupt.values = finished
            raise
        values = self._blank(n)
        failures = []
        crashed = []
        for (a, b), outcome in zip(chunks, outcomes):
            if isinstance(outcome, pool_crashes()):
                crashed.extend(range(a, b))
            elif isinstance(outcome, BaseException):
                failures.extend(Failure.from_exception(i, outcome) for i in range(a, b))
            else:
                values[a:b], fs = outcome
                failures.extend(_offset(fs, a))
        if crashed:
            failures.extend(self._isolate_crashes(X, crashed, values, seed))
        return values, sorted(failures, key=lambda f: f.row)

    def _isolate_crashes(self, X, rows, values, seed):
        """Re-run the rows of chunks whose worker died, one at a time on a fresh pool: only
        the rows that crash alone fail."""
        failures = []
        if not self.backend.restartable:  # the user's Executor: broken for good
            values[rows] = np.nan
            dead = [Failure(int(i), "BrokenProcessPool",
                            "a worker process of the Executor given as workers= died while "
                            "evaluating this batch; a broken Executor cannot be restarted, so "
                            "the run stops here: pass a new one and resume") for i in rows]
            raise EvaluationError(dead, X, values)
        self._restart()
        for i in rows:
            outcome = self.backend.map(evaluate_rows, [(self.evaluator, X[i:i + 1], seed)])[0]
            if isinstance(outcome, BaseException):
                failures.append(Failure.from_exception(i, outcome))
                self._restart()
            else:
                values[i] = outcome[0][0]
                failures.extend(_offset(outcome[1], i))
        return failures

    def _restart(self):
        self.backend.restart()
        self.pool_epoch += 1

    def _with_timeout(self, X, seed):
        """One row per task, at most ``capacity`` running. The worker's own timer interrupts a
        slow evaluation; a worker that does not answer ``timeout`` + grace seconds after its
        task started (a hang in C code that ignores signals) is killed with its pool."""
        n = X.shape[0]
        values = self._blank(n)
        failures = []
        queue = list(range(n))
        self._warm()
        running = {}
        grace = max(1.0, self.timeout)
        while queue or running:
            while queue and len(running) < self.capacity:
                i = queue.pop(0)
                future = self.backend.submit(evaluate_rows_with_alarm, self.evaluator,
                                             X[i:i + 1], self.timeout, seed)
                running[future] = (i, time.monotonic() + self.timeout + grace)
            next_deadline = min(deadline for _, deadline in running.values())
            done, _ = cf.wait(running, timeout=max(0.0, next_deadline - time.monotonic()),
                              return_when=cf.FIRST_COMPLETED)
            crashed = False
            for future in done:
                i, _ = running.pop(future)
                try:
                    (values[i],), fs = future.result()
                    failures.extend(_offset(fs, i))
                except Exception as exc:  # noqa: BLE001 - a crashed worker fails its row
                    failures.append(Failure.from_exception(i, exc))
                    crashed = True
            now = time.monotonic()
            expired = [f for f, (_, deadline) in running.items() if deadline <= now]
            for future in expired:
                i, _ = running.pop(future)
                failures.append(Failure(i, "TimeoutError", f"evaluation took longer than "
                                        f"timeout={self.timeout:g} s"))
            if expired or crashed:
                # A hung or dead worker takes its pool down: replace it, re-run what was cut.
                queue = [i for i, _ in running.values()] + queue
                running = {}
                self._restart()
                self._warm()
        failures.sort(key=lambda f: f.row)
        return values, failures

    def _warm(self):
        """Start every worker and unpickle the objective there before any deadline runs, so
        that a timeout measures the evaluation, not the worker's start-up."""
        cf.wait([self.backend.submit(ready, self.evaluator) for _ in range(self.capacity)])

    # -- one evaluation at a time, for the asynchronous loop -----------------------------------
    def submit(self, x, seed=0):
        """Start evaluating ``x`` (a 1-row batch); returns a future. A pool found broken here
        (a worker died since the last call) is replaced first."""
        try:
            future = self.backend.submit(evaluate_rows, self.evaluator, x, seed)
        except pool_crashes():
            self._restart()
            future = self.backend.submit(evaluate_rows, self.evaluator, x, seed)
        future.seed = seed
        future.epoch = self.pool_epoch
        self.last_future = future
        return future

    def settle(self, future, x):
        """The value of a finished asynchronous evaluation under the policy: a float, or None
        when it was submitted again (retry, or its pool died under another row; the new
        future is ``last_future``)."""
        seed = getattr(future, "seed", 0)
        try:
            (value,), failures = future.result()
        except Exception as exc:  # noqa: BLE001 - its worker died: run it again alone
            if not isinstance(exc, pool_crashes()):
                raise
            if getattr(future, "epoch", self.pool_epoch) < self.pool_epoch:
                # The pool it ran on was already replaced: another row may have killed it.
                resubmitted = self.submit(x, seed)
                resubmitted.attempts = getattr(future, "attempts", 0)
                return None
            value = np.full(1, np.nan)
            failures = self._isolate_crashes(x, [0], value, seed)
            value = value[0]
        if not failures:
            return value
        if self.on_error == "retry":
            attempts = getattr(future, "attempts", 0)
            if attempts < self.retries:
                self.submit(x, seed).attempts = attempts + 1
                return None
        if self.on_error == "raise":
            raise EvaluationError(failures, x, np.full(1, np.nan))
        self.nfail += 1
        return np.inf

    @staticmethod
    def wait_first(futures):
        done, _ = cf.wait(list(futures), return_when=cf.FIRST_COMPLETED)
        return done

    @staticmethod
    def cancel(futures):
        for future in futures:
            future.cancel()

    def close(self):
        """Release the worker pool."""
        self.backend.close()


def _offset(failures, start):
    for failure in failures:
        failure.row += start
    return failures


def _check_picklable(evaluator, workers, timeout):
    """Refuse at once an objective that cannot travel to worker processes."""
    try:
        import cloudpickle  # what loky sends tasks with (joblib >= 1.5 depends on it)
    except ImportError:  # pragma: no cover - older joblib vendors it
        from joblib.externals import cloudpickle

    try:
        cloudpickle.dumps(evaluator)
    except Exception as exc:  # noqa: BLE001 - any pickling error means the same
        raise TypeError(
            f"the objective cannot be sent to worker processes (workers={workers}, "
            f"timeout={timeout}): {type(exc).__name__}: {exc}. Make it picklable (no locks, "
            f"open files or sockets held in it or its closure), or evaluate in this process "
            f"(workers=1, no timeout) or on threads (backend='threads')"
        ) from None
