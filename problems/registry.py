"""Workloads by name, as the command line and the benchmarks ask for them."""

import importlib
import os
import sys

from metaopt import Binary, Permutation

from .binary import DeceptiveTrap, OneMax, make_knapsack
from .cec2017 import CEC2017, CEC2017_DIMENSIONS
from .flowshop import load_taillard, taillard_instances
from .functions import FUNCTIONS, make_function
from .multiobjective import MULTIOBJECTIVE
from .tsp import load_tsplib, tsplib_instances

__all__ = ["Problem", "resolve", "resolve_objective", "listing", "classification_data",
           "NEURAL"]

NEURAL = ("digits", "wine", "breast_cancer", "spirals", "parity", "sine", "cartpole")


# -- problems -----------------------------------------------------------------------------------
class Problem:
    """What a run needs: the objective, its space or bounds, and what is known about it."""

    def __init__(self, name, fun, bounds, vectorized, optimum=None, options=None, report=None,
                 objectives=1, constraints=None, front=None):
        self.name, self.fun, self.bounds, self.vectorized = name, fun, bounds, vectorized
        self.optimum, self.options, self.report = optimum, options or {}, report
        #: Several objectives: their number, the constraints and a sample of the true front.
        self.objectives, self.constraints, self.front = objectives, constraints, front


def resolve(name, dim=10, rng=0):
    """A workload by name: a test function, a CEC 2017 function (cec2017-fN), a TSPLIB
    instance, a Taillard
    flow shop, knapsack[-N], onemax[-N],
    trap[-N] or a neural task; KeyError for any other name."""
    if name in MULTIOBJECTIVE:
        mo = MULTIOBJECTIVE[name]()
        return Problem(f"{name.upper()} ({mo.dim} variables, {mo.n_objectives} objectives)",
                       mo, mo.bounds, True, objectives=mo.n_objectives,
                       constraints=getattr(mo, "constraints", None),
                       front=mo.pareto_front(1000))
    if name.startswith("cec2017-f") and name[9:].isdigit():
        if dim not in CEC2017_DIMENSIONS:
            raise SystemExit(f"{name} is defined at --dim {', '.join(map(str, CEC2017_DIMENSIONS))}"
                             f", got --dim {dim}")
        try:
            f = CEC2017(int(name[9:]), dim)
        except ValueError as exc:
            raise SystemExit(f"{name}: {exc}") from None
        return Problem(f"CEC 2017 F{f.function} (d={dim})", f, f.bounds, True, f.f_opt)
    if name in FUNCTIONS:
        f = make_function(name, dim, rng=rng, shift=True)
        return Problem(f"{name} (d={dim}, shifted)", f, f.bounds, True, f.f_opt)
    if name in tsplib_instances():
        tsp = load_tsplib(name)
        return Problem(f"TSPLIB {name} ({tsp.n} cities)", tsp, Permutation(tsp.n), True,
                       tsp.optimum)
    if name in taillard_instances():
        shop = load_taillard(name)
        return Problem(f"Taillard {name} flow shop ({shop.n} jobs x {shop.machines} machines)",
                       shop, Permutation(shop.n), True, shop.best_known)
    base, _, size = name.partition("-")
    if base in ("knapsack", "onemax", "trap"):
        n = int(size) if size else 50
        problem = {"knapsack": lambda: make_knapsack(n, rng=rng, correlation="strong"),
                   "onemax": lambda: OneMax(n),
                   "trap": lambda: DeceptiveTrap(n - n % 5 or 5)}[base]()
        return Problem(f"{base} (n={problem.n})", problem, Binary(problem.n), True,
                       problem.optimum)
    if name in NEURAL:
        return _neural(name, rng)
    raise KeyError(name)


def _neural(name, rng):
    try:
        from metaopt.torch import NetworkFitness, init_parameters
        from .neural import TASKS, CartPoleFitness, network_for
    except ImportError as exc:
        raise SystemExit(f"{name} needs the torch extra: pip install "
                         f"'metaopt-engine[torch]' ({exc})") from None
    from torch import nn

    if name == "cartpole":
        policy = init_parameters(nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2)),
                                 rng)
        fit = CartPoleFitness(policy, episodes=10)
        return Problem("CartPole-v1 policy (4-8-2)", fit, fit.bounds(2.0), True, -500.0,
                       {"snes": {"sigma": 0.5}})
    data = TASKS[name](rng)
    if name == "sine":
        module = init_parameters(nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 1)),
                                 rng)
        fit = NetworkFitness(module, "mse", data)
    else:
        fit = NetworkFitness(network_for(data), "cross_entropy", data, batch_size=256)
    start = {"openai_es": {"x0": fit.x0, "sigma": 0.05, "lr": 0.03},
             "snes": {"x0": fit.x0, "sigma": 0.1}}
    return Problem(f"{name} MLP ({fit.dim} weights)", fit, fit.bounds(), True, None, start,
                   report=lambda x: fit.evaluate(x, "test"))




def resolve_objective(name, dim=10, rng=0, bounds=None, vectorized=False):
    """What the command line runs: a user's ``module:function`` (looked up from the current
    folder first, as ``python -m`` does; the box ``bounds`` for every coordinate, default
    (-5, 5)), or a workload of :func:`resolve`; SystemExit naming what is wrong otherwise."""
    if ":" in name:
        module, _, attr = name.partition(":")
        if not module or not attr:
            raise SystemExit(f"the objective must be module:function, got {name!r}")
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        try:
            fun = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise SystemExit(f"cannot load the objective {name!r}: {exc}") from None
        if bounds and not bounds[0] < bounds[1]:
            raise SystemExit(f"--bounds LOW HIGH needs LOW < HIGH, got {bounds[0]:g} "
                             f"{bounds[1]:g}")
        box = [(bounds[0], bounds[1])] * dim if bounds else [(-5.0, 5.0)] * dim
        return Problem(name, fun, box, vectorized)
    if bounds:
        raise SystemExit(f"--bounds sets the box of a module:function objective; {name!r} is a "
                         f"named problem with its own box")
    try:
        return resolve(name, dim, rng)
    except KeyError:
        raise SystemExit(f"unknown problem {name!r}; see `metaopt list`") from None


def listing():
    """The named workloads, as lines for ``metaopt list``."""
    return [f"functions  {', '.join(FUNCTIONS)}  (--dim D; shifted, seeded by --rng)",
            "CEC 2017   cec2017-f1, cec2017-f3 ... cec2017-f30  (--dim 10, 30, 50 or 100)",
            f"TSPLIB     {', '.join(tsplib_instances())}",
            f"flow shop  {', '.join(taillard_instances())}",
            "binary     knapsack[-N], onemax[-N], trap[-N]",
            f"several    {', '.join(MULTIOBJECTIVE)}  (objectives; --method nsga2)",
            f"neural     {', '.join(NEURAL)}  (torch extra)"]


def classification_data(task, rng=0):
    """The train/test split of a neural classification task (torch extra)."""
    from .neural import TASKS

    if task not in TASKS or task == "sine":
        raise SystemExit(f"task must be a classification task, one of "
                         f"{sorted(set(TASKS) - {'sine'})}, got {task!r}")
    return TASKS[task](rng)
