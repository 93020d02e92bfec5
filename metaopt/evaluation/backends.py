"""Where evaluations run: small backends with one interface.

Each backend has ``capacity`` (evaluations at once), ``submit(fn, *args) -> Future``,
``restart()`` (a fresh pool after a worker died), ``close()``, and ``map(fn, arg_lists)``
which returns, in order, each task's result or the exception that stopped it. The failure
policy (:mod:`metaopt.evaluation.policy`) is written once over this interface.
"""

import concurrent.futures as cf
import functools

__all__ = ["InProcess", "Processes", "Threads", "Dask", "UserMap", "UserExecutor",
           "make_backend", "pool_crashes", "is_map_like"]


class _ExecutorBackend:
    """A backend over a concurrent.futures executor."""

    #: Whether ``restart()`` gives a working pool again after a worker died.
    restartable = True

    def __init__(self, workers):
        self.workers = workers
        self._executor = None

    @property
    def capacity(self):
        if self.workers > 0:
            return self.workers
        from joblib import cpu_count

        return cpu_count()

    def executor(self):
        if self._executor is None:
            self._executor = self._make()
        return self._executor

    def submit(self, fn, *args):
        return self.executor().submit(fn, *args)

    def map(self, fn, arg_lists):
        """Each task's outcome, in order. On Ctrl-C the outcomes of the tasks that had
        finished go with the KeyboardInterrupt as ``.outcomes`` (None for the others), so
        that no finished evaluation is lost."""
        futures = [self.submit(fn, *args) for args in arg_lists]
        try:
            return [_outcome(future) for future in futures]
        except KeyboardInterrupt as interrupt:
            interrupt.outcomes = [_outcome(f) if f.done() and not f.cancelled() else None
                                  for f in futures]
            raise

    def restart(self):
        self.close()

    def close(self):
        if self._executor is not None:
            self._shutdown(self._executor)
        self._executor = None

    def _make(self):
        raise NotImplementedError

    def _shutdown(self, executor):
        executor.shutdown(wait=False, cancel_futures=True)


def _outcome(future):
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - the caller decides what a crash means
        return exc


class _Inline:
    """Runs a submitted call at once, in process."""

    @staticmethod
    def submit(fn, *args):
        future = cf.Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:  # noqa: BLE001
            future.set_exception(exc)
        return future

    def shutdown(self, wait=True, cancel_futures=False):
        pass


class InProcess(_ExecutorBackend):
    """Evaluations in this process, one after the other."""

    def __init__(self):
        super().__init__(1)

    def map(self, fn, arg_lists):  # KeyboardInterrupt must reach the engine as it is
        return [fn(*args) for args in arg_lists]

    def _make(self):
        return _Inline()


class Threads(_ExecutorBackend):
    """A thread pool, for objectives that release the GIL."""

    def _make(self):
        return cf.ThreadPoolExecutor(max_workers=self.capacity)


class Processes(_ExecutorBackend):
    """Worker processes (joblib's loky: cloudpickle, so lambdas and closures work).

    ``private=False`` uses joblib's reusable pool, kept warm across runs; ``private=True`` a
    pool of the run's own, which can be killed (a hung evaluation under ``timeout``) without
    touching other pools.
    """

    def __init__(self, workers, private=False):
        super().__init__(workers)
        self.private = private

    def _make(self):
        if self.private:
            from joblib.externals.loky import ProcessPoolExecutor

            return ProcessPoolExecutor(max_workers=self.capacity)
        from joblib.executor import get_memmapping_executor

        return get_memmapping_executor(self.capacity)

    def restart(self):
        """Replace the pool (after a worker died), keeping its size."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, kill_workers=True)
        self._executor = None

    def _shutdown(self, executor):
        if self.private:
            executor.shutdown(wait=False, kill_workers=True)


class Dask(_ExecutorBackend):
    """A dask.distributed cluster through joblib's dask backend (batches); a Client you made,
    a scheduler address, or the current Client."""

    def __init__(self, workers, client=None):
        super().__init__(workers)
        self.client = client
        self._parallel = None

    def _joblib(self):
        if self._parallel is None:
            from joblib import Parallel, parallel_config

            kwargs = {}
            if isinstance(self.client, str):
                kwargs["scheduler_host"] = self.client
            elif self.client is not None:
                kwargs["client"] = self.client
            # parallel_config is what registers joblib's dask backend on first use.
            with parallel_config(backend="dask", **kwargs):
                self._parallel = Parallel(n_jobs=self.workers)
            self._parallel.__enter__()  # one connection for the whole run
        return self._parallel

    @property
    def capacity(self):
        try:
            return max(1, self._joblib()._effective_n_jobs())
        except AttributeError:  # pragma: no cover - older joblib
            return max(1, self.workers)

    def map(self, fn, arg_lists):
        from joblib import delayed

        return self._joblib()(delayed(fn)(*args) for args in arg_lists)

    def submit(self, fn, *args):
        """Refused: asynchronous mode runs on processes or threads, not dask."""
        raise ValueError("asynchronous mode runs on processes or threads, not dask")

    def close(self):
        """Release the client if this backend made it."""
        if self._parallel is not None:
            self._parallel.__exit__(None, None, None)
        self._parallel = None


def is_map_like(workers):
    """Whether ``workers`` is a user's pool: an Executor or a map-like callable (builtin
    ``map`` included, as scipy's ``workers=map``; other classes are not pools)."""
    return isinstance(workers, cf.Executor) or workers is map or (
        callable(workers) and not isinstance(workers, type))


def _call_catching(task):
    """Run ``fn(*args)`` from ``task = (fn, args)``; an exception is returned, not raised, so
    that one failed task does not hide the others' results from a plain map."""
    fn, args = task
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - the failure policy decides
        return exc


