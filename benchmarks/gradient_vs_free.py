"""Gradient optimizers against gradient-free search, on the same network and data, at equal
budgets counted in wall-clock seconds and in per-sample forward passes.

MLP 64-32-10 on digits (stratified 25% test split). Each gradient optimizer first gets its
learning rate from a small learning-rate search (DE, 2 generations of 8 trials, 150 steps each,
on a validation split of the training data), then trains with minibatches of 64. Each
gradient-free method evaluates the loss on minibatches of 256. Every method stops at the same
wall-clock budget or the same forward-pass budget, whichever comes first. Printed: final train
and test loss and accuracy, seconds and forward passes; saved: test loss against both budgets.
The same comparison is ``metaopt nn digits``.

    python benchmarks/gradient_vs_free.py [--seconds 8] [--passes 50e6] [--out out]
"""

import argparse
import pathlib
import time

from problems.gradient_vs_free import GRADIENT, compare, plot_comparison, table
from problems.registry import classification_data


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--passes", type=float, default=50e6)
    parser.add_argument("--out", default="out")
    parser.add_argument("--gradient", nargs="+", default=list(GRADIENT))
    parser.add_argument("--free", nargs="+", default=["openai_es", "snes", "ga", "de"])
    args = parser.parse_args()
    t0 = time.perf_counter()
    rows = compare(classification_data("digits"), args.gradient, args.free, args.seconds,
                   args.passes)
    print(f"MLP 64-32-10 on digits; budget {args.seconds:g} s or {args.passes:.3g} forward "
          f"passes, whichever first")
    print("\n".join(table(rows)))
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = plot_comparison(rows, out / "gradient_vs_free.png", "MLP 64-32-10 on digits: "
                           "gradient optimizers (solid) vs gradient-free (dashed)")
    print(f"plot: {path}   total {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
