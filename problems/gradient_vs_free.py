"""An experiment, not engine code: gradient optimizers against gradient-free search on the same
network, at equal budgets counted in wall-clock seconds and in per-sample forward passes. Run
by ``metaopt nn`` and ``benchmarks/gradient_vs_free.py``. Needs the torch extra."""

import time

import numpy as np
from metaopt import minimize, plotting
from metaopt.space import Real, Space
from metaopt.torch import NetworkFitness
from metaopt.torch.training import LearningRateSearch, batch_train

from .neural import network_for

__all__ = ["GRADIENT", "FREE", "compare", "table", "plot_comparison"]

GRADIENT = {  # name: (optimizer, fixed hyperparameters)
    "sgd": ("sgd", {}), "momentum": ("sgd", {"momentum": 0.9}),
    "nesterov": ("sgd", {"momentum": 0.9, "nesterov": True}), "adagrad": ("adagrad", {}),
    "adadelta": ("adadelta", {}), "rmsprop": ("rmsprop", {}), "adam": ("adam", {}),
    "adamw": ("adamw", {}), "nadam": ("nadam", {}), "adamax": ("adamax", {}),
    "adabelief": ("adabelief", {}), "adan": ("adan", {}),
}
FREE = {"openai_es": dict(pop_size=100, sigma=0.05, lr=0.03), "snes": dict(sigma=0.1),
        "ga": dict(pop_size=100, mutation_rate=0.01),
        "de": dict(pop_size=60, strategy="current-to-pbest/1"),
        "lshade": dict(pop_size=100)}
BATCH, EVAL_BATCH = 64, 256


def _tune_lr(name, data):
    optimizer, fixed = GRADIENT[name]
    search = LearningRateSearch(network_for(data), {"train": data["train"]},
                                Space({"lr": Real(1e-4, 3.0, log=True)}), optimizer=optimizer,
                                fixed=fixed, steps=150, batch_size=BATCH)
    res = minimize(search, search.space, method="de", vectorized=True, pop_size=8,
                   budget=16, rng=0)
    return res.params["lr"]


def _run_gradient(name, data, seconds, passes):
    optimizer, fixed = GRADIENT[name]
    lr = _tune_lr(name, data)
    hp = {"lr": [lr], **fixed}
    probe = batch_train(network_for(data), data, optimizer, hp, steps=50, batch_size=BATCH,
                        rng=0)
    steps = int(max(20, min(passes // BATCH, seconds / (probe.seconds / 50))))
    every = max(1, steps // 20)
    res = batch_train(network_for(data), {"train": data["train"], "val": data["test"]},
                      optimizer, hp, steps=steps, batch_size=BATCH, rng=0, eval_every=every)
    return dict(kind="gradient", lr=lr, train_loss=res.train_loss[0], test_loss=res.val_loss[0],
                train_acc=res.train_accuracy[0], test_acc=res.val_accuracy[0],
                seconds=res.seconds, passes=res.forward_passes,
                curve=(res.history["step"] * BATCH, res.history["step"] * res.seconds / steps,
                       res.history["val_loss"][:, 0]))


def _run_free(method, data, seconds, passes):
    fit = NetworkFitness(network_for(data), "cross_entropy", data,
                         batch_size=min(EVAL_BATCH, len(data["train"][1])))
    options = dict(FREE[method])
    if method in ("openai_es", "snes"):
        options["x0"] = fit.x0
    elif method in ("de", "lshade"):
        options["init"] = fit.initial_population(options["pop_size"], scale=0.5, rng=0)
    marks = []
    start = time.perf_counter()

    def record(intermediate_result):
        r = intermediate_result
        marks.append((r.nfev, time.perf_counter() - start, r.x.copy()))

    per_eval = fit.batch_size or len(data["train"][1])
    res = minimize(fit, fit.bounds(), method=method,
                   budget=max(1000, int(passes // per_eval)), rng=0, vectorized=True,
                   max_time=seconds, callback=record, **options)
    elapsed = time.perf_counter() - start
    picks = [marks[int(i)] for i in np.linspace(0, len(marks) - 1, min(20, len(marks)))]
    curve = (np.array([m[0] * per_eval for m in picks]), np.array([m[1] for m in picks]),
             np.array([fit.evaluate(m[2])["loss"] for m in picks]))
    train, test = fit.evaluate(res.x, "train"), fit.evaluate(res.x, "test")
    return dict(kind="free", train_loss=train["loss"], test_loss=test["loss"],
                train_acc=train["accuracy"], test_acc=test["accuracy"], seconds=elapsed,
                passes=res.nfev * per_eval, curve=curve)


def compare(data, gradient=tuple(GRADIENT), free=tuple(FREE), seconds=8.0, passes=50e6):
    """Train an MLP for the classification ``data`` ({"train": (X, y), "test": (X, y)}) with
    each gradient optimizer (learning rate from a small DE search
    first, minibatches of 64) and each gradient-free method (minibatch loss of 256 samples),
    each until ``seconds`` or ``passes`` per-sample forward passes, whichever comes first.

    Returns ``{method: row}`` with train/test loss and accuracy, seconds, forward passes, the
    tuned learning rate (gradient methods) and a test-loss curve against both budgets.
    """
    unknown = sorted(set(gradient) - set(GRADIENT)) + sorted(set(free) - set(FREE))
    if unknown:
        raise ValueError(f"unknown methods {unknown}; gradient: {sorted(GRADIENT)}, "
                         f"gradient-free: {sorted(FREE)}")
    if not isinstance(data, dict) or "train" not in data or "test" not in data:
        raise ValueError("data must be a dict with 'train' and 'test' (X, y) pairs")
    rows = {}
    for name in gradient:
        rows[name] = _run_gradient(name, data, seconds, passes)
    for method in free:
        rows[method] = _run_free(method, data, seconds, passes)
    return rows


def table(rows):
    """The comparison as aligned text lines."""
    lines = [f"{'method':<10} {'tuned lr':>9} {'train loss':>10} {'test loss':>10} "
             f"{'train acc':>9} {'test acc':>9} {'seconds':>8} {'fwd passes':>11}"]
    for name, r in rows.items():
        lr = f"{r['lr']:9.2e}" if "lr" in r else f"{'-':>9}"
        lines.append(f"{name:<10} {lr} {r['train_loss']:10.4f} {r['test_loss']:10.4f} "
                     f"{r['train_acc']:9.2%} {r['test_acc']:9.2%} {r['seconds']:8.1f} "
                     f"{r['passes']:11.3g}")
    return lines


def plot_comparison(rows, path, title):
    """Test loss against forward passes and against seconds (``metaopt.plotting``)."""
    plotting.pyplot(files_only=True)
    return plotting.save(plotting.gradient_vs_free(rows, title), path, dpi=110)
