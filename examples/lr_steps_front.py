"""Two objectives: validation loss against training steps, for Adam's learning rate on digits.

Each configuration is a learning rate (log scale) and a number of training steps (20 to 400).
One generation of NSGA-II is one batched training call: every member trains for the
generation's largest step count, its validation loss recorded every 20 steps, and each
configuration is scored at its own step count (stopping a run at step s is training it for s
steps). The front says how much validation loss each extra training step buys, and which
learning rate is best at each budget.

    python examples/lr_steps_front.py [--budget 160] [--out out]
"""

import argparse
import pathlib

import numpy as np
from torch import nn

import metaopt
from metaopt import Integer, Real, Space
from metaopt.torch import batch_train, init_parameters
from problems.neural import classification_task

EVERY = 20


def mlp():
    return init_parameters(
        nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)), rng=0)


class LossAndSteps:
    """A vectorized two-objective function of (lr, steps) rows: (validation loss, steps)."""

    def __init__(self, data, space):
        self.data, self.space = data, space

    def __call__(self, X):
        lr = X[:, 0]
        steps = (np.round(X[:, 1] / EVERY) * EVERY).astype(int).clip(EVERY)
        res = batch_train(mlp(), self.data, "adam", {"lr": lr}, steps=int(steps.max()),
                          batch_size=64, rng=0, eval_every=EVERY)
        at = np.searchsorted(res.history["step"], steps)  # the evaluation at each one's steps
        loss = res.history["val_loss"][at, np.arange(len(X))]
        return np.column_stack([loss, steps])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=160)
    parser.add_argument("--out", default="out")
    args = parser.parse_args()
    digits = classification_task("digits", rng=0)
    data = {"train": digits["train"], "val": digits["test"]}
    space = Space({"lr": Real(1e-4, 1.0, log=True), "steps": Integer(EVERY, 400)})
    res = metaopt.minimize(LossAndSteps(data, space), space, method="nsga2", objectives=2,
                           vectorized=True, pop_size=16, budget=args.budget, rng=0)
    order = np.argsort(res.pareto_fun[:, 1])
    print(f"front of {len(order)} configurations after {res.nfev} trials "
          f"(hypervolume {res.hypervolume:.4g}):")
    for i in order:
        p = res.pareto_params[i]
        print(f"  {int(res.pareto_fun[i, 1]):4d} steps  lr {p['lr']:.3g}  validation loss "
              f"{res.pareto_fun[i, 0]:.4f}")
    from metaopt import plotting

    plotting.pyplot(files_only=True)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ax = plotting.front(res.pareto_fun, labels=["validation loss", "training steps"],
                        title="Adam on digits: loss against steps (NSGA-II)")
    path = plotting.save(ax, out / "lr_steps_front.png")
    print(f"plot: {path}")


if __name__ == "__main__":
    main()
