"""The golden runs: every method over two seeds on a real, a mixed, a bits and a permutation
problem. ``python -m tests.golden`` records x, fun, nfev and nit in tests/data/golden.json;
tests/test_golden.py compares later code against that file, so a refactoring that changes any
run shows up. Changes made on purpose re-record it in their own commit, the reason in its message.
"""

import json
import pathlib

import numpy as np

import metaopt
from metaopt import REGISTRY, Binary, Choice, Integer, Permutation, Real, Space

PATH = pathlib.Path(__file__).parent / "data" / "golden.json"
SEEDS = (0, 1)
BUDGET = 600


def real(X):
    return np.sum((X - 0.7) ** 2, axis=1) + np.sum(np.cos(3 * X), axis=1)


MIXED = Space({"a": Real(-2, 2), "b": Integer(-3, 3), "c": Choice(["x", "y", "z"]),
               "d": Real(1e-3, 10, log=True)})


def mixed(X):
    a, b, c, d = X[:, 0].astype(float), X[:, 1].astype(float), X[:, 2], X[:, 3].astype(float)
    return (a - 0.5) ** 2 + (b - 1) ** 2 + (c != "y") + np.log10(d) ** 2


def bits(X):
    return -np.sum(X * (1 + np.arange(X.shape[1]) % 3), axis=1).astype(float)


def perm(X):
    n = X.shape[1]
    return np.sum(np.abs(X - np.arange(n)[::-1]) * (1 + np.arange(n)), axis=1).astype(float)


PROBLEMS = {
    "real": (real, [(-3.0, 3.0)] * 4),
    "mixed": (mixed, MIXED),
    "bits": (bits, Binary(12)),
    "perm": (perm, Permutation(8)),
}


def run(method, problem, seed):
    fun, bounds = PROBLEMS[problem]
    return metaopt.minimize(fun, bounds, method=method, budget=BUDGET, rng=seed,
                            vectorized=True, pop_size=12)


def record(method, problem, seed):
    res = run(method, problem, seed)
    x = np.asarray(res.x)
    return {"x": x.tolist() if x.dtype != object else [str(v) for v in x],
            "fun": float(res.fun), "nfev": int(res.nfev), "nit": int(res.nit)}


def key(method, problem, seed):
    return f"{method}/{problem}/{seed}"


def all_records():
    return {key(m, p, s): record(m, p, s)
            for m in sorted(REGISTRY) for p in PROBLEMS for s in SEEDS}


if __name__ == "__main__":
    PATH.parent.mkdir(exist_ok=True)
    PATH.write_text(json.dumps(all_records(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {PATH}")
