"""Evolved MLP policies on gymnasium's classic-control environments, scored on held-out seeds.

For each environment, method and seed: ``metaopt.minimize`` over a ``GymFitness`` (an MLP
policy, observations normalized, ``--episodes`` episodes per evaluation), then the mean return
of the final ``x`` over 100 episodes from held-out seeds. Prints one row per (environment,
method): the median and best held-out return over the seeds, the evaluations and seconds of a
run, and whether the best reaches the target (gymnasium's reward threshold: CartPole-v1 475,
Acrobot-v1 -100, MountainCarContinuous-v0 90; Pendulum-v1, which has none, -200).

    python benchmarks/gym.py [--envs CartPole-v1 ...] [--methods pgpe xnes snes cmaes openai_es]
                             [--seeds 5] [--budget 3000] [--episodes 1] [--hidden 16]
"""

import argparse
import time

import numpy as np
import torch

import metaopt
from metaopt.torch import GymFitness
from metaopt.torch.gym import reward_threshold

ENVS = ["CartPole-v1", "Acrobot-v1", "MountainCarContinuous-v0", "Pendulum-v1"]
METHODS = ["pgpe", "xnes", "snes", "cmaes", "openai_es"]
TARGET_WITHOUT_THRESHOLD = {"Pendulum-v1": -200.0}


def policy_for(fitness_env, hidden, seed):
    import gymnasium as gym

    env = gym.make(fitness_env)
    n_in = env.observation_space.shape[0]
    space = env.action_space
    n_out = space.n if isinstance(space, gym.spaces.Discrete) else space.shape[0]
    env.close()
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(n_in, hidden), torch.nn.Tanh(),
                               torch.nn.Linear(hidden, n_out))


def one_run(env, method, seed, budget, episodes, hidden):
    fitness = GymFitness(env, policy_for(env, hidden, seed), episodes=episodes,
                         normalize_observations=True)
    start = time.perf_counter()
    res = metaopt.minimize(fitness, fitness.bounds(), method=method, x0=fitness.x0,
                           budget=budget, rng=seed, vectorized=True)
    seconds = time.perf_counter() - start
    held_out = fitness.evaluate(res.x, episodes=100, seed=seed)["return"]
    fitness.close()
    return held_out, res.nfev, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", nargs="+", default=ENVS)
    parser.add_argument("--methods", nargs="+", default=METHODS)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budget", type=int, default=3000)
    parser.add_argument("--episodes", type=int, default=1)
    parser.add_argument("--hidden", type=int, default=16)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"{'environment':<26} {'method':<10} {'median':>9} {'best':>9} {'target':>8} "
          f"{'evals':>7} {'s/run':>7}  reached")
    for env in args.envs:
        target = reward_threshold(env)
        target = TARGET_WITHOUT_THRESHOLD.get(env) if target is None else target
        for method in args.methods:
            runs = [one_run(env, method, seed, args.budget, args.episodes, args.hidden)
                    for seed in range(args.seeds)]
            returns = np.array([r[0] for r in runs])
            evals = int(np.median([r[1] for r in runs]))
            seconds = float(np.median([r[2] for r in runs]))
            reached = "yes" if returns.max() >= target else "no"
            print(f"{env:<26} {method:<10} {np.median(returns):9.1f} {returns.max():9.1f} "
                  f"{target:8.0f} {evals:7d} {seconds:7.1f}  {reached}", flush=True)


if __name__ == "__main__":
    main()
