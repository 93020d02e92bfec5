"""CMA-ES with IPOP and BIPOP restarts and a diagonal (separable) variant."""

import math

import numpy as np

from .._checks import check_bool, check_choice, check_int, check_point, check_real
from ..kernels import cmaes as K
from ..space import frame_space, needs_frame
from ..state import Array, Bool, Float, Int, ListOf, Str
from .base import Optimizer
from .sampled import fold_into_box
from .cmaes_margin import default_margin, margin_correction
from .cmaes_noise import (NOISE_CUMULATION, NOISE_EPSILON, alpha_sigma, rank_change_measure,
                          reevaluation_count, reevaluation_indices, values_disagree)
from .cmaes_parameters import default_popsize, strategy_parameters

__all__ = ["CMAES", "DIAGONAL_ABOVE"]

#: With ``diagonal="auto"`` the separable variant runs above this dimension, where a full
#: covariance matrix costs O(n^2) memory and O(n^3) per eigendecomposition
#: (``benchmarks/sep_cma.py``: up to 200 the full matrix reaches a 1.2-2.4x lower error on the
#: rotated ellipsoid and ties on Rosenbrock and Rastrigin, at 5-50x the time).
DIAGONAL_ABOVE = 200
RESTARTS = (None, "ipop", "bipop")
#: The default initial step: this fraction of each variable's range (pycma's sigma0 of 2 in
#: [-5, 5]).
DEFAULT_SIGMA0 = 0.2
#: The smallest initial step (a fraction of a range): 0.2 sigma0 must move a mean of order 1,
#: whose doubles are 1.1e-16 apart.
SIGMA0_MIN = 1e-14
SAMPLINGS = ("orthogonal", "gaussian")
NOISE_HANDLINGS = (False, True, "auto")
#: The re-evaluations that make the baseline of a run's noise model (and the moving averages'
#: span) in :meth:`CMAES._classify_noise`.
NOISE_WINDOW = 5
#: The longest history the Stagnation test looks at (Hansen 2009).
STAGNATION_MAX = 20_000
STOP_REASONS = {K.TOLX: "tolx", K.NOEFFECTAXIS: "noeffectaxis", K.NOEFFECTCOORD: "noeffectcoord",
                K.CONDITIONCOV: "conditioncov"}


def pairwise_order(f, lam):
    """The ranking of a mirrored generation under pairwise selection (A. Auger, D. Brockhoff,
    N. Hansen, "Mirrored sampling in evolution strategies with weighted recombination", GECCO
    2011): of each mirrored pair (rows ``i`` and ``k + i``, ``k = lam - lam // 2``) only the
    better (the first on a tie) competes for the positive weights; the worse ones follow, in
    their own order. So the ``mu = lam // 2`` selected steps never hold both vectors of a pair,
    whose sum would cancel the step and bias the step size down where selection is weak.

    Returns the indices of ``f`` (lam,), best first."""
    half = lam // 2
    k = lam - half
    first, mirror = np.arange(half), np.arange(k, lam)
    better = f[first] <= f[mirror]
    winners = np.concatenate([np.where(better, first, mirror), np.arange(half, k)])
    losers = np.where(better, mirror, first)
    return np.concatenate([winners[np.argsort(f[winners], kind="stable")],
                           losers[np.argsort(f[losers], kind="stable")]])