def _call_tagged(task):
    """``(i, outcome)`` of ``_call_catching`` on ``task = (i, fn, args)``: the tag pairs the
    result with its task whatever order the user's map returns results in."""
    i, fn, args = task
    return i, _call_catching((fn, args))


class MissingResult(RuntimeError):
    """The user's map returned no result (or a stray one) for a task."""


def _multiprocessing_pool(map_like):
    """The ``multiprocessing.Pool`` whose ``map`` ``map_like`` is, or None."""
    from multiprocessing.pool import Pool

    owner = getattr(map_like, "__self__", None)
    if isinstance(owner, Pool) and getattr(map_like, "__name__", "") == "map" \
            and hasattr(owner, "_pool"):
        return owner
    return None


def _watched_pool_map(pool, tasks, poll=0.25, grace=5.0):
    """``pool.map`` that does not hang when a worker dies: ``multiprocessing.Pool`` replaces a
    dead worker but loses its task, and its ``map`` then waits for good. The tasks go through
    ``imap_unordered`` (their tags pair them again); once a worker has exited abnormally, the
    results still coming are collected until none has come for ``grace`` seconds (or twice
    the longest wait between two results), and the missing tasks are left to the failure
    policy."""
    import multiprocessing
    import time

    workers = list(pool._pool)
    results, it = [], pool.imap_unordered(_call_tagged, tasks)
    crashed_at, last, longest = None, time.monotonic(), 0.0
    while len(results) < len(tasks):
        try:
            results.append(it.next(timeout=poll))
        except multiprocessing.TimeoutError:
            now = time.monotonic()
            if crashed_at is None and any(w.exitcode not in (None, 0) for w in workers):
                crashed_at = now
            if crashed_at is not None and now - max(crashed_at, last) > max(grace, 2 * longest):
                break
            continue
        except StopIteration:
            break
        now = time.monotonic()
        longest, last = max(longest, now - last), now
    return results


class UserMap:
    """The user's map-like callable (``multiprocessing.Pool.map``, ``Executor.map``, ...), as
    scipy's ``workers=``: ``workers(func, iterable)``.

    Nothing about it is trusted: each task is tagged with its index, so results that come back
    in another order (``imap_unordered``) are paired with their own rows; a task the map
    returned no result for fails with :class:`MissingResult` (the failure policy decides), and
    so does every task of a map that raised."""

    restartable = True

    def __init__(self, map_like):
        self.map_like = map_like

    @property
    def capacity(self):
        owner = getattr(self.map_like, "__self__", None)
        n = getattr(owner, "_max_workers", None) or getattr(owner, "_processes", None)
        if n:
            return int(n)
        from joblib import cpu_count

        return cpu_count()

    def map(self, fn, arg_lists):
        """Evaluate the tasks through the user's map, failures returned, not raised."""
        tasks = [(i, fn, tuple(args)) for i, args in enumerate(arg_lists)]
        n = len(tasks)
        pool = _multiprocessing_pool(self.map_like)
        try:
            returned = _watched_pool_map(pool, tasks) if pool is not None \
                else list(self.map_like(_call_tagged, tasks))
        except Exception as exc:  # noqa: BLE001 - the map itself failed: every task did
            failed = MissingResult(f"workers={self.map_like!r} raised "
                                   f"{type(exc).__name__}: {exc}")
            return [failed] * n
        outcomes, seen = [None] * n, [False] * n
        for item in returned:
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], int) \
                    and 0 <= item[0] < n and not seen[item[0]]:
                outcomes[item[0]], seen[item[0]] = item[1], True
        if not all(seen):
            missing = MissingResult(
                f"workers={self.map_like!r} returned {len(returned)} results for {n} tasks, "
                f"none of them for this one: a map must return one result per item")
            outcomes = [o if ok else missing for o, ok in zip(outcomes, seen)]
        return outcomes

    def submit(self, fn, *args):
        """A map has no futures: ``submit`` is refused (asynchronous runs need an Executor)."""
        raise ValueError("asynchronous mode needs workers= an int or an Executor, not a "
                         "map-like callable")

    def restart(self):
        """Nothing to restart: the user's map manages its workers."""
        pass

    def close(self):
        """Nothing to release: the user's map stays theirs."""
        pass


class UserExecutor(_ExecutorBackend):
    """The user's ``concurrent.futures.Executor``: used as it is, and left open."""

    restartable = False

    def __init__(self, executor):
        super().__init__(getattr(executor, "_max_workers", None) or -1)
        self._executor = executor

    def _make(self):
        raise RuntimeError("the user's executor cannot be restarted after a worker died")

    def restart(self):
        """Nothing to restart: the user's executor manages its workers."""
        pass

    def close(self):
        """Nothing to release: the user's executor stays theirs."""
        pass


def make_backend(backend, workers, client=None, private=False):
    """The backend for ``backend`` ("processes", "threads", "dask") and ``workers`` (a count,
    or the user's Executor or map-like callable)."""
    if isinstance(workers, cf.Executor):
        return UserExecutor(workers)
    if is_map_like(workers):
        return UserMap(workers)
    if backend == "dask":
        return Dask(workers, client)
    if workers == 1 and not private:
        return InProcess()
    if backend == "threads":
        return Threads(workers)
    return Processes(workers, private=private)


@functools.cache
def pool_crashes():
    """The exceptions a future raises when its worker process died."""
    from concurrent.futures.process import BrokenProcessPool

    from joblib.externals.loky.process_executor import TerminatedWorkerError

    return (TerminatedWorkerError, BrokenProcessPool)
