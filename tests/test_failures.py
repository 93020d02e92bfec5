"""One failure policy for every algorithm: raise, inf, retry; timeouts; nothing completed lost."""

import time

import numpy as np
import pytest

import metaopt
from metaopt import REGISTRY

from .options import population

BOUNDS = [(-5.0, 5.0)] * 3


class Counting:
    """A scalar objective that fails where |x[0]| < 1 (across the centre of the box, where
    every method's search passes) and counts its calls; its optimum (2.8, 2.8, 2.8) is valid."""

    def __init__(self, fail=True):
        self.calls, self.fail = 0, fail

    def __call__(self, x):
        self.calls += 1
        if self.fail and abs(x[0]) < 1:
            raise RuntimeError("solver diverged")
        return float(np.sum((x - 2.8) ** 2))


# OpenAI-ES's defaults (sigma 0.02, lr 0.01) are sized for network weights, not this box.
BOX_OPTIONS = {"openai_es": {"sigma": 0.5, "lr": 0.2}}


@pytest.mark.parametrize("method", sorted(REGISTRY))
def test_inf_policy_finishes_and_counts_failures(method):
    fun = Counting()
    # the start fails too: a local search (basin hopping's) need not cross the centre
    res = metaopt.minimize(fun, BOUNDS, method=method, budget=300, rng=0,
                           **population(method, 12), on_error="inf", x0=[0.5, 2.8, 2.8],
                           **BOX_OPTIONS.get(method, {}))
    assert res.nfev == 300 and fun.calls == 300
    assert 0 < res.nfail < 300 and abs(res.x[0]) >= 1 and np.isfinite(res.fun)


def test_raise_names_the_individual_and_keeps_the_run():
    with pytest.raises(metaopt.EvaluationError) as info:
        metaopt.minimize(Counting(), BOUNDS, method="de", budget=300, rng=0, pop_size=12)
    err = info.value
    assert abs(err.x[0]) < 1 and f"individual {err.index}" in str(err)
    assert "RuntimeError: solver diverged" in str(err) and "x=[" in str(err)
    assert err.result is not None and err.result.nfev % 12 == 0 and not err.result.success
    done = ~np.isnan(err.values)
    assert done.sum() == 12 - len(err.failures)  # the rest of the batch was evaluated


def test_raise_without_a_checkpoint_still_keeps_the_run():
    with pytest.raises(metaopt.EvaluationError) as info:
        metaopt.minimize(Counting(), BOUNDS, method="de", budget=300, rng=0, pop_size=12)
    err = info.value
    assert err.checkpoint and err.checkpoint in str(err) and "resume=" in str(err)
    fixed = Counting(fail=False)
    res = metaopt.minimize(fixed, BOUNDS, method="de", budget=300, rng=0, pop_size=12,
                           resume=err.checkpoint)
    assert res.nfev == 300 and fixed.calls < 300
    import os

    os.remove(err.checkpoint)


def test_raise_checkpoint_resumes_without_losing_completed_evaluations(tmp_path):
    path = tmp_path / "run.ckpt"
    with pytest.raises(metaopt.EvaluationError) as info:
        metaopt.minimize(Counting(), BOUNDS, method="de", budget=300, rng=0, pop_size=12,
                         checkpoint=path)
    err = info.value
    assert err.checkpoint == str(path)
    completed = err.result.nfev + int((~np.isnan(err.values)).sum())
    fixed = Counting(fail=False)
    res = metaopt.minimize(fixed, BOUNDS, method="de", budget=300, rng=0, pop_size=12,
                           resume=path)
    assert res.nfev == 300 and fixed.calls == 300 - completed  # nothing evaluated twice
    reliable = metaopt.minimize(Counting(fail=False), BOUNDS, method="de", budget=300, rng=0,
                                pop_size=12)
    np.testing.assert_array_equal(res.x, reliable.x)


