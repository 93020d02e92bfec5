"""metaopt's multi-objective methods against pymoo's NSGA-II, NSGA-III and MOEA/D, in one run.

ZDT1-4 and ZDT6 (two objectives, population 100, 20,000 evaluations) and DTLZ1-7 (three
objectives, population 92 with pymoo's NSGA-III and MOEA/D on the 91 Das-Dennis directions of 12
divisions, 40,000 evaluations), the same problem functions for both libraries (a vectorized numpy
line; pymoo's wrapped as its ``Problem``), ``--seeds`` seeds each. The score is the median
hypervolume of the final front (pymoo's ``opt``, metaopt's ``pareto_fun``), normalized by the
true front's hypervolume at the same reference point: the true front's nadir plus a tenth of its
range. Also measured: engine overhead per evaluation on ZDT1 (the run's time minus the time
spent inside the objective), metaopt's NSGA-II against pymoo's.

    python benchmarks/multiobjective.py [--seeds 5] [--problems zdt1,dtlz2] [--methods nsga2]
"""

import argparse
import os
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import metaopt  # noqa: E402
from metaopt.indicators import hypervolume  # noqa: E402
from problems.multiobjective import MULTIOBJECTIVE  # noqa: E402

PROBLEMS = ["zdt1", "zdt2", "zdt3", "zdt4", "zdt6", "dtlz1", "dtlz2", "dtlz3", "dtlz4", "dtlz5",
            "dtlz6", "dtlz7"]
OURS = ["nsga2", "nsga3", "moead", "gde3"]
THEIRS = ["pymoo-nsga2", "pymoo-nsga3", "pymoo-moead"]


class Timed:
    """A problem that adds up the seconds spent inside it."""

    def __init__(self, problem):
        self.problem, self.seconds = problem, 0.0

    def __call__(self, X):
        t = time.perf_counter()
        F = self.problem(X)
        self.seconds += time.perf_counter() - t
        return F


def setting(name):
    problem = MULTIOBJECTIVE[name]()
    two = problem.n_objectives == 2
    return problem, (100 if two else 92), (20_000 if two else 40_000)


def reference_point(problem):
    front = problem.pareto_front(2000)
    worst, best = front.max(axis=0), front.min(axis=0)
    return worst + 0.1 * (worst - best), front


def ours(method, problem, pop, budget, seed):
    if method == "moead" and pop == 92:
        pop = 91  # one member per weight vector: the 91 directions pymoo's MOEA/D has too
    fun = Timed(problem)
    t = time.perf_counter()
    res = metaopt.minimize(fun, problem.bounds, method=method, objectives=problem.n_objectives,
                           vectorized=True, budget=budget, rng=seed, pop_size=pop)
    return res.pareto_fun, time.perf_counter() - t - fun.seconds, res.nfev


