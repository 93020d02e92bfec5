"""Failures seen, resumes that work, and the boundary between engine and algorithms
(issues 10 and 11): each test failed before its fix."""

import ast
import os
import pathlib
import threading
import warnings

import numpy as np
import pytest

import metaopt
from metaopt import REGISTRY, CheckpointError, EvaluationError
from metaopt.checkpoint import load_checkpoint

BOUNDS = [(-5.0, 5.0)] * 3
ROOT = pathlib.Path(__file__).resolve().parents[1]


def sphere(X):
    return np.sum((X - 0.5) ** 2, axis=1)


def test_engine_and_checkpoint_use_no_private_attribute_of_another_object():
    for name in ("engine.py", "checkpoint.py", "checkpointer.py", "termination.py"):
        tree = ast.parse((ROOT / "metaopt" / name).read_text())
        private = [
            (node.lineno, node.attr) for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and not (isinstance(node.value, ast.Name) and node.value.id == "self")
        ]
        assert private == [], f"{name} reaches into private attributes: {private}"


@pytest.mark.parametrize("method", sorted(REGISTRY))
def test_state_dict_round_trip_continues_bit_for_bit(method):
    def fresh(seed):
        return REGISTRY[method](BOUNDS, rng=seed, budget=2000)

    a = fresh(0)
    for _ in range(3):
        X = a.ask()
        a.tell(X, sphere(X))
    b = fresh(123)  # another seed: everything comes from the state
    b.load_state_dict(a.state_dict())
    for _ in range(3):
        X, Y = a.ask(), b.ask()
        np.testing.assert_array_equal(X, Y)
        a.tell(X, sphere(X))
        b.tell(Y, sphere(Y))
    assert a.best_fun == b.best_fun and a.nfev == b.nfev


@pytest.mark.parametrize("method", sorted(REGISTRY))
def test_every_method_runs_with_its_defaults_and_asks_batch_size_rows(method):
    opt = REGISTRY[method](BOUNDS, rng=0, budget=5000)
    for _ in range(3):
        n = opt.batch_size
        X = opt.ask()
        assert X.shape == (n, 3)
        opt.tell(X, sphere(X))
    res = metaopt.minimize(sphere, BOUNDS, method=method, budget=3000, rng=0, vectorized=True)
    assert res.nfev == 3000 and np.isfinite(res.fun)


def test_a_single_row_batch_that_raises_is_a_failure_not_inf():
    def bad(X):
        raise RuntimeError("broken")

    with pytest.raises(EvaluationError, match="broken"):
        metaopt.minimize(bad, BOUNDS, method="ils", pop_size=1, budget=50, rng=0,
                         vectorized=True)

    calls = []

    def fails_after_first(X):
        calls.append(len(X))
        if len(calls) > 1:
            raise RuntimeError("broken")
        return sphere(X)

    res = metaopt.minimize(fails_after_first, BOUNDS, method="ils", pop_size=1, budget=20,
                           rng=0, vectorized=True, on_error="inf")
    assert res.nfail == 19 and not np.isinf(res.fun)


@pytest.mark.parametrize("method", sorted(REGISTRY))
def test_resuming_a_finished_run_returns_it_and_a_larger_budget_continues(method, tmp_path):
    path = tmp_path / "run.ckpt"
    kw = dict(method=method, rng=0, vectorized=True, checkpoint=path)
    done = metaopt.minimize(sphere, BOUNDS, budget=300, **kw)
    calls = []

    def counting(X):
        calls.append(len(X))
        return sphere(X)

    again = metaopt.minimize(counting, BOUNDS, budget=300, resume=path, **kw)
    assert calls == [] and again.nfev == done.nfev and again.fun == done.fun
    more = metaopt.minimize(counting, BOUNDS, budget=600, resume=path, **kw)
    assert more.nfev == 600 and sum(calls) == 300 and more.fun <= done.fun


