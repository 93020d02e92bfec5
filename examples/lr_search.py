"""Learning-rate search that trains a whole generation of trials at once.

DE searches Adam's learning rate (log scale) and weight decay for an MLP on digits; each
generation of 16 configurations is one batched training call. The best configuration is then
compared with population-based training of 16 members.

    python examples/lr_search.py
"""

import numpy as np
from torch import nn

import metaopt
from metaopt import Real, Space
from metaopt.torch import PBT, LearningRateSearch, batch_train, init_parameters
from problems.neural import classification_task


def mlp():
    return init_parameters(
        nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)), rng=0)


def main():
    data = classification_task("digits", rng=0)
    space = Space({"lr": Real(1e-4, 1.0, log=True), "weight_decay": Real(0.0, 1e-2)})
    search = LearningRateSearch(mlp(), {"train": data["train"]}, space, optimizer="adamw",
                                steps=200, batch_size=64)
    res = metaopt.minimize(search, space, method="de", vectorized=True, pop_size=16,
                           budget=48, rng=0)
    print(f"best of {sum(len(v) for _, v in search.trials)} trials: lr={res.params['lr']:.3g}, "
          f"weight_decay={res.params['weight_decay']:.3g}, validation loss {res.fun:.4f}")

    pbt = batch_train(mlp(), {"train": search.data["train"], "val": search.data["val"]},
                      "adam", {"lr": np.logspace(-4, -1, 16)}, steps=600, batch_size=64, rng=0,
                      pbt=PBT(interval=100))
    best = int(np.argmin(pbt.val_loss))
    schedule = [round(float(h["lr"][best]), 5) for h in pbt.hparam_history]
    print(f"PBT: best member's validation loss {pbt.val_loss[best]:.4f}; its learning rate "
          f"after each exploit/explore step: {schedule}")


if __name__ == "__main__":
    main()
