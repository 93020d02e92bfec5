"""A TSPLIB instance solved by iterated local search, and the tour drawn to a PNG.

    python examples/tsp.py [--instance kroA100] [--out out]
"""

import argparse
import pathlib

import numpy as np

import metaopt
from metaopt import Permutation
from problems import load_tsplib


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", default="kroA100")
    parser.add_argument("--out", default="out")
    args = parser.parse_args()
    tsp = load_tsplib(args.instance)
    res = metaopt.minimize(tsp, Permutation(tsp.n), method="ils", budget=5_000, rng=0,
                           vectorized=True, target=tsp.optimum)
    print(f"{tsp.name}: tour length {res.fun:.0f}, published optimum {tsp.optimum:.0f} "
          f"(gap {tsp.gap(res.fun):.2%}); {res.nfev} tours evaluated, {res.ndelta:,} move deltas")

    from metaopt import plotting

    plotting.pyplot(files_only=True)
    ax = plotting.tour(tsp.coords, np.asarray(res.x, dtype=int),
                       title=f"{tsp.name}: length {res.fun:.0f} (optimum {tsp.optimum:.0f})")
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plotting.save(ax, out / f"{tsp.name}_tour.png")
    print(f"tour drawn to {out / (tsp.name + '_tour.png')}")


if __name__ == "__main__":
    main()
