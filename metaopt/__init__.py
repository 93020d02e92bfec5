"""metaopt: population-based, gradient-free optimization on Numba kernels.

>>> import metaopt
>>> res = metaopt.minimize(fun, [(-5, 5)] * 10, budget=100_000, rng=0)

Runs log to the ``metaopt`` logger (``logging.basicConfig(level=logging.INFO)`` shows a line
every 10 s; DEBUG one per generation).
"""

import logging

from .algorithms import METHODS, MULTI_OBJECTIVE, REGISTRY, Optimizer
from .checkpoint import CheckpointError
from .engine import run
from .evaluation import EvaluationError
from .minimize import minimize
from .result import History, Result
from .space import Binary, Choice, Integer, Permutation, Real, Space
from .study import create_study

__version__ = "0.1.0"

logging.getLogger("metaopt").addHandler(logging.NullHandler())

globals().update({cls.__name__: cls for cls in METHODS.values()})  # the algorithm classes

__all__ = ["minimize", "run", "create_study", "EvaluationError", "CheckpointError", "Space",
           "Real", "Integer", "Choice", "Binary", "Permutation", "Result", "History",
           "Optimizer", "REGISTRY", "MULTI_OBJECTIVE", "METHODS",
           *(cls.__name__ for cls in METHODS.values()), "__version__"]