def test_retry_recovers_flaky_evaluations():
    seen = set()

    def flaky(x):
        key = x.tobytes()
        if key not in seen:  # every point fails once, then succeeds
            seen.add(key)
            raise OSError("licence server busy")
        return float(np.sum(x**2))

    res = metaopt.minimize(flaky, BOUNDS, method="shade", budget=200, rng=0, pop_size=10,
                           on_error="retry", retries=1)
    reliable = metaopt.minimize(lambda x: float(np.sum(x**2)), BOUNDS, method="shade",
                                budget=200, rng=0, pop_size=10)
    assert res.nfail == 0
    np.testing.assert_array_equal(res.x, reliable.x)


def test_retry_gives_up_after_retries():
    fun = Counting()
    res = metaopt.minimize(fun, BOUNDS, method="jade", budget=200, rng=0, pop_size=10,
                           on_error="retry", retries=2)
    assert res.nfev == 200 and res.nfail > 0
    assert fun.calls == 200 + 2 * res.nfail  # each final failure was tried three times


def test_vectorized_failures_are_isolated_row_by_row():
    failed_rows = []

    def f(X):
        if np.any(X[:, 0] > 3):
            if len(X) == 1:
                failed_rows.append(X[0].copy())
            raise ValueError("a row is out of the model's range")
        return np.sum(X**2, axis=1)

    res = metaopt.minimize(f, BOUNDS, method="de", budget=120, rng=0, pop_size=12,
                           vectorized=True, on_error="inf")
    # Only the rows that fail on their own count as failures; the rest of each batch is kept.
    assert res.nfev == 120 and res.x[0] <= 3
    assert 0 < res.nfail == len(failed_rows) < 120
    assert all(row[0] > 3 for row in failed_rows)