@pytest.mark.parametrize("rule", [dict(target=0.5), dict(stagnation=2), dict(maxiter=3)])
def test_a_run_stopped_by_a_rule_is_not_changed_by_resuming(rule, tmp_path):
    path = tmp_path / "run.ckpt"
    kw = dict(method="de", rng=1, vectorized=True, budget=5000, pop_size=10, checkpoint=path,
              **rule)
    first = metaopt.minimize(sphere, BOUNDS, **kw)
    again = metaopt.minimize(sphere, BOUNDS, resume=path, **kw)
    assert (again.nfev, again.fun, again.nit) == (first.nfev, first.fun, first.nit)


def test_resume_true_starts_or_continues_and_the_first_save_follows_the_first_batch(tmp_path):
    path = tmp_path / "job.ckpt"
    seen = []

    def watch(intermediate_result):
        seen.append(load_checkpoint(path)["optimizer"]["attributes"]["nfev"])
        return True

    kw = dict(method="de", rng=0, vectorized=True, pop_size=10, checkpoint=path, resume=True)
    stopped = metaopt.minimize(sphere, BOUNDS, budget=200, callback=watch, **kw)
    assert seen == [10] and stopped.nfev == 10  # saved at once, not after 60 s
    full = metaopt.minimize(sphere, BOUNDS, budget=200, **kw)
    straight = metaopt.minimize(sphere, BOUNDS, budget=200, method="de", rng=0,
                                vectorized=True, pop_size=10)
    assert full.nfev == 200 and full.fun == straight.fun
    with pytest.raises(ValueError, match="checkpoint"):
        metaopt.minimize(sphere, BOUNDS, budget=200, method="de", resume=True)


def test_callback_truthy_values_stop_as_in_scipy():
    for value in (np.bool_(True), 1, "yes"):
        res = metaopt.minimize(sphere, BOUNDS, method="de", budget=500, rng=0,
                               vectorized=True, pop_size=10, callback=lambda xk, *, v=value: v)
        assert res.nit == 1 and "callback" in res.message


@pytest.mark.parametrize("path", ["", "missing-folder/run.ckpt", "."])
def test_bad_checkpoint_paths_are_refused_before_any_work(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    calls = []
    with pytest.raises(ValueError, match="checkpoint"):
        metaopt.minimize(lambda X: calls.append(1) or sphere(X), BOUNDS, method="de",
                         budget=100, vectorized=True, pop_size=10, checkpoint=path)
    assert calls == []


def test_a_failed_save_warns_keeps_the_previous_checkpoint_and_leaves_no_temporary(tmp_path,
                                                                                    monkeypatch):
    from metaopt import checkpoint as ck

    path = tmp_path / "run.ckpt"
    metaopt.minimize(sphere, BOUNDS, method="de", budget=100, rng=0, vectorized=True,
                     pop_size=10, checkpoint=path)
    before = path.read_bytes()
    real_replace = os.replace

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ck.os, "replace", disk_full)
    with pytest.warns(RuntimeWarning, match="could not save"):
        res = metaopt.minimize(sphere, BOUNDS, method="de", budget=200, rng=1, vectorized=True,
                               pop_size=10, checkpoint=path)
    monkeypatch.setattr(ck.os, "replace", real_replace)
    assert res.nfev == 200 and path.read_bytes() == before
    names = sorted(p.name for p in tmp_path.iterdir())  # the old run's trials file, whole
    assert len(names) == 2 and names[0] == "run.ckpt" and names[1].endswith(".trials")
    again = metaopt.minimize(sphere, BOUNDS, method="de", budget=100, rng=0, vectorized=True,
                             pop_size=10, checkpoint=path, resume=path)
    assert again.nfev == 100 and len(again.trials) == 100  # the kept checkpoint resumes


def test_an_unpicklable_objective_with_workers_is_refused_clearly():
    lock = threading.Lock()

    def holds_lock(x):
        with lock:
            return float(np.sum(x ** 2))

    with pytest.raises(TypeError, match="cannot be sent to worker processes"):
        metaopt.minimize(holds_lock, BOUNDS, method="de", budget=100, pop_size=10, workers=2,
                         on_error="inf")


