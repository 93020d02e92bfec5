"""A run for the SIGKILL test: ``python -m tests.checkpoint_job CHECKPOINT`` (slowed down so
that the test can kill it midway)."""

import sys
import time

import numpy as np

import metaopt

BUDGET = 4000
OPTIONS = dict(method="lshade", budget=BUDGET, rng=11, vectorized=True)
BOUNDS = [(-5.0, 5.0)] * 4


def rastrigin(X):
    return 10 * X.shape[1] + np.sum(X**2 - 10 * np.cos(2 * np.pi * X), axis=1)


def slow_rastrigin(X):
    time.sleep(0.02)
    return rastrigin(X)


if __name__ == "__main__":
    metaopt.minimize(slow_rastrigin, BOUNDS, checkpoint=sys.argv[1], checkpoint_every=1,
                     **OPTIONS)
