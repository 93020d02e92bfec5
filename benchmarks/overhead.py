"""Optimizer overhead per evaluation: metaopt's DE against scipy.optimize.differential_evolution.

Both run DE rand/1/bin with population 60 on the 30-dimensional sphere for 60,000 evaluations
with a vectorized objective; the time spent inside the objective is measured and subtracted, so
what remains is each library's own cost. A second figure runs metaopt with a Numba-jitted
objective and reports evaluations per second on one core. ``--methods`` measures the engine's
work per evaluation of other methods on the same problem and budget (population 60 where the
method has one), against DE's measured in the same run.

    python benchmarks/overhead.py [--repeats 5] [--methods de,lshade,cmaes,ga,sa,random]
"""

import argparse
import os
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from numba import njit  # noqa: E402
from scipy.optimize import differential_evolution  # noqa: E402

import metaopt  # noqa: E402

POP, DIM, BUDGET = 60, 30, 60_000
BOUNDS = [(-5.12, 5.12)] * DIM


class TimedSphere:
    """A vectorized sphere that accumulates the time spent inside it and the rows it saw."""

    def __init__(self, rows_axis):
        self.axis, self.seconds, self.rows = rows_axis, 0.0, 0

    def __call__(self, X):
        t = time.perf_counter()
        f = np.sum(X * X, axis=self.axis)
        self.seconds += time.perf_counter() - t
        self.rows += f.shape[0]
        return f


@njit
def sphere_jit(x):
    s = 0.0
    for v in x:
        s += v * v
    return s


#: Options that give each method the benchmark's population (L-SHADE starts there and shrinks).
METHOD_OPTIONS = {"de": {"pop_size": POP, "F": 0.5, "CR": 0.9}, "lshade": {"pop_size": POP},
                  "jade": {"pop_size": POP}, "shade": {"pop_size": POP},
                  "ga": {"pop_size": POP}, "sa": {"pop_size": POP},
                  "random": {"pop_size": POP}, "cmaes": {"pop_size": POP}}


def metaopt_overhead(seed, method="de"):
    f = TimedSphere(rows_axis=1)
    t = time.perf_counter()
    res = metaopt.minimize(f, BOUNDS, method=method, budget=BUDGET, rng=seed, vectorized=True,
                           **METHOD_OPTIONS.get(method, {}))
    total = time.perf_counter() - t
    assert res.nfev == f.rows == BUDGET
    return (total - f.seconds) / f.rows, res.fun


def scipy_overhead(seed):
    f = TimedSphere(rows_axis=0)  # scipy's vectorized call passes X with shape (dim, n)
    t = time.perf_counter()
    res = differential_evolution(f, BOUNDS, strategy="rand1bin", popsize=POP // DIM,
                                 maxiter=BUDGET // POP - 1, mutation=0.5, recombination=0.9,
                                 tol=0, atol=0, polish=False, vectorized=True,
                                 updating="deferred", rng=seed)
    total = time.perf_counter() - t
    assert f.rows == BUDGET, f.rows
    return (total - f.seconds) / f.rows, res.fun


def jitted_rate(seed):
    t = time.perf_counter()
    res = metaopt.minimize(sphere_jit, BOUNDS, method="de", budget=BUDGET, rng=seed,
                           pop_size=POP)
    return res.nfev / (time.perf_counter() - t), res.fun


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--methods", help="comma-separated methods whose engine work per "
                                          "evaluation to measure against DE's")
    args = parser.parse_args()
    if args.methods:
        return per_method(args.methods.split(","), args.repeats)
    metaopt_overhead(0), scipy_overhead(0), jitted_rate(0)  # compile and warm caches
    ours = [metaopt_overhead(s) for s in range(args.repeats)]
    theirs = [scipy_overhead(s) for s in range(args.repeats)]
    rates = [jitted_rate(s) for s in range(args.repeats)]
    ours_us = 1e6 * np.median([o for o, _ in ours])
    theirs_us = 1e6 * np.median([o for o, _ in theirs])
    rate = np.median([r for r, _ in rates])
    print(f"DE rand/1/bin, pop {POP}, d={DIM}, sphere, {BUDGET} evaluations, "
          f"median of {args.repeats} runs")
    print(f"  scipy.optimize.differential_evolution overhead: {theirs_us:8.3f} us/evaluation "
          f"(final f median {np.median([f for _, f in theirs]):.2e})")
    print(f"  metaopt DE overhead:                            {ours_us:8.3f} us/evaluation "
          f"(final f median {np.median([f for _, f in ours]):.2e})")
    print(f"  ratio scipy / metaopt: {theirs_us / ours_us:.1f}x lower overhead (target >= 10x)")
    print(f"  metaopt DE with a Numba-jitted objective: {rate:,.0f} evaluations/s on one core "
          f"(target >= 1,000,000)")


def per_method(methods, repeats):
    """Engine work per evaluation of each method (best of ``repeats`` runs: the least
    disturbed), with its ratio to DE's measured in the same run."""
    for method in {"de", *methods}:
        metaopt_overhead(0, method)  # compile and warm caches
    best = {m: min(metaopt_overhead(s, m)[0] for s in range(repeats)) for m in ["de", *methods]}
    print(f"engine work per evaluation, pop {POP}, d={DIM}, sphere, {BUDGET} evaluations, best "
          f"of {repeats} runs")
    for method in ["de", *[m for m in methods if m != "de"]]:
        print(f"  {method:<8} {1e6 * best[method]:8.3f} us/evaluation  "
              f"({best[method] / best['de']:.2f}x DE's)")


if __name__ == "__main__":
    main()
