"""The PyTorch bridge: flat and stacked network parameters, whole-population evaluation
(here), and training a population of networks at once (:mod:`metaopt.torch.training`).

Needs PyTorch (``pip install "metaopt-engine[torch]"``); the rest of metaopt does not.
"""

import sys

try:
    import torch  # noqa: F401  (fail early, with the install hint)
except ImportError as exc:  # pragma: no cover - exercised in an environment without torch
    raise ImportError(
        "metaopt.torch needs PyTorch, which is not installed: pip install 'metaopt-engine[torch]' "
        "(or pip install torch)"
    ) from exc

from .fitness import NetworkFitness
from .gym import GymFitness
from .init import init_parameters
from .params import ParameterLayout, default_device
from .population import PopulationModule
from .training import PBT, Hyperband, LearningRateSearch, SuccessiveHalving, TrainResult, \
    batch_train, optim

sys.modules[f"{__name__}.optim"] = optim  # `import metaopt.torch.optim` keeps working

__all__ = ["NetworkFitness", "GymFitness", "init_parameters", "ParameterLayout",
           "PopulationModule", "default_device", "batch_train", "TrainResult", "PBT",
           "SuccessiveHalving", "Hyperband", "LearningRateSearch", "optim"]
