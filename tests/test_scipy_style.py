"""The calls a scipy user writes by habit (issue 13): Bounds, (lb, ub), args, x0, both callback
styles, workers as their own pool, status and population_energies, and maximize."""

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from scipy.optimize import Bounds

import metaopt
from metaopt import REGISTRY
from metaopt.scipy_style import convergence


def shifted_sphere(x, a):
    return float(np.sum((np.asarray(x) - a) ** 2))


def test_the_scipy_call_with_an_old_style_callback():
    seen = []

    def callback(xk, convergence):
        seen.append((np.array(xk), convergence))

    x0 = np.array([0.9, -0.9, 0.1])
    res = metaopt.minimize(shifted_sphere, Bounds([-1] * 3, [1] * 3), args=(0.25,), x0=x0,
                           callback=callback, method="de", budget=3000, rng=0)
    np.testing.assert_allclose(res.x, 0.25, atol=1e-3)
    assert res.status == 0 and res.success
    assert res.population_energies is res.population_fun
    assert len(seen) == res.nit - 1 or len(seen) == res.nit
    assert all(isinstance(c, float) and c >= 0 for _, c in seen)
    # differential_evolution's measure: tol / (std / |mean| + eps), tol = 0.01
    energies = np.array([1.0, 2.0, 3.0])
    expected = 0.01 / (np.std(energies) / 2.0 + np.finfo(float).eps)
    assert convergence(energies) == pytest.approx(expected)


def test_the_scipy_call_with_a_new_style_callback_that_stops():
    def callback(intermediate_result):
        return intermediate_result.fun < 1e-2

    res = metaopt.minimize(shifted_sphere, (np.full(2, -1.0), np.full(2, 1.0)), args=(0.5,),
                           callback=callback, method="de", budget=5000, rng=0)
    assert res.fun < 1e-2 and res.nfev < 5000
    assert res.status == 1 and not res.success and "callback" in res.message


def test_x0_is_evaluated_first_by_every_method():
    x0 = np.array([0.3, -0.7])
    for method in sorted(REGISTRY):
        calls = []

        def f(x):
            calls.append(np.array(x, float))  # noqa: B023 - used within the iteration
            return float(np.sum(np.asarray(x) ** 2))

        res = metaopt.minimize(f, [(-1, 1)] * 2, method=method, x0=x0, budget=300, rng=1)
        first = calls[0]
        if method in ("cmaes", "snes", "openai_es", "xnes", "pgpe"):  # x0: the mean
            assert res.nfev == 300
            continue
        np.testing.assert_allclose(first, x0, err_msg=method)


def test_x0_outside_the_box_names_x0():
    with pytest.raises(ValueError, match="x0"):
        metaopt.minimize(lambda x: 0.0, [(-1, 1)] * 2, method="de", x0=[3.0, 0.0], budget=50)


def test_workers_as_an_executor_map_gives_the_same_run():
    serial = metaopt.minimize(shifted_sphere, Bounds([-1] * 2, [1] * 2), args=(0.1,),
                              method="de", budget=400, rng=3)
    with ProcessPoolExecutor(2) as pool:
        mapped = metaopt.minimize(shifted_sphere, Bounds([-1] * 2, [1] * 2), args=(0.1,),
                                  method="de", budget=400, rng=3, workers=pool.map)
        executor = metaopt.minimize(shifted_sphere, Bounds([-1] * 2, [1] * 2), args=(0.1,),
                                    method="de", budget=400, rng=3, workers=pool)
    for res in (mapped, executor):
        np.testing.assert_array_equal(res.x, serial.x)
        assert res.nfev == serial.nfev


def test_maximize_reports_the_objectives_own_sign():
    def profit(x):
        return 10.0 - float(np.sum((np.asarray(x) - 0.2) ** 2))

    seen = []
    res = metaopt.minimize(profit, [(-1, 1)] * 2, maximize=True, budget=1500, rng=0,
                           target=9.999999, callback=lambda intermediate_result:
                           seen.append(intermediate_result.fun))
    assert res.fun == pytest.approx(10.0, abs=1e-6) and res.fun == profit(res.x)
    assert np.all(res.population_fun <= res.fun)
    assert np.all(np.diff(res.history.best_fun) >= 0)  # the best so far only grows
    assert seen and all(v <= res.fun for v in seen)
    assert "target" in res.message and res.nfev < 1500
    with pytest.raises(TypeError, match="maximize"):
        metaopt.minimize(profit, [(-1, 1)] * 2, maximize="yes")