def _exits_on_some_rows(x):
    import sys

    if x[0] > 3.5:
        os._exit(1)  # the worker dies
    if x[0] < -3.5:
        sys.exit(2)  # SystemExit: a failure of this row only
    return float(np.sum((x - 0.5) ** 2))


def _raises_on_the_same_rows(x):
    if abs(x[0]) > 3.5:
        raise RuntimeError("fails")
    return float(np.sum((x - 0.5) ** 2))


def test_a_worker_that_dies_fails_only_its_own_row():
    kw = dict(method="de", budget=64, rng=0, pop_size=16, on_error="inf")
    parallel = metaopt.minimize(_exits_on_some_rows, BOUNDS, workers=2, **kw)
    serial = metaopt.minimize(_raises_on_the_same_rows, BOUNDS, **kw)
    assert parallel.nfail == serial.nfail > 0
    np.testing.assert_array_equal(parallel.x, serial.x)
    assert parallel.fun == serial.fun


def test_run_gives_its_budget_to_the_optimizer():
    kw = dict(rng=0)
    through_run = metaopt.run(metaopt.LSHADE(BOUNDS, **kw), sphere, budget=3000,
                              vectorized=True)
    through_minimize = metaopt.minimize(sphere, BOUNDS, method="lshade", budget=3000,
                                        vectorized=True, **kw)
    assert through_run.fun == through_minimize.fun
    with pytest.raises(ValueError, match="conflicts"):
        metaopt.run(metaopt.LSHADE(BOUNDS, budget=1000, rng=0), sphere, budget=3000,
                    vectorized=True)
    with pytest.raises(ValueError, match="budget"):
        metaopt.run(metaopt.SA(BOUNDS, rng=0), sphere, vectorized=True)


def test_snes_on_a_single_variable_and_a_permutation():
    assert metaopt.SNES(metaopt.Real(0, 1), rng=0).pop_size == 4
    snes = metaopt.SNES(metaopt.Space([metaopt.Permutation(20)]), rng=0)
    assert snes.pop_size == 4 + int(3 * np.log(20))


def test_a_failed_run_without_checkpoint_saves_to_a_named_temporary_only(tmp_path,
                                                                        monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    calls = []

    def late_failure(X):
        calls.append(1)
        if len(calls) >= 3 and np.any(X[:, 0] > 3):  # the rows beyond x0 = 3, later on
            raise RuntimeError("late")
        return sphere(X)

    with pytest.raises(EvaluationError, match="late") as info:
        metaopt.minimize(late_failure, BOUNDS, method="de", budget=100, rng=0, pop_size=10,
                         vectorized=True)
    saved = os.path.basename(info.value.checkpoint)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2 and names[0] == saved and names[1].startswith(saved + ".") \
        and names[1].endswith(".trials")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resumed = metaopt.minimize(sphere, BOUNDS, method="de", budget=100, rng=0,
                                   pop_size=10, vectorized=True,
                                   resume=info.value.checkpoint)
    assert resumed.nfev == 100


def test_resume_of_a_folder_or_a_number_is_refused():
    with pytest.raises((CheckpointError, TypeError), match="resume"):
        metaopt.minimize(sphere, BOUNDS, method="de", budget=100, vectorized=True, resume=123)
    with pytest.raises(CheckpointError, match="folder"):
        metaopt.minimize(sphere, BOUNDS, method="de", budget=100, vectorized=True, resume=".")


def test_k_point_crossover_always_exchanges_a_segment():
    """Distinct cut points: with k=2 at d=10, every crossed pair swaps a non-empty segment (cut
    points drawn with replacement left 11% of pairs unchanged)."""
    ga = metaopt.GA(metaopt.Binary(10), crossover="kpoint", k_points=2, crossover_rate=1.0,
                    rng=0)
    first, second = np.zeros((5000, 10)), np.ones((5000, 10))
    child, _ = ga._crossover_op(first, second, ga.rng, rate=ga.crossover_rate, k=ga.k_points)
    exchanged = child.sum(axis=1)
    assert np.all((exchanged > 0) & (exchanged < 10))


def test_double_bridge_wakes_the_ends_of_the_new_edges():
    from metaopt.algorithms.ils import kick_endpoints
    from metaopt.kernels.permutation import double_bridge

    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(8, 40))
        tour = rng.permutation(n)
        cuts = np.sort(rng.choice(np.arange(1, n), 3, replace=False))
        kicked = double_bridge(tour[None, :], cuts[None, :])[0]

        def edges(t):
            return {frozenset((int(t[i]), int(t[(i + 1) % n]))) for i in range(n)}  # noqa: B023

        new = edges(kicked) - edges(tour)
        assert set(kick_endpoints(tour, cuts).tolist()) == set().union(*new)


