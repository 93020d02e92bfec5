"""metaopt: population-based, gradient-free optimization on Numba kernels.

>>> import metaopt
>>> res = metaopt.minimize(fun, [(-5, 5)] * 10, method="lshade", budget=100_000, rng=0)
"""

from .algorithms import (DE, GA, ILS, SA, SNES, OpenAIES, Tabu, JADE, LSHADE, REGISTRY, SHADE, LatinHypercubeSearch, Optimizer,
                         RandomSearch, SobolSearch)
from .checkpoint import CheckpointError
from .engine import run
from .evaluation import EvaluationError
from .minimize import minimize
from .result import History, Result
from .space import Binary, Choice, Integer, Permutation, Real, Space

__version__ = "0.1.0"

__all__ = ["minimize", "run", "EvaluationError", "CheckpointError", "Space", "Real", "Integer", "Choice",
           "Binary", "Permutation", "Result", "History", "Optimizer",
           "REGISTRY", "RandomSearch", "LatinHypercubeSearch", "SobolSearch", "DE", "JADE",
           "SHADE", "LSHADE", "ILS", "GA", "SA", "Tabu", "OpenAIES", "SNES", "__version__"]