def test_ambiguous_and_scalar_bounds_are_explained():
    with pytest.raises(ValueError, match="ambiguous"):
        metaopt.minimize(lambda x: 0.0, (np.array([0.0, 1.0]), np.array([2.0, 3.0])))
    space = metaopt.space.as_space((np.array([-1.0, 1.0]), np.array([-2.0, 2.0])))
    assert [(v.low, v.high) for v in space.variables] == [(-1.0, 1.0), (-2.0, 2.0)]


def test_scalar_scipy_bounds_say_they_make_a_one_dimensional_problem():
    from scipy.optimize import Bounds

    with pytest.warns(UserWarning, match="1-dimensional problem"):
        res = metaopt.minimize(lambda x: float(np.sum(x ** 2)), Bounds(-5, 5), method="de",
                               budget=100, rng=0)
    assert np.shape(res.x) == (1,)


def _calls(callback):
    """What ``minimize`` passes ``callback`` in one short run: the arguments of its first
    call."""
    seen = []

    def record(*args, **kwargs):
        seen.append((args, kwargs))
        return True

    import functools

    wrapped = functools.wraps(callback)(record)
    metaopt.minimize(lambda X: np.sum(X**2, axis=1), [(-1, 1)] * 2, method="de", budget=100,
                     rng=0, vectorized=True, pop_size=10, callback=wrapped)
    return seen[0]


def test_the_callback_style_is_decided_by_the_parameter_name_as_scipy_decides_it():
    """scipy.optimize._optimize._wrap_callback: only a callback whose one parameter is named
    ``intermediate_result`` gets the result; the names scipy's own tests use."""
    from metaopt.scipy_style import callback_style

    def result_style(intermediate_result):
        pass

    def one(xk):
        pass

    def res(res):  # one parameter, another name: scipy passes xk
        pass

    def two(xk, convergence):
        pass

    def two_defaulted(xk, convergence=None):
        pass

    def star(*args):
        pass

    def keyword(xk, *, flag=False):
        pass

    assert callback_style(result_style) == "result"
    for callback in (one, res, keyword):
        assert callback_style(callback) == "xk", callback
    for callback in (two, two_defaulted, star, print):
        assert callback_style(callback) == "xk_convergence", callback
    args, kwargs = _calls(result_style)
    assert args == () and isinstance(kwargs["intermediate_result"], metaopt.Result)
    args, kwargs = _calls(one)
    assert kwargs == {} and len(args) == 1 and isinstance(args[0], np.ndarray)
    args, kwargs = _calls(two_defaulted)
    assert len(args) == 2 and args[0].shape == (2,) and isinstance(args[1], float)



