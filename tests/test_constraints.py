"""Constraints (issue 14): every form scipy users pass, Deb's rules in every method, the
classic problems' known optima, and a problem with no feasible point."""

import numpy as np
import pytest
from numba import njit
from scipy.optimize import LinearConstraint, NonlinearConstraint

import metaopt
from metaopt import REGISTRY
from metaopt.constraints import INFEASIBLE, Constraints, deb_value
from problems.constrained import CONSTRAINED, load_constrained


def towards_2_1(X):
    X = np.atleast_2d(X)
    return (X[:, 0] - 2) ** 2 + (X[:, 1] - 1) ** 2


def towards_2_1_scalar(x):
    return float((x[0] - 2) ** 2 + (x[1] - 1) ** 2)


@njit(cache=True)
def half_plane(x):  # x + y <= 1, Numba-jitted
    return np.array([x[0] + x[1] - 1.0])


BOX = [(-3.0, 3.0)] * 2
HALF_PLANE_OPTIMUM = (np.array([1.0, 0.0]), 2.0)  # on the boundary x + y = 1


@pytest.mark.parametrize("form", ["linear", "nonlinear", "callable", "vectorized", "jitted"])
def test_every_form_reaches_the_optimum_on_the_boundary(form):
    constraint, vectorized = {
        "linear": (LinearConstraint([[1.0, 1.0]], -np.inf, 1.0), False),
        "nonlinear": (NonlinearConstraint(lambda x: x[0] + x[1], -np.inf, 1.0), False),
        "callable": (lambda x: x[0] + x[1] - 1.0, False),
        "vectorized": (lambda X: X[:, 0] + X[:, 1] - 1.0, True),
        "jitted": (half_plane, False),
    }[form]
    fun = towards_2_1 if vectorized else towards_2_1_scalar
    res = metaopt.minimize(fun, BOX, method="lshade", budget=6000, rng=0, vectorized=vectorized,
                           constraints=constraint)
    x_opt, f_opt = HALF_PLANE_OPTIMUM
    np.testing.assert_allclose(res.x, x_opt, atol=1e-4)
    assert abs(res.fun - f_opt) < 1e-6 and res.maxcv <= 1e-12 and res.success


def test_a_nonlinear_constraint_with_both_bounds_holds_at_either_side():
    ring = NonlinearConstraint(lambda X: np.sum(X ** 2, axis=1), 0.5, 1.0)
    outer = metaopt.minimize(towards_2_1, BOX, method="lshade", budget=6000, rng=0,
                             vectorized=True, constraints=ring)
    np.testing.assert_allclose(outer.x, np.array([2.0, 1.0]) / np.sqrt(5), atol=1e-4)
    inner = metaopt.minimize(lambda X: (X[:, 0] - 0.1) ** 2 + X[:, 1] ** 2, BOX,
                             method="lshade", budget=6000, rng=0, vectorized=True,
                             constraints=ring)
    np.testing.assert_allclose(inner.x, [np.sqrt(0.5), 0.0], atol=1e-4)  # the inner circle


def test_infeasible_everywhere_is_a_clear_unsuccessful_result_without_nan():
    res = metaopt.minimize(towards_2_1, BOX, method="de", budget=2000, rng=0, vectorized=True,
                           constraints=lambda X: 1.0 + X[:, 0] ** 2)  # >= 1 everywhere
    assert not res.success and res.status == 2 and "no feasible point" in res.message
    assert res.maxcv == pytest.approx(1.0, abs=1e-3)  # the least violation: x0 near 0
    for value in (res.x, res.fun, res.maxcv, res.population, res.history.nfev):
        assert not np.any(np.isnan(value))
    assert np.isfinite(res.fun) and np.all(np.isinf(res.population_fun))
    assert np.all(np.isinf(res.history.best_fun))  # no feasible value ever


