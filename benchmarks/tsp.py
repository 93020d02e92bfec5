"""TSPLIB: gap to the published optimum and wall time, per instance and method.

Each run stops at the optimum (``target``) or at its budget; 5 seeds; medians printed. The
issue's bars: ILS reaches the optimum of berlin52 in under 2 s and is within 1% on kroA100,
ch150 and a280 in under 30 s each; tabu and SA within 3% on kroA100; GA within 5% on berlin52.
Methods not in metaopt's registry yet are skipped.

``--blackbox``: the tour length is handed over as a plain function (no distance matrix lent,
so no move deltas: every candidate is a full evaluation), 400,000 evaluations per run (or
``--budget``), as for scheduling or assignment problems. The issue's bars there, on berlin52:
ILS, SA and tabu within 2%, GA within 5% (median of 5 seeds).

    python benchmarks/tsp.py [--seeds 5] [--methods ils sa tabu ga] [--instances ...]
    python benchmarks/tsp.py --blackbox [--instances berlin52] [--moves mixed 2opt ...]
"""

import argparse
import time

import numpy as np

import metaopt
from metaopt import Permutation
from problems import load_tsplib

INSTANCES = ["berlin52", "kroA100", "ch150", "a280"]
# Evaluation budgets. ILS and the memetic GA stop at the optimum long before theirs. SA's
# cooling schedule spans its budget, so it gets one it can finish: 4 chains x 4,000 batches,
# each batch 20 n compiled 2-opt proposals per chain. Tabu runs n compiled iterations per batch.
BUDGETS = {"ils": 200_000, "sa": 4_000, "tabu": 1_000, "ga": 2_000_000}
MAX_TIME = 30.0
BLACKBOX_BUDGET = 400_000
WITH_MOVE = ("ils", "sa", "tabu")


def run(method, name, seed, blackbox=False, budget=None, move=None):
    tsp = load_tsplib(name)
    # A plain function hides the distances: the algorithms see a black box.
    fun = (lambda tours: tsp(tours)) if blackbox else tsp
    options = {"move": move} if move and method in WITH_MOVE else {}
    t = time.perf_counter()
    res = metaopt.minimize(fun, Permutation(tsp.n), method=method,
                           budget=budget or (BLACKBOX_BUDGET if blackbox else BUDGETS[method]),
                           rng=seed, vectorized=True, target=tsp.optimum,
                           max_time=None if blackbox else MAX_TIME, **options)
    return tsp.gap(res.fun), time.perf_counter() - t, res.nfev


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--methods", nargs="+", default=["ils", "sa", "tabu", "ga"])
    parser.add_argument("--instances", nargs="+", default=None)
    parser.add_argument("--blackbox", action="store_true",
                        help="the tour length as a plain function, no distances lent")
    parser.add_argument("--budget", type=int, default=None)
    parser.add_argument("--moves", nargs="+", default=[None],
                        help="black-box permutation moves to compare for ILS, SA and tabu")
    args = parser.parse_args()
    instances = args.instances or (["berlin52"] if args.blackbox else INSTANCES)
    methods = [m for m in args.methods if m in metaopt.REGISTRY]
    skipped = sorted(set(args.methods) - set(methods))
    for method in methods:  # compile once, outside the timings
        run(method, "eil51", 0, args.blackbox, 2000)
    if args.blackbox:
        print(f"black box (no distances lent): median over {args.seeds} seeds; each run stops "
              f"at the optimum or its budget")
    else:
        print(f"median over {args.seeds} seeds; each run stops at the optimum, its budget or "
              f"{MAX_TIME:g} s")
    print(f"{'instance':<10} {'optimum':>8} {'method':<6} {'gap':>8} {'worst gap':>10} "
          f"{'time (s)':>9} {'evaluations':>12}")
    for name in instances:
        optimum = load_tsplib(name).optimum
        for method, move in [(m, mv) for m in methods
                             for mv in (args.moves if m in WITH_MOVE else [None])]:
            runs = [run(method, name, seed, args.blackbox, args.budget, move)
                    for seed in range(args.seeds)]
            gaps, times, nfevs = (np.array(col) for col in zip(*runs))
            label = method + (f"/{move}" if move else "")
            print(f"{name:<10} {optimum:8.0f} {label:<6} {np.median(gaps):8.3%} "
                  f"{gaps.max():10.3%} {np.median(times):9.2f} {np.median(nfevs):12,.0f}")
    if skipped:
        print(f"(not in the registry yet: {', '.join(skipped)})")


if __name__ == "__main__":
    main()
