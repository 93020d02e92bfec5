"""metaopt's annealing and basin hopping against scipy's ``dual_annealing`` and
``basinhopping``, at equal budgets counted by one wrapper.

On the ten functions of ``problems`` (shifted; seeded per run), d = 5 and 20, budgets 1,000 and
10,000 x d. scipy's methods run with their defaults (``dual_annealing(maxfun=budget)``, its
``maxiter=1000``; ``basinhopping`` from a uniform random ``x0``, ``niter=100``, its BFGS local
search), stopped by the wrapper once the budget is spent; they may also end earlier by
themselves. The wrapper counts every evaluation and keeps the best value among the points
inside the box (basinhopping's unbounded BFGS may leave it; the points outside count in the
budget but not as results). metaopt's methods get the same budget through ``minimize``.

Printed per (d, budget): the median final error f - f_opt over the seeds (below 1e-8 counts as
0), and how many (function, d, budget) cases each of ours is no worse than scipy's counterpart
on: ``dual_annealing`` and ``sa`` against scipy's ``dual_annealing``, ``basinhopping`` and
``ils`` against scipy's ``basinhopping``. Runs are appended to ``--runs`` as they finish and
not repeated (``--table`` prints what is there).

    python benchmarks/scipy_global.py [--dims 5 20] [--budgets 1000 10000] [--seeds 5]
        [--methods ...] [--jobs 2]
"""

import argparse
import pathlib
import time
import warnings

import numpy as np
from run_log import load_runs, run_missing

import metaopt
from problems import FUNCTIONS, make_function

HERE = pathlib.Path(__file__).resolve().parent
SOLVED = 1e-8
OURS = ("dual_annealing", "basinhopping", "sa", "ils")
THEIRS = ("scipy_dual_annealing", "scipy_basinhopping")
FIELDS = ("method", "function", "dim", "factor", "seed")
PAIRS = (("dual_annealing", "scipy_dual_annealing"), ("sa", "scipy_dual_annealing"),
         ("basinhopping", "scipy_basinhopping"), ("ils", "scipy_basinhopping"))


class _Spent(Exception):
    pass


class Counted:
    """Counts evaluations, keeps the best value inside the box, stops at the budget."""

    def __init__(self, func, bounds, budget):
        self.func, self.low, self.high = func, bounds[:, 0], bounds[:, 1]
        self.budget, self.nfev, self.best = budget, 0, np.inf

    def __call__(self, x):
        if self.nfev >= self.budget:
            raise _Spent
        self.nfev += 1
        x = np.asarray(x, dtype=float)
        f = float(self.func(x))
        if np.all(x >= self.low) and np.all(x <= self.high) and f < self.best:
            self.best = f
        return f


def one_run(method, name, dim, factor, seed):
    func = make_function(name, dim, rng=1000 + seed, shift=True)
    budget = factor * dim
    counted = Counted(func, func.bounds, budget)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if method == "scipy_dual_annealing":
                from scipy.optimize import dual_annealing
                dual_annealing(counted, func.bounds, maxfun=budget, rng=seed)
            elif method == "scipy_basinhopping":
                from scipy.optimize import basinhopping
                x0 = np.random.default_rng(seed).uniform(func.bounds[:, 0], func.bounds[:, 1])
                basinhopping(counted, x0, rng=seed)
            else:
                metaopt.minimize(counted, func.bounds, method=method, budget=budget, rng=seed)
        except _Spent:
            pass
    error = float(func.error(counted.best))
    return {"method": method, "function": name, "dim": dim, "factor": factor, "seed": seed,
            "error": 0.0 if error < SOLVED else error, "nfev": counted.nfev,
            "seconds": round(time.perf_counter() - start, 2)}


def table(runs, dims, factors, seeds, methods):
    counts = {pair: [0, 0] for pair in PAIRS if set(pair) <= set(methods)}
    for dim in dims:
        for factor in factors:
            print(f"\nd = {dim}, budget {factor} x d: median error over {seeds} seeds")
            print(f"{'function':<16}" + "".join(f"{m[:14]:>15}" for m in methods))
            for name in FUNCTIONS:
                med = {}
                for m in methods:
                    errs = [runs[(m, name, dim, factor, s)]["error"] for s in range(seeds)
                            if (m, name, dim, factor, s) in runs]
                    med[m] = float(np.median(errs)) if len(errs) == seeds else float("nan")
                print(f"{name:<16}" + "".join(f"{med[m]:15.4g}" for m in methods))
                for (a, b), tally in counts.items():
                    if np.isfinite(med[a]) and np.isfinite(med[b]):
                        tally[1] += 1
                        tally[0] += med[a] <= med[b] or (med[a] < SOLVED and med[b] < SOLVED)
    print("\nno worse than scipy (cases with every seed run): " + "; ".join(
        f"{a} vs {b} {won} of {n}" for (a, b), (won, n) in counts.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, nargs="+", default=[5, 20])
    parser.add_argument("--budgets", type=int, nargs="+", default=[1000, 10000],
                        help="evaluations per dimension")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--methods", nargs="+", default=list(OURS + THEIRS))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=pathlib.Path,
                        default=HERE / "results" / "scipy_global_runs.jsonl")
    parser.add_argument("--table", action="store_true")
    args = parser.parse_args()
    runs = load_runs(args.runs, FIELDS)
    if not args.table:
        jobs = [(m, f, d, b, s) for d in args.dims for b in args.budgets for s in range(args.seeds)
                for f in FUNCTIONS for m in args.methods]
        run_missing(one_run, jobs, runs, args.runs, FIELDS, args.jobs)
    table(runs, args.dims, args.budgets, args.seeds, args.methods)


if __name__ == "__main__":
    main()
