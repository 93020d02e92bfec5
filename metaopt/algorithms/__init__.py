"""Every algorithm, and REGISTRY: the method names ``minimize`` accepts."""

from .base import Optimizer, PopulationOptimizer
from .de import DE
from .es import SNES, OpenAIES
from .ga import GA
from .ils import ILS
from .jade import JADE
from .sa import SA
from .random_search import LatinHypercubeSearch, RandomSearch, SobolSearch
from .shade import LSHADE, SHADE
from .tabu import Tabu

REGISTRY = {
    "random": RandomSearch,
    "lhs": LatinHypercubeSearch,
    "sobol": SobolSearch,
    "de": DE,
    "jade": JADE,
    "shade": SHADE,
    "lshade": LSHADE,
    "ils": ILS,
    "ga": GA,
    "sa": SA,
    "tabu": Tabu,
    "openai_es": OpenAIES,
    "snes": SNES,
}


def get_algorithm(method):
    """The class registered under ``method``, or ValueError listing the known names."""
    if isinstance(method, type) and issubclass(method, Optimizer):
        return method
    try:
        return REGISTRY[method]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown method={method!r}; choose one of {sorted(REGISTRY)}"
        ) from None


__all__ = ["REGISTRY", "get_algorithm", "Optimizer", "PopulationOptimizer", "RandomSearch",
           "LatinHypercubeSearch", "SobolSearch", "DE", "JADE", "SHADE", "LSHADE", "ILS", "GA", "SA", "Tabu", "OpenAIES", "SNES"]