@pytest.mark.parametrize("policy", ["inf", "retry"])
def test_programming_errors_raise_at_once_under_every_policy(policy, tmp_path, monkeypatch):
    """A wrong shape, a NameError, a forgotten return: the first evaluation fails, the run
    raises at once (issue 11.9) instead of spending its budget on +inf, and nothing is saved."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    calls = []

    def no_return(x):
        calls.append(1)
        np.sum(x)

    def typo(x):
        calls.append(1)
        return undefined_name  # noqa: F821

    for fun, vectorized in ((lambda X: np.zeros(3), True), (no_return, False), (typo, False)):
        calls.clear()
        with pytest.raises(metaopt.EvaluationError, match="first evaluation") as info:
            metaopt.minimize(fun, BOUNDS, method="de", budget=40, pop_size=10,
                             vectorized=vectorized, on_error=policy,
                             **({"retries": 1} if policy == "retry" else {}))
        assert info.value.programming_error and info.value.checkpoint is None
        assert len(calls) <= 1  # the rest of the batch was not evaluated
    assert list(tmp_path.iterdir()) == []


def test_a_value_that_is_not_a_number_is_a_failure_not_inf():
    """None (a forgotten return), a list holding None, a string, a complex number: failures
    under the policy, counted; NaN and inf returned on purpose stay +inf, not failures."""
    nones, calls = [], []

    def sometimes_none(x):
        calls.append(1)
        if x[0] > 2 and len(calls) > 1:  # the run's first evaluation succeeds
            nones.append(1)
            return None
        return float(np.sum(x ** 2))

    res = metaopt.minimize(sometimes_none, BOUNDS, method="de", budget=100, rng=3, pop_size=10,
                           on_error="inf")
    assert res.nfail == len(nones) > 0 and np.isfinite(res.fun)
    calls.clear()
    with pytest.raises(metaopt.EvaluationError, match="None"):
        metaopt.minimize(sometimes_none, BOUNDS, method="de", budget=100, rng=3, pop_size=10)

    def holes(X):
        out = list(np.sum(X ** 2, axis=1))
        out[-1] = None
        return out

    res = metaopt.minimize(holes, BOUNDS, method="de", budget=100, rng=0, pop_size=10,
                           vectorized=True, on_error="inf")
    assert res.nfail == 10  # the last row of each of the 10 batches
    for bad in ("1.5", 1 + 2j):
        with pytest.raises(metaopt.EvaluationError, match="not a"):
            metaopt.minimize(lambda x, bad=bad: bad, BOUNDS, method="de", budget=100,
                             pop_size=10)
    nan = metaopt.minimize(lambda x: np.nan if x[0] > 0 else 1.0, BOUNDS, method="de",
                           budget=100, rng=0, pop_size=10)
    assert nan.nfail == 0 and nan.fun == 1.0


def test_same_failures_with_process_workers():
    serial = metaopt.minimize(Counting(), BOUNDS, method="de", budget=120, rng=0, pop_size=12,
                              on_error="inf")
    parallel = metaopt.minimize(Counting(), BOUNDS, method="de", budget=120, rng=0,
                                pop_size=12, on_error="inf", workers=2)
    np.testing.assert_array_equal(serial.x, parallel.x)
    assert serial.nfail == parallel.nfail


def hangs_in_corner(x):
    if x[0] > 3.5:
        time.sleep(60)
    return float(np.sum(x**2))


def test_hanging_evaluations_time_out():
    t = time.perf_counter()
    res = metaopt.minimize(hangs_in_corner, BOUNDS, method="de", budget=40, rng=0, pop_size=10,
                           workers=2, timeout=0.5, on_error="inf")
    assert res.nfev == 40 and res.nfail > 0 and res.x[0] <= 3.5
    assert time.perf_counter() - t < 40
    with pytest.raises(metaopt.EvaluationError, match="TimeoutError|EvaluationTimeout"):
        metaopt.minimize(hangs_in_corner, BOUNDS, method="de", budget=40, rng=0, pop_size=10,
                         workers=2, timeout=0.5)


@pytest.mark.parametrize("kwargs, exc, words", [
    (dict(on_error="ignore"), ValueError, "on_error must be one of"),
    (dict(retries=-1, on_error="retry"), ValueError, "retries must be >= 0"),
    (dict(retries=3), ValueError, "retries=3 is for on_error='retry'"),
    (dict(timeout=0), ValueError, "timeout must be > 0"),
])
def test_bad_policy_arguments(kwargs, exc, words):
    with pytest.raises(exc) as info:
        metaopt.minimize(lambda x: 0.0, BOUNDS, method="de", budget=100, pop_size=10, **kwargs)
    assert words in str(info.value)


@pytest.mark.parametrize("policy", ["raise", "inf", "retry"])
def test_nan_is_plus_inf_under_every_policy(policy):
    def f(x):
        return np.nan if x[1] < 0 else float(np.sum(x**2))

    res = metaopt.minimize(f, BOUNDS, method="lshade", budget=300, rng=0, pop_size=12,
                           on_error=policy)
    assert res.nfev == 300 and res.nfail == 0 and res.x[1] >= 0 and np.isfinite(res.fun)


def test_hang_under_retry_is_tried_again_then_counted():
    res = metaopt.minimize(hangs_in_corner, BOUNDS, method="de", budget=20, rng=0, pop_size=10,
                           workers=2, timeout=0.5, on_error="retry", retries=1)
    assert res.nfev == 20 and res.nfail > 0 and res.x[0] <= 3.5


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_keeps_the_finished_evaluations_of_the_batch_with_any_worker_count(tmp_path,
                                                                                  workers):
    import _thread
    import threading

    from metaopt.checkpoint import load_checkpoint

    calls = []
    lock = threading.Lock()

    def f(x):
        with lock:
            calls.append(1)
            n = len(calls)
        if n == 40 + 30:  # in the second batch of 40, after 29 of its evaluations
            _thread.interrupt_main()
            import time
            time.sleep(0.5)
        return float(np.sum((x - 0.3) ** 2))

    path = tmp_path / "run.ckpt"
    kw = dict(method="de", pop_size=40, budget=200, rng=0, workers=workers,
              backend="threads", checkpoint=path, checkpoint_every=1)
    with pytest.raises(KeyboardInterrupt):
        metaopt.minimize(f, [(-1.0, 1.0)] * 3, **kw)
    pending = load_checkpoint(path)["pending"]
    assert pending is not None and pending["done"].sum() >= 20  # most of the batch is kept
    spent = len(calls)
    resumed = metaopt.minimize(f, [(-1.0, 1.0)] * 3, resume=path, **kw)
    assert resumed.nfev == 200
    assert len(calls) - spent == 200 - 40 - pending["done"].sum()  # none evaluated twice
