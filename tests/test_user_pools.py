"""The user's own pools are not trusted: a map that drops, reorders or loses results, and an
Executor whose worker dies, never pair values with the wrong points nor lose finished work."""

from multiprocessing.pool import ThreadPool

import numpy as np
import pytest

import metaopt
from metaopt import EvaluationError

BOUNDS = [(-2.0, 2.0)] * 3


def sphere(x):
    return float(np.sum((x - 0.3) ** 2))


def run(workers, **kw):
    kw.setdefault("budget", 120)
    return metaopt.minimize(sphere, BOUNDS, method="de", rng=4, pop_size=10, workers=workers,
                            **kw)


def test_a_map_that_returns_results_in_another_order_is_paired_by_tags():
    serial = run(1)
    reversed_map = run(lambda fn, items: list(map(fn, items))[::-1])
    with ThreadPool(3) as pool:
        unordered = run(pool.imap_unordered)
    for res in (reversed_map, unordered):
        np.testing.assert_array_equal(res.x, serial.x)
        assert res.fun == serial.fun == sphere(res.x)
        assert res.nfail == 0


def test_a_map_that_returns_nothing_fails_every_row_and_says_why():
    with pytest.raises(EvaluationError, match="returned 0 results for"):
        run(lambda fn, items: [])
    res = run(lambda fn, items: [], on_error="inf")
    assert res.nfail == res.nfev == 120 and not np.isfinite(res.fun)


def test_a_map_that_drops_an_item_fails_only_that_row():
    def drops_last(fn, items):
        return list(map(fn, items))[:-1]

    res = run(drops_last, on_error="inf")
    assert res.nfail > 0
    assert res.fun == sphere(res.x)  # every value is its own point's
    ordered = run(lambda fn, items: list(map(fn, items)))
    assert ordered.nfail == 0


def test_a_map_that_raises_fails_its_rows_under_the_policy():
    def broken(fn, items):
        raise OSError("the cluster is gone")

    with pytest.raises(EvaluationError, match="the cluster is gone"):
        run(broken)


def dies_on_the_right(x):
    import os

    if x[0] > 1.5:
        os._exit(3)  # the worker process dies, as on a segfault or an out-of-memory kill
    return sphere(x)


@pytest.mark.slow
def test_a_dying_worker_of_the_users_executor_stops_with_the_finished_work_saved(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    path = tmp_path / "run.ckpt"
    with ProcessPoolExecutor(2) as pool:
        with pytest.raises(EvaluationError, match="cannot be restarted") as info:
            metaopt.minimize(dies_on_the_right, BOUNDS, method="de", rng=1, pop_size=10,
                             budget=60, workers=pool, checkpoint=path)
    assert info.value.checkpoint == str(path)
    done = ~np.isnan(info.value.values)
    assert done.any()  # the rows that finished are kept in the checkpoint for resume


@pytest.mark.slow
def test_a_dying_worker_of_a_multiprocessing_pool_map_does_not_hang():
    import multiprocessing

    with multiprocessing.Pool(2) as pool:
        res = metaopt.minimize(dies_on_the_right, BOUNDS, method="de", rng=1, pop_size=10,
                               budget=60, workers=pool.map, on_error="inf")
    assert res.nfev == 60 and res.nfail > 0
    assert res.fun == sphere(res.x)
