"""Hyperparameter search by batched training: one generation of trials is one batch_train call."""

import numpy as np

from ...space import Space
from .optim import cosine, one_cycle, step_decay
from .halving import Hyperband, SuccessiveHalving
from .train import batch_train

__all__ = ["LearningRateSearch"]

_SCHEDULE_PARAMS = {"cosine": ("eta_min",), "one_cycle": ("pct_start", "div_factor"),
                    "step": ("gamma", "step_size")}


class LearningRateSearch:
    """A vectorized objective: validation losses of n hyperparameter configurations, all
    trained at once by :func:`batch_train`.

    ``metaopt.minimize(search, search.space, method="de", vectorized=True)`` trains a whole
    generation of trials per batch.

    Parameters
    ----------
    module : torch.nn.Module
    data : dict with "train" and, optionally, "val" pairs; without "val", a stratified
        ``val_fraction`` of "train" (seeded) is held out. A "test" pair is never used here.
    space : Space
        Named variables: the optimizer's hyperparameters (``lr``, ``momentum``,
        ``weight_decay``, ...), and with ``schedule`` its parameters (cosine: ``eta_min``;
        one_cycle: ``pct_start``, ``div_factor``; step: ``gamma``, ``step_size``).
    optimizer : str, default "adam"
    fixed : dict, optional
        Hyperparameters held fixed.
    schedule : {None, "cosine", "one_cycle", "step"}
        With a schedule, ``lr`` is its peak (one_cycle) or start rate.
    steps, batch_size, loss, device, init : as for batch_train
    halving : SuccessiveHalving or Hyperband, optional
        Stop the worse trials of each call at its rungs (:class:`SuccessiveHalving`; with
        :class:`Hyperband`, each call runs the next of its brackets); a stopped trial's value
        is its validation loss at its last rung.

    Attributes
    ----------
    trials : list of (configurations (n, k), validation losses (n,)) per call
    steps_trained : list of (n,) arrays per call: the training steps each trial ran (with
        halving, the rung it reached; ``steps`` for every trial without)
    """

    takes_rng = True

    def __init__(self, module, data, space, optimizer="adam", fixed=None, schedule=None,
                 steps=300, batch_size=64, loss="cross_entropy", device=None, init="same",
                 val_fraction=0.2, halving=None):
        if not isinstance(space, Space) or not space.named:
            raise TypeError("space must be a named Space, e.g. Space({'lr': Real(1e-4, 1, "
                            "log=True)})")
        if schedule not in (None, "cosine", "one_cycle", "step"):
            raise ValueError(f"schedule must be None, 'cosine', 'one_cycle' or 'step', got "
                             f"{schedule!r}")
        self.module, self.space, self.optimizer = module, space, optimizer
        self.fixed, self.schedule = dict(fixed or {}), schedule
        self.steps, self.batch_size, self.loss = steps, batch_size, loss
        self.device, self.init = device, init
        self.data = data if "val" in data else self._hold_out(data, val_fraction)
        if halving is not None and not isinstance(halving, (SuccessiveHalving, Hyperband)):
            raise TypeError(f"halving must be a SuccessiveHalving or a Hyperband, got "
                            f"{halving!r}")
        self.halving = halving
        self.trials = []
        self.steps_trained = []

    @staticmethod
    def _hold_out(data, fraction):
        from sklearn.model_selection import train_test_split

        X, y = data["train"]
        y_arr = np.asarray(y)
        stratify = y_arr if y_arr.ndim == 1 and y_arr.dtype.kind in "iu" else None
        X_tr, X_val, y_tr, y_val = train_test_split(np.asarray(X), y_arr, test_size=fraction,
                                                    random_state=0, stratify=stratify)
        return {"train": (X_tr, y_tr), "val": (X_val, y_val)}

    def hyperparameters(self, X):
        """The optimizer's keyword arguments for the configurations X (rows)."""
        values = {name: X[:, j] for j, name in enumerate(self.space.names)}
        hp = {**{k: v for k, v in self.fixed.items()}, **values}
        if self.schedule is not None:
            params = {k: hp.pop(k) for k in _SCHEDULE_PARAMS[self.schedule] if k in hp}
            lr = hp.pop("lr")
            if self.schedule == "cosine":
                hp["lr"] = cosine(lr, T_max=self.steps, **params)
            elif self.schedule == "one_cycle":
                hp["lr"] = one_cycle(lr, total_steps=self.steps, **params)
            else:
                step_size = int(np.asarray(params.pop("step_size", self.steps // 3)).flat[0])
                hp["lr"] = step_decay(lr, step_size=step_size, **params)
        return hp

    def __call__(self, X, rng=None):
        X = np.atleast_2d(np.asarray(X, dtype=float))
        result = batch_train(self.module, self.data, self.optimizer, self.hyperparameters(X),
                             steps=self.steps, batch_size=self.batch_size,
                             rng=rng if rng is not None else 0, device=self.device,
                             loss=self.loss, members=X.shape[0], init=self.init,
                             halving=self.halving.bracket(len(self.trials), self.steps)
                             if isinstance(self.halving, Hyperband) else self.halving)
        self.trials.append((X.copy(), result.val_loss.copy()))
        self.steps_trained.append(result.steps_trained.copy() if result.steps_trained is not None
                                  else np.full(X.shape[0], self.steps))
        return result.val_loss