class CMAES(Optimizer):
    """CMA-ES (N. Hansen, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772, 2016),
    with restarts: IPOP (A. Auger, N. Hansen, CEC 2005) and BIPOP (N. Hansen, GECCO BBOB
    workshop 2009).

    Weighted recombination, cumulative step-size adaptation, rank-one and rank-mu updates with
    the active update's negative weights (Jastrebski & Arnold 2006, weights as in the
    tutorial), and a lazy eigendecomposition (every ``max(1, 1/(10 n (c1 + cmu)))``
    generations). Every parameter is the tutorial's default. ``diagonal=True`` (or "auto" above
    :data:`DIAGONAL_ABOVE` dimensions) runs sep-CMA (Ros & Hansen 2008): a diagonal covariance
    learnt ``(n + 2) / 3`` times faster, linear time and space.

    Each generation's steps are drawn by mirrored orthogonal sampling (H. Wang, M. Emmerich,
    T. Baeck, Evolutionary Computation 27(4), 2019): half the population orthogonalised, each
    with a chi-distributed length, the other half their mirror images, ranked by pairwise
    selection (:func:`pairwise_order`: at most one vector of a pair among the selected, as
    Auger, Brockhoff & Hansen 2011 prescribe; ranked together, two mirrored steps cancel and
    the step size shrinks on a random function, log10(sigma / sigma0) -3.9 after 300
    generations at n = lambda = 10, against +0.4 with pairwise selection). On the ten
    functions of ``benchmarks/cmaes.py`` at 100 x d it converges several times faster than
    independent Gaussian steps (``sampling="gaussian"``, the tutorial's) and reaches lower
    errors on the multimodal ones within the same budget.

    The search runs on the unit cube; bounds are handled by evaluating each sample mirrored
    into the box while the distribution stays unconstrained (the piecewise-linear form of
    pycma's periodic BoundTransform; reflection is among the best methods compared by
    R. Biedrzycki, "Handling bound constraints in CMA-ES: An experimental study", Swarm and
    Evolutionary Computation 52, 2020). Integers and choices decode through the space.

    A run stops on the tests of Hansen (2009, "Benchmarking a BI-population CMA-ES on the
    BBOB-2009 function testbed"): TolFun and TolHistFun (1e-12 over the last
    ``10 + 30 n / lambda`` generations), TolX (``sigma * max(p_c, sqrt(diag C)) < 1e-12
    sigma0``, sigma0 the whole run's, not a small restart's), NoEffectAxis, NoEffectCoord,
    ConditionCov (> 1e14), TolUpSigma (``sigma / sigma0_run > 1e20 max(D)``: sigma creeps up
    while C shrinks), Stagnation (the best and the median values of the last 20% of the run's
    generations, at least ``120 + 30 n / lambda`` and at most 20,000: the median of their most
    recent 30% no better than that of their first 30%), and pycma's TolFlatFitness (the best
    and the ``0.75 lambda``-th value equal more than ``tolflatfitness`` generations in a row).
    With ``restarts`` it starts again from ``x0`` (as pycma's ``fmin`` and Hansen's reference
    code do; ``restart_from="random"``: a uniform random mean, as in the BBOB experiments of
    Hansen 2009): IPOP doubles the population each time; BIPOP alternates that regime with
    small populations ``lambda_def (lambda_l / (2 lambda_def)) ** (u ** 2)`` and step sizes
    ``sigma0 * 10 ** (-2 u)``, running a small one while the small regime has spent fewer
    evaluations than the large one. As in pycma's ``fmin`` (``bipop=True``), the first run
    counts as small, and a small run stops ("maxiter") once it has spent half the large
    regime's evaluations. Each restart's evaluation count, reason and population size are in
    ``Result.restarts``.

    Parameters
    ----------
    bounds : Space, variable, or (low, high) pairs
    pop_size : int, optional
        lambda of the first run; default ``4 + floor(3 ln n)``.
    x0 : array, optional
        The first mean, in variable values; default the centre of the box.
    sigma0 : float, default 0.2
        The initial step size as a fraction of each variable's range (pycma's sigma0 of 2 in
        [-5, 5]).
    restarts : {"bipop", "ipop", None}
    restart_from : {"x0", "random"}
        Where each restart's mean lies: ``x0`` (default; measured in ``benchmarks/cmaes.py``,
        it solves Styblinski-Tang and Levy where random means leave a coordinate in a wrong
        basin) or a uniform random point of the box.
    diagonal : bool or "auto"
    active : bool, default True
        The active (negative-weight) covariance update.
    sampling : {"orthogonal", "gaussian"}
        Mirrored orthogonal steps (default) or independent Gaussian ones.
    tolfun, tolfunhist, tolx, tolconditioncov : float
        The stopping tolerances, named as in pycma, defaulting to Hansen's (2009) values:
        TolFun (the last generation's range of values, once the recent best values' range is
        below ``tolfunhist``, is below ``tolfun``), TolHistFun (the recent best values' range
        below ``tolfunhist``), TolX (relative to the first run's sigma0) and ConditionCov.
    margin : "auto", float or 0
        The margin over integer, choice and binary coordinates (Hamano, Saito, Nomura &
        Shirakawa, GECCO 2022; :mod:`metaopt.algorithms.cmaes_margin`): each neighbouring level
        keeps a probability of at least ``margin / 2``, so a discrete coordinate never freezes.
        "auto": the paper's ``1 / (n lambda)``; 0 turns it off.
    tolupsigma : float, default 1e20
    tolflatfitness : int, default 1 (pycma's)
        How many generations in a row the best and the ``0.75 lambda``-th value may be equal.
    noise_handling : {False, True, "auto"}
        True: UH-CMA-ES (Hansen, Niederberger, Guzzella & Koumoutsakos 2009, as pycma's
        ``fmin(noise_handler=True)``; :mod:`metaopt.algorithms.cmaes_noise`): after each
        generation ``2 + lambda / 20`` of its solutions are evaluated again (spent from the
        budget, not used by the update), and where their rank changes show that noise
        dominates, sigma grows by ``1 + 2 / (n + 10)``; TolUpSigma is off (as pycma's
        tolfacupx), and steps are independent Gaussian ones (mirrored pairs are ranked by one
        noisy comparison each). "auto": the first generation's re-evaluations are exact
        repeats; where a value differs from its first draw beyond rounding (1e-9 relative)
        the objective is noisy and the handling stays on, otherwise it is off for the rest of
        the run (2 or 3 evaluations spent). With noise, ``Result.x`` is the distribution's
        mean at the end of the run whose last generation had the lowest median value (pycma's
        ``xfavorite``; the best single draw is the luckiest, not the best expected value), and
        ``Result.fun`` that median; the best draw stays in ``Result.best_draw``.
    rng, budget : as for every algorithm
    """

    #: ``bounds=None`` (or infinite bounds) with ``x0`` and ``sigma0``: a search around x0.
    searches_without_bounds = True

    def __init__(self, bounds, *, pop_size=None, x0=None, sigma0=None, restarts="bipop",
                 diagonal="auto", active=True, sampling="orthogonal", restart_from="x0",
                 tolfun=1e-12, tolfunhist=1e-12, tolx=1e-12, tolconditioncov=1e14,
                 tolupsigma=1e20, tolflatfitness=1, margin="auto", noise_handling=False,
                 rng=None, budget=None):
        if needs_frame(bounds):  # no box, or some infinite bounds: search around x0
            bounds = frame_space(bounds, x0, sigma0)
        super().__init__(bounds, rng=rng, budget=budget)
        n = self.dim
        self.default_lam = check_int("pop_size", default_popsize(n) if pop_size is None
                                     else pop_size, minimum=2)
        self.tolfun = check_real("tolfun", tolfun, 0.0)
        self.tolfunhist = check_real("tolfunhist", tolfunhist, 0.0)
        self.tolx = check_real("tolx", tolx, 0.0)
        self.tolconditioncov = check_real("tolconditioncov", tolconditioncov, 1.0, low_open=True)
        self.tolupsigma = check_real("tolupsigma", tolupsigma, 1.0, low_open=True)
        self.tolflatfitness = check_int("tolflatfitness", tolflatfitness, minimum=0)
        if sigma0 is None and not self.space.is_bounded:
            raise ValueError("a search without bounds needs sigma0, the initial step size in "
                             "the variables' units")
        #: The initial step size as given, in the variables' units (None: the default).
        self.sigma0 = None if sigma0 is None else check_real("sigma0", sigma0, 0.0,
                                                             low_open=True)
        # each coordinate's initial standard deviation on the unit cube: sigma0 over its
        # range (the default: DEFAULT_SIGMA0 of every range); sigma is the largest of them,
        # the initial C = diag(D0^2) carries the others, so the search starts isotropic in
        # the variables' units as pycma's does
        stds = np.full(n, DEFAULT_SIGMA0) if sigma0 is None else self.sigma0 / self.space.width
        if stds.min() < SIGMA0_MIN:  # steps below the doubles' resolution leave the mean
            raise ValueError(f"sigma0={sigma0!r} is {stds.min():.3g} of a variable's range, "
                             f"below {SIGMA0_MIN:g}: no step would move the mean (every run "
                             f"would stop at once on NoEffectCoord); give a larger sigma0")
        self.sigma0_unit = float(stds.max())
        self.D0 = stds / self.sigma0_unit
        #: user units per unit of sigma_unit: sigma = sigma_unit * scale
        self._scale = float(self.space.width.max()) if sigma0 is None \
            else self.sigma0 / self.sigma0_unit
        self.restarts = check_choice("restarts", restarts, RESTARTS) if restarts is not None \
            else None
        if not (isinstance(diagonal, bool) or (isinstance(diagonal, str) and diagonal == "auto")):
            raise ValueError(f"diagonal must be True, False or 'auto', got diagonal={diagonal!r}")
        self.diagonal = bool(n > DIAGONAL_ABOVE) if diagonal == "auto" else diagonal
        self.active = check_bool("active", active)
        self.sampling = check_choice("sampling", sampling, SAMPLINGS)
        self.restart_from = check_choice("restart_from", restart_from, ("x0", "random"))
        if not (isinstance(margin, str) and margin == "auto"):
            margin = check_real("margin", margin, 0.0, 0.5)
        self.margin = margin
        if not any(noise_handling is h or (isinstance(noise_handling, str)
                                           and noise_handling == h) for h in NOISE_HANDLINGS):
            raise ValueError(f"noise_handling must be False, True or 'auto', got "
                             f"noise_handling={noise_handling!r}")
        self.noise_handling = noise_handling
        #: Whether the objective is known to be noisy (True: handled); whether that is known.
        self.noisy = noise_handling is True
        self.noise_known = not isinstance(noise_handling, str)  # "auto" decides it
        self.noise_s = 0.0  # the rank-change measure (pycma's noiseS)
        self.reeval_idx = np.empty(0, dtype=np.int64)  # which samples are evaluated again
        self._reeval_u = None  # the re-evaluation batch to ask next (or asked)
        self._gen_f = np.empty(0)  # the values of the generation being re-evaluated
        self.rec_mean = None  # with noise: the best finished run's final mean, its median
        self.rec_score = math.inf
        # this run's noise model: the first re-evaluation's level and scale, and whether the
        # noise follows the values (None: not known yet)
        self.noise_count = 0
        self.noise_level0 = self.noise_scale0 = self.noise_level = self.noise_scale = 0.0
        self.noise_relative = None
        # the margin's columns: discrete ones with a neighbouring level (not a 1-option choice)
        self._discrete = self.space.discrete_columns[
            self.space.width[self.space.discrete_columns] >= 2]
        self._levels = self.space.width[self._discrete]
        self.A = np.ones(self._discrete.size)  # the margin's factors of the discrete columns
        if not self.space.is_bounded and restart_from == "random":
            raise ValueError("restart_from='random' draws a point of the box; a search "
                             "without bounds restarts from x0")
        mean = np.full(n, 0.5) if x0 is None else self.space.clip_unit(
            self.space.encode(check_point("x0", x0, self.space)[None, :]))[0]
        self.large_restarts = 0
        self.evals_large = 0
        self.evals_small = 0
        self.regime_small = True  # the first run counts as small (pycma's fmin, BIPOP)
        self.run_budget = 0  # a small run's cap on its evaluations (0: none)
        self.flat_generations = 0  # generations in a row with a flat ranking
        self.restart_nfev, self.restart_reason, self.restart_popsize = [], [], []
        self._X = self._Y = self._U = None  # the last samples (unconstrained) and their steps
        self._last_f = np.empty(0)
        self.x0_mean = mean
        self._start_run(mean, self.sigma0_unit, self.default_lam)

    # -- one run -------------------------------------------------------------------------------
    STATE = {
        "large_restarts": Int(0, 40), "evals_large": Int(0), "evals_small": Int(0),
        "regime_small": Bool(), "run_budget": Int(0), "flat_generations": Int(0),
        "A": Array(float, None, low=0.0),
        "noisy": Bool(), "noise_known": Bool(), "noise_s": Float(),
        "reeval_idx": Array(int, None, low=0),
        "_reeval_u": Array(float, None, "dim", optional=True, points=True),
        "_gen_f": Array(float, None, nan=True),
        "rec_mean": Array(float, "dim", optional=True), "rec_score": Float(),
        "noise_count": Int(0), "noise_level0": Float(0.0), "noise_scale0": Float(0.0),
        "noise_level": Float(0.0), "noise_scale": Float(0.0),
        "noise_relative": Bool(optional=True),
        "restart_nfev": ListOf(Int(0)),
        "restart_reason": ListOf(Str()), "restart_popsize": ListOf(Int(0)),
        # the last samples: unconstrained points, their steps, and what was asked
        "_X": Array(float, "m", "dim", optional=True),
        "_Y": Array(float, "m", "dim", optional=True),
        "_U": Array(float, "m", "dim", optional=True, points=True),
        "_last_f": Array(float, None),
        # the current run (restarts begin a new one)
        "lam": Int(2, 2**20), "mean_unit": Array(float, "dim"), "sigma_unit": Float(0.0),
        "sigma_start": Float(0.0), "C": Array(float, ...), "B": Array(float, None, None),
        "D": Array(float, "dim", low=0.0), "pc": Array(float, "dim"), "ps": Array(float, "dim"),
        "g": Int(0), "eigen_g": Int(0), "best_history": ListOf(Float()),
        "median_history": ListOf(Float()), "run_start": Int(0),
    }
    #: Tutorial Table 1's values (one record), derived from lam at each run's start and on
    #: load, and the generations between eigendecompositions.
    DERIVED = ("params", "lazy_gap")

    def _set_parameters(self, lam):
        self.lam = lam
        self.params = p = strategy_parameters(self.dim, lam, self.diagonal, self.active)
        self.lazy_gap = max(1, int(1.0 / (10 * self.dim * (p.c1 + p.cmu))))

    def _rebuild(self):
        self._set_parameters(self.lam)

    def _state_problem(self):
        n = self.dim
        if not (np.isfinite(self.mean_unit).all() and math.isfinite(self.sigma_unit)
                and self.sigma_unit > 0 and math.isfinite(self.sigma_start)
                and self.sigma_start > 0):
            return "mean, sigma and sigma_start must be finite (sigma > 0)"
        if self.C.shape != ((n,) if self.diagonal else (n, n)):
            return f"C has shape {self.C.shape}"
        if self.B.shape != ((0, 0) if self.diagonal else (n, n)):
            return f"B has shape {self.B.shape}"
        if not (np.isfinite(self.C).all() and np.isfinite(self.B).all()
                and np.isfinite(self.D).all() and np.isfinite(self.pc).all()
                and np.isfinite(self.ps).all()):
            return "C, B, D, pc and ps must be finite"
        if not self.diagonal and not np.allclose(self.C, self.C.T, rtol=1e-12, atol=0):
            return "C is not symmetric"
        if self.lam > self.default_lam * 2 ** self.large_restarts:
            return (f"lam={self.lam} is more than {self.large_restarts} large restarts give "
                    f"from pop_size={self.default_lam}")
        if self.eigen_g > self.g or self.run_start > self.nfev:
            return "eigen_g must not pass g, nor run_start nfev"
        if self.A.shape != self._discrete.shape or not (np.isfinite(self.A).all()
                                                        and (self.A > 0).all()):
            return f"A must hold one factor > 0 per discrete column ({self._discrete.size})"
        samples = 0 if self._U is None else self._U.shape[0]
        if self._last_f.shape[0] > samples:
            return f"_last_f holds {self._last_f.shape[0]} values for {samples} samples"
        if self._reeval_u is not None:
            if self._reeval_u.shape[0] != self.reeval_idx.size or (
                    self.reeval_idx.size and self.reeval_idx.max() >= self._gen_f.size):
                return "a re-evaluation batch needs one index into its generation per point"
            if self._pending is not None and self._pending.shape[0] != self.reeval_idx.size:
                return "the pending re-evaluation batch differs from the planned one"
        elif self._pending is not None and samples != self._pending.shape[0]:
            return "a pending batch needs its steps (_X, _Y, _U) of the same size"
        return super()._state_problem()

    def _start_run(self, mean, sigma, lam):
        n = self.dim
        self._set_parameters(lam)
        self.mean_unit = mean.copy()
        self.sigma_unit = float(sigma)
        self.sigma_start = float(sigma)
        self.C = self.D0 ** 2 if self.diagonal else np.diag(self.D0 ** 2)
        self.B = np.eye(0 if self.diagonal else n)
        self.D = self.D0.copy()
        self.pc = np.zeros(n)
        self.ps = np.zeros(n)
        self.g = 0
        self.eigen_g = 0
        self.best_history = []
        self.median_history = []
        self.run_start = self.nfev
        self.flat_generations = 0
        self.A = np.ones(self._discrete.size)
        self.noise_count = 0
        self.noise_level0 = self.noise_scale0 = self.noise_level = self.noise_scale = 0.0
        self.noise_relative = None

    @property
    def batch_size(self):
        return self.lam if self._reeval_u is None else self._reeval_u.shape[0]

    def _ask(self):
        if self._reeval_u is not None:
            return self._reeval_u.copy()
        orthogonal = self.sampling == "orthogonal" and not self.noisy
        G = self.rng.standard_normal((self.lam - self.lam // 2 if orthogonal else self.lam,
                                      self.dim))
        self._Y, self._X, U = K.cma_sample(G, self.lam, orthogonal, self.B, self.D,
                                           self.mean_unit, self.sigma_unit)
        if self._margin_active():  # discrete columns: m + A (x - m), then into the box
            X = self._X.copy()
            d = self._discrete
            X[:, d] = self.mean_unit[d] + self.A * (X[:, d] - self.mean_unit[d])
            U = fold_into_box(self.space, X)
        elif not self.space.is_bounded:  # no box to fold into on the unbounded columns
            U = fold_into_box(self.space, self._X)
        self._U = U.copy()  # what was asked: a told point that differs is the caller's repair
        return U

    def _tell(self, U, f):
        if self._reeval_u is not None:
            self._tell_reevaluation(f)
            return
        self._last_f = f.copy()
        if f.shape[0] < self.lam:
            return  # a batch cut short by the budget: no update
        Y = self._Y
        differs = U != self._U[: U.shape[0]]
        if differs.any():  # the caller's repair: the point evaluated is the sample
            changed = differs.any(axis=1)
            Y = Y.copy()
            Y[changed] = (U[changed] - self.mean_unit) / self.sigma_unit
        mirrored = self.sampling == "orthogonal" and not self.noisy
        order = pairwise_order(f, self.lam) if mirrored else np.argsort(f, kind="stable")
        try:
            self._update(Y[order])
        except np.linalg.LinAlgError:  # the eigendecomposition of a C that overflowed
            self.C = np.full_like(self.C, np.inf)
        if self._margin_active() and self._finite():
            self._correct_margin()
        self._record(np.sort(f))
        reason = "numerical" if not self._finite() else self._stop_reason(f)
        if reason is not None:
            self._restart(reason)
        elif self.noisy or not self.noise_known:
            self._plan_reevaluation(U, f)

    # -- uncertainty handling (UH-CMA-ES, Hansen et al. 2009; pycma's NoiseHandler) -----------
    def _plan_reevaluation(self, U, f):
        """The next batch: some of this generation's samples again, each moved by
        ``epsilon`` sigma along the distribution (exactly repeated while "auto" has yet to
        decide whether the objective is noisy)."""
        idx = reevaluation_indices(f, reevaluation_count(self.lam, self.rng.random()))
        points = U[idx].copy()
        if self.noise_known:
            z = self.rng.standard_normal((idx.size, self.dim))
            steps = z * self.D if self.diagonal else (z * self.D) @ self.B.T
            points = fold_into_box(self.space, points + NOISE_EPSILON * self.sigma_unit * steps)
        self.reeval_idx = idx
        self._gen_f = f.copy()
        self._reeval_u = points

    def _tell_reevaluation(self, f):
        idx, f_first = self.reeval_idx, self._gen_f
        self._reeval_u = None
        if f.shape[0] < idx.size:
            return  # cut short by the budget
        if not self.noise_known:
            self.noise_known = True
            self.noisy = values_disagree(f_first[idx], f)
            if not self.noisy:
                return
        again = f_first.copy()
        again[idx] = f
        s = rank_change_measure(f_first, again, idx)
        self.noise_s += NOISE_CUMULATION * (s - self.noise_s)
        if self.noise_relative is None:
            self._classify_noise(f_first[idx], f)
        if self.noise_s > 0 and not self.noise_relative:
            self.sigma_unit *= alpha_sigma(self.dim)

    def _classify_noise(self, f, f_again):
        """Whether this run's noise scales with the values (multiplicative), where a larger
        step cannot outgrow it. The level (mean |f|) and the noise's scale (mean |f - f_again|)
        of the run's first NOISE_WINDOW re-evaluations are the baseline; their moving averages
        (rate 1 / NOISE_WINDOW) follow. Once the level has moved by a factor 4 from the
        baseline, the noise is relative where its scale moved with it by at least a factor 2
        (the sigma increase stops for the run), additive where it did not (it stays on)."""
        level = float(np.mean(np.abs(f + f_again))) / 2
        scale = float(np.mean(np.abs(f - f_again)))
        if not (math.isfinite(level) and math.isfinite(scale)):
            return
        self.noise_count += 1
        if self.noise_count <= NOISE_WINDOW:  # the baseline: plain means
            self.noise_level0 += (level - self.noise_level0) / self.noise_count
            self.noise_scale0 += (scale - self.noise_scale0) / self.noise_count
            self.noise_level, self.noise_scale = self.noise_level0, self.noise_scale0
            return
        self.noise_level += (level - self.noise_level) / NOISE_WINDOW
        self.noise_scale += (scale - self.noise_scale) / NOISE_WINDOW
        if self.noise_level0 <= 0 or self.noise_scale0 <= 0:
            return
        moved = self.noise_level / self.noise_level0
        if moved >= 4 or moved <= 0.25:
            followed = self.noise_scale / self.noise_scale0
            self.noise_relative = bool(followed >= 2 if moved > 1 else followed <= 0.5)

    def _update(self, Ys):
        """One generation of the tutorial's updates on the ranked steps ``Ys`` (lam, n)."""
        if not self.diagonal:
            decompose = self.g + 1 - self.eigen_g >= self.lazy_gap
            # a plain tuple: Numba's cache would pickle a reference to a NamedTuple class
            self.sigma_unit = K.cma_update(Ys, tuple(self.params), self.mean_unit, self.ps, self.pc,
                                      self.C, self.B, self.D, self.sigma_unit, self.g, decompose)
            self.g += 1
            if decompose:
                self.eigen_g = self.g
            return
        n, p = self.dim, self.params
        w = p.weights
        y_w = w[: p.mu] @ Ys[: p.mu]
        self.mean_unit = self.mean_unit + self.sigma_unit * y_w
        self.ps = (1 - p.cs) * self.ps + math.sqrt(p.cs * (2 - p.cs) * p.mueff) * y_w / self.D
        self.g += 1
        hsig = np.linalg.norm(self.ps) / math.sqrt(1 - (1 - p.cs) ** (2 * self.g)) \
            < (1.4 + 2 / (n + 1)) * p.chi_n
        self.pc = (1 - p.cc) * self.pc + hsig * math.sqrt(p.cc * (2 - p.cc) * p.mueff) * y_w
        delta = (1 - hsig) * p.cc * (2 - p.cc)
        decay = 1 + p.c1 * delta - p.c1 - p.cmu * w.sum()
        # sep-CMA has no negative weights (strategy_parameters sets them to 0)
        self.C = decay * self.C + p.c1 * self.pc ** 2 + p.cmu * (w @ Ys ** 2)
        self.D = np.sqrt(np.maximum(self.C, 1e-300))
        self.sigma_unit *= math.exp(p.cs / p.damps * (np.linalg.norm(self.ps) / p.chi_n - 1))

    # -- the margin over discrete columns (Hamano et al. 2022) --------------------------------
    def _margin_active(self):
        return self._discrete.size > 0 and self.margin != 0

    def _correct_margin(self):
        d = self._discrete
        alpha = default_margin(self.dim, self.lam) if self.margin == "auto" else self.margin
        variances = self.C if self.diagonal else np.diagonal(self.C)
        self.mean_unit[d], self.A = margin_correction(
            self.mean_unit[d], self.A, self.sigma_unit * np.sqrt(variances[d]), self._levels,
            alpha)

    # -- stopping tests and restarts ---------------------------------------------------------
    def _record(self, f_sorted):
        self.best_history.append(float(f_sorted[0]))
        self.median_history.append(float(f_sorted[len(f_sorted) // 2]))
        if len(self.best_history) > STAGNATION_MAX:
            del self.best_history[0], self.median_history[0]
        flat = f_sorted[0] == f_sorted[int(0.75 * len(f_sorted))]
        self.flat_generations = self.flat_generations + 1 if flat else 0

    def _stop_reason(self, f):
        if self.run_budget and self.nfev - self.run_start >= self.run_budget:
            return "maxiter"
        if self.flat_generations > self.tolflatfitness:
            return "tolflatfitness"
        if not self.noisy and \
                self.sigma_unit / self.sigma_start > self.tolupsigma * float(self.D.max()):
            return "tolupsigma"
        window = 10 + math.ceil(30 * self.dim / self.lam)
        if len(self.best_history) >= window:
            recent = self.best_history[-window:]
            low, high, f_low, f_high = min(recent), max(recent), f.min(), f.max()
            if math.isfinite(high) and math.isfinite(f_high) and high - low < self.tolfunhist:
                return "tolfun" if f_high - f_low < self.tolfun else "tolhistfun"
        variances = self.C if self.diagonal else np.diagonal(self.C)
        code = K.cma_stop_code(self.mean_unit, self.sigma_unit, self.sigma0_unit, self.pc,
                               variances, self.B, self.D, self.g, self.tolx,
                               self.tolconditioncov)
        return STOP_REASONS[code] if code else self._stagnation()

    def _finite(self):
        """Whether the distribution is still made of finite numbers: a step size or a
        covariance that overflowed ends the run (and starts the next restart)."""
        return bool(math.isfinite(self.sigma_unit) and self.sigma_unit > 0
                    and np.isfinite(self.mean_unit).all() and np.isfinite(self.C).all()
                    and np.isfinite(self.D).all())

    def _stagnation(self):
        """Hansen's (2009) Stagnation over the last 20% of the run's generations (at least
        ``120 + 30 n / lambda``, at most 20,000)."""
        shortest = 120 + 30 * self.dim / self.lam
        window = min(max(math.ceil(0.2 * self.g), math.ceil(shortest)), STAGNATION_MAX)
        if len(self.best_history) < window:
            return None
        span = max(1, int(0.3 * window))
        for history in (self.best_history, self.median_history):
            recent = history[-window:]
            if np.median(recent[-span:]) < np.median(recent[:span]):
                return None
        return "stagnation"

    def _restart(self, reason):
        if self.noisy and self.median_history and self.median_history[-1] < self.rec_score:
            self.rec_mean, self.rec_score = self.mean_unit.copy(), self.median_history[-1]
        self.restart_nfev.append(self.nfev)
        self.restart_reason.append(reason)
        self.restart_popsize.append(self.lam)
        spent = self.nfev - self.run_start
        if self.regime_small:
            self.evals_small += spent
        else:
            self.evals_large += spent
        if self.restarts is None:  # no restarts: the run is over
            self.converged = f"CMA-ES stopped: {reason}"
            return
        mean = self.x0_mean if self.restart_from == "x0" else self.rng.random(self.dim)
        large = self.default_lam * 2 ** (self.large_restarts + 1)
        self.regime_small = self.restarts == "bipop" and self.evals_small < self.evals_large
        if self.regime_small:
            u, v = self.rng.random(2)
            lam = max(2, int(self.default_lam * (0.5 * large / self.default_lam) ** (u * u)))
            self._start_run(mean, self.sigma0_unit * 10 ** (-2 * v), lam)
            # pycma's fmin: maxiter = 0.5 * (the large runs' evaluations) / popsize
            self.run_budget = max(lam, int(0.5 * self.evals_large / lam) * lam)
        else:
            self.large_restarts += 1
            self._start_run(mean, self.sigma0_unit, large)
            self.run_budget = 0

    # -- the distribution in the variables' terms (pycma's) ------------------------------------
    @property
    def mean(self):
        """The distribution's mean in variable values (folded into the box as a sample would
        be; pycma's ``mean``, or its ``result.xfavorite`` where bounds transform it)."""
        return self._values(fold_into_box(self.space, self.mean_unit[None, :]))[0]

    @property
    def sigma(self):
        """The step size in the variables' units: ``sigma0`` times its adaptation so far
        (with the default sigma0, a fifth of each range, in the widest variable's units)."""
        return self.sigma_unit * self._scale

    @property
    def stds(self):
        """Each coordinate's standard deviation in its variable's units (for a log-scaled
        Real, in log units): ``sigma * sqrt(diag C)`` (pycma's ``stds``)."""
        variances = self.C if self.diagonal else np.diagonal(self.C)
        return self.sigma_unit * np.sqrt(variances) * self.space.width

    def stop(self):
        """The stopping criteria met, with their values (pycma's ``stop()``): empty while the
        search goes on. ``{"maxfevals": budget}`` once the budget is spent; without
        restarts, the test that ended the run (``{"tolx": 1e-12}``, ...: the tolerance it
        met). With restarts a test only starts the next run (``Result.restarts``)."""
        met = {}
        if self.budget is not None and self.nfev >= self.budget:
            met["maxfevals"] = self.budget
        if self.converged is not None and self.restart_reason:
            reason = self.restart_reason[-1]
            met[reason] = self._tolerance_of(reason)
        return met

    def _tolerance_of(self, reason):
        return {"tolfun": self.tolfun, "tolhistfun": self.tolfunhist, "tolx": self.tolx,
                "conditioncov": self.tolconditioncov, "tolupsigma": self.tolupsigma,
                "tolflatfitness": self.tolflatfitness, "maxiter": self.run_budget,
                }.get(reason, True)

    # -- reporting -------------------------------------------------------------------------------
    def _recommended(self):
        """With noise: (unit-cube mean, its run's last median value) of the best run, the
        current one included; None without noise or before a generation."""
        if not self.noisy or not self.median_history:
            return None if self.rec_mean is None else (self.rec_mean, self.rec_score)
        current = (self.mean_unit, self.median_history[-1])
        if self.rec_mean is None or current[1] <= self.rec_score:
            return current
        return self.rec_mean, self.rec_score

    @property
    def x(self):
        """The best point so far in variable values; with noise, the recommended mean (see
        ``noise_handling``)."""
        chosen = self._recommended()
        if chosen is None:
            return super().x
        return self._values(fold_into_box(self.space, chosen[0][None, :]))[0]

    def _population(self):
        """The best point met, then the last batch of samples."""
        if self._X is None or self._last_f.size == 0 or self._best_u is None:
            return np.empty((0, self.dim)), np.empty(0)
        k = self._last_f.size
        return (np.vstack([self._best_u[None, :], self._U[:k]]),
                np.concatenate([[self.best_fun], self._last_f]))

    def result(self, success=True, message="ask/tell run"):
        res = super().result(success, message)
        chosen = self._recommended()
        if chosen is not None:
            res.best_draw = {"x": super().x, "fun": self.best_value}
            res.fun = float(chosen[1])
            if self.space.named:
                res.params = self.space.to_dict(res.x)
        res.noisy = self.noisy
        res.restarts = [{"nfev": a, "reason": b, "pop_size": c} for a, b, c in
                        zip(self.restart_nfev, self.restart_reason, self.restart_popsize)]
        return res