@pytest.mark.parametrize("method", sorted(REGISTRY))
def test_every_method_handles_constraints_by_deb_rules(method):
    res = metaopt.minimize(towards_2_1, BOX, method=method, budget=3000, rng=0,
                           vectorized=True, constraints=lambda X: X[:, 0] + X[:, 1] - 1.0)
    assert res.maxcv == 0.0 and res.success, method  # a feasible point, reported as such
    assert res.x[0] + res.x[1] <= 1.0 and res.fun == pytest.approx(towards_2_1(res.x)[0])
    if method in ("de", "jade", "shade", "lshade", "cmaes", "ga"):
        assert res.fun < 2.0 + 1e-2, method  # 3,000 evaluations: close to the boundary
    table = res.trials.to_pandas()
    np.testing.assert_allclose(table["violation"], np.maximum(
        table["x0"] + table["x1"] - 1.0, 0.0), atol=1e-12)


def test_deb_value_orders_feasible_first_then_by_violation():
    f = np.array([5.0, -1e6, 3.0, 1e90, 2.0])
    cv = np.array([0.0, 1e-9, 0.0, 0.0, 2.0])
    order = np.argsort(deb_value(f, cv))
    assert list(order) == [2, 0, 3, 1, 4]  # feasible by f; infeasible by violation
    assert np.all(deb_value(f, cv)[cv > 0] >= INFEASIBLE)


def test_ask_tell_takes_the_violation_and_keeps_the_feasible_best():
    opt = metaopt.RandomSearch([(0, 1)] * 2, pop_size=3, rng=0)
    X = opt.ask()
    opt.tell(X, np.array([-10.0, 1.0, 2.0]), np.array([0.5, 0.0, 0.0]))
    res = opt.result()
    assert res.fun == 1.0 and res.maxcv == 0.0  # the lower value was infeasible
    X = opt.ask()
    with pytest.raises(ValueError, match="violation"):
        opt.tell(X, np.zeros(3), np.array([-1.0, 0.0, 0.0]))
    with pytest.raises(ValueError, match="violation"):
        opt.tell(X, np.zeros(3), np.zeros(4))


def test_bad_constraints_raise_naming_them():
    with pytest.raises(TypeError, match="constraints"):
        metaopt.minimize(towards_2_1_scalar, BOX, constraints="x > 0")
    with pytest.raises(ValueError, match="constraints\\[1\\].*2 columns"):
        Constraints([lambda x: x[0], LinearConstraint(np.ones((1, 3)), 0, 1)], dim=2)
    with pytest.raises(ValueError, match="asynchronous"):
        metaopt.minimize(towards_2_1_scalar, BOX, method="de", asynchronous=True, budget=100,
                         constraints=lambda x: x[0])


def test_maximize_and_resume_with_constraints(tmp_path):
    args = dict(method="de", rng=2, vectorized=True, constraints=lambda X: X[:, 0] + X[:, 1] - 1)
    best = metaopt.minimize(lambda X: -towards_2_1(X), BOX, budget=3000, maximize=True, **args)
    assert best.fun == pytest.approx(-2.0, abs=1e-4) and best.maxcv == 0.0
    path = tmp_path / "run.ckpt"
    metaopt.minimize(towards_2_1, BOX, budget=1000, checkpoint=path, **args)
    resumed = metaopt.minimize(towards_2_1, BOX, budget=2000, checkpoint=path, resume=True,
                               **args)
    whole = metaopt.minimize(towards_2_1, BOX, budget=2000, **args)
    np.testing.assert_array_equal(resumed.x, whole.x)
    assert resumed.fun == whole.fun and resumed.maxcv == whole.maxcv


@pytest.mark.parametrize("name", sorted(CONSTRAINED))
def test_each_problem_reaches_its_published_optimum_at_its_published_point(name):
    p = load_constrained(name)
    x = p.x_best[None, :]
    assert p.error(p.fun(x)[0]) < 1e-7
    assert p.constraints(x).max() <= 2e-3  # the literature's points are rounded to ~7 digits
    assert np.all((p.bounds[:, 0] <= p.x_best) & (p.x_best <= p.bounds[:, 1]))


