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


def slow_sphere(X):
    time.sleep(0.01)
    return sphere(X)


def solve(method, fun, **kw):
    return metaopt.minimize(fun, BOUNDS, method=method, budget=BUDGET, rng=3, vectorized=True,
                            **kw)


def record(res):
    return {"x": np.asarray(res.x).tolist(), "fun": float(res.fun), "nfev": int(res.nfev),
            "history_nfev": res.history.nfev.tolist(),
            "history_best": res.history.best_fun.tolist()}


if __name__ == "__main__":
    method, checkpoint, out = sys.argv[1:4]
    res = solve(method, slow_sphere, checkpoint=checkpoint, checkpoint_every=1, resume=True)
    with open(out, "w") as handle:
        json.dump(record(res), handle)
