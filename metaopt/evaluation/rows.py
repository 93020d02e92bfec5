"""Evaluating rows where they run (in process or in a worker): each row's failure isolated and
described as plain, picklable data; anything that is not a real number is a failure."""

import signal
import traceback

import numpy as np

__all__ = ["Failure", "EvaluationError", "EvaluationTimeout", "evaluate_rows",
           "evaluate_each_row", "evaluate_batch", "evaluate_rows_with_alarm"]


#: Exceptions that say the objective is wrong, not that one point is hard to evaluate.
PROGRAMMING_ERRORS = ("NameError", "UnboundLocalError", "AttributeError", "ImportError",
                      "ModuleNotFoundError", "SyntaxError", "ObjectiveReturnError")


class Failure:
    """One failed evaluation: the row in its batch, and what went wrong (picklable text)."""

    def __init__(self, row, kind, message, trace=""):
        self.row, self.kind, self.message, self.trace = row, kind, message, trace

    @property
    def programming(self):
        """Whether the failure says the objective itself is wrong (see PROGRAMMING_ERRORS)."""
        return self.kind in PROGRAMMING_ERRORS

    @classmethod
    def from_exception(cls, row, exc):
        return cls(row, type(exc).__name__, str(exc),
                   "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))

    def __repr__(self):
        return f"Failure(row={self.row}, {self.kind}: {self.message})"


class EvaluationError(RuntimeError):
    """The objective failed under ``on_error="raise"`` (or failed on the first evaluations of a
    run, which is taken as a programming error under every policy).

    Attributes
    ----------
    index : int
        The failed individual's row in its batch.
    x : ndarray
        Its point.
    failures : list of Failure
        Every failure in the batch.
    values : ndarray
        The batch's values; NaN where the evaluation failed or did not run.
    programming_error : bool
        The objective failed on the first evaluation of a run: nothing was saved.
    source : {"objective", "constraints"}
        What failed: with "constraints" every objective value of the batch is in ``values``
        (kept by the checkpoint; a resumed run evaluates the constraints again).
    result : Result or None
        The run up to the last completed generation (set by the engine).
    checkpoint : str or None
        Where the engine saved the run, completed evaluations of this batch included.
    """

    def __init__(self, failures, X, values, programming_error=False, source="objective"):
        first = failures[0]
        self.index, self.x = first.row, np.array(X[first.row])
        self.failures, self.values = failures, values
        self.programming_error = programming_error
        self.source = source
        self.result = None
        self.checkpoint = None
        what = "the objective" if source == "objective" else "a constraint function"
        lead = (f"{what} failed on the first evaluation of the run (a programming error?)"
                if programming_error else f"{what} failed")
        super().__init__(
            f"{lead} for individual {first.row} of the batch, "
            f"x={np.array2string(self.x, precision=6, threshold=20)}: {first.kind}: "
            f"{first.message}" + (f" ({len(failures)} failures in the batch)"
                                  if len(failures) > 1 else "")
            + "\n" + first.trace
        )


class EvaluationTimeout(TimeoutError):
    """Raised inside a worker when one evaluation outlives its timeout."""


class ObjectiveReturnError(TypeError):
    """The objective returned something that is not a real number, or the wrong shape."""


def _scalar(value):
    """One objective value as a float; NaN and inf are numbers (they count as +inf later)."""
    if value is None:
        raise ObjectiveReturnError("the objective returned None (a missing return statement?)")
    if isinstance(value, (str, bytes)):
        raise ObjectiveReturnError(f"the objective returned the string {value!r}, not a number")
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise ObjectiveReturnError(f"the objective returned {value!r} of type "
                                   f"{type(value).__name__}, "
                          f"not a real number")
    if arr.size != 1:
        raise ObjectiveReturnError(f"the objective must return a scalar, got shape {arr.shape}")
    return float(arr.reshape(()))


def _vector(value, m):
    """One evaluation of ``m`` objectives as an (m,) float array."""
    if value is None:
        raise ObjectiveReturnError("the objective returned None (a missing return statement?)")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ObjectiveReturnError(f"the objective returned {value!r:.80}, not {m} real "
                                   f"numbers") from None
    if np.asarray(value).dtype.kind not in "biuf" or arr.shape != (m,):
        raise ObjectiveReturnError(f"the objective must return {m} real numbers (one per "
                                   f"objective), got {value!r:.80}")
    return arr


def _batch_matrix(result, n, m):
    """A vectorized objective's (n, m) values for ``m`` objectives."""
    try:
        arr = np.asarray(result)
    except ValueError:
        raise ObjectiveReturnError(f"the vectorized objective returned a ragged sequence for a "
                                   f"batch of {n}") from None
    if arr.shape != (n, m) or arr.dtype.kind not in "biuf":
        raise ObjectiveReturnError(f"the vectorized objective must return real numbers of "
                                   f"shape ({n}, {m}) for a batch of {n} and {m} objectives, "
                                   f"got shape {np.shape(result)}")
    return arr.astype(float), []


def _batch_values(result, n, m=1):
    """A vectorized objective's (n,) values; rows that are not numbers are failures. With
    ``m`` objectives, (n, m)."""
    if m > 1:
        return _batch_matrix(result, n, m)
    try:
        arr = np.asarray(result)
    except ValueError:  # ragged
        raise ObjectiveReturnError(f"the vectorized objective returned a ragged sequence for a "
                                   f"batch of {n}") from None
    if arr.shape != (n,):
        if arr.size == n and arr.ndim > 1:
            arr = arr.reshape(-1)
        else:
            raise ObjectiveReturnError(
                f"the vectorized objective must return shape ({n},) for a batch of {n} (it "
                f"receives X of shape ({n}, dim)), got shape {np.shape(result)}; a function in "
                f"scipy's layout, x of shape (dim, {n}), needs vectorized='scipy'")
    if arr.dtype.kind in "biuf":
        return arr.astype(float), []
    values = np.full(n, np.nan)
    failures = []
    for i, value in enumerate(arr.tolist()):
        try:
            values[i] = _scalar(value)
        except ObjectiveReturnError as exc:
            failures.append(Failure(i, "ObjectiveReturnError", str(exc)))
    return values, failures


def evaluate_rows(objective, X, seed=0, isolate=True):
    """Evaluate ``X`` with ``objective`` (a :class:`metaopt.objective.Objective`) and isolate
    failures row by row; ``seed`` seeds an objective that takes an rng. Runs in workers;
    returns plain data.

    A batch objective that raises is called again row by row to find which rows fail, unless
    ``isolate`` is False (then every row fails with the batch's error).

    ``SystemExit`` raised by the objective is a failure of its row. ``KeyboardInterrupt``
    propagates with the values finished so far attached as ``.values``.

    Returns
    -------
    values : (n,) array, NaN where an evaluation failed
    failures : list of Failure
    """
    return objective.evaluate(X, seed, isolate)


def evaluate_each_row(objective, X, seed=0):
    """A per-row objective's values and failures: each row called on its own."""
    n, m = X.shape[0], objective.n_objectives
    values = np.full((n,) if m == 1 else (n, m), np.nan)
    failures = []
    rows = objective.rows(X)
    try:
        for i in range(n):
            try:
                value = objective.call(rows[i], seed)
                values[i] = _scalar(value) if m == 1 else _vector(value, m)
            except (Exception, SystemExit) as exc:  # noqa: BLE001 - the row's failure
                failures.append(Failure.from_exception(i, exc))
    except KeyboardInterrupt as interrupt:
        interrupt.values = values
        raise
    return values, failures


def evaluate_batch(objective, X, seed=0, isolate=True):
    """A batch objective's values and failures: the batch in one call; when that raises, each
    row alone (unless ``isolate`` is False) to find which fail."""
    n, m = X.shape[0], objective.n_objectives
    try:
        return _batch_values(objective(X, seed), n, m)
    except (Exception, SystemExit) as exc:  # noqa: BLE001
        batch_error = exc
    values = np.full((n,) if m == 1 else (n, m), np.nan)
    if n == 1 or not isolate:
        return values, [Failure.from_exception(i, batch_error) for i in range(n)]
    failures = []
    for i in range(n):  # the batch failed as a whole: find which rows fail on their own
        try:
            row_values, row_failures = _batch_values(objective(X[i:i + 1], seed), 1, m)
            values[i] = row_values[0]
            failures.extend(Failure(i, f.kind, f.message) for f in row_failures)
        except (Exception, SystemExit) as exc:  # noqa: BLE001
            failures.append(Failure.from_exception(i, exc))
    if len(failures) == n:  # every row fails: the batch's own error says most
        failures = [Failure.from_exception(i, batch_error) for i in range(n)]
    return values, failures


def evaluate_rows_with_alarm(objective, X, timeout, seed=0):
    """``evaluate_rows`` under a SIGALRM timer: a Python-level hang (a sleep, a loop) is
    interrupted inside the worker, which stays alive for the next task. Runs in a worker's
    main thread, where loky runs tasks."""

    def expire(signum, frame):
        raise EvaluationTimeout(f"evaluation took longer than timeout={timeout:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return evaluate_rows(objective, X, seed)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def ready(objective):
    """A no-op task that makes a fresh worker import metaopt and unpickle the objective."""
    return type(objective).__name__
