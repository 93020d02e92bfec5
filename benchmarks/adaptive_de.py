"""jSO and L-SRTDE against L-SHADE on the ten functions of ``problems``, shifted and rotated
(Schwefel shifted only: a rotation moves its optimum out of the box).

Each method gets 10,000 x dim evaluations (the CEC budget) on the same seeded instances;
printed: the median final error f - f_opt over the seeds per function, and how many functions
each of ``jso`` and ``lsrtde`` is no worse than ``lshade`` on (both below 1e-8 counts as a
tie). The CEC 2017 functions themselves (with the competition's data) are not shipped yet, so
the published L-SRTDE table (../shared/data/cec2017/) cannot be set beside these.

    python benchmarks/adaptive_de.py [--dims 10] [--seeds 3] [--jobs 2]
"""

import argparse

import numpy as np
from joblib import Parallel, delayed

import metaopt
from problems import FUNCTIONS, make_function

SOLVED = 1e-8
METHODS = ("lshade", "jso", "lsrtde")


def one_run(method, name, dim, seed):
    func = make_function(name, dim, rng=1000 + seed, shift=True, rotate=name != "schwefel")
    res = metaopt.minimize(func, func.bounds, method=method, budget=10_000 * dim, rng=seed,
                           vectorized=True)
    return method, name, dim, seed, max(float(func.error(res.fun)), 0.0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, nargs="+", default=[10])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    jobs = [(m, f, d, s) for d in args.dims for f in FUNCTIONS for m in METHODS
            for s in range(args.seeds)]
    runs = Parallel(n_jobs=args.jobs)(delayed(one_run)(*job) for job in jobs)
    errors = {}
    for method, name, dim, _, err in runs:
        errors.setdefault((dim, name, method), []).append(err)
    for dim in args.dims:
        print(f"d = {dim}, 10,000 x d evaluations, median error over {args.seeds} seeds")
        print(f"{'function':<16}" + "".join(f"{m:>12}" for m in METHODS))
        wins = {m: 0 for m in METHODS[1:]}
        for name in FUNCTIONS:
            med = {m: float(np.median(errors[(dim, name, m)])) for m in METHODS}
            print(f"{name:<16}" + "".join(f"{med[m]:12.3g}" for m in METHODS))
            for m in wins:
                wins[m] += med[m] <= med["lshade"] or (med[m] < SOLVED and
                                                       med["lshade"] < SOLVED)
        print("no worse than lshade: " + ", ".join(f"{m} {w} of {len(FUNCTIONS)}"
                                                   for m, w in wins.items()))


if __name__ == "__main__":
    main()
