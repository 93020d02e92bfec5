"""Evaluating batches: one failure policy (:mod:`.policy`) over small backends (:mod:`.backends`:
in process, joblib's loky processes, threads, a dask cluster), rows evaluated and their
failures isolated where they run (:mod:`.rows`). Rows keep their order whatever the backend
and number of workers, so a run gives the same result with any of them."""

from .policy import BACKENDS, ON_ERROR, BatchEvaluator
from .rows import EvaluationError, EvaluationTimeout, Failure, evaluate_rows

__all__ = ["BatchEvaluator", "EvaluationError", "EvaluationTimeout", "Failure", "evaluate_rows",
           "ON_ERROR", "BACKENDS"]
