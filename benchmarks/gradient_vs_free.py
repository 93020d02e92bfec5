"""Gradient optimizers against gradient-free search, on the same network and data, at equal
budgets counted in wall-clock seconds and in per-sample forward passes.

MLP 64-32-10 on digits (stratified 25% test split). Each gradient optimizer first gets its
learning rate from a small learning-rate search (DE, 2 generations of 8 trials, 150 steps each,
on a validation split of the training data), then trains with minibatches of 64. Each
gradient-free method evaluates the loss on minibatches of 256. Every method stops at the same
wall-clock budget or the same forward-pass budget, whichever comes first. Printed: final train
and test loss and accuracy, seconds and forward passes; saved: test loss against both budgets.

    python benchmarks/gradient_vs_free.py [--seconds 8] [--passes 50e6] [--out out]
"""

import argparse
import pathlib
import time

import numpy as np
import torch
from torch import nn

import metaopt
from metaopt import Real, Space
from metaopt.torch import LearningRateSearch, NetworkFitness, batch_train
from problems.neural import classification_task

GRADIENT = {  # the optimizers and the fixed hyperparameters of their named variants
    "sgd": ("sgd", {}), "momentum": ("sgd", {"momentum": 0.9}),
    "nesterov": ("sgd", {"momentum": 0.9, "nesterov": True}), "adagrad": ("adagrad", {}),
    "adadelta": ("adadelta", {}), "rmsprop": ("rmsprop", {}), "adam": ("adam", {}),
    "adamw": ("adamw", {}), "nadam": ("nadam", {}), "adamax": ("adamax", {}),
    "adabelief": ("adabelief", {}), "adan": ("adan", {}),
}
FREE = {"openai_es": dict(pop_size=100, sigma=0.05, lr=0.03), "snes": dict(sigma=0.1),
        "ga": dict(pop_size=100, mutation_rate=0.01), "de": dict(pop_size=60,
                                                                 strategy="current-to-pbest/1")}
BATCH, EVAL_BATCH = 64, 256


def network():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))


def tune_lr(name, data):
    search = LearningRateSearch(network(), {"train": data["train"]},
                                Space({"lr": Real(1e-4, 3.0, log=True)}),
                                optimizer=GRADIENT[name][0], fixed=GRADIENT[name][1],
                                steps=150, batch_size=BATCH)
    res = metaopt.minimize(search, search.space, method="de", vectorized=True, pop_size=8,
                           budget=16, rng=0)
    return res.params["lr"]


def run_gradient(name, lr, data, seconds, passes):
    optimizer, fixed = GRADIENT[name]
    hp = {"lr": [lr], **fixed}
    probe = batch_train(network(), data, optimizer, hp, steps=50, batch_size=BATCH, rng=0)
    per_step = probe.seconds / 50
    steps = int(max(20, min(passes // BATCH, seconds / per_step)))
    every = max(1, steps // 20)
    res = batch_train(network(), {"train": data["train"], "val": data["test"]}, optimizer, hp,
                      steps=steps, batch_size=BATCH, rng=0, eval_every=every)
    curve_passes = res.history["step"] * BATCH
    curve_seconds = res.history["step"] * res.seconds / steps
    return dict(train_loss=res.train_loss[0], test_loss=res.val_loss[0],
                train_acc=res.train_accuracy[0], test_acc=res.val_accuracy[0],
                seconds=res.seconds, passes=res.forward_passes,
                curve=(curve_passes, curve_seconds, res.history["val_loss"][:, 0]))


def run_free(method, data, seconds, passes):
    fit = NetworkFitness(network(), "cross_entropy", data, batch_size=EVAL_BATCH)
    options = dict(FREE[method])
    if method in ("openai_es", "snes"):
        options["x0"] = fit.x0
    elif method == "de":
        options["init"] = fit.initial_population(options["pop_size"], scale=0.5, rng=0)
    marks = []
    start = time.perf_counter()

    def record(r):
        marks.append((r.nfev, time.perf_counter() - start, r.x.copy()))

    res = metaopt.minimize(fit, fit.bounds(), method=method, budget=int(passes // EVAL_BATCH),
                           rng=0, vectorized=True, max_time=seconds, callback=record,
                           **options)
    elapsed = time.perf_counter() - start
    picks = [marks[int(i)] for i in np.linspace(0, len(marks) - 1, 20)]
    curve = (np.array([m[0] * EVAL_BATCH for m in picks]), np.array([m[1] for m in picks]),
             np.array([fit.evaluate(m[2])["loss"] for m in picks]))
    train, test = fit.evaluate(res.x, "train"), fit.evaluate(res.x, "test")
    return dict(train_loss=train["loss"], test_loss=test["loss"], train_acc=train["accuracy"],
                test_acc=test["accuracy"], seconds=elapsed, passes=res.nfev * EVAL_BATCH,
                curve=curve)


def plot(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8), sharey=True)
    colors = plt.get_cmap("tab20").colors
    for k, (name, row) in enumerate(rows.items()):
        passes, seconds, loss = row["curve"]
        style = dict(linestyle="-" if name in GRADIENT else "--", color=colors[k % 20],
                     linewidth=1.2 if name in GRADIENT else 2.0)
        left.plot(passes, loss, label=name, **style)
        right.plot(seconds, loss, label=name, **style)
    left.set_xscale("log")
    left.set_xlabel("per-sample forward passes")
    right.set_xlabel("wall-clock seconds")
    left.set_ylabel("test loss (cross-entropy)")
    left.set_yscale("log")
    right.legend(fontsize=7, ncol=2)
    fig.suptitle("MLP 64-32-10 on digits: gradient optimizers (solid) vs gradient-free (dashed)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--passes", type=float, default=50e6)
    parser.add_argument("--out", default="out")
    parser.add_argument("--gradient", nargs="+", default=list(GRADIENT))
    parser.add_argument("--free", nargs="+", default=list(FREE))
    args = parser.parse_args()
    t0 = time.perf_counter()
    data = classification_task("digits", rng=0)
    rows = {}
    for name in args.gradient:
        lr = tune_lr(name, data)
        rows[name] = run_gradient(name, lr, data, args.seconds, args.passes)
        rows[name]["lr"] = lr
    for method in args.free:
        rows[method] = run_free(method, data, args.seconds, args.passes)
    print(f"MLP 64-32-10 on digits; budget {args.seconds:g} s or {args.passes:.3g} forward "
          f"passes, whichever first")
    print(f"{'method':<10} {'tuned lr':>9} {'train loss':>10} {'test loss':>10} {'train acc':>9} "
          f"{'test acc':>9} {'seconds':>8} {'fwd passes':>11}")
    for name, r in rows.items():
        lr = f"{r['lr']:9.2e}" if "lr" in r else f"{'-':>9}"
        print(f"{name:<10} {lr} {r['train_loss']:10.4f} {r['test_loss']:10.4f} "
              f"{r['train_acc']:9.2%} {r['test_acc']:9.2%} {r['seconds']:8.1f} "
              f"{r['passes']:11.3g}")
    path = plot(rows, pathlib.Path(args.out) / "gradient_vs_free.png")
    print(f"plot: {path}   total {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