def theirs(method, problem, pop, budget, seed):
    from pymoo.algorithms.moo.moead import MOEAD
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.algorithms.moo.nsga3 import NSGA3
    from pymoo.core.problem import Problem
    from pymoo.optimize import minimize
    from pymoo.util.ref_dirs import get_reference_directions

    fun = Timed(problem)
    low, high = np.array(problem.bounds, dtype=float).T

    class Wrapped(Problem):
        def __init__(self):
            super().__init__(n_var=problem.dim, n_obj=problem.n_objectives, xl=low, xu=high)

        def _evaluate(self, x, out, *args, **kwargs):
            out["F"] = fun(x)

    m = problem.n_objectives
    directions = get_reference_directions("das-dennis", m, n_partitions=99 if m == 2 else 12)
    algorithm = {"pymoo-nsga2": lambda: NSGA2(pop_size=pop),
                 "pymoo-nsga3": lambda: NSGA3(ref_dirs=directions, pop_size=pop),
                 "pymoo-moead": lambda: MOEAD(directions, n_neighbors=20)}[method]()
    t = time.perf_counter()
    res = minimize(Wrapped(), algorithm, ("n_eval", budget), seed=seed, verbose=False)
    F = res.F if res.F is not None else np.empty((0, m))
    seconds = time.perf_counter() - t - fun.seconds
    return np.atleast_2d(F), seconds, int(res.algorithm.evaluator.n_eval)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--problems", default=",".join(PROBLEMS))
    parser.add_argument("--methods", default=",".join(OURS))
    parser.add_argument("--pymoo", default=",".join(THEIRS))
    args = parser.parse_args()
    mine = [m for m in args.methods.split(",") if m]
    other = [m for m in args.pymoo.split(",") if m]
    names = [p for p in args.problems.split(",") if p]
    ours("nsga2", MULTIOBJECTIVE["zdt1"](), 20, 400, 0)  # compile and warm caches
    scores, runs = {}, {}
    overhead = {}
    methods = mine + other
    print(f"median normalized hypervolume of the final front, {args.seeds} seeds "
          f"(1.0 = the true front)")
    print(f"{'problem':<8}" + "".join(f"{m:>13}" for m in methods), flush=True)
    for name in names:
        problem, pop, budget = setting(name)
        ref, front = reference_point(problem)
        best = hypervolume(front, ref)
        for method in mine + other:
            runner = ours if method in mine else theirs
            hv, spent = [], []
            for seed in range(args.seeds):
                F, seconds, nfev = runner(method, problem, pop, budget, seed)
                hv.append(hypervolume(F, ref) / best if len(F) else 0.0)
                spent.append(seconds / max(nfev, 1))
            scores[name, method] = float(np.median(hv))
            runs[name, method] = hv
            if name == "zdt1":
                overhead[method] = float(np.median(spent))
        print(f"{name:<8}" + "".join(f"{scores[name, m]:13.4f}" for m in methods), flush=True)
    if "nsga2" in mine and "pymoo-nsga2" in other:
        wins = sum(scores[n, "nsga2"] >= scores[n, "pymoo-nsga2"] for n in names)
        print(f"metaopt NSGA-II no worse than pymoo's NSGA-II on {wins} of {len(names)}")
    if mine and other:
        wins = sum(max(scores[n, m] for m in mine) >= max(scores[n, m] for m in other)
                   for n in names)
        print(f"metaopt's best no worse than pymoo's best on {wins} of {len(names)}")
    if mine and other and args.seeds >= 5:
        print_significance(names, mine, other, scores, runs)
    if "nsga2" in overhead and "pymoo-nsga2" in overhead:
        print(f"engine overhead on ZDT1: metaopt NSGA-II {1e6 * overhead['nsga2']:.2f} "
              f"us/evaluation, pymoo NSGA-II {1e6 * overhead['pymoo-nsga2']:.2f}: "
              f"{overhead['pymoo-nsga2'] / overhead['nsga2']:.1f}x lower (target >= 10x)")


def worse(ours_hv, theirs_hv):
    """Whether ours is significantly worse: a one-sided Mann-Whitney U test over the seeds
    at the 5% level (scipy.stats), so a median behind by a seed's noise is not counted."""
    from scipy.stats import mannwhitneyu

    return mannwhitneyu(ours_hv, theirs_hv, alternative="less").pvalue < 0.05


def print_significance(names, mine, other, scores, runs):
    """The same two counts with "no worse" read as "not significantly worse"."""
    if "nsga2" in mine and "pymoo-nsga2" in other:
        behind = [n for n in names if worse(runs[n, "nsga2"], runs[n, "pymoo-nsga2"])]
        print(f"  not significantly worse (Mann-Whitney, one-sided, 5%): NSGA-II on "
              f"{len(names) - len(behind)} of {len(names)}; behind on {behind or 'none'}")
    behind = []
    for n in names:
        ours_best = max(mine, key=lambda m: scores[n, m])
        theirs_best = max(other, key=lambda m: scores[n, m])
        if worse(runs[n, ours_best], runs[n, theirs_best]):
            behind.append(n)
    print(f"  not significantly worse: metaopt's best on {len(names) - len(behind)} of "
          f"{len(names)}; behind on {behind or 'none'}")


if __name__ == "__main__":
    main()

