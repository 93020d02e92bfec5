"""Constrained problems: metaopt's methods (Deb's rules) against scipy's differential_evolution
with the same constraints and budget, in the same run.

For each problem of ``problems.constrained`` (CEC 2006 g01-g13, the spring, welded beam and
pressure vessel designs) at the budget stated below (at most the CEC 2006 rules' 500,000
evaluations), ``--seeds`` seeds: per method, how many seeds end feasible within 1e-4 relative
of the known optimum, and the median relative error (``inf`` when a seed ends infeasible).
scipy runs with its defaults (popsize 15, polish off, tol 0: it stops only when its
population has collapsed or the budget is spent), vectorized (``updating="deferred"``), with
the constraints as a ``NonlinearConstraint``. The issue's bar: the best method solves every
seed on at least 11 of the 13 g-problems and on all three designs.

    python benchmarks/constrained.py [--seeds 5] [--methods lshade cmaes de+epsilon]
                                     [--scipy-seeds 5] [--problems g01 ...]
"""

import argparse
import time
import warnings

import numpy as np

import metaopt
from problems.constrained import CONSTRAINED, load_constrained

SOLVED = 1e-4
BUDGETS = {"g01": 100_000, "g02": 200_000, "g03": 200_000, "g04": 50_000, "g05": 100_000,
           "g06": 50_000, "g07": 200_000, "g08": 20_000, "g09": 100_000, "g10": 200_000,
           "g11": 50_000, "g12": 20_000, "g13": 200_000, "spring": 50_000,
           "welded_beam": 50_000, "pressure_vessel": 50_000}


def outcome(problem, fun, maxcv):
    """The relative error, or inf when the point is infeasible."""
    return problem.error(fun) if maxcv <= 0 else np.inf


def run_metaopt(problem, method, budget, seed):
    # "de+epsilon": DE with the epsilon-constrained method instead of Deb's rules
    name, _, variant = method.partition("+")
    options = {"epsilon": True} if variant == "epsilon" else {}
    res = metaopt.minimize(problem.fun, problem.bounds, method=name, budget=budget, rng=seed,
                           vectorized=True, constraints=problem.constraints, **options)
    return outcome(problem, res.fun, res.maxcv)


def run_scipy(problem, budget, seed):
    from scipy.optimize import NonlinearConstraint, differential_evolution

    dim, popsize = problem.dim, 15

    # scipy's vectorized form: points are the columns of x, (dim, S)
    def fun(x):
        return problem.fun(x.T) if x.ndim > 1 else problem.fun(x[None, :])[0]

    def g(x):
        return problem.constraints(x.T).T if x.ndim > 1 else problem.constraints(x[None, :])[0]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = differential_evolution(fun, problem.bounds,
                                     constraints=NonlinearConstraint(g, -np.inf, 0),
                                     popsize=popsize, tol=0,
                                     maxiter=max(1, budget // (popsize * dim) - 1),
                                     polish=False, rng=seed, vectorized=True,
                                     updating="deferred")
    violation = problem.constraints(res.x[None, :])[0].max()
    return outcome(problem, res.fun, max(violation, 0.0))


def summary(errors):
    errors = np.asarray(errors)
    return int(np.sum(errors < SOLVED)), float(np.median(errors))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--scipy-seeds", type=int, default=None,
                        help="seeds for scipy (default: --seeds)")
    parser.add_argument("--methods", nargs="+", default=["lshade", "cmaes", "de+epsilon"])
    parser.add_argument("--problems", nargs="+", default=list(CONSTRAINED))
    args = parser.parse_args()
    scipy_seeds = args.seeds if args.scipy_seeds is None else args.scipy_seeds
    started = time.perf_counter()
    print(f"solved: seeds feasible within {SOLVED:g} relative of f*; median relative error")
    print(f"{'problem':<16} {'budget':>8} " + " ".join(f"{m:>20}" for m in args.methods)
          + f" {'scipy DE':>20}  best solves all")
    solved_g = solved_designs = 0
    for name in args.problems:
        problem, budget = load_constrained(name), BUDGETS[name]
        cells, everywhere = [], False
        for method in args.methods:
            k, med = summary([run_metaopt(problem, method, budget, s) for s in range(args.seeds)])
            everywhere |= k == args.seeds
            cells.append(f"{k}/{args.seeds} {med:12.2e}")
        if scipy_seeds:
            k, med = summary([run_scipy(problem, budget, s) for s in range(scipy_seeds)])
            cells.append(f"{k}/{scipy_seeds} {med:12.2e}")
        else:
            cells.append("-")
        if everywhere:
            solved_g += name.startswith("g")
            solved_designs += not name.startswith("g")
        print(f"{name:<16} {budget:8d} " + " ".join(f"{c:>20}" for c in cells)
              + f"  {'yes' if everywhere else 'NO'}", flush=True)
    print(f"\nevery seed solved by the best method: {solved_g} of 13 g-problems (bar 11), "
          f"{solved_designs} of 3 designs (bar 3)")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
