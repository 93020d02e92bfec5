"""Training a whole population of networks at once: functional gradient optimizers and
schedules (:mod:`.optim`), batched training and population-based training (:mod:`.train`),
learning-rate search (:mod:`.search`), and gradient against gradient-free comparisons
(:mod:`.comparison`)."""

from . import optim
from .comparison import compare, network_for
from .search import LearningRateSearch
from .train import PBT, TrainResult, batch_train

__all__ = ["optim", "batch_train", "TrainResult", "PBT", "LearningRateSearch", "compare",
           "network_for"]