def test_scipy_differential_evolution_calls_run_unchanged_but_for_the_import():
    """The calls of scipy's differential_evolution docstring (its Rosenbrock, Ackley,
    constrained and integrality examples), keywords as scipy spells them, reach scipy's
    optimum through metaopt.minimize(method="de")."""
    from scipy.optimize import LinearConstraint, NonlinearConstraint, rosen

    bounds = [(0, 2), (0, 2), (0, 2), (0, 2), (0, 2)]
    res = metaopt.minimize(rosen, bounds, method="de", seed=1, polish=False, budget=60_000)
    np.testing.assert_allclose(res.x, 1.0, atol=1e-3)

    def ackley(x):
        arg1 = -0.2 * np.sqrt(0.5 * (x[0] ** 2 + x[1] ** 2))
        arg2 = 0.5 * (np.cos(2. * np.pi * x[0]) + np.cos(2. * np.pi * x[1]))
        return -20. * np.exp(arg1) - np.exp(arg2) + 20. + np.e

    res = metaopt.minimize(ackley, [(-5, 5), (-5, 5)], method="de", strategy="best1bin",
                           popsize=15, tol=0.01, mutation=(0.5, 1), recombination=0.7,
                           seed=0, init="latinhypercube", updating="deferred",
                           polish=False, budget=20_000)
    assert res.fun < 1e-4 and res.success and "tol" in res.message
    assert res.nfev < 20_000  # scipy's convergence stop, not the budget

    def constr_f(x):
        return np.array(x[0] + x[1])

    nlc = NonlinearConstraint(constr_f, -np.inf, 1.9)
    res = metaopt.minimize(rosen, [(0, 2), (0, 2)], method="de", constraints=nlc, seed=1,
                           polish=False, budget=20_000)
    assert res.x[0] + res.x[1] <= 1.9 + 1e-9 and res.fun < 0.02  # scipy: [0.968, 0.932]

    lc = LinearConstraint([[1, 1]], -np.inf, 1.9)
    res = metaopt.minimize(rosen, [(0, 2), (0, 2)], method="de", constraints=lc, seed=1,
                           polish=False, budget=20_000, init="halton")
    assert res.x.sum() <= 1.9 + 1e-9 and res.fun < 0.02

    def integer_rosen(x):
        assert np.all(x[:2] == np.round(x[:2]))
        return rosen(x)

    res = metaopt.minimize(integer_rosen, [(-3.5, 3.5)] * 3, method="de", seed=2,
                           integrality=[True, True, False], polish=False, budget=20_000)
    np.testing.assert_allclose(res.x, [1, 1, 1], atol=1e-3)


def test_scipy_keywords_without_a_meaning_here_say_what_to_use():
    from scipy.optimize import rosen

    with pytest.raises(ValueError, match="polish=False"):
        metaopt.minimize(rosen, [(0, 2)] * 2, method="de", polish=True, budget=100)
    with pytest.raises(TypeError, match="not both"):
        metaopt.minimize(rosen, [(0, 2)] * 2, method="de", seed=1, rng=1, budget=100)
    with pytest.raises(ValueError, match="updating"):
        metaopt.minimize(rosen, [(0, 2)] * 2, method="de", updating="later", budget=100)
    res = metaopt.minimize(rosen, [(0, 2)] * 2, method="de", updating="immediate", seed=3,
                           polish=False, budget=3000, vectorized=False)
    assert res.fun < 1e-3


@pytest.mark.parametrize("strategy", ["best1bin", "best1exp", "rand1bin", "rand1exp",
                                      "rand2bin", "rand2exp", "best2bin", "best2exp",
                                      "currenttobest1bin", "currenttobest1exp",
                                      "randtobest1bin", "randtobest1exp"])
def test_every_scipy_strategy_name_runs_and_solves_the_sphere(strategy):
    res = metaopt.minimize(lambda x: float(np.sum((x - 0.5) ** 2)), [(-2, 2)] * 3,
                           method="de", strategy=strategy, seed=0, polish=False, budget=6000)
    assert res.fun < 1e-6, strategy


def test_builtin_map_as_workers_is_scipys_serial_map():
    from scipy.optimize import rosen

    kw = dict(method="de", seed=1, polish=False, budget=2000)
    mapped = metaopt.minimize(rosen, [(0, 2)] * 2, workers=map, **kw)
    serial = metaopt.minimize(rosen, [(0, 2)] * 2, **kw)
    np.testing.assert_array_equal(mapped.x, serial.x)
    assert mapped.nfev == serial.nfev == 2000


def test_a_function_in_scipys_vectorized_layout_is_taken_by_option_never_guessed():
    def scipy_layout(x):  # x of shape (dim, S), as differential_evolution passes it
        assert x.shape[0] == 3
        return np.sum((x - 0.5) ** 2, axis=0)

    res = metaopt.minimize(scipy_layout, [(-2, 2)] * 3, method="de", vectorized="scipy",
                           seed=0, polish=False, budget=3000)
    rows = metaopt.minimize(lambda X: np.sum((X - 0.5) ** 2, axis=1), [(-2, 2)] * 3,
                            method="de", vectorized=True, seed=0, polish=False, budget=3000)
    np.testing.assert_array_equal(res.x, rows.x)
    with pytest.raises(metaopt.EvaluationError, match="vectorized='scipy'"):
        metaopt.minimize(lambda x: np.sum(x, axis=0), [(-2, 2)] * 3, method="de",
                         vectorized=True, seed=0, budget=300)



