"""``method="auto"`` against every single method it could pick, cell by cell.

The ten functions of ``problems``, shifted and rotated (Schwefel shifted only), at each
dimension and budget factor (budget = factor x d), ``--seeds`` seeds: the median final error
f - f* of each method with its defaults, and of ``method="auto"``. A cell counts for auto when
its median error is the best, within a factor of 2 of the best single method's, or below 1e-8.
The issue's bar: at least 90% of the cells. Prints the table of cells, then the score, and with
``--rules`` which single method was best per dimension and budget (what the README's auto table
is derived from).

    python benchmarks/auto.py [--seeds 5] [--dims 2 5 10 20 40] [--factors 100 1000 10000]
                              [--methods cmaes lshade jade de] [--functions sphere ...]
"""

import argparse
import time
from collections import Counter

import numpy as np

import metaopt
from problems import FUNCTIONS, make_function

SOLVED = 1e-8


def instance(name, dim, seed):
    return make_function(name, dim, rng=1000 + seed, shift=True, rotate=name != "schwefel")


def error(method, f, budget, seed):
    res = metaopt.minimize(f, f.bounds, method=method, budget=budget, rng=seed,
                           vectorized=True)
    return max(res.fun - f.f_opt, 0.0), res.method


def counts_for_auto(auto, best):
    return auto <= 2.0 * best or auto < SOLVED


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--dims", type=int, nargs="+", default=[2, 5, 10, 20, 40])
    parser.add_argument("--factors", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--methods", nargs="+", default=["cmaes", "lshade", "jade", "de"])
    parser.add_argument("--functions", nargs="+", default=list(FUNCTIONS))
    args = parser.parse_args()
    started = time.perf_counter()
    good = total = 0
    winners = {}
    print(f"median error f - f* over {args.seeds} seeds; 'ok': auto best, within 2x of the "
          f"best single method, or below {SOLVED:g}")
    print(f"{'d':>3} {'budget':>8} {'function':<16} " +
          " ".join(f"{m:>10}" for m in args.methods) + f" {'auto':>10}  picked   ok")
    for dim in args.dims:
        for factor in args.factors:
            budget = factor * dim
            for name in args.functions:
                cells = {}
                for method in args.methods + ["auto"]:
                    runs = [error(method, instance(name, dim, seed), budget, seed)
                            for seed in range(args.seeds)]
                    cells[method] = float(np.median([e for e, _ in runs]))
                    picked = runs[0][1].split()[0] if method == "auto" else None
                best_method = min(args.methods, key=cells.get)
                best = cells[best_method]
                ok = counts_for_auto(cells["auto"], best)
                good, total = good + ok, total + 1
                winners.setdefault((dim, factor), Counter())[best_method] += 1
                print(f"{dim:3d} {budget:8d} {name:<16} " +
                      " ".join(f"{cells[m]:10.3g}" for m in args.methods) +
                      f" {cells['auto']:10.3g}  {picked:<8} {'yes' if ok else 'NO'}",
                      flush=True)
    print(f"\nauto counts in {good} of {total} cells ({good / total:.0%}; bar 90%)")
    print("\nbest single method per dimension and budget (functions won):")
    for (dim, factor), counter in winners.items():
        print(f"  d={dim:<3} {factor:>6} x d: " +
              ", ".join(f"{m} {c}" for m, c in counter.most_common()))
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
