"""Full CMA-ES against its diagonal variant (sep-CMA, Ros & Hansen 2008) in large dimensions:
the measurement behind ``diagonal="auto"`` (:data:`metaopt.algorithms.cmaes.DIAGONAL_ABOVE`).

Rotated functions of ``problems`` (sphere, ellipsoid, Rosenbrock, Rastrigin) at each dimension,
``factor x d`` evaluations, ``--seeds`` seeds: the median final error of each variant and the
wall time of all its seeds.

    python benchmarks/sep_cma.py [--dims 50 100 200] [--factor 100] [--seeds 2]
"""

import argparse
import time

import numpy as np

import metaopt
from problems import make_function

FUNCTIONS = ("sphere", "ellipsoid", "rosenbrock", "rastrigin")


def run(name, dim, budget, seeds, diagonal):
    errors, start = [], time.perf_counter()
    for seed in range(seeds):
        f = make_function(name, dim, rng=1000 + seed, shift=True, rotate=True)
        res = metaopt.minimize(f, f.bounds, method="cmaes", budget=budget, rng=seed,
                               vectorized=True, diagonal=diagonal)
        errors.append(res.fun - f.f_opt)
    return float(np.median(errors)), time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args()
    print(f"median error of {args.seeds} seeds at {args.factor} x d evaluations, and the wall "
          f"time of all seeds")
    for dim in args.dims:
        for name in FUNCTIONS:
            full, t_full = run(name, dim, args.factor * dim, args.seeds, False)
            sep, t_sep = run(name, dim, args.factor * dim, args.seeds, True)
            print(f"d={dim:<4} {name:<11} full {full:10.3g} {t_full:6.1f}s | sep {sep:10.3g} "
                  f"{t_sep:6.1f}s | full/sep error {full / max(sep, 1e-300):8.3g}", flush=True)


if __name__ == "__main__":
    main()
