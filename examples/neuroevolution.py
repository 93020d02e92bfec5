"""Neuroevolution against Adam: an MLP on the digits dataset, trained gradient-free (OpenAI-ES,
the whole population evaluated in one batched pass) and with Adam, for the same 10 seconds.

    python examples/neuroevolution.py [--seconds 10]
"""

import argparse

from torch import nn

import metaopt
from metaopt.torch import NetworkFitness, batch_train, init_parameters
from problems.neural import classification_task


def mlp():
    return init_parameters(
        nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)), rng=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    data = classification_task("digits", rng=0)

    fitness = NetworkFitness(mlp(), "cross_entropy", data, batch_size=256)
    res = metaopt.minimize(fitness, fitness.bounds(), method="openai_es", budget=10**7, rng=0,
                           vectorized=True, x0=fitness.x0, sigma=0.05, lr=0.03,
                           max_time=args.seconds)
    es = fitness.evaluate(res.x)
    print(f"OpenAI-ES: test accuracy {es['accuracy']:.2%}, test loss {es['loss']:.3f} "
          f"({res.nfev:,} evaluations of {fitness.dim} weights in {args.seconds:g} s)")

    batch_train(mlp(), data, "adam", {"lr": [3e-3]}, steps=5, batch_size=64, rng=0)  # warm up
    probe = batch_train(mlp(), data, "adam", {"lr": [3e-3]}, steps=200, batch_size=64, rng=0)
    steps = int(args.seconds / (probe.seconds / 200))
    adam = batch_train(mlp(), data, "adam", {"lr": [3e-3]}, steps=steps, batch_size=64, rng=0)
    print(f"Adam:      test accuracy {adam.val_accuracy[0]:.2%}, test loss "
          f"{adam.val_loss[0]:.3f} ({steps:,} steps in {adam.seconds:.1f} s)")



if __name__ == "__main__":
    main()