@pytest.mark.parametrize("name, method, budget", [("g06", "lshade", 20_000),
                                                  ("g08", "de", 5_000),
                                                  ("spring", "lshade", 30_000),
                                                  ("welded_beam", "de", 30_000)])
def test_known_optima_are_reached(name, method, budget):
    p = load_constrained(name)
    res = metaopt.minimize(p.fun, p.bounds, method=method, budget=budget, rng=0,
                           vectorized=True, constraints=p.constraints)
    assert res.maxcv == 0.0 and p.error(res.fun) < 1e-4


def test_epsilon_level_follows_takahama_and_sakai_schedule():
    opt = metaopt.DE(BOX, pop_size=10, epsilon=True, rng=0, budget=10_000)
    X = opt.ask()
    cv = np.arange(10.0)
    opt.tell(X, towards_2_1(X), cv)
    assert opt.eps0 == 2.0  # the violation of the member at 0.2 * pop_size, sorted
    Tc = 0.2 * 10_000 / 10
    assert opt.epsilon_level() == pytest.approx(2.0 * (1 - opt.nit / Tc) ** 5)
    opt.nit = int(Tc)
    assert opt.epsilon_level() == 0.0
    with pytest.raises(TypeError, match="epsilon"):
        metaopt.DE(BOX, epsilon="yes")


def test_epsilon_constrained_de_solves_an_equality_problem_deb_rules_miss():
    p = load_constrained("g13")  # three equality constraints
    runs = {eps: metaopt.minimize(p.fun, p.bounds, method="de", budget=100_000, rng=1,
                                  vectorized=True, constraints=p.constraints, epsilon=eps)
            for eps in (False, True)}
    assert runs[True].maxcv == 0.0 and p.error(runs[True].fun) < 1e-4
    assert p.error(runs[False].fun) > 1e-2  # Deb's rules alone stall on the thin feasible set


class FlakyConstraint:
    """x + y <= 1, raising for points with x > 2.5 (a simulation that crashes there); counts
    its calls per point."""

    def __init__(self):
        self.calls = 0

    def __call__(self, x):
        self.calls += 1
        if x[0] > 2.5:
            raise RuntimeError("the simulator crashed")
        return np.array([x[0] + x[1] - 1.0])


@pytest.mark.parametrize("on_error", ["inf", "retry"])
def test_a_constraint_that_raises_follows_the_failure_policy(on_error):
    g = FlakyConstraint()
    res = metaopt.minimize(towards_2_1_scalar, BOX, method="de", budget=1500, rng=0,
                           constraints=g, on_error=on_error)
    violation = res.trials.to_dict()["violation"]
    crashed = res.trials.x[:, 0] > 2.5
    assert crashed.any() and res.nfail == crashed.sum()  # each counted, none dropped
    assert np.all(np.isinf(violation[crashed])) and np.all(np.isfinite(violation[~crashed]))
    np.testing.assert_allclose(res.x, HALF_PLANE_OPTIMUM[0], atol=1e-3)
    if on_error == "retry":  # each crashing row is tried 3 times (alone twice) before it counts
        assert g.calls == 1500 + 2 * crashed.sum()


def test_a_constraint_that_raises_under_raise_keeps_the_batch_for_resume(tmp_path):
    calls = {"objective": 0, "g": 0}
    broken = {"on": True}

    def objective(x):
        calls["objective"] += 1
        return towards_2_1_scalar(x)

    def g(x):  # crashes once, on its 300th call (in the middle of a batch)
        calls["g"] += 1
        if broken["on"] and calls["g"] == 300:
            raise RuntimeError("the simulator crashed")
        return np.array([x[0] + x[1] - 1.0])

    path = tmp_path / "run.ckpt"
    with pytest.raises(metaopt.EvaluationError, match="a constraint function failed") as info:
        metaopt.minimize(objective, BOX, method="de", budget=1500, rng=0, constraints=g,
                         checkpoint=path)
    err = info.value
    assert err.source == "constraints" and np.all(np.isfinite(err.values))
    assert err.checkpoint == str(path) and len(err.failures) == 1
    spent = calls["objective"]
    broken["on"] = False
    resumed = metaopt.minimize(objective, BOX, method="de", budget=1500, rng=0, constraints=g,
                               checkpoint=path, resume=True)
    assert calls["objective"] - spent == 1500 - spent  # the failed batch is not evaluated again
    whole = metaopt.minimize(towards_2_1_scalar, BOX, method="de", budget=1500, rng=0,
                             constraints=g)
    assert resumed.nfev == 1500 and resumed.fun == whole.fun


