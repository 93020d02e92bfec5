"""CMA-ES: each generation equals the tutorial's equations written out in numpy, its default
parameters, restarts with their reasons, and the functions it solves."""

import numpy as np
import pytest

import metaopt
from metaopt.algorithms.cmaes import pairwise_order
from metaopt.algorithms.cmaes_parameters import strategy_parameters
from metaopt.kernels import cmaes as K

from . import reference as R


def ellipsoid(X):
    return np.sum(10 ** (6 * np.arange(X.shape[1]) / (X.shape[1] - 1)) * (X - 0.3) ** 2, axis=1)


@pytest.mark.parametrize("diagonal", [False, True])
def test_each_generation_equals_the_tutorial_equations(diagonal):
    opt = metaopt.CMAES([(-1.0, 1.0)] * 6, rng=0, restarts=None, diagonal=diagonal)
    for _ in range(12):
        inv_sqrt = np.diag(1 / opt.D) if diagonal else (opt.B / opt.D) @ opt.B.T
        before = (opt.mean_unit.copy(), opt.sigma_unit, opt.C.copy(), opt.ps.copy(),
                  opt.pc.copy(), opt.g)
        X = opt.ask()
        f = ellipsoid(X)
        Y = opt._Y.copy()
        opt.tell(X, f)
        ranks = np.empty(len(f))  # the tutorial's ranking, under pairwise selection
        ranks[R.pairwise_order(f, len(f))] = np.arange(len(f))
        m, sigma, C, ps, pc = R.cma_generation(
            before[0], before[1], before[2], inv_sqrt, before[3], before[4], before[5], Y,
            ranks, *opt.params, diagonal)
        np.testing.assert_allclose(opt.mean_unit, m, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(opt.sigma_unit, sigma, rtol=1e-12)
        np.testing.assert_allclose(opt.ps, ps, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(opt.pc, pc, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(opt.C, C, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("lam, n", [(10, 10), (11, 4), (30, 4), (2, 1), (3, 1), (7, 40)])
def test_mirrored_orthogonal_steps_equal_their_numpy_transcription(lam, n):
    G = np.random.default_rng(lam * n).standard_normal((lam - lam // 2, n))
    Z = K.mirrored_orthogonal(G, lam)
    np.testing.assert_allclose(Z, R.mirrored_orthogonal(G, lam), rtol=1e-10, atol=1e-12)
    k = G.shape[0]
    np.testing.assert_allclose(Z[k:], -Z[: lam - k])  # mirrored pairs
    np.testing.assert_allclose(np.linalg.norm(Z[:k], axis=1), np.linalg.norm(G, axis=1))
    block = Z[: min(k, n)] / np.linalg.norm(Z[: min(k, n)], axis=1)[:, None]
    np.testing.assert_allclose(block @ block.T, np.eye(len(block)), atol=1e-12)


@pytest.mark.parametrize("lam", [2, 3, 4, 7, 10, 11, 40])
def test_pairwise_selection_equals_its_transcription_and_never_selects_both_mirrors(lam):
    rng = np.random.default_rng(lam)
    for case in range(50):
        f = rng.integers(0, 4, lam).astype(float) if case % 2 else rng.standard_normal(lam)
        order = pairwise_order(f, lam)
        np.testing.assert_array_equal(order, R.pairwise_order(f, lam))
        assert sorted(order) == list(range(lam))
        k, mu = lam - lam // 2, lam // 2
        chosen = set(order[:mu].tolist())
        assert not any(i in chosen and k + i in chosen for i in range(lam // 2))


def test_pairwise_selection_keeps_the_step_size_on_a_random_function():
    """Auger, Brockhoff & Hansen (2011): ranked together, mirrored pairs shrink sigma where
    selection carries no information (here log10(sigma/sigma0) fell to -3.8 at n = lambda =
    10 after 300 generations); with pairwise selection it stays near its start."""
    drift = []
    for seed in range(5):
        opt = metaopt.CMAES([(-1e6, 1e6)] * 10, pop_size=10, rng=seed, restarts=None,
                            sigma0=200.0)
        sigma0, noise = opt.sigma_unit, np.random.default_rng(100 + seed)
        for _ in range(300):
            X = opt.ask()
            opt.tell(X, noise.random(len(X)))
        drift.append(np.log10(opt.sigma_unit / sigma0))
    assert -1.0 < np.median(drift) < 1.5


def test_gaussian_sampling_draws_independent_steps():
    opt = metaopt.CMAES([(-1.0, 1.0)] * 4, rng=3, sampling="gaussian", restarts=None)
    opt.ask()
    Z = np.random.default_rng(3).standard_normal((opt.lam, 4))
    np.testing.assert_allclose(opt._Y, Z * opt.D)  # C = I at the start
    with pytest.raises(ValueError, match="sampling"):
        metaopt.CMAES([(-1.0, 1.0)] * 4, sampling="sobol")


def test_default_parameters_are_the_tutorials():
    p = strategy_parameters(10, 10)
    assert p.mu == 5 and p.weights[:5].sum() == pytest.approx(1.0)
    assert p.mueff == pytest.approx(3.1672, abs=1e-4)
    assert p.cs == pytest.approx((p.mueff + 2) / (10 + p.mueff + 5))
    assert p.c1 == pytest.approx(2 / (11.3 ** 2 + p.mueff))
    assert np.all(p.weights[5:] < 0)  # active
    assert metaopt.CMAES([(0, 1)] * 10, rng=0).lam == 4 + int(3 * np.log(10))


def test_reflection_keeps_samples_in_the_box():
    X = np.array([[-0.3, 1.2, 2.5, 0.4, -1.7, 3.0]])
    np.testing.assert_allclose(K.reflect_into_box(X), [[0.3, 0.8, 0.5, 0.4, 0.3, 1.0]])
    X = np.random.default_rng(0).normal(0.5, 3.0, (50, 7))
    folded = np.mod(X, 2.0)
    np.testing.assert_array_equal(K.reflect_into_box(X), np.where(folded > 1, 2 - folded,
                                                                   folded))


def test_samples_are_the_mean_plus_sigma_times_the_rotated_scaled_steps():
    opt = metaopt.CMAES([(-1.0, 1.0)] * 5, rng=1, restarts=None)
    for _ in range(3):  # after a few updates B and D are no longer the identity
        X = opt.ask()
        opt.tell(X, ellipsoid(X))
    G = np.random.default_rng(7).standard_normal((3, 5))
    Z = R.mirrored_orthogonal(G, 6)
    Y, X, U = K.cma_sample(G, 6, True, opt.B, opt.D, opt.mean_unit, opt.sigma_unit)
    np.testing.assert_allclose(Y, (Z * opt.D) @ opt.B.T, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(X, opt.mean_unit + opt.sigma_unit * Y, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(U, K.reflect_into_box(X))


@pytest.mark.parametrize("restarts", ["ipop", "bipop"])
def test_restarts_are_recorded_with_their_reasons(restarts):
    res = metaopt.minimize(lambda X: np.sum(X ** 2, axis=1), [(-5, 5)] * 3, method="cmaes",
                           budget=6000, rng=0, vectorized=True, restarts=restarts)
    assert len(res.restarts) >= 2
    assert all(r["reason"] in ("tolfun", "tolhistfun", "tolx", "noeffectaxis",
                               "noeffectcoord", "conditioncov", "stagnation", "maxiter",
                               "tolupsigma", "tolflatfitness")
               for r in res.restarts)
    sizes = [r["pop_size"] for r in res.restarts]
    if restarts == "ipop":
        assert sizes == [7 * 2 ** i for i in range(len(sizes))]  # 4 + floor(3 ln 3) = 7


@pytest.mark.parametrize("restart_from", ["x0", "random"])
def test_restarts_begin_at_x0_or_at_a_random_point(restart_from):
    opt = metaopt.CMAES([(-5.0, 5.0)] * 3, x0=[1.0, -2.0, 0.5], rng=0, restart_from=restart_from)
    start = opt.mean_unit.copy()
    np.testing.assert_allclose(opt.space.decode(start[None, :])[0], [1.0, -2.0, 0.5])
    for _ in range(5):
        X = opt.ask()
        opt.tell(X, np.sum(X ** 2, axis=1))
    opt._restart("tolfun")
    assert opt.restart_reason == ["tolfun"] and opt.lam < 2 * opt.default_lam + 1
    assert np.array_equal(opt.mean_unit, start) == (restart_from == "x0")


def test_without_restarts_a_converged_run_ends_and_says_why():
    res = metaopt.minimize(lambda X: np.sum(X ** 2, axis=1), [(-5, 5)] * 3, method="cmaes",
                           budget=100_000, rng=0, vectorized=True, restarts=None)
    assert res.nfev < 100_000 and res.message.startswith("CMA-ES stopped")
    assert res.fun < 1e-12


def test_solves_a_rotated_ill_conditioned_problem_l_shade_struggles_with():
    from problems import make_function

    f = make_function("ellipsoid", 10, rng=1, shift=True)
    res = metaopt.minimize(f, f.bounds, method="cmaes", budget=10_000, rng=0, vectorized=True)
    assert res.fun - f.f_opt < 1e-8


def _stop_code_reference(mean, sigma, sigma0, pc, variances, B, D, g, tolx, tolcond):
    """Hansen's (2009) distribution tests in plain numpy, in the kernel's order."""
    stds = np.sqrt(variances)
    if max(np.max(np.abs(sigma * pc)), np.max(sigma * stds)) < tolx * sigma0:
        return K.TOLX
    if B.shape[0] and np.all(mean == mean + 0.1 * sigma * D[g % len(mean)] * B[:, g % len(mean)]):
        return K.NOEFFECTAXIS
    if np.any(mean == mean + 0.2 * sigma * stds):
        return K.NOEFFECTCOORD
    if (D.max() / D.min()) ** 2 > tolcond:
        return K.CONDITIONCOV
    return 0


def test_stop_code_kernel_equals_the_reference_and_takes_its_tolerances():
    rng = np.random.default_rng(0)
    codes = set()
    for case in range(400):
        n = int(rng.integers(2, 6))
        Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
        D = 10.0 ** rng.uniform(-8, 0, n) if case % 2 else np.ones(n)
        mean = rng.uniform(-1, 1, n)
        sigma = 10.0 ** rng.uniform(-18, 0)
        pc = rng.standard_normal(n) * 10.0 ** rng.uniform(-6, 0)
        args = (mean, sigma, 1.0, pc, D ** 2, Q, D, int(rng.integers(0, 50)),
                10.0 ** rng.uniform(-14, -6), 10.0 ** rng.uniform(2, 16))
        code = K.cma_stop_code(*args)
        assert code == _stop_code_reference(*args)
        codes.add(code)
    assert codes == {0, K.TOLX, K.NOEFFECTAXIS, K.NOEFFECTCOORD, K.CONDITIONCOV}


def test_stopping_tolerances_are_named_options():
    def flat(X):
        return np.round(np.sum(X ** 2, axis=1), 1)

    loose = metaopt.minimize(flat, [(-3, 3)] * 3, method="cmaes", budget=3000, rng=0,
                             vectorized=True, tolfun=1.0, tolfunhist=1.0, restarts=None,
                             tolflatfitness=10**6)
    assert "tolfun" in loose.message or "tolhistfun" in loose.message
    assert loose.nfev < 3000
    with pytest.raises(ValueError, match="tolconditioncov"):
        metaopt.CMAES([(-1, 1)] * 2, tolconditioncov=0.5)


def _plateau_then_flat(opt, improving, plateau):
    """Drive ``opt`` with values that improve for ``improving`` generations, then stay at one
    best value while the median stays put; return the generation Stagnation fired (or None)."""
    for g in range(improving + plateau):
        X = opt.ask()
        level = max(improving - g, 0)
        f = level + np.linspace(0.0, 1.0, len(X))  # never flat: best < the 0.75 quantile
        opt.tell(X, f)
        if opt.restart_reason:
            return g + 1, opt.restart_reason[0]
    return None, None


def test_stagnation_looks_at_the_last_fifth_of_the_run():
    """Hansen (2009): the histories of the last 20% of the run (at least 120 + 30 n / lambda
    generations): after G improving generations it fires once the plateau fills the recent
    and the early 30% of that window, after about G/4 plateau generations (not 0.3 G)."""
    n, lam = 10, 10
    shortest = 120 + 30 * n / lam
    opt = metaopt.CMAES([(-1e9, 1e9)] * n, pop_size=lam, rng=0, tolfun=0, tolfunhist=0,
                        tolx=0, sigma0=1e6)
    fired, reason = _plateau_then_flat(opt, 2000, 2000)
    assert reason == "stagnation"
    window = 0.2 * fired
    # the plateau must cover the window's first 30% (the medians then equal): fired - 2000
    # >= window, give or take the median's half-span
    assert 0.8 * window <= fired - 2000 <= window + 1 and window > shortest


def test_flat_fitness_and_tolupsigma_stop_a_run():
    opt = metaopt.CMAES([(-1, 1)] * 4, rng=0, restarts=None, tolflatfitness=2)
    while not opt.converged and opt.nit < 10:
        X = opt.ask()
        opt.tell(X, np.ones(len(X)))
    assert opt.nit == 3 and "tolflatfitness" in opt.converged  # more than 2 flat ones
    opt = metaopt.CMAES([(-1, 1)] * 4, rng=0, restarts=None, tolupsigma=10.0)
    X = opt.ask()
    opt.tell(X, np.arange(len(X), dtype=float))
    f = np.arange(opt.lam, dtype=float)
    assert opt._stop_reason(f) is None
    opt.sigma_unit, opt.D = 9.0 * opt.sigma_start, np.full(4, 0.5)  # sigma up while C shrinks
    assert opt._stop_reason(f) == "tolupsigma"
    opt.D = np.full(4, 0.95)
    assert opt._stop_reason(f) is None


def test_bipop_counts_the_first_run_as_small_and_caps_small_runs_at_half_the_large():
    """pycma's fmin with bipop: the first run's evaluations go to the small budget, so the
    second run is large (twice the population); a small run spends at most half what the
    large runs have spent."""
    res = metaopt.minimize(lambda X: np.sum(X ** 2, axis=1) + 0.0 * X[:, 0], [(-5, 5)] * 4,
                           method="cmaes", budget=20_000, rng=0, vectorized=True,
                           restarts="bipop", tolfun=1e-3, tolfunhist=1e-3)
    sizes = [r["pop_size"] for r in res.restarts]
    lam0 = 4 + int(3 * np.log(4))
    assert sizes[0] == lam0 and sizes[1] == 2 * lam0
    opt = metaopt.CMAES([(-5, 5)] * 4, rng=1)
    opt.evals_small, opt.evals_large, opt.large_restarts = 10, 400, 1
    opt.nfev = opt.run_start = 410
    opt._restart("tolfun")  # small < large: a small run, capped at 200 evaluations
    assert opt.regime_small and 0 < opt.run_budget <= 200


def rosenbrock(X):
    X = np.atleast_2d(X)
    return np.sum(100 * (X[:, 1:] - X[:, :-1] ** 2) ** 2 + (1 - X[:, :-1]) ** 2, axis=1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_unbounded_rosenbrock_is_solved_within_pycmas_evaluations(seed):
    """No box: x0 = 0, sigma0 = 0.5 in the variables' units, d = 10. pycma 4.4
    (CMAEvolutionStrategy(zeros(10), 0.5), ftarget 1e-8, seeds 1-3) needed 4,610-4,850
    evaluations; 1.2 times their median is 5,640."""
    res = metaopt.minimize(rosenbrock, None, method="cmaes", x0=np.zeros(10), sigma0=0.5,
                           budget=5640, rng=seed, vectorized=True, target=1e-8)
    assert res.success and res.fun <= 1e-8 and res.nfev <= 5640
    np.testing.assert_allclose(res.x, np.ones(10), atol=1e-3)


def test_without_bounds_the_search_travels_far_from_x0():
    far = np.array([1e4, -3e4, 2e4])
    res = metaopt.minimize(lambda X: np.sum((X - far) ** 2, axis=1), [(-np.inf, np.inf)] * 3,
                           x0=np.zeros(3), sigma0=1.0, budget=6000, rng=0, vectorized=True)
    assert res.method.startswith("cmaes") and res.fun < 1e-8
    np.testing.assert_allclose(res.x, far, rtol=1e-9)


def test_infinite_and_finite_bounds_mix_and_a_box_still_holds_its_columns():
    res = metaopt.minimize(lambda X: np.sum((X - [50.0, 3.0]) ** 2, axis=1),
                           [(-np.inf, np.inf), (-1.0, 1.0)], method="cmaes", x0=[0.0, 0.0],
                           sigma0=0.3, budget=3000, rng=0, vectorized=True)
    assert res.x[0] == pytest.approx(50.0, abs=1e-6) and res.x[1] == pytest.approx(1.0)
    assert np.all(np.abs(res.trials.x[:, 1]) <= 1.0)


def test_a_search_without_bounds_says_what_it_needs():
    sphere = lambda X: np.sum(X ** 2, axis=1)  # noqa: E731
    with pytest.raises(ValueError, match="x0"):
        metaopt.minimize(sphere, None, method="cmaes", sigma0=1.0, vectorized=True)
    with pytest.raises(ValueError, match="sigma0"):
        metaopt.minimize(sphere, None, method="cmaes", x0=[0.0, 0.0], vectorized=True)
    with pytest.raises(ValueError, match=r"method='de' searches a box.*cmaes.*snes"):
        metaopt.minimize(sphere, None, method="de", x0=[0.0, 0.0], sigma0=1.0)
    with pytest.raises(ValueError, match="one side only"):
        metaopt.minimize(sphere, [(0.0, np.inf)] * 2, x0=[1.0, 1.0], sigma0=1.0)
    with pytest.raises(ValueError, match="restart_from"):
        metaopt.CMAES(None, x0=[0.0], sigma0=1.0, restart_from="random")


def test_mean_sigma_and_stds_are_in_the_variables_units_and_stop_says_why():
    """pycma's habits: sigma0 in the variables' units (here 2 on [-5, 5]: 0.2 of the range;
    on [0, 100] a tenth as much of it), the search isotropic in those units, mean and sigma
    reported in them, and stop() giving the criteria met."""
    opt = metaopt.CMAES([(-5, 5), (0, 100)], x0=[1.0, 40.0], sigma0=2.0, rng=0, restarts=None,
                        budget=4000)
    np.testing.assert_allclose(opt.mean, [1.0, 40.0])
    assert opt.sigma == pytest.approx(2.0)
    np.testing.assert_allclose(opt.stds, [2.0, 2.0])
    assert opt.stop() == {}
    while not opt.stop():
        X = opt.ask()
        opt.tell(X, (X[:, 0] - 2) ** 2 + (X[:, 1] - 50) ** 2)
    met = opt.stop()
    assert met and (opt.converged or "maxfevals" in met)
    np.testing.assert_allclose(opt.mean, [2.0, 50.0], atol=1e-5)
    default = metaopt.CMAES([(-5, 5), (0, 100)], rng=0)
    np.testing.assert_allclose(default.stds, [2.0, 20.0])  # a fifth of each range


def test_the_margin_keeps_each_neighbouring_level_within_reach():
    """After the correction (Hamano et al. 2022), the marginal normal N(m, (scale A)^2) puts
    at least alpha/2 beyond each boundary of the mean's cell (alpha beyond the one inner
    boundary of an edge level), whatever the mean and the scale were."""
    from scipy.stats import norm

    from metaopt.algorithms.cmaes_margin import margin_correction

    rng = np.random.default_rng(0)
    for _ in range(200):
        k = 6
        levels = rng.integers(2, 12, k).astype(float)
        mean, A = rng.uniform(0, 1, k), rng.uniform(0.5, 2, k)
        scale, alpha = 10.0 ** rng.uniform(-8, -1, k), 10.0 ** rng.uniform(-3, -1)
        new_mean, new_A = margin_correction(mean, A, scale, levels, alpha)
        level = np.clip(np.floor(mean * levels), 0, levels - 1)
        spread = scale * new_A
        for j in range(k):
            L, cell = levels[j], level[j]
            below = norm.cdf((cell / L - new_mean[j]) / spread[j]) if cell > 0 else None
            above = norm.sf(((cell + 1) / L - new_mean[j]) / spread[j]) if cell < L - 1 \
                else None
            if below is not None and above is not None:  # an inner level: both sides
                assert min(below, above) >= alpha / 2 * (1 - 1e-6)
            else:  # an edge level: its one neighbour
                tail = below if below is not None else above
                assert tail >= alpha * (1 - 1e-6) or tail > 0.5
    # with a wide distribution nothing changes on the sides
    m, a = margin_correction(np.array([0.55]), np.array([1.0]), np.array([0.3]),
                             np.array([10.0]), 1e-3)
    assert a[0] > 0 and np.isfinite(m[0])


def _ellipsoid_and_integers(X):
    X = np.asarray(X, float)
    xr, z = X[:, :5], X[:, 5:]
    return np.sum(10 ** (6 * np.arange(5) / 4) * xr ** 2, axis=1) + np.sum(np.abs(z - 7), axis=1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_with_the_margin_integer_coordinates_never_freeze(seed):
    """Five reals (an ellipsoid) and five integers in [-20, 20] (|z - 7|): without the margin
    the reals shrink sigma until the integers freeze where they are (6,000 evaluations, one
    run: f = 3 to 39 over seeds 0-5); with it every integer reaches 7."""
    space = metaopt.Space([metaopt.Real(-5, 5)] * 5 + [metaopt.Integer(-20, 20)] * 5)
    res = metaopt.minimize(_ellipsoid_and_integers, space, method="cmaes", budget=6000,
                           rng=seed, vectorized=True, restarts=None)
    np.testing.assert_array_equal(res.x[5:], 7)
    assert res.fun < 1e-6
    frozen = metaopt.minimize(_ellipsoid_and_integers, space, method="cmaes", budget=6000,
                              rng=seed, vectorized=True, restarts=None, margin=0)
    assert frozen.fun > res.fun


@pytest.mark.parametrize("method, step, budget", [
    ("cmaes", {"sigma0": 0.5}, 6000), ("snes", {"sigma": 0.5}, 6000),
    ("openai_es", {"sigma": 0.5, "lr": 0.5}, 20_000)])  # Adam moves about lr a generation
def test_a_search_without_bounds_resumes_exactly_and_travels(method, step, budget, tmp_path):
    """The evolution strategies search without bounds too; their state (a mean far outside
    the first frame) checkpoints and resumes bit for bit."""
    far = np.array([40.0, -25.0, 15.0])

    def shifted(X):
        return np.sum((X - far) ** 2, axis=1)

    kw = dict(method=method, x0=np.zeros(3), budget=budget, rng=0, vectorized=True, **step)
    full = metaopt.minimize(shifted, None, **kw)
    path = tmp_path / "run.ckpt"
    metaopt.minimize(shifted, None, maxiter=40, checkpoint=path, **kw)
    resumed = metaopt.minimize(shifted, None, resume=path, **kw)
    np.testing.assert_array_equal(full.x, resumed.x)
    assert full.fun == resumed.fun and full.nfev == resumed.nfev == budget
    assert full.fun < 1e-3 and np.abs(full.x - far).max() < 0.05
