"""Neuroevolution on digits: MLP 64-32-10 (2,410 weights), stratified 25% test split (seed 0),
full-batch training loss; each method gets at most 60 s of CPU. Prints test accuracy and time.

    python benchmarks/digits.py [--methods openai_es snes ga de]
"""

import argparse
import time

from torch import nn

import metaopt
from metaopt.torch import NetworkFitness, init_parameters
from problems.neural import classification_task

SETTINGS = {  # options and budgets; every run also stops at 60 s
    "openai_es": (dict(pop_size=100, sigma=0.05, lr=0.03), 200_000, "x0"),
    "snes": (dict(sigma=0.1), 300_000, "x0"),
    "ga": (dict(pop_size=100, mutation_rate=0.01), 300_000, None),
    "de": (dict(pop_size=60, strategy="current-to-pbest/1"), 300_000, "init"),
    "lshade": (dict(pop_size=100), 300_000, "init"),
}


def run(method):
    module = init_parameters(
        nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)), rng=0)
    fit = NetworkFitness(module, "cross_entropy", classification_task("digits", rng=0))
    options, budget, start = SETTINGS[method]
    options = dict(options)
    if start == "x0":
        options["x0"] = fit.x0
    elif start == "init":
        options["init"] = fit.initial_population(options["pop_size"], scale=0.5, rng=0)
    t = time.perf_counter()
    res = metaopt.minimize(fit, fit.bounds(), method=method, budget=budget, rng=0,
                           vectorized=True, max_time=60, **options)
    return fit.evaluate(res.x), fit.evaluate(res.x, "train"), res.nfev, time.perf_counter() - t


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=["openai_es", "snes", "ga", "de"])
    args = parser.parse_args()
    print(f"{'method':<10} {'test acc':>9} {'train acc':>10} {'test loss':>10} "
          f"{'evaluations':>12} {'time':>7}")
    for method in args.methods:
        test, train, nfev, seconds = run(method)
        print(f"{method:<10} {test['accuracy']:9.2%} {train['accuracy']:10.2%} "
              f"{test['loss']:10.3f} {nfev:12,} {seconds:6.1f}s")


if __name__ == "__main__":
    main()