def test_jade_keeps_the_parent_on_ties_and_its_archive_has_no_duplicates():
    def flat(X):
        return np.zeros(len(X))  # every trial ties with its parent

    opt = metaopt.JADE(BOUNDS, pop_size=10, rng=0)
    X = opt.ask()
    opt.tell(X, flat(X))
    first = opt.pop.copy()
    for _ in range(3):
        X = opt.ask()
        opt.tell(X, flat(X))
    np.testing.assert_array_equal(opt.pop, first)
    assert len(opt.archive) == 0
    from metaopt.algorithms._archive import Archive

    archive = Archive(10, 2, overflow="truncate")
    row = np.array([[0.1, 0.2]])
    archive.add(np.vstack([row, row]), np.random.default_rng(0))
    archive.add(row, np.random.default_rng(0))
    assert len(archive) == 1
    assert metaopt.SHADE(BOUNDS, memory_size=7, rng=0).memory_F.size == 7


def test_one_registration_point_feeds_exports_and_the_method_list():
    for name, cls in REGISTRY.items():
        assert getattr(metaopt, cls.__name__) is cls and cls.__name__ in metaopt.__all__
        assert f"- {name} " in metaopt.minimize.__doc__


def test_tell_takes_the_points_it_is_given():
    """A caller who clips what was asked gets the clipped point as best, not the asked one."""
    opt = metaopt.DE(BOUNDS, pop_size=10, rng=0)
    X = opt.ask()
    repaired = np.clip(X, -1.0, 1.0)
    opt.tell(repaired, sphere(repaired))
    assert np.all(np.abs(opt.result().population) <= 1.0)
    np.testing.assert_allclose(opt.result().x, repaired[np.argmin(sphere(repaired))])
    X = opt.ask()
    outside = X.copy()
    outside[2, 0] = 99.0
    with pytest.raises(ValueError, match=r"rows \[2\].*outside the space"):
        opt.tell(outside, sphere(outside))
    for cls in (metaopt.ILS, metaopt.Tabu):
        other = cls(BOUNDS, rng=0, budget=1000)
        X = other.ask()
        changed = X.copy()
        changed[0, 0] = 0.123456
        with pytest.raises(ValueError, match="cannot take repaired points"):
            other.tell(changed, sphere(changed))


def test_tell_refuses_complex_values_and_takes_huge_ones_without_warning():
    opt = metaopt.DE(BOUNDS, pop_size=10, rng=0)
    X = opt.ask()
    with pytest.raises(TypeError, match="real numbers"):
        opt.tell(X, sphere(X) + 1j)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.tell(X, np.full(10, 1.7e308))
    assert opt.best_fun == 1.7e308


def test_snes_updates_with_the_noise_of_the_points_evaluated():
    from metaopt.kernels import es as KE

    opt = metaopt.SNES([(0.0, 1.0)] * 2, sigma=5.0, evaluate_mean=False, rng=0)
    mean, sigma = opt.mean.copy(), opt.sigma.copy()
    X = opt.ask()
    assert np.any((X == 0.0) | (X == 1.0))  # samples were clipped to the box
    f = sphere(X)
    opt.tell(X, f)
    noise = (X - mean) / sigma  # the box is the unit cube: values are unit-cube points
    expected = mean + opt.eta_mu * sigma * (KE.nes_utilities(f) @ noise)
    np.testing.assert_allclose(opt.mean, np.clip(expected, 0, 1))