def test_scipy_dual_annealing_and_basinhopping_docstring_calls_reach_their_minima():
    # dual_annealing's docstring: Rastrigin in 10 dimensions (maxfun below scipy's 1e7)
    func = lambda x: np.sum(x * x - 10 * np.cos(2 * np.pi * x)) + 10 * np.size(x)  # noqa: E731
    lw, up = [-5.12] * 10, [5.12] * 10
    ret = metaopt.minimize(func, bounds=list(zip(lw, up)), method="dual_annealing", seed=1234,
                           maxfun=20000)
    assert ret.nfev == 20000 and ret.fun < 1e-8
    # basinhopping's docstring (its bounds added: a box is needed here), global minima quoted
    f1 = lambda x: np.cos(14.5 * x[0] - 0.3) + (x[0] + 0.2) * x[0]  # noqa: E731
    ret = metaopt.minimize(f1, [(-2, 2)], method="basinhopping", x0=[1.0], niter=200, seed=0,
                           minimizer_kwargs={"method": "BFGS"})
    assert ret.x[0] == pytest.approx(-0.1951, abs=1e-4) and ret.fun == pytest.approx(-1.0009,
                                                                                       abs=1e-4)
    assert "basinhopping iterations completed" in ret.message

    def func2d(x):
        return np.cos(14.5 * x[0] - 0.3) + (x[1] + 0.2) * x[1] + (x[0] + 0.2) * x[0]

    ret = metaopt.minimize(func2d, [(-2, 2)] * 2, method="basinhopping", x0=[1.0, 1.0],
                           niter=200, seed=0, minimizer_kwargs={"method": "L-BFGS-B"})
    np.testing.assert_allclose(ret.x, [-0.1951, -0.1000], atol=1e-4)
    assert ret.fun == pytest.approx(-1.0109, abs=1e-4)


def test_dual_annealing_and_basinhopping_keywords_keep_scipys_meaning_or_are_refused():
    sphere = lambda x: float(np.sum((x - 0.3) ** 2))  # noqa: E731
    box = [(-2, 2)] * 3
    # maxiter counts annealing iterations (each 2 dim visits and a local search), not batches
    few = metaopt.minimize(sphere, box, method="dual_annealing", maxiter=2, seed=0,
                           budget=5000)
    assert few.message == "Maximum number of iteration reached" and 12 < few.nfev < 5000
    # no_local_search: visits only (2 dim a iteration)
    bare = metaopt.minimize(sphere, box, method="dual_annealing", maxiter=5, seed=0,
                            no_local_search=True, budget=5000)
    assert bare.nfev == 1 + 5 * 6
    # niter_success stops once the lowest minimum stops improving
    stalled = metaopt.minimize(sphere, box, method="basinhopping", niter_success=3, seed=0,
                               budget=20000)
    assert stalled.message == "success condition satisfied" and stalled.nfev < 20000
    with pytest.raises(ValueError, match="not both"):
        metaopt.minimize(sphere, box, method="dual_annealing", maxfun=100, budget=200)
    with pytest.raises(ValueError, match="take_step= .*stepsize"):
        metaopt.minimize(sphere, box, method="basinhopping", take_step=lambda x: x)
    with pytest.raises(ValueError, match=r"\['jac'\] are not taken"):
        metaopt.minimize(sphere, box, method="basinhopping",
                         minimizer_kwargs={"method": "L-BFGS-B", "jac": True})
    with pytest.raises(ValueError, match="method must be one of"):
        metaopt.minimize(sphere, box, method="dual_annealing",
                         minimizer_kwargs={"method": "trust-constr"})
