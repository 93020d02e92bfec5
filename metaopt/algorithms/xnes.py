"""Exponential natural evolution strategies, xNES."""

import math

import numpy as np

from .._checks import check_int, check_point, check_real
from ..kernels import es as KE
from ..space import as_space, frame_space, needs_frame
from ..state import Array, Float, Int
from .base import Optimizer
from .sampled import LastBatchPopulation, fold_into_box

__all__ = ["XNES"]

#: The default initial step: this fraction of each variable's range (as CMA-ES's).
DEFAULT_SIGMA = 0.2


def symmetric_expm(S):
    """``exp(S)`` of a symmetric matrix, by its eigendecomposition."""
    w, V = np.linalg.eigh(S)
    return (V * np.exp(w)) @ V.T


class XNES(LastBatchPopulation, Optimizer):
    """xNES (T. Glasmachers, T. Schaul, Y. Sun, D. Wierstra, J. Schmidhuber, "Exponential
    Natural Evolution Strategies", GECCO 2010; the defaults of D. Wierstra et al., "Natural
    Evolution Strategies", JMLR 15, 2014, Table 1).

    A full Gaussian ``N(mu, sigma^2 B B^T)`` with ``det B = 1``: each generation draws
    ``z_k ~ N(0, I)`` and ``x_k = mu + sigma B z_k``, ranks them into the NES utilities u_k,
    and follows the natural gradient in exponential coordinates:
    ``G_delta = sum u_k z_k``, ``G_M = sum u_k (z_k z_k^T - I)``, ``G_sigma = tr(G_M) / d``,
    ``G_B = G_M - G_sigma I``; ``mu += eta_mu sigma B G_delta``,
    ``sigma *= exp(eta_sigma / 2 G_sigma)``, ``B = B exp(eta_B / 2 G_B)``. Defaults:
    ``lambda = 4 + floor(3 ln d)``, ``eta_mu = 1``,
    ``eta_sigma = eta_B = 3 (3 + ln d) / (5 d sqrt d)``. The paper's importance mixing (reusing
    samples of the previous generation) is not done.

    Samples are folded into the box by reflection while the distribution stays unconstrained
    (as CMA-ES's; clipping them and updating with the clipped points' z made B diverge on a
    rotated ellipsoid within 30 generations); a point the caller repaired updates with its own
    z. Once no step moves the mean, the search starts again from its first distribution
    (``restarts`` counts them). Without bounds (``bounds=None`` or infinite,
    with ``x0``) it searches around x0.

    Parameters
    ----------
    bounds : Space, variable, (low, high) pairs, or None
    pop_size : int, optional
    sigma : float, optional
        The initial step in the variables' units (default: a fifth of each range; required
        without bounds). With unequal ranges the search starts isotropic in the variables'
        units: ``B`` then starts diagonal.
    eta_mu, eta_sigma, eta_B : float, optional
    x0 : array, optional (default: the centre of the box)
    rng, budget : as for every algorithm
    """

    searches_without_bounds = True

    def __init__(self, bounds, *, pop_size=None, sigma=None, eta_mu=1.0, eta_sigma=None,
                 eta_B=None, x0=None, rng=None, budget=None):
        space = frame_space(bounds, x0, sigma) if needs_frame(bounds) else as_space(bounds)
        super().__init__(space, rng=rng, budget=budget)
        d = self.dim
        self.pop_size = check_int("pop_size", 4 + int(3 * math.log(d)) if pop_size is None
                                  else pop_size, minimum=2)
        default_eta = 3.0 * (3.0 + math.log(d)) / (5.0 * d * math.sqrt(d))
        self.eta_mu = check_real("eta_mu", eta_mu, 0.0, low_open=True)
        self.eta_sigma = check_real("eta_sigma", default_eta if eta_sigma is None
                                    else eta_sigma, 0.0, low_open=True)
        self.eta_B = check_real("eta_B", default_eta if eta_B is None else eta_B, 0.0,
                                low_open=True)
        stds = np.full(d, DEFAULT_SIGMA) if sigma is None else \
            check_real("sigma", sigma, 0.0, low_open=True) / self.space.width
        # sigma the geometric mean of the coordinates' steps, so that det B = 1
        self.sigma = float(np.exp(np.mean(np.log(stds))))
        self.B = np.diag(stds / self.sigma)
        if x0 is None:
            self.mean = np.full(d, 0.5)
        else:
            self.mean = self.space.clip_unit(
                self.space.encode(check_point("x0", x0, self.space)[None, :]))[0]
        self._last_u = np.empty((0, d))
        self._last_f = np.empty(0)
        self._Z = self._U = None  # the last samples' standard steps and the points asked
        self._start = (self.mean.copy(), self.sigma, self.B.copy())
        self.restarts = 0  # runs begun again once their steps stopped moving the mean

    STATE = {
        "mean": Array(float, "dim"),  # unconstrained: samples are folded into the box
        "sigma": Float(0.0),
        "B": Array(float, "dim", "dim"),
        "_last_u": Array(float, "m", "dim", points=True),
        "_last_f": Array(float, "m"),
        "restarts": Int(0),
        "_Z": Array(float, "k", "dim", optional=True),
        "_U": Array(float, "k", "dim", optional=True, points=True),
    }

    def _state_problem(self):
        if not (math.isfinite(self.sigma) and self.sigma > 0 and np.isfinite(self.B).all()):
            return "sigma must be finite and > 0 and B finite"
        if abs(np.linalg.det(self.B) - 1.0) > 1e-6:
            return "B must have determinant 1"
        if self._pending is not None and (self._Z is None or self._U is None
                                          or self._Z.shape[0] != self._pending.shape[0]):
            return "a pending batch needs its steps (_Z, _U) of the same size"
        return super()._state_problem()

    @property
    def batch_size(self):
        return self.pop_size

    def _ask(self):
        self._Z = self.rng.standard_normal((self.pop_size, self.dim))
        X = self.mean + self.sigma * self._Z @ self.B.T
        self._U = fold_into_box(self.space, X)  # the update sees the z drawn
        return self._U.copy()

    def _tell(self, U, f):
        if f.shape[0] < 2:
            return  # a batch cut short by the budget: too few samples to move on
        Z = self._Z[: f.shape[0]]
        changed = np.any(U != self._U[: f.shape[0]], axis=1)
        if changed.any():  # the caller's repair: the z of the point evaluated
            Z = Z.copy()
            Z[changed] = np.linalg.solve(self.B, ((U[changed] - self.mean) / self.sigma).T).T
        self.mean, self.sigma, self.B = xnes_update(
            self.mean, self.sigma, self.B, Z, KE.nes_utilities(f), self.eta_mu,
            self.eta_sigma, self.eta_B)
        self._last_u, self._last_f = U.copy(), f.copy()
        with np.errstate(invalid="ignore", over="ignore"):
            reach = self.sigma * np.abs(self.B).max(axis=1)
        if not (np.isfinite(reach).all() and np.isfinite(self.mean).all() and self.sigma > 0) \
                or np.all(self.mean + reach == self.mean):
            # converged (or overflowed): start again from the first distribution
            self.mean, self.sigma, self.B = self._start[0].copy(), self._start[1], \
                self._start[2].copy()
            self.restarts += 1


def xnes_update(mean, sigma, B, Z, u, eta_mu, eta_sigma, eta_B):
    """One xNES step from the standard samples ``Z`` (k, d) and their utilities ``u`` (k,).
    Returns the new (mean, sigma, B)."""
    d = mean.shape[0]
    g_delta = u @ Z
    g_M = (Z * u[:, None]).T @ Z - u.sum() * np.eye(d)
    g_sigma = np.trace(g_M) / d
    g_B = g_M - g_sigma * np.eye(d)
    mean = mean + eta_mu * sigma * (B @ g_delta)
    with np.errstate(over="ignore"):  # overflow (huge learning rates) restarts the run
        sigma = float(sigma * np.exp(0.5 * eta_sigma * g_sigma))
    S = 0.5 * eta_B * g_B
    B = B @ symmetric_expm(S) if np.abs(S).max(initial=0.0) < 700 else np.full_like(B, np.inf)
    return mean, sigma, B
