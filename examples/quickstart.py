"""metaopt in one run: three methods on the 10-dimensional shifted Rastrigin function.

Rastrigin has about 10^10 local minima in this box; its global minimum is 0 at a seeded,
shifted point. Each method gets the same budget of 100,000 evaluations. The script prints a
table, the best point against the true optimum, and saves a convergence plot.

    python examples/quickstart.py [--out out]
"""

import argparse
import pathlib
import time

import numpy as np

import metaopt
from problems import make_function

METHODS = {"lshade": "L-SHADE (Tanabe & Fukunaga 2014)", "de": "DE rand/1/bin",
           "sobol": "Sobol quasi-random search"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="folder for the plot")
    parser.add_argument("--budget", type=int, default=100_000)
    args = parser.parse_args()

    func = make_function("rastrigin", 10, rng=42, shift=True)
    t = time.perf_counter()
    for method in METHODS:  # compile the Numba kernels (cached on disk after the first time)
        metaopt.minimize(func, func.bounds, method=method, budget=400, rng=0, vectorized=True,
                         pop_size=20)
    print(f"(kernels compiled or loaded from cache in {time.perf_counter() - t:.1f} s)\n")
    print(f"Minimizing {func!r} with {args.budget:,} evaluations per method "
          f"(global minimum {func.f_opt:g})\n")
    print(f"{'method':<34} {'best f':>12} {'evaluations':>12} {'time':>8}")
    results = {}
    for method, label in METHODS.items():
        t = time.perf_counter()
        res = metaopt.minimize(func, func.bounds, method=method, budget=args.budget, rng=0,
                               vectorized=True)
        results[method] = res
        print(f"{label:<34} {res.fun:12.3e} {res.nfev:12,} {time.perf_counter() - t:7.2f}s")

    best = results["lshade"]
    print(f"\nL-SHADE stopped because: {best.message}")
    print("best x  :", np.array2string(best.x, precision=4, suppress_small=True))
    print("optimum :", np.array2string(func.x_opt, precision=4, suppress_small=True))
    print(f"largest coordinate error: {np.max(np.abs(best.x - func.x_opt)):.2e}")
    save_plot(results, pathlib.Path(args.out) / "quickstart_convergence.png")


def save_plot(results, path):
    try:
        from metaopt import plotting

        plotting.pyplot(files_only=True)
    except ImportError:
        print("\n(matplotlib not installed: pip install 'metaopt-engine[plot]' for the plot)")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    ax = plotting.convergence({METHODS[m]: res for m, res in results.items()}, optimum=0.0,
                              title="10-d shifted Rastrigin, 100,000 evaluations per method")
    plotting.save(ax, path)
    print(f"\nconvergence plot saved to {path}")


if __name__ == "__main__":
    main()
