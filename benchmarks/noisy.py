"""metaopt's ``auto`` on noisy functions against pycma with and without its noise handling.

Sphere, ellipsoid, Rosenbrock and Rastrigin of ``problems`` (shifted), with e = f - f* the
distance to the optimal value, under multiplicative noise ``e * exp(beta N(0, 1))`` (beta =
0.01 and 1) and additive noise ``e + s N(0, 1)`` (s = 0.01 and 1), at d = 5 and 20, budgets
1,000 and 10,000 x d. The score of a run is the noise-free e of the point it returns:
metaopt's ``Result.x``; pycma's recommended point, the mean (``result.xfavorite``), with
``cma.fmin2`` plain and with ``noise_handling=True``. Prints the median over the seeds per
case, whether auto is no worse than the better pycma (or both below 1e-8), and the count.

    python benchmarks/noisy.py [--seeds 10] [--dims 5 20] [--factors 1000 10000]
                               [--functions sphere ellipsoid rosenbrock rastrigin]

Needs pycma: ``pip install cma`` (a benchmark-only dependency, in the ``bench`` extra).
"""

import argparse
import warnings

import numpy as np

import metaopt
from problems import make_function

SOLVED = 1e-8
NOISES = [("mult", 0.01), ("mult", 1.0), ("add", 0.01), ("add", 1.0)]


class Noisy:
    """``e(x) = f(x) - f*`` with noise drawn from its own generator (one per run, so runs
    reproduce); ``exact(x)`` is the noise-free e."""

    def __init__(self, f, kind, level, seed):
        self.f, self.kind, self.level = f, kind, level
        self.noise = np.random.default_rng(10_000 + seed)
        self.bounds = f.bounds

    def exact(self, X):
        return self.f(np.atleast_2d(X)) - self.f.f_opt

    def __call__(self, X):
        e = self.exact(X)
        z = self.noise.standard_normal(e.shape[0])
        return e * np.exp(self.level * z) if self.kind == "mult" else e + self.level * z


def run_auto(problem, budget, seed):
    res = metaopt.minimize(problem, problem.bounds, budget=budget, rng=seed, vectorized=True)
    return float(problem.exact(res.x)[0])


def run_pycma(problem, budget, seed, noise_handling):
    import cma

    low, high = problem.bounds[:, 0], problem.bounds[:, 1]
    spent = [0]

    def one(x):
        spent[0] += 1
        return float(problem(np.asarray(x)[None, :])[0])

    options = {"bounds": [list(low), list(high)], "maxfevals": budget, "seed": seed + 1,
               "verbose": -9, "CMA_stds": list(high - low)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, es = cma.fmin2(one, list((low + high) / 2), 0.2, options,
                          noise_handler=True if noise_handling else None)
    return float(problem.exact(es.result.xfavorite)[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--dims", type=int, nargs="+", default=[5, 20])
    parser.add_argument("--factors", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--functions", nargs="+",
                        default=["sphere", "ellipsoid", "rosenbrock", "rastrigin"])
    args = parser.parse_args()
    good = total = 0
    print(f"{'case':<34} {'auto':>10} {'pycma':>10} {'pycma+nh':>10}  no worse")
    for dim in args.dims:
        for factor in args.factors:
            for name in args.functions:
                for kind, level in NOISES:
                    scores = {"auto": [], "plain": [], "handled": []}
                    budget = factor * dim
                    for seed in range(args.seeds):
                        f = make_function(name, dim, rng=1000 + seed, shift=True)
                        scores["auto"].append(run_auto(Noisy(f, kind, level, seed), budget,
                                                       seed))
                        for key, handled in (("plain", False), ("handled", True)):
                            scores[key].append(run_pycma(Noisy(f, kind, level, seed), budget,
                                                         seed, handled))
                    a, b, c = (float(np.median(scores[k])) for k in ("auto", "plain", "handled"))
                    ok = a <= min(b, c) or (a < SOLVED and min(b, c) < SOLVED)
                    good, total = good + ok, total + 1
                    case = f"{name} d={dim} {factor}xd {kind} {level:g}"
                    print(f"{case:<34} {a:10.3g} {b:10.3g} {c:10.3g}  {'yes' if ok else 'NO'}",
                          flush=True)
    print(f"auto no worse than the better pycma on {good} of {total} cases "
          f"({100 * good / max(total, 1):.0f}%; target >= 90%)")


if __name__ == "__main__":
    main()