def test_bad_inputs_get_clear_errors_naming_the_argument():
    f = sphere
    cases = [
        (lambda: metaopt.minimize(f, metaopt.Permutation(3), method="ils", budget=50,
                                  vectorized=True), ValueError, "at least 4 elements"),
        (lambda: metaopt.OpenAIES(BOUNDS, betas=0.9), TypeError, "betas"),
        (lambda: metaopt.OpenAIES(BOUNDS, betas=(0.9,)), TypeError, "betas"),
        (lambda: metaopt.OpenAIES(BOUNDS, pop_size=np.int64(3)), ValueError, "pop_size"),
        (lambda: metaopt.minimize(f, BOUNDS, method="de", budget=50, vectorized=True,
                                  target="0.1"), TypeError, "target"),
        (lambda: metaopt.RandomSearch(BOUNDS, sampler="bad"), ValueError, "sampler="),
        (lambda: metaopt.SNES(BOUNDS, x0="abc"), TypeError, "x0"),
        (lambda: metaopt.SNES(BOUNDS, x0=[np.nan, 0, 0]), ValueError, "x0 must be finite"),
        (lambda: metaopt.SNES(BOUNDS, x0=[9, 0, 0]), ValueError, "x0 must lie in"),
        (lambda: metaopt.minimize(f, BOUNDS, method="de", budget=50, vectorized=True,
                                  retries=3), ValueError, "retries"),
        (lambda: metaopt.minimize(f, BOUNDS, method="de", budget=50, vectorized=True,
                                  progress="yes"), TypeError, "progress"),
        (lambda: metaopt.minimize(f, BOUNDS, method="de", budget=50, vectorized=True,
                                  checkpoint_every=2), ValueError, "checkpoint"),
        (lambda: metaopt.minimize(f, BOUNDS, method="de", budget=50, vectorized=True,
                                  backend="dask", client=42), TypeError, "client"),
        (lambda: metaopt.RandomSearch([(0, 1)] * 21202, sampler="sobol"), ValueError, "21201"),
    ]
    for call, exc, words in cases:
        with pytest.raises(exc, match=words):
            call()


def test_to_json_is_strict_json_and_resume_refuses_other_settings_naming_them(tmp_path):
    import json

    res = metaopt.minimize(lambda X: np.full(len(X), np.inf), BOUNDS, method="de", budget=20,
                           vectorized=True, pop_size=10, on_error="inf")
    record = json.loads(res.to_json(), parse_constant=lambda c: pytest.fail(c))
    assert record["fun"] is None
    path = tmp_path / "run.ckpt"
    metaopt.minimize(sphere, BOUNDS, method="de", budget=100, rng=0, vectorized=True,
                     pop_size=10, checkpoint=path)
    with pytest.raises(CheckpointError, match=r"other settings.*pop_size: saved 10, given 20"):
        metaopt.minimize(sphere, BOUNDS, method="de", budget=200, rng=0, vectorized=True,
                         pop_size=20, checkpoint=path, resume=path)


def test_resuming_a_failed_batch_with_a_budget_below_it(tmp_path):
    calls = []

    def fails_in_second_batch(X):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("once")
        return float(np.sum((X - 0.5) ** 2))

    path = tmp_path / "run.ckpt"
    with pytest.raises(EvaluationError):
        metaopt.minimize(fails_in_second_batch, BOUNDS, method="de", budget=100, rng=0,
                         pop_size=10, checkpoint=path)
    res = metaopt.minimize(sphere, BOUNDS, method="de", budget=15, rng=0, pop_size=10,
                           checkpoint=path, resume=path, vectorized=True)
    assert res.nfev == 15