def test_a_constraint_that_fails_on_the_first_batch_is_a_programming_error():
    def g(x):
        return np.array([x[0] + undefined_name])  # noqa: F821

    with pytest.raises(metaopt.EvaluationError, match="first evaluation.*NameError"):
        metaopt.minimize(towards_2_1_scalar, BOX, method="de", budget=300, rng=0,
                         constraints=g, on_error="inf")


def test_a_vectorized_constraint_that_raises_is_isolated_row_by_row():
    def g(X):
        if np.any(X[:, 0] > 2.5):
            raise RuntimeError("the simulator crashed")
        return np.stack([X[:, 0] + X[:, 1] - 1.0, -X[:, 1]], axis=1)

    X = np.array([[0.0, 0.0], [2.9, 0.0], [1.0, 1.0], [2.6, -1.0]])
    cv, failures = Constraints(g, dim=2, vectorized=True).evaluate(X)
    assert [f.row for f in failures] == [1, 3] and failures[0].kind == "RuntimeError"
    np.testing.assert_array_equal(cv, [[0.0, 0.0], [np.inf, np.inf], [1.0, 0.0],
                                       [np.inf, np.inf]])
    cv, failures = Constraints(g, dim=2, vectorized=True).evaluate(X[[1, 3]])
    assert len(failures) == 2 and cv.shape == (2, 1) and np.all(np.isinf(cv))


def test_equality_constraints_are_met_within_the_documented_tolerance():
    from scipy.optimize import LinearConstraint, NonlinearConstraint

    def sphere(x):
        return float(np.sum(x ** 2))

    circle = NonlinearConstraint(lambda x: x[0] ** 2 + x[1] ** 2, 1, 1)
    res = metaopt.minimize(sphere, [(-2, 2)] * 2, method="de", budget=3000, rng=0,
                           constraints=circle)
    assert res.success and res.maxcv == 0.0
    assert abs(res.x[0] ** 2 + res.x[1] ** 2 - 1) <= 1e-4
    line = LinearConstraint([[1.0, 1.0]], 1, 1)
    res = metaopt.minimize(sphere, [(-2, 2)] * 2, method="de", budget=3000, rng=0,
                           constraints=line)
    assert res.success and abs(res.x.sum() - 1) <= 1e-4
    strict = metaopt.minimize(sphere, [(-2, 2)] * 2, method="de", budget=600, rng=0,
                              constraints=line, equality_tol=0.0)
    assert not strict.success and "no feasible point" in strict.message
    with pytest.raises(ValueError, match="equality_tol"):
        metaopt.minimize(sphere, [(-2, 2)] * 2, method="de", budget=100, constraints=line,
                         equality_tol=-1.0)


def test_feasible_values_above_1e100_still_rank_before_infeasible_points():
    res = metaopt.minimize(lambda x: 1e101 + x[0] ** 2, [(-2, 2)] * 2, method="de", budget=600,
                           rng=0, constraints=lambda x: x[1])
    assert res.success and res.maxcv == 0.0 and res.x[1] <= 0
    f = np.array([1.0, 1e150, 1.7e308, 3.0])
    cv = np.array([0.0, 0.0, 0.0, 1e-12])
    order = np.argsort(deb_value(f, cv))
    assert order.tolist() == [0, 1, 2, 3]


