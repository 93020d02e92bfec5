"""Every algorithm, and REGISTRY: the method names ``minimize`` accepts."""

from .base import Optimizer, PopulationOptimizer
from .cmaes import CMAES
from .de import DE
from .es import SNES, OpenAIES
from .ga import GA
from .ils import ILS
from .jade import JADE
from .sa import SA
from .random_search import LatinHypercubeSearch, RandomSearch, SobolSearch
from .shade import LSHADE, SHADE
from .tabu import Tabu

#: The one registration point: method name -> class. ``metaopt``'s exports, the method list
#: in ``minimize``'s docstring and ``metaopt list`` all come from here; a new algorithm is one
#: file and one line below.
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
    "cmaes": CMAES,
}


def method_table():
    """One line per registered method: its name, class and the first line of its docstring."""
    return "\n".join(f"{name:<10} {cls.__name__:<22} {cls.__doc__.strip().splitlines()[0]}"
                     for name, cls in REGISTRY.items())


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


__all__ = ["REGISTRY", "get_algorithm", "method_table", "Optimizer", "PopulationOptimizer",
           *(cls.__name__ for cls in REGISTRY.values())]
