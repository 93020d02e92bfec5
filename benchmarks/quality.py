"""Solution quality: metaopt's L-SHADE against scipy.optimize.differential_evolution.

Both get 10,000 x dim evaluations on the ten classic functions, shifted by a seeded draw (the
same instance for both), at dim 10 and 30, 5 seeds each. scipy runs with its defaults
(best1bin, popsize 15, mutation (0.5, 1), recombination 0.7, Latin hypercube init) except
polish=False and tol=0, so that it spends the budget rather than stopping early. Printed: the
median final error f - f_opt per function, and how many functions each reaches 1e-8 on.

    python benchmarks/quality.py [--dims 10 30] [--seeds 5] [--jobs 2]
"""

import argparse
import time

import numpy as np
from joblib import Parallel, delayed
from scipy.optimize import differential_evolution

import metaopt
from problems import FUNCTIONS, make_function

SOLVED = 1e-8


def run_lshade(name, dim, seed):
    func = make_function(name, dim, rng=1000 + seed, shift=True)
    res = metaopt.minimize(func, func.bounds, method="lshade", budget=10_000 * dim, rng=seed,
                           vectorized=True)
    return float(func.error(res.fun)), res.nfev


def run_scipy(name, dim, seed):
    func = make_function(name, dim, rng=1000 + seed, shift=True)
    pop = 15 * dim
    res = differential_evolution(func, func.bounds, maxiter=10_000 * dim // pop - 1, tol=0,
                                 polish=False, rng=seed)
    return float(func.error(res.fun)), res.nfev


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, nargs="+", default=[10, 30])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--functions", nargs="+", default=list(FUNCTIONS))
    args = parser.parse_args()
    t0 = time.perf_counter()
    cases = [(n, d, s) for d in args.dims for n in args.functions for s in range(args.seeds)]
    ours = Parallel(n_jobs=args.jobs)(delayed(run_lshade)(*c) for c in cases)
    theirs = Parallel(n_jobs=args.jobs)(delayed(run_scipy)(*c) for c in cases)
    table = {}
    for case, (e1, _), (e2, _) in zip(cases, ours, theirs):
        table.setdefault(case[:2], ([], []))
        table[case[:2]][0].append(e1)
        table[case[:2]][1].append(e2)
    all_ok = True
    for dim in args.dims:
        print(f"\ndim={dim}, budget {10_000 * dim} evaluations, median error over {args.seeds} "
              f"seeds (f - f_opt; < {SOLVED:g} counts as solved)")
        print(f"  {'function':<16} {'metaopt L-SHADE':>16} {'scipy DE':>12}   verdict")
        solved_ours = solved_theirs = 0
        for name in args.functions:
            a, b = (float(np.median(v)) for v in table[(name, dim)])
            solved_ours += a < SOLVED
            solved_theirs += b < SOLVED
            ok = a <= b or (a < SOLVED and b < SOLVED)
            all_ok &= ok
            verdict = "no worse" if ok else "WORSE"
            print(f"  {name:<16} {a:16.3e} {b:12.3e}   {verdict}")
        all_ok &= solved_ours > solved_theirs
        print(f"  solved (median < {SOLVED:g}): L-SHADE {solved_ours}, scipy {solved_theirs}")
    print(f"\nL-SHADE no worse on every function and solving strictly more: "
          f"{'yes' if all_ok else 'NO'}  ({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
