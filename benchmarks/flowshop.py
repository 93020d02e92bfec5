"""Taillard's permutation flow shops: gap to the best-known makespan per method, black box.

Every method gets the makespan as a plain vectorized function over ``Permutation(20)`` (no
distances, no problem knowledge) and ``--budget`` evaluations (default 200,000). For each
instance the median over the seeds of ``makespan / best_known - 1`` is printed per method,
beside the deterministic NEH heuristic (Nawaz, Enscore & Ham 1983) as a baseline, then each
method's median over the instances of a group. The issue's bar: the best method within 1% on
ta001-ta010.

    python benchmarks/flowshop.py [--seeds 5] [--budget 200000] [--methods ils sa tabu ga]
                                  [--moves mixed insertion ...] [--instances ta001 ...]
"""

import argparse
import time

import numpy as np

import metaopt
from metaopt import Permutation
from problems import load_taillard, neh, taillard_instances

GROUPS = {"ta001-ta010 (20 x 5)": [f"ta{k:03d}" for k in range(1, 11)],
          "ta021-ta030 (20 x 20)": [f"ta{k:03d}" for k in range(21, 31)]}
WITH_MOVE = ("ils", "sa", "tabu")


def run(method, shop, budget, seed, move):
    options = {"move": move} if move and method in WITH_MOVE else {}
    res = metaopt.minimize(shop, Permutation(shop.n), method=method, budget=budget, rng=seed,
                           vectorized=True, target=shop.best_known, **options)
    return shop.gap(res.fun)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budget", type=int, default=200_000)
    parser.add_argument("--methods", nargs="+", default=["ils", "sa", "tabu", "ga"])
    parser.add_argument("--moves", nargs="+", default=[None],
                        help="permutation moves to compare for ILS, SA and tabu "
                             "(default: each method's own)")
    parser.add_argument("--instances", nargs="+", default=None)
    args = parser.parse_args()
    names = args.instances or sorted(taillard_instances())
    labels = [(method, move) for method in args.methods
              for move in (args.moves if method in WITH_MOVE else [None])]
    header = " ".join(f"{m + ('/' + mv if mv else ''):>14}" for m, mv in labels)
    print(f"median gap to the best-known makespan over {args.seeds} seeds, "
          f"{args.budget:,} evaluations, makespan as a black box")
    print(f"{'instance':<8} {'best':>6} {'NEH':>8} {header}")
    gaps = {}
    started = time.perf_counter()
    for name in names:
        shop = load_taillard(name)
        neh_gap = shop.gap(neh(shop)[1])
        row = []
        for method, move in labels:
            g = np.median([run(method, shop, args.budget, seed, move)
                           for seed in range(args.seeds)])
            gaps[name, method, move] = g
            row.append(f"{g:14.2%}")
        gaps[name, "neh", None] = neh_gap
        print(f"{name:<8} {shop.best_known:6.0f} {neh_gap:8.2%} {' '.join(row)}", flush=True)
    print("\nmedian over each group's instances")
    for group, members in GROUPS.items():
        members = [n for n in members if n in names]
        if not members:
            continue
        cells = [np.median([gaps[n, m, mv] for n in members]) for m, mv in labels]
        neh_cell = np.median([gaps[n, "neh", None] for n in members])
        best = min(cells)
        print(f"{group:<22} NEH {neh_cell:.2%}  " +
              "  ".join(f"{m + ('/' + mv if mv else '')} {c:.2%}"
                        for (m, mv), c in zip(labels, cells)) +
              f"  -> best {best:.2%} ({'within' if best <= 0.01 else 'NOT within'} 1%)")
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