def test_ctrl_c_saves_every_finished_evaluation_and_resume_runs_only_the_rest(tmp_path):
    path = tmp_path / "run.ckpt"
    calls = []

    def interrupted_at_15(x):
        calls.append(1)
        if len(calls) == 15:
            raise KeyboardInterrupt
        return float(np.sum((x - 0.5) ** 2))

    kw = dict(method="de", budget=60, rng=0, pop_size=10, checkpoint=path)
    with pytest.raises(KeyboardInterrupt):
        metaopt.minimize(interrupted_at_15, BOUNDS, **kw)
    pending = load_checkpoint(path)["pending"]
    assert pending["done"].sum() == 4  # rows 0-3 of the second batch finished
    calls.clear()
    resumed = metaopt.minimize(lambda x: calls.append(1) or float(np.sum((x - 0.5) ** 2)),
                               BOUNDS, resume=path, **kw)
    assert len(calls) == 60 - 14  # the 6 missing rows of that batch, then the rest
    straight = metaopt.minimize(lambda x: float(np.sum((x - 0.5) ** 2)), BOUNDS,
                                **{**kw, "checkpoint": None})
    assert resumed.fun == straight.fun and resumed.nfev == 60


def _exits_rarely(x):
    if x[0] > 4.2:
        os._exit(1)
    return float(np.sum((x - 0.5) ** 2))


def test_asynchronous_runs_survive_a_dying_worker():
    res = metaopt.minimize(_exits_rarely, BOUNDS, method="de", budget=60, rng=0,
                           pop_size=16, workers=2, asynchronous=True, on_error="inf")
    assert res.nfev == 60 and res.nfail > 0 and np.isfinite(res.fun)


def test_a_pool_found_broken_at_submission_is_replaced():
    # The race CI met: a worker dies, and the next submission finds the pool broken before
    # the dead row's future was settled. The submission gets a fresh pool; the dead row,
    # from the old pool, is run again alone and fails by itself; the innocent row succeeds.
    from metaopt.evaluation.policy import BatchEvaluator
    from metaopt.objective import make_objective
    from metaopt.space import as_space

    evaluations = BatchEvaluator(make_objective(_exits_rarely, as_space(BOUNDS)), workers=2,
                                 on_error="inf")
    try:
        dead_x = np.array([[4.5, 0.0, 0.0]])
        dead = evaluations.submit(dead_x)
        evaluations.wait_first([dead])
        fine_x = np.array([[0.5, 0.5, 0.5]])
        fine = evaluations.submit(fine_x)  # raised TerminatedWorkerError before the fix
        assert fine.epoch == dead.epoch + 1
        assert evaluations.settle(dead, dead_x) is None  # resubmitted: its pool was replaced
        assert _settled(evaluations, evaluations.last_future, dead_x) == np.inf
        assert evaluations.nfail == 1
        # the innocent row may have died with the dead row's second pool: then it runs again
        assert _settled(evaluations, fine, fine_x) == 0.0 and evaluations.nfail == 1
    finally:
        evaluations.close()


def _settled(evaluations, future, x):
    """The value of ``future``, following its resubmissions."""
    while True:
        evaluations.wait_first([future])
        value = evaluations.settle(future, x)
        if value is not None:
            return value
        future = evaluations.last_future


def test_silent_slips_now_say_what_they_do():
    # CMA-ES with a step size below the resolution of doubles would restart on one point
    with pytest.raises(ValueError, match="sigma0=1e-30 .* no step would move the mean"):
        metaopt.minimize(sphere, BOUNDS, method="cmaes", sigma0=1e-30, budget=200,
                         vectorized=True)
    # a maximized run's message speaks of the user's target, not its negation
    res = metaopt.minimize(lambda X: -np.sum(X ** 2, axis=1), BOUNDS, method="de", budget=400,
                           rng=0, vectorized=True, maximize=True, target=-0.5)
    assert "target value -0.5 reached" in res.message and res.fun >= -0.5
    # args as a list is unpacked, as scipy's differential_evolution does
    seen = []

    def f(x, a, b):
        seen.append((a, b))
        return float(np.sum((x - a) ** 2)) * b

    metaopt.minimize(f, BOUNDS, method="de", budget=30, rng=0, pop_size=10, args=[0.5, 2.0])
    assert seen[0] == (0.5, 2.0)
