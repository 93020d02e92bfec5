"""metaopt's CMA-ES (BIPOP restarts) against pycma's (``cma.fmin2``, BIPOP) in the same run.

The ten functions of ``problems``, shifted and rotated (Schwefel shifted only), at d = 10 and
40, budgets of 100 x d and 1,000 x d evaluations, 5 seeds each; both start at the box centre
with a step size of 0.2 of the box width and handle bounds their own way (pycma: its
``bounds`` option). Prints the median final error f - f* per cell, whether metaopt's is no
worse (or both below 1e-8), the count of such functions per dimension and budget, and the
overhead per evaluation of each on a function that costs nothing.

    python benchmarks/cmaes.py [--seeds 5] [--dims 10 40] [--factors 100 1000]

Needs pycma: ``pip install cma`` (a benchmark-only dependency, in the ``bench`` extra).
"""

import argparse
import time
import warnings

import numpy as np

import metaopt
from problems import FUNCTIONS, make_function

SOLVED = 1e-8


def instance(name, dim, seed):
    return make_function(name, dim, rng=1000 + seed, shift=True, rotate=name != "schwefel")


def run_metaopt(f, budget, seed):
    res = metaopt.minimize(f, f.bounds, method="cmaes", budget=budget, rng=seed,
                           vectorized=True, restarts="bipop")  # sigma0: 0.2 of each range
    return res.fun - f.f_opt


def run_pycma(f, budget, seed):
    import cma

    low, high = f.bounds[:, 0], f.bounds[:, 1]
    best, spent = [np.inf], [0]

    def batch(solutions):
        values = f(np.asarray(solutions))
        counted = values[: max(0, budget - spent[0])]  # pycma may finish its last generation
        spent[0] += len(values)                        # past maxfevals: those don't count
        if counted.size:
            best[0] = min(best[0], float(counted.min()))
        return list(values)

    options = {"bounds": [list(low), list(high)], "maxfevals": budget, "seed": seed + 1,
               "verbose": -9, "CMA_stds": list(high - low)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cma.fmin2(None, list((low + high) / 2), 0.2, options, restarts=9, bipop=True,
                  parallel_objective=batch)
    return best[0] - f.f_opt


def overhead(dim=10, budget=20_000, repeats=3):
    """Seconds per evaluation of each on a function that costs nothing (all is overhead); the
    fastest of ``repeats`` runs of each, the usual guard against a busy machine."""
    f = make_function("sphere", dim, rng=0, shift=True)

    def free(X):
        return np.zeros(len(X))

    free.bounds, free.f_opt = f.bounds, 0.0
    out = {}
    for name, runner in (("metaopt", run_metaopt), ("pycma", run_pycma)):
        runner(free, 200, 0)  # warm up (compilation, imports)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            runner(free, budget, 0)
            times.append((time.perf_counter() - start) / budget)
        out[name] = min(times)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--dims", type=int, nargs="+", default=[10, 40])
    parser.add_argument("--factors", type=int, nargs="+", default=[100, 1000])
    args = parser.parse_args()
    for dim in args.dims:
        for factor in args.factors:
            budget = factor * dim
            print(f"\nd={dim}, budget {budget:,} ({factor} x d), median error of "
                  f"{args.seeds} seeds")
            print(f"{'function':<16} {'metaopt':>11} {'pycma':>11}  no worse")
            good = 0
            for name in FUNCTIONS:
                ours, theirs = [], []
                for seed in range(args.seeds):
                    f = instance(name, dim, seed)
                    ours.append(run_metaopt(f, budget, seed))
                    theirs.append(run_pycma(f, budget, seed))
                a, b = float(np.median(ours)), float(np.median(theirs))
                ok = a <= b or (a < SOLVED and b < SOLVED)
                good += ok
                print(f"{name:<16} {a:11.3g} {b:11.3g}  {'yes' if ok else 'NO'}")
            print(f"no worse on {good} of {len(FUNCTIONS)} functions")
    per_eval = overhead()
    print(f"\noverhead per evaluation (d=10, 20,000 evaluations of a free function, best of 3): "
          f"metaopt "
          f"{per_eval['metaopt'] * 1e6:.2f} us, pycma {per_eval['pycma'] * 1e6:.2f} us -> "
          f"{per_eval['pycma'] / per_eval['metaopt']:.1f}x lower")


if __name__ == "__main__":
    main()
