"""A black-box objective of your own, three methods, and the convergence plot.

The objective is a plain Python function (one point in, one value out): the Rosenbrock-like
"banana" valley with noise-free cost, in 6 dimensions.

    python examples/black_box.py [--out out]
"""

import argparse
import pathlib

import numpy as np

import metaopt


def banana(x):
    """A curved valley; its minimum is 0 at x = (1, ..., 1)."""
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out")
    args = parser.parse_args()
    bounds = [(-2.0, 2.0)] * 6
    results = {}
    for method in ("lshade", "de", "ga"):
        res = metaopt.minimize(banana, bounds, method=method, budget=30_000, rng=0)
        results[method] = res
        print(f"{method:<7} best {res.fun:.3e} at {np.round(res.x, 4)}  ({res.nfev} evaluations)")

    from metaopt import plotting

    plotting.pyplot(files_only=True)
    ax = plotting.convergence(results, optimum=0.0, title="banana valley, 6-d")
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plotting.save(ax, out / "black_box.png")
    print(f"plot: {out / 'black_box.png'}")


if __name__ == "__main__":
    main()
