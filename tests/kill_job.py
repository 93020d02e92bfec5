"""A run for the kill -9 tests: ``python -m tests.kill_job METHOD CHECKPOINT OUT`` runs METHOD
with ``resume=True`` (one command line for the first run and every restart), slowed down so
that a test can kill it at any moment, and writes its result to OUT when it finishes."""

import json
import sys
import time

import numpy as np

import metaopt

BUDGET = 600
BOUNDS = [(-3.0, 3.0)] * 4


def sphere(X):
    return np.sum((X - 0.7) ** 2, axis=1)


def two_spheres(X):
    """Two objectives for the multi-objective methods: the distances to 0.7 and to -0.7."""
    return np.column_stack([sphere(X), np.sum((X + 0.7) ** 2, axis=1)])


def slow(fun):
    """``fun`` slowed so that a kill can land mid-run: 10 ms a batch, 2 ms for the one-point
    batches of sequential methods (their runs make 600 batches)."""
    def slowed(X):
        time.sleep(0.01 if len(X) > 1 else 0.002)
        return fun(X)
    return slowed


def objective(method):
    return two_spheres if method in metaopt.MULTI_OBJECTIVE else sphere


def solve(method, fun, **kw):
    if method in metaopt.MULTI_OBJECTIVE:
        kw = {"objectives": 2, "pop_size": 20, **kw}
    return metaopt.minimize(fun, BOUNDS, method=method, budget=BUDGET, rng=3, vectorized=True,
                            **kw)


def record(res):
    several = "pareto_fun" in res
    return {"x": np.asarray(res.x).tolist(),
            "fun": np.asarray(res.fun).tolist() if several else float(res.fun),
            "nfev": int(res.nfev), "history_nfev": res.history.nfev.tolist(),
            "history_best": (res.history.hypervolume if several
                             else res.history.best_fun).tolist()}


if __name__ == "__main__":
    method, checkpoint, out = sys.argv[1:4]
    res = solve(method, slow(objective(method)), checkpoint=checkpoint, checkpoint_every=1,
                resume=True)
    with open(out, "w") as handle:
        json.dump(record(res), handle)
