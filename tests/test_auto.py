"""method="auto": the rules of the README's table, Result.method, and what users pass with it."""

import numpy as np
import pytest

import metaopt
from metaopt import Binary, Choice, Integer, Permutation, Real, Space
from metaopt.auto import choose_method
from problems import load_tsplib


def sphere(X):
    return np.sum((np.asarray(X, float) - 0.3) ** 2, axis=1)


@pytest.mark.parametrize("space, budget, fun, method", [
    (Space([Real(-1, 1)] * 10), 1000 * 10, None, "cmaes"),
    (Space([Real(-1, 1)] * 10), 100_000 * 10, None, "cmaes"),
    (Space([Real(-1, 1), Integer(0, 5), Choice(["a", "b", "c"])]), 300, None, "cmaes"),
    (Space([Permutation(52)]), 10_000, load_tsplib("berlin52"), "ils"),
    (Space([Permutation(20)]), 10_000, lambda order: 0.0, "ils"),
    (Space([Permutation(3)]), 100, None, "ga"),
    (Space([Binary(30)]), 1000, None, "ils"),
    (Space([Binary(5), Real(0, 1)]), 1000, None, "ga"),
    (Space([Permutation(6), Real(0, 1)]), 1000, None, "ga"),
])
def test_rules_pick_by_space_dimension_and_budget(space, budget, fun, method):
    picked, options, reason = choose_method(space, budget, fun)
    assert picked == method and isinstance(options, dict) and reason
    assert picked in metaopt.REGISTRY


def test_auto_is_the_default_and_says_what_it_picked_and_why():
    res = metaopt.minimize(sphere, [(-2, 2)] * 4, budget=2000, rng=0, vectorized=True)
    assert res.method.startswith("cmaes (auto: 4 continuous variables, 500 evaluations per")
    assert "\n" not in res.method and res.fun < 1e-8
    same = metaopt.minimize(sphere, [(-2, 2)] * 4, method="cmaes", budget=2000, rng=0,
                            vectorized=True)
    assert same.method == "cmaes"
    np.testing.assert_array_equal(res.x, same.x)  # auto runs the method it names, as it is
    assert res.nfev == same.nfev == 2000


def test_an_ask_tell_run_reports_its_registry_name():
    opt = metaopt.DE([(-1, 1)] * 2, rng=0)
    assert metaopt.run(opt, sphere, vectorized=True, budget=300).method == "de"


def test_user_options_win_over_the_rules_and_unknown_ones_still_raise():
    res = metaopt.minimize(sphere, [(-2, 2)] * 3, budget=900, rng=0, vectorized=True,
                           pop_size=20)
    assert res.method.startswith("cmaes") and res.nit == 900 // 20 + (900 % 20 > 0)
    with pytest.raises(TypeError, match="strategy"):
        metaopt.minimize(sphere, [(-2, 2)] * 3, budget=900, strategy="rand1bin")


def test_auto_works_at_the_edges_of_size():
    one = metaopt.minimize(lambda x: float((x[0] - 0.25) ** 2), [(-1, 1)], budget=400, rng=0)
    assert one.method.startswith("cmaes") and abs(one.x[0] - 0.25) < 1e-3
    bits = metaopt.minimize(lambda b: -float(np.sum(b)), Binary(2), budget=20, rng=0)
    assert bits.fun == -2.0 and bits.method.startswith("ils")
    tiny = metaopt.minimize(lambda p: float(p[0]), Permutation(3), budget=40, rng=0)
    assert tiny.fun == 0.0 and tiny.method.startswith("ga")


def test_a_resumed_auto_run_keeps_its_method_when_the_budget_grows(tmp_path):
    path = tmp_path / "run.ckpt"
    first = metaopt.minimize(sphere, [(-2, 2)] * 3, budget=70, rng=1, vectorized=True,
                             checkpoint=path)
    assert first.method.startswith("cmaes (auto")
    # 20,000 per dimension would pick L-SHADE for a new run; the saved run is CMA-ES
    more = metaopt.minimize(sphere, [(-2, 2)] * 3, budget=60_000, rng=1, vectorized=True,
                            checkpoint=path, resume=True, target=1e-12)
    assert more.method == "cmaes (auto: the method of the run being resumed)"
    assert more.nfev > 70 and more.fun < min(first.fun, 1e-12)
