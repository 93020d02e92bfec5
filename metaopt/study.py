"""Optuna's define-by-run interface over metaopt's methods: an Optuna user's objective
``objective(trial)`` runs unchanged; only the lines that create and run the study change.

>>> study = metaopt.create_study(direction="minimize", rng=0)   # optuna.create_study(...)
>>> study.optimize(objective, n_trials=100)
>>> study.best_params, study.best_value

The search space is what the objective asks for: ``n_startup`` trials (Optuna's TPE starts
with 10 random ones too) draw every ``suggest_*`` uniformly (in log scale where asked) and
record its distribution; the union of all parameters seen becomes a named :class:`Space`, and
the remaining trials come from the chosen method's ask/tell loop over it. A parameter first
met after the start-up (a branch the start-up never took) is drawn uniformly each time it is
asked, and said so in its trial's ``system_attrs``; parameters a trial does not ask for are
simply not used by it (conditional parameters).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .algorithms import REGISTRY
from .auto import choose_method
from .rng import as_generator
from .space import Choice, Integer, Real, Space

__all__ = ["create_study", "Study", "Trial", "FrozenTrial", "TrialPruned"]


class TrialPruned(Exception):
    """Raised by an objective to stop a trial early (Optuna's ``TrialPruned``): the trial is
    recorded as pruned, with its last reported value where it reported one."""


@dataclass
class FrozenTrial:
    """A finished trial: Optuna's names (``number``, ``params``, ``value``, ``state``)."""

    number: int
    params: dict
    value: float | None
    state: str  # "COMPLETE", "PRUNED" or "FAIL"
    user_attrs: dict = field(default_factory=dict)
    system_attrs: dict = field(default_factory=dict)
    intermediate_values: dict = field(default_factory=dict)
    duration: float = 0.0


class Trial:
    """What the objective receives: ``suggest_float``, ``suggest_int``,
    ``suggest_categorical`` (and Optuna's older ``suggest_uniform``, ``suggest_loguniform``,
    ``suggest_discrete_uniform``), ``report``, ``should_prune`` and ``set_user_attr``."""

    def __init__(self, study, number, fixed=None):
        self.study, self.number = study, number
        self._fixed = fixed or {}  # values the search method chose
        self.params = {}
        self.user_attrs, self.system_attrs, self.intermediate_values = {}, {}, {}

    def _suggest(self, name, variable):
        known = self.study._distributions.get(name)
        if known is None:
            self.study._distributions[name] = variable
        elif repr(known) != repr(variable):
            raise ValueError(f"parameter {name!r} was suggested as {known!r} before and as "
                             f"{variable!r} now; a parameter keeps one distribution")
        if name in self._fixed:
            value = self._fixed[name]
        else:
            value = self.study._draw(variable)
            if self.study._space is not None:
                self.system_attrs.setdefault("drawn_at_random", []).append(name)
        self.params[name] = value
        return value

    def suggest_float(self, name, low, high, *, step=None, log=False):
        """A float in ``[low, high]``, on a log scale with ``log``, on a grid with ``step``."""
        return float(self._suggest(name, Real(low, high, log=log, step=step)))

    def suggest_int(self, name, low, high, step=1, log=False):
        """An int in ``[low, high]``, on a grid with ``step``, on a log scale with ``log``."""
        return int(self._suggest(name, Integer(low, high, log=log, step=step)))

    def suggest_categorical(self, name, choices):
        """One of ``choices`` (Optuna's ``suggest_categorical``)."""
        return self._suggest(name, Choice(list(choices)))

    def suggest_uniform(self, name, low, high):
        """A float in ``[low, high]`` (Optuna's older name)."""
        return self.suggest_float(name, low, high)

    def suggest_loguniform(self, name, low, high):
        """A float in ``[low, high]`` on a log scale (Optuna's older name)."""
        return self.suggest_float(name, low, high, log=True)

    def suggest_discrete_uniform(self, name, low, high, q):
        """A float of ``low + k q`` (Optuna's older name for ``suggest_float(step=q)``)."""
        return self.suggest_float(name, low, high, step=q)

    def report(self, value, step):
        """Record an intermediate value (Optuna's ``report``)."""
        self.intermediate_values[int(step)] = float(value)

    def should_prune(self):
        """Always False: metaopt stops poor candidates by its own selection (successive
        halving for trainings: :class:`metaopt.torch.SuccessiveHalving`)."""
        return False

    def set_user_attr(self, key, value):
        """Keep ``value`` under ``key`` with the trial (Optuna's ``set_user_attr``)."""
        self.user_attrs[key] = value


class Study:
    """A run of trials of one objective (Optuna's ``Study``).

    Parameters
    ----------
    direction : {"minimize", "maximize"}
    method : str, default "auto"
        Any method of ``metaopt.REGISTRY``; "auto" picks one for the discovered space.
    n_startup : int, default 10
        Trials of uniform draws that discover the space.
    rng : None, int or numpy.random.Generator
    """

    def __init__(self, direction="minimize", method="auto", n_startup=10, rng=None):
        if direction not in ("minimize", "maximize"):
            raise ValueError(f"direction must be 'minimize' or 'maximize', got "
                             f"direction={direction!r}")
        if method != "auto" and method not in REGISTRY:
            raise ValueError(f"unknown method={method!r}; choose 'auto' or one of "
                             f"{sorted(REGISTRY)}")
        if isinstance(n_startup, bool) or not isinstance(n_startup, int) or n_startup < 1:
            raise ValueError(f"n_startup must be an int >= 1, got n_startup={n_startup!r}")
        self.direction, self.method, self.n_startup = direction, method, n_startup
        self._rng = as_generator(rng)
        self._distributions = {}
        self._space = None
        self._optimizer = None
        self.trials: list[FrozenTrial] = []

    # -- drawing and the space ------------------------------------------------------------------
    def _draw(self, variable):
        one = Space([variable])
        return one.to_dict(one.decode(self._rng.random((1, 1)))[0])["x0"]

    def _build_optimizer(self, remaining):
        self._space = Space(dict(self._distributions))
        method = self.method
        if method == "auto":
            method = choose_method(self._space, remaining)[0]
        self.method_used = method
        self._optimizer = REGISTRY[method](self._space, rng=self._rng, budget=remaining)

    # -- running --------------------------------------------------------------------------------
    def optimize(self, func: Callable[[Trial], float], n_trials: int | None = None,
                 timeout: float | None = None, catch: tuple = (), callbacks=None,
                 show_progress_bar: bool = False) -> None:
        """Run ``n_trials`` more trials (and/or until ``timeout`` seconds). An exception the
        objective raises ends the study unless its type is in ``catch`` (then the trial
        fails, as in Optuna, and its value counts as the worst); ``callbacks`` are called as
        ``callback(study, frozen_trial)`` after each trial."""
        if n_trials is None and timeout is None:
            raise ValueError("give n_trials or timeout (a study does not run forever)")
        if n_trials is not None and (isinstance(n_trials, bool) or not isinstance(n_trials, int)
                                     or n_trials < 1):
            raise ValueError(f"n_trials must be an int >= 1, got n_trials={n_trials!r}")
        start, done = time.monotonic(), 0
        target = n_trials if n_trials is not None else math.inf

        def more():
            return done < target and (timeout is None or time.monotonic() - start < timeout)

        while more() and len(self.trials) < self.n_startup:
            self._run_trial(func, {}, catch, callbacks)
            done += 1
        while more():
            if self._optimizer is None:
                remaining = (n_trials - done) if n_trials is not None else 100_000
                self._build_optimizer(max(remaining, 1))
            opt = self._optimizer
            X = opt.ask()
            values = []
            for params in self._space.to_dicts(X):
                if not more():
                    break
                values.append(self._run_trial(func, params, catch, callbacks))
                done += 1
            opt.tell(X[:len(values)], np.array(values, dtype=float))
            if len(values) < X.shape[0] or opt.budget is not None and opt.nfev >= opt.budget:
                self._optimizer = None  # a later optimize() starts a new search

    def _run_trial(self, func, params, catch, callbacks):
        trial = Trial(self, len(self.trials), params)
        t0 = time.perf_counter()
        state, value = "COMPLETE", None
        try:
            value = float(func(trial))
            if not math.isfinite(value):
                state = "FAIL"
        except TrialPruned:
            state = "PRUNED"
            if trial.intermediate_values:
                value = trial.intermediate_values[max(trial.intermediate_values)]
        except catch:
            state = "FAIL"
        frozen = FrozenTrial(trial.number, dict(trial.params), value, state,
                             trial.user_attrs, trial.system_attrs, trial.intermediate_values,
                             time.perf_counter() - t0)
        self.trials.append(frozen)
        for callback in callbacks or ():
            callback(self, frozen)
        if state == "FAIL" or value is None:
            return math.inf
        return value if self.direction == "minimize" else -value

    # -- results ----------------------------------------------------------------------------------
    @property
    def best_trial(self) -> FrozenTrial:
        done = [t for t in self.trials if t.state == "COMPLETE"]
        if not done:
            raise ValueError("no trial has completed yet")
        sign = 1.0 if self.direction == "minimize" else -1.0
        return min(done, key=lambda t: sign * t.value)

    @property
    def best_value(self) -> float:
        return self.best_trial.value

    @property
    def best_params(self) -> dict:
        return dict(self.best_trial.params)

    def trials_dataframe(self):
        """The trials as a pandas DataFrame (number, value, state, ``params_<name>``)."""
        import pandas as pd

        return pd.DataFrame([{"number": t.number, "value": t.value, "state": t.state,
                              **{f"params_{k}": v for k, v in t.params.items()}}
                             for t in self.trials])


def create_study(direction: str = "minimize", *, method: str = "auto", n_startup: int = 10,
                 rng: Any = None, **optuna_options) -> Study:
    """Optuna's ``create_study`` over metaopt (:class:`Study`). Optuna's own objects
    (``sampler=``, ``pruner=``, ``storage=``, ...) have no meaning here and are refused with
    what to use instead."""
    if optuna_options:
        raise TypeError(f"create_study: {sorted(optuna_options)} are Optuna's objects; pick "
                        f"metaopt's search with method= (and rng= for the seed); stopping "
                        f"trainings early is metaopt.torch.SuccessiveHalving")
    return Study(direction, method, n_startup, rng)
