"""The PyTorch bridge: flat and stacked network parameters, whole-population evaluation.

Needs PyTorch (``pip install "metaopt[torch]"``); the rest of metaopt does not.
"""

try:
    import torch  # noqa: F401  (fail early, with the install hint)
except ImportError as exc:  # pragma: no cover - exercised in an environment without torch
    raise ImportError(
        "metaopt.torch needs PyTorch, which is not installed: pip install 'metaopt[torch]' "
        "(or pip install torch)"
    ) from exc

from .fitness import NetworkFitness
from .params import ParameterLayout, default_device
from .population import PopulationModule
from .search import LearningRateSearch
from .train import PBT, TrainResult, batch_train

from . import optim  # noqa: E402  (the functional optimizers, as metaopt.torch.optim)

__all__ = ["NetworkFitness", "ParameterLayout", "PopulationModule", "default_device",
           "batch_train", "TrainResult", "PBT", "LearningRateSearch", "optim"]
