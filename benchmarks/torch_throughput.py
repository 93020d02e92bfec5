"""Whole-population network evaluation against a loop over P separate modules, and batched
training of P members against training them one after another with torch.optim.

MLP 64-32-10, 256 samples, cross-entropy; P in 16, 128, 1024; on the CPU and, when present,
on CUDA. Each row: the batched-matmul path, the vmap path, and a loop calling P modules one
after another, all in the same run; the ratio is loop time / batched time, and FLOP/s counts
the Linear layers' multiply-adds x 2.

Training rows: P = 16 and 64 copies of the MLP, each with its own Adam learning rate, 300
steps of minibatch 64 on 2,048 samples: ``metaopt.torch.batch_train`` (all at once: stacked
weights, batched matrix products, one backward pass) against P sequential torch.optim.Adam
runs, same run and the same torch threads.

    python benchmarks/torch_throughput.py [--repeats 5] [--sizes 16 128 1024]
"""

import argparse
import copy
import time

import numpy as np
import torch
from torch import nn

from metaopt.torch import NetworkFitness, init_parameters
from metaopt.torch.fitness import flops_per_sample
from metaopt.torch import batch_train


def timed(fn, repeats, device):
    fn()  # warm up
    if device.type == "cuda":
        torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def rows(device, sizes, repeats):
    base = init_parameters(
        nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)), rng=0)
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((256, 64)), rng.integers(0, 10, 256)
    flops = flops_per_sample(base) * 256
    for P in sizes:
        bmm = NetworkFitness(base, "cross_entropy", (X, y), device=device)
        vm = NetworkFitness(base, "cross_entropy", (X, y), device=device, fast_path="vmap")
        pop = bmm.initial_population(P, scale=0.5, rng=1)
        modules = [bmm.layout.load(copy.deepcopy(bmm.module), x) for x in pop]
        inputs, targets = bmm.train

        def loop():
            with torch.no_grad():
                return [nn.functional.cross_entropy(m(inputs), targets).item()  # noqa: B023
                        for m in modules]  # noqa: B023 - timed within the iteration

        t_bmm = timed(lambda: bmm(pop), repeats, device)  # noqa: B023
        t_vmap = timed(lambda: vm(pop), repeats, device)  # noqa: B023
        t_loop = timed(loop, repeats, device)
        yield P, t_bmm, t_vmap, t_loop, P * flops / t_bmm


def training_row(device, members=64, steps=300, batch=64):
    base = init_parameters(
        nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)), rng=0).to(device)
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((2048, 64)), rng.integers(0, 10, 2048)
    data = {"train": (X, y), "val": (X[:256], y[:256])}
    lrs = np.logspace(-4, -1, members)
    batch_train(base, data, "adam", {"lr": lrs[:2]}, steps=5, batch_size=batch, rng=0,
                device=device)  # warm up
    t = time.perf_counter()
    batch_train(base, data, "adam", {"lr": lrs}, steps=steps, batch_size=batch, rng=0,
                device=device)
    t_batched = time.perf_counter() - t
    Xt = torch.as_tensor(X, dtype=torch.float32, device=device)
    yt = torch.as_tensor(y, device=device)
    t = time.perf_counter()
    for lr in lrs:
        model = copy.deepcopy(base)
        opt = torch.optim.Adam(model.parameters(), lr=float(lr))
        order = torch.as_tensor(rng.integers(0, 2048, (steps, batch)), device=device)
        for k in range(steps):
            opt.zero_grad()
            nn.functional.cross_entropy(model(Xt[order[k]]), yt[order[k]]).backward()
            opt.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    t_loop = time.perf_counter() - t
    return t_batched, t_loop


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 128, 1024])
    args = parser.parse_args()
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available()
                                       else [])
    print("MLP 64-32-10, 256 samples, cross-entropy; median of "
          f"{args.repeats}; torch {torch.__version__}, {torch.get_num_threads()} CPU threads")
    print(f"{'device':<7} {'P':>5} {'batched (bmm)':>14} {'vmap':>10} {'loop':>10} "
          f"{'loop/batched':>13} {'GFLOP/s':>9}")
    for device in devices:
        for P, t_bmm, t_vmap, t_loop, rate in rows(device, args.sizes, args.repeats):
            print(f"{device.type:<7} {P:>5} {t_bmm * 1e3:12.2f}ms {t_vmap * 1e3:8.2f}ms "
                  f"{t_loop * 1e3:8.2f}ms {t_loop / t_bmm:12.1f}x {rate / 1e9:9.2f}")
    print("\ntraining: P members, distinct Adam learning rates, 300 steps of minibatch 64")
    for device in devices:
        for members, target in ((16, 4), (64, 10)):
            t_batched, t_loop = training_row(device, members=members)
            print(f"{device.type:<7} P={members:<3} batch_train {t_batched:7.2f} s   "
                  f"{members} x torch.optim.Adam {t_loop:7.2f} s   ratio "
                  f"{t_loop / t_batched:5.1f}x (target >= {target}x on CPU)")
    if len(devices) == 1:
        print("(no CUDA device here: GPU rows are measured where one is present)")


if __name__ == "__main__":
    main()
