"""An Optuna user's script runs unchanged but for the study lines: define-by-run suggestions
(log and stepped integers, stepped floats, categoricals, a conditional parameter), pruning
calls, best_params and best_value."""

import math

import numpy as np
import pytest

import metaopt
from metaopt.study import TrialPruned


def objective(trial):
    # -- an Optuna objective, as its users write it ------------------------------------------
    optimizer = trial.suggest_categorical("optimizer", ["sgd", "adam"])
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    layers = trial.suggest_int("layers", 1, 4)
    units = trial.suggest_int("units", 16, 256, log=True)
    dropout = trial.suggest_float("dropout", 0.0, 0.5, step=0.1)
    width = trial.suggest_int("width", 32, 128, step=32)
    if optimizer == "sgd":  # a conditional parameter
        momentum = trial.suggest_float("momentum", 0.0, 0.99)
        penalty = (momentum - 0.9) ** 2 + 0.5
    else:
        penalty = 0.0
    loss = ((math.log10(lr) + 3) ** 2 + (layers - 2) ** 2 + (math.log2(units) - 6) ** 2
            + (dropout - 0.2) ** 2 + ((width - 64) / 32) ** 2 + penalty)
    trial.report(loss, step=1)
    if trial.should_prune():
        raise TrialPruned()
    trial.set_user_attr("units", units)
    return loss


def test_an_optuna_script_runs_with_only_the_study_lines_changed():
    study = metaopt.create_study(direction="minimize", rng=0)  # optuna.create_study()
    study.optimize(objective, n_trials=400)
    best = study.best_params
    assert len(study.trials) == 400 and study.best_value < 0.05
    assert best["optimizer"] == "adam" and best["layers"] == 2 and best["units"] == 64
    assert best["width"] == 64 and best["dropout"] == pytest.approx(0.2)
    assert isinstance(best["layers"], int) and isinstance(best["optimizer"], str)
    assert "momentum" not in best  # not asked by the adam branch
    sgd = [t for t in study.trials if t.params["optimizer"] == "sgd"]
    assert sgd and all("momentum" in t.params for t in sgd)
    assert study.best_trial.user_attrs["units"] == 64
    again = metaopt.create_study(rng=0)
    again.optimize(objective, n_trials=400)
    assert again.best_params == best and again.best_value == study.best_value


def test_maximize_failures_and_what_optuna_objects_get():
    study = metaopt.create_study(direction="maximize", method="de", rng=1)

    def score(trial):
        x = trial.suggest_float("x", -2, 2)
        if x > 1.9:
            raise ArithmeticError("a failing region")
        return -(x - 1) ** 2

    study.optimize(score, n_trials=120, catch=(ArithmeticError,))
    assert study.best_value > -1e-3 and abs(study.best_params["x"] - 1) < 0.05
    assert all(t.state in ("COMPLETE", "FAIL") for t in study.trials)
    with pytest.raises(ZeroDivisionError):
        metaopt.create_study(rng=0).optimize(lambda t: t.suggest_float("x", 0, 1) / 0,
                                             n_trials=3)
    with pytest.raises(TypeError, match="sampler"):
        metaopt.create_study(sampler=object())
    with pytest.raises(ValueError, match="direction"):
        metaopt.create_study(direction="down")


def test_a_parameter_keeps_one_distribution():
    study = metaopt.create_study(rng=0)
    calls = iter(range(100))

    def changing(trial):
        return trial.suggest_float("x", 0, 1 + next(calls))

    with pytest.raises(ValueError, match="one distribution"):
        study.optimize(changing, n_trials=5)
    assert np.isfinite(study.trials[0].value)