def test_constraint_outputs_outside_the_contract_follow_the_failure_policy():
    from scipy.optimize import LinearConstraint, NonlinearConstraint
    from scipy.sparse import csr_matrix

    def sphere(x):
        return float(np.sum(x ** 2))

    bounds = [(-2, 2)] * 2
    ragged = metaopt.minimize(sphere, bounds, method="de", budget=200, rng=0, on_error="inf",
                              constraints=lambda x: [x[0]] if x[1] > 0 else [x[0], x[1]])
    assert ragged.nfail > 0
    with pytest.raises(metaopt.EvaluationError, match="None"):
        metaopt.minimize(sphere, bounds, method="de", budget=200, rng=0,
                         constraints=lambda x: None)
    with pytest.raises(metaopt.EvaluationError, match="single number"):
        metaopt.minimize(lambda X: np.sum(X ** 2, axis=1), bounds, method="de", budget=200,
                         rng=0, vectorized=True, constraints=lambda X: 1.0)
    with pytest.raises(ValueError, match="lb must not exceed ub"):
        metaopt.minimize(sphere, bounds, budget=100, constraints=NonlinearConstraint(
            lambda x: x[0], 1, 0))
    with pytest.raises(ValueError, match="must not be NaN"):
        metaopt.minimize(sphere, bounds, budget=100, constraints=NonlinearConstraint(
            lambda x: x[0], np.nan, 0))
    sparse = metaopt.minimize(sphere, bounds, method="de", budget=600, rng=0,
                              constraints=LinearConstraint(csr_matrix([[1.0, 1.0]]), 1, 2))
    assert sparse.success and 1 - 1e-9 <= sparse.x.sum() <= 2 + 1e-9


def test_sa_under_an_inactive_constraint_anneals_on_the_objective():
    """T0 used to be calibrated on feasibility ranks (7e99 after one infeasible proposal),
    which made SA a random walk under any constraint."""
    def f(X):
        return np.sum((X - 0.5) ** 2, axis=1)

    plain = metaopt.minimize(f, [(-5, 5)] * 4, method="sa", budget=20000, rng=0,
                             vectorized=True)
    constrained = metaopt.minimize(f, [(-5, 5)] * 4, method="sa", budget=20000, rng=0,
                                   vectorized=True, constraints=lambda X: X[:, 0] - 3.0)
    assert constrained.success and constrained.maxcv == 0
    assert constrained.fun < 1e-4 and plain.fun < 1e-4


def test_adaptive_de_weights_successes_by_the_quantity_that_decided_them():
    opt = metaopt.SHADE([(-1, 1)] * 2, pop_size=4, rng=0)
    X = opt.ask()
    cv0 = np.array([0.0, 0.0, 2.0, 3.0])
    opt.tell(X, np.array([1.0, 5.0, 0.5, 0.2]), cv0)
    np.testing.assert_array_equal(opt.pop_raw, [[1.0, 5.0, 0.5, 0.2], cv0])
    raw, cv = np.array([0.9, 4.0, 7.0, 0.1]), np.array([0.0, 0.0, 0.0, 1.0])
    ranked = deb_value(raw, cv)
    opt._told = (raw, cv)
    better = ranked < opt.fit
    delta = opt._improvements(opt.fit.copy(), ranked, better)
    # feasible-feasible by objective (0.1, 1.0), infeasible-to-feasible by violation (2.0),
    # infeasible-infeasible by violation (2.0): not 1e200-sized rank differences
    np.testing.assert_allclose(delta, [0.1, 1.0, 2.0, 2.0])
    np.testing.assert_array_equal(opt.pop_raw, [raw, cv])


def test_timeout_covers_constraint_functions_too():
    import time

    def hangs_on_the_right(x):
        if x[0] > 1.5:
            time.sleep(30)  # a hang, as in a stuck simulation
        return [x[0] - 1.9]

    started = time.monotonic()
    res = metaopt.minimize(lambda x: float(np.sum(x ** 2)), [(-2, 2)] * 2, method="de",
                           budget=40, pop_size=10, rng=0, timeout=0.2, on_error="inf",
                           constraints=hangs_on_the_right)
    assert time.monotonic() - started < 20
    assert res.nfail > 0 and res.nfev == 40
