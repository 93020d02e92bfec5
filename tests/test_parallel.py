"""workers=, backends and the asynchronous mode: the same rng gives the same result."""

import numpy as np
import pytest
from numba import njit

import metaopt

BOUNDS = [(-3.0, 3.0)] * 3
KW = dict(method="de", budget=240, rng=3, pop_size=12)


def shifted_sphere(a):
    def f(x):  # a closure: plain pickle cannot send it, cloudpickle can
        return float(np.sum((x - a) ** 2))
    return f


def two_objectives(x):
    return [float(np.sum((x - 0.5) ** 2)), float(np.sum((x + 0.5) ** 2))]


@njit
def sphere_jit(x):
    return np.sum(x * x)


def same(a, b):
    np.testing.assert_array_equal(a.x, b.x)
    assert a.fun == b.fun and a.nfev == b.nfev == 240
    np.testing.assert_array_equal(a.history.best_fun, b.history.best_fun)


@pytest.mark.parametrize("fun", [lambda x: float(np.sum(x**2)), shifted_sphere(0.5)],
                         ids=["lambda", "closure"])
def test_lambda_and_closure_on_two_processes(fun):
    same(metaopt.minimize(fun, BOUNDS, **KW), metaopt.minimize(fun, BOUNDS, workers=2, **KW))


def test_threads_and_all_cores_give_the_same_result():
    fun = shifted_sphere(-1.0)
    serial = metaopt.minimize(fun, BOUNDS, **KW)
    same(serial, metaopt.minimize(fun, BOUNDS, workers=2, backend="threads", **KW))
    same(serial, metaopt.minimize(fun, BOUNDS, workers=-1, **KW))


def test_vectorized_and_jitted_objectives_on_processes():
    vec = metaopt.minimize(lambda X: np.sum(X**2, axis=1), BOUNDS, vectorized=True, **KW)
    same(vec, metaopt.minimize(lambda X: np.sum(X**2, axis=1), BOUNDS, vectorized=True,
                               workers=2, **KW))
    same(metaopt.minimize(sphere_jit, BOUNDS, **KW),
         metaopt.minimize(sphere_jit, BOUNDS, workers=2, **KW))


def test_dask_local_cluster_on_loopback():
    distributed = pytest.importorskip("distributed")
    fun = shifted_sphere(0.25)
    serial = metaopt.minimize(fun, BOUNDS, **KW)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            same(serial, metaopt.minimize(fun, BOUNDS, backend="dask", client=client,
                                          workers=2, **KW))
            same(serial, metaopt.minimize(fun, BOUNDS, backend="dask",
                                          client=cluster.scheduler_address, workers=2, **KW))
            # several objectives: the same front on dask as in this process
            kw = dict(objectives=2, budget=240, rng=3, pop_size=12)
            for method in sorted(metaopt.MULTI_OBJECTIVE):
                a = metaopt.minimize(two_objectives, BOUNDS, method=method, **kw)
                b = metaopt.minimize(two_objectives, BOUNDS, method=method, backend="dask",
                                     client=client, workers=2, **kw)
                np.testing.assert_array_equal(a.pareto_x, b.pareto_x)
                np.testing.assert_array_equal(a.pareto_fun, b.pareto_fun)


def test_asynchronous_one_worker_is_reproducible_and_two_workers_converge():
    fun = shifted_sphere(1.0)
    # Steady-state replacement spreads copies faster than generational DE: with 15
    # individuals a coordinate can collapse, so this uses 30.
    kw = dict(method="de", budget=3000, pop_size=30, asynchronous=True)
    a = metaopt.minimize(fun, BOUNDS, rng=0, **kw)
    b = metaopt.minimize(fun, BOUNDS, rng=0, **kw)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.nfev == 3000 and a.nit == 100 and a.fun < 1e-12
    c = metaopt.minimize(fun, BOUNDS, rng=0, workers=2, **kw)
    assert c.nfev == 3000 and c.fun < 1e-12


def test_asynchronous_with_threads_stops_on_target():
    res = metaopt.minimize(shifted_sphere(0.0), BOUNDS, method="de", budget=5000, rng=1,
                           pop_size=15, asynchronous=True, workers=2, backend="threads",
                           target=1e-4)
    assert res.fun <= 1e-4 and "target" in res.message and res.nfev < 5000


@pytest.mark.parametrize("kwargs, exc, words", [
    (dict(workers=0), ValueError, "workers must be >= 1 or -1"),
    (dict(workers=1.5), TypeError, "workers must be an int"),
    (dict(backend="mpi"), ValueError, "backend must be one of"),
    (dict(backend="threads", timeout=1.0), ValueError, "timeout needs backend='processes'"),
    (dict(client="tcp://127.0.0.1:1"), ValueError, "client is for backend='dask'"),
    (dict(asynchronous=True, method="lshade"), ValueError, "not supported by LSHADE"),
    (dict(asynchronous="yes"), TypeError, "asynchronous must be a bool"),
])
def test_bad_parallel_options(kwargs, exc, words):
    args = dict(KW, **kwargs)
    with pytest.raises(exc) as info:
        metaopt.minimize(lambda x: 0.0, BOUNDS, **args)
    assert words in str(info.value)


def test_ask_tell_driver_takes_workers_and_resume(tmp_path):
    fun = shifted_sphere(0.3)
    serial = metaopt.run(metaopt.SHADE(BOUNDS, pop_size=12, rng=2), fun, budget=240)
    parallel = metaopt.run(metaopt.SHADE(BOUNDS, pop_size=12, rng=2), fun, budget=240,
                           workers=2)
    np.testing.assert_array_equal(serial.x, parallel.x)
    path = tmp_path / "driver.ckpt"
    metaopt.run(metaopt.SHADE(BOUNDS, pop_size=12, rng=2), fun, budget=240, maxiter=7,
                checkpoint=path)
    with pytest.raises(metaopt.CheckpointError, match="rng: saved 'seed 2', given 'seed 99'"):
        metaopt.run(metaopt.SHADE(BOUNDS, pop_size=12, rng=99), fun, budget=240, resume=path)
    resumed = metaopt.run(metaopt.SHADE(BOUNDS, pop_size=12, rng=2), fun, budget=240,
                          resume=path)
    np.testing.assert_array_equal(serial.x, resumed.x)
    assert resumed.nfev == 240
    with pytest.raises(TypeError, match="optimizer must be a metaopt Optimizer"):
        metaopt.run("de", fun)
