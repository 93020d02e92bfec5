"""``method="auto"`` against the better of pycma's BIPOP-CMA-ES and lq-CMA-ES, cell by cell.

The ten functions of ``problems``, each shifted and rotated (Schwefel: shifted only) and
shifted only (separable), at each dimension and budget factor (budget = factor x d),
``--seeds`` seeds: the median final error f - f* of ``metaopt.minimize(method="auto")``, of
``cma.fmin2`` with BIPOP restarts and of ``cma.fmin_lq_surr2`` (Hansen 2019's lq-CMA-ES with
IPOP restarts), each starting at the box centre with a step of 0.2 of the box width and
pycma's own bound handling; pycma's evaluations past the budget are not counted. A cell counts
for auto when its median is no worse than the better pycma's (or both are below 1e-8); the
issue's bar is 85% of the cells at each budget. Prints every cell and the counts.

    python benchmarks/auto_vs_pycma.py [--seeds 5] [--dims 2 5 10 20 40]
                                       [--factors 100 1000 10000] [--functions sphere ...]

Needs pycma: ``pip install cma`` (a benchmark-only dependency, in the ``bench`` extra).
"""

import argparse
import time
import warnings
from collections import Counter

import numpy as np

import metaopt
from problems import FUNCTIONS, make_function

SOLVED = 1e-8


def instance(name, dim, seed, rotated):
    return make_function(name, dim, rng=1000 + seed, shift=True,
                         rotate=rotated and name != "schwefel")


def run_auto(f, budget, seed):
    res = metaopt.minimize(f, f.bounds, budget=budget, rng=seed, vectorized=True)
    return max(res.fun - f.f_opt, 0.0)


def run_pycma(f, budget, seed, surrogate):
    import cma

    low, high = f.bounds[:, 0], f.bounds[:, 1]
    best, spent = [np.inf], [0]

    def one(x):
        value = float(f(np.asarray(x)[None, :])[0])
        spent[0] += 1
        if spent[0] <= budget:  # evaluations past the budget do not count
            best[0] = min(best[0], value)
        return value

    options = {"bounds": [list(low), list(high)], "maxfevals": budget, "seed": seed + 1,
               "verbose": -9, "CMA_stds": list(high - low)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if surrogate:
            cma.fmin_lq_surr2(one, list((low + high) / 2), 0.2, options, restarts=9)
        else:
            cma.fmin2(one, list((low + high) / 2), 0.2, options, restarts=9, bipop=True)
    return max(best[0] - f.f_opt, 0.0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--dims", type=int, nargs="+", default=[2, 5, 10, 20, 40])
    parser.add_argument("--factors", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--functions", nargs="+", default=list(FUNCTIONS))
    args = parser.parse_args()
    started = time.perf_counter()
    good, total = Counter(), Counter()
    print(f"median error f - f* over {args.seeds} seeds; ok: auto no worse than the better "
          f"pycma, or both below {SOLVED:g}")
    print(f"{'d':>3} {'budget':>8} {'function':<22} {'auto':>10} {'bipop':>10} {'lq':>10}  ok")
    for dim in args.dims:
        for factor in args.factors:
            budget = factor * dim
            for rotated in (True, False):
                for name in args.functions:
                    cells = {key: [] for key in ("auto", "bipop", "lq")}
                    for seed in range(args.seeds):
                        f = instance(name, dim, seed, rotated)
                        cells["auto"].append(run_auto(f, budget, seed))
                        cells["bipop"].append(run_pycma(f, budget, seed, False))
                        cells["lq"].append(run_pycma(f, budget, seed, True))
                    a, b, c = (float(np.median(cells[k])) for k in ("auto", "bipop", "lq"))
                    ok = a <= min(b, c) or (a < SOLVED and min(b, c) < SOLVED)
                    good[factor] += ok
                    total[factor] += 1
                    label = f"{name}{'' if rotated else ' (separable)'}"
                    print(f"{dim:3d} {budget:8d} {label:<22} {a:10.3g} {b:10.3g} {c:10.3g}  "
                          f"{'yes' if ok else 'NO'}", flush=True)
    for factor in args.factors:
        print(f"{factor:>6} x d: auto no worse in {good[factor]} of {total[factor]} cells "
              f"({good[factor] / max(total[factor], 1):.0%}; bar 85%)")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
