"""Training a whole population of networks at once: functional gradient optimizers and
schedules (:mod:`.optim`), batched training and population-based training (:mod:`.train`),
and learning-rate search (:mod:`.search`). The gradient against gradient-free experiment is
``problems.gradient_vs_free``."""

from . import optim
from .search import LearningRateSearch
from .halving import Hyperband, SuccessiveHalving
from .train import PBT, TrainResult, batch_train

__all__ = ["optim", "batch_train", "TrainResult", "PBT", "SuccessiveHalving", "Hyperband",
           "LearningRateSearch"]
