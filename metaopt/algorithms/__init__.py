"""Every algorithm, and REGISTRY: the method names ``minimize`` accepts."""

from .base import Optimizer, PopulationOptimizer
from .basin_hopping import BasinHopping
from .cmaes import CMAES
from .de import DE
from .dual_annealing import DualAnnealing
from .es import SNES, OpenAIES
from .ga import GA
from .gde3 import GDE3
from .ils import ILS
from .jade import JADE
from .moead import MOEAD
from .multiobjective import MultiObjectiveOptimizer
from .nsga2 import NSGA2
from .nsga3 import NSGA3
from .pgpe import PGPE
from .sa import SA
from .random_search import LatinHypercubeSearch, RandomSearch, SobolSearch
from .jso import JSO
from .lsrtde import LSRTDE
from .shade import LSHADE, SHADE
from .tabu import Tabu
from .xnes import XNES

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
    "jso": JSO,
    "lsrtde": LSRTDE,
    "ils": ILS,
    "basinhopping": BasinHopping,
    "ga": GA,
    "sa": SA,
    "dual_annealing": DualAnnealing,
    "tabu": Tabu,
    "openai_es": OpenAIES,
    "snes": SNES,
    "xnes": XNES,
    "pgpe": PGPE,
    "cmaes": CMAES,
}


#: The methods that minimize several objectives at once (``objectives=m``, m >= 2): kept
#: apart from REGISTRY, whose methods minimize one value.
MULTI_OBJECTIVE = {
    "nsga2": NSGA2,
    "nsga3": NSGA3,
    "moead": MOEAD,
    "gde3": GDE3,
}

#: Every method name ``minimize`` accepts.
METHODS = {**REGISTRY, **MULTI_OBJECTIVE}


def method_table():
    """One line per registered method: its name, class and the first line of its docstring
    (several-objective methods marked)."""
    return "\n".join(f"{name:<10} {cls.__name__:<22} "
                     f"{'(several objectives) ' if name in MULTI_OBJECTIVE else ''}"
                     f"{cls.__doc__.strip().splitlines()[0]}"
                     for name, cls in METHODS.items())


def get_algorithm(method):
    """The class registered under ``method``, or ValueError listing the known names."""
    if isinstance(method, type) and issubclass(method, Optimizer):
        return method
    try:
        return METHODS[method]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown method={method!r}; choose one of {sorted(REGISTRY)}, or for several "
            f"objectives {sorted(MULTI_OBJECTIVE)}"
        ) from None


__all__ = ["REGISTRY", "MULTI_OBJECTIVE", "METHODS", "get_algorithm", "method_table",
           "Optimizer", "PopulationOptimizer", "MultiObjectiveOptimizer",
           *(cls.__name__ for cls in METHODS.values())]
