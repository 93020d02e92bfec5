"""The torch bridge's throughput in one command (under 4 minutes): on CUDA where present, on
the CPU with smaller sizes otherwise (or with ``--cpu``).

Prints NetworkFitness evaluations per second (the digits MLP 64-32-10 on 256 samples,
P = 1024 and 4096; CPU: 256 and 1024), batch_train against P sequential torch.optim.Adam runs
(P = 64 and 256, 300 steps; CPU: 16 and 64, 150 steps) and GymFitness environment steps per
second (CartPole-v1, 4096 policies, one episode each; CPU: 1024).

    python benchmarks/gpu.py [--cpu]
"""

import argparse
import time

import numpy as np
import torch
from torch import nn

from metaopt.torch import GymFitness, NetworkFitness, init_parameters
from torch_throughput import timed, training_row


def fitness_rate(device, P):
    base = init_parameters(nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)),
                           rng=0)
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((256, 64)), rng.integers(0, 10, 256)
    fitness = NetworkFitness(base, "cross_entropy", (X, y), device=device)
    pop = fitness.initial_population(P, scale=0.5, rng=1)
    seconds = timed(lambda: fitness(pop), 5, device)
    return P / seconds


def gym_rate(device, P):
    torch.manual_seed(0)
    policy = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 2))
    fitness = GymFitness("CartPole-v1", policy, device=device)
    pop = fitness.x0 + 0.3 * np.random.default_rng(0).standard_normal((P, fitness.dim))
    fitness(pop[:8], rng=np.random.default_rng(0))  # warm up
    steps = fitness.steps
    start = time.perf_counter()
    fitness(pop, rng=np.random.default_rng(1))
    return (fitness.steps - steps) / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu", action="store_true", help="the CPU sizes even with CUDA")
    args = parser.parse_args()
    cuda = torch.cuda.is_available() and not args.cpu
    device = torch.device("cuda" if cuda else "cpu")
    name = torch.cuda.get_device_name(0) if cuda else f"CPU, {torch.get_num_threads()} threads"
    print(f"torch {torch.__version__} on {name}")
    for P in ((1024, 4096) if cuda else (256, 1024)):
        print(f"NetworkFitness digits MLP, P={P:<5} {fitness_rate(device, P):12,.0f} evals/s",
              flush=True)
    steps = 300 if cuda else 150
    for P in ((64, 256) if cuda else (16, 64)):
        batched, loop = training_row(device, members=P, steps=steps)
        print(f"batch_train P={P:<4} {steps} steps {batched:7.2f} s, {P} x torch.optim.Adam "
              f"{loop:7.2f} s: {loop / batched:5.1f}x", flush=True)
    P = 4096 if cuda else 1024
    print(f"GymFitness CartPole-v1, {P} policies: {gym_rate(device, P):12,.0f} env steps/s")


if __name__ == "__main__":
    main()
