"""Evolution strategies that scale to thousands of weights: OpenAI-ES and SNES."""

import math
import numbers

import numpy as np

from .._checks import check_bool, check_int, check_point, check_real
from ..kernels import es as KE
from ..space import as_space, frame_space, needs_frame
from ..state import Array, Int
from .base import Optimizer
from .sampled import LastBatchPopulation

__all__ = ["OpenAIES", "SNES"]


class _GaussianES(LastBatchPopulation, Optimizer):
    """A Gaussian search distribution on the unit cube, given in variable units by its mean
    ``x0`` and standard deviation ``sigma``. Samples are clipped to the bounds, and the update
    uses the noise of the points evaluated, ``(x - mean) / sigma`` after clipping (so a narrow
    box does not bias the step with noise that was never evaluated; likewise for points the
    caller repaired). With
    ``evaluate_mean`` the mean itself is evaluated as the first row of every batch, so that
    the result can be the mean (which is usually better than any sample)."""

    #: ``bounds=None`` (or infinite bounds) with ``x0``: a search around x0, ``sigma`` its
    #: initial step in the variables' units.
    searches_without_bounds = True

    @staticmethod
    def space_for(bounds, x0, sigma):
        """The space searched: ``bounds``, or for a search without bounds the frame around
        ``x0`` (:func:`metaopt.space.frame_space`)."""
        return frame_space(bounds, x0, sigma) if needs_frame(bounds) else as_space(bounds)

    def __init__(self, bounds, *, pop_size, x0, sigma, evaluate_mean, rng, budget):
        super().__init__(self.space_for(bounds, x0, sigma), rng=rng, budget=budget)
        self.pop_size = check_int("pop_size", pop_size, minimum=2)
        width = self.space.width
        if x0 is None:
            self.mean = np.full(self.dim, 0.5)
        else:
            x0 = check_point("x0", x0, self.space)
            self.mean = self.space.clip_unit(self.space.encode(x0[None, :]))[0]
        self.sigma = np.broadcast_to(check_real("sigma", sigma, 0.0, low_open=True) / width,
                                     (self.dim,)).copy()
        self.evaluate_mean = check_bool("evaluate_mean", evaluate_mean)
        self._last_u = np.empty((0, self.dim))  # the last batch of samples and their values
        self._last_f = np.empty(0)

    STATE = {
        "mean": Array(float, "dim", points=True),  # in the box where there is one
        "sigma": Array(float, "dim", low=0.0),
        "_last_u": Array(float, "m", "dim", points=True),
        "_last_f": Array(float, "m"),
    }

    def _state_problem(self):
        if not (np.isfinite(self.sigma).all() and (self.sigma > 0).all()):
            return "sigma must be finite and > 0"
        return super()._state_problem()

    @property
    def batch_size(self):
        return self.pop_size + int(self.evaluate_mean)

    def _ask(self):
        samples = self.space.clip_unit(self.mean + self.sigma * self._sample_noise())
        if self.evaluate_mean:
            return np.vstack([self.mean[None, :], samples])
        return samples

    def _tell(self, U, f):
        if self.evaluate_mean:
            U, f = U[1:], f[1:]
        k = f.shape[0]
        if k < 2:
            return  # a batch cut short by the budget: too few samples to move on
        self._update((U - self.mean) / self.sigma, f)
        self.mean = self.space.clip_unit(self.mean[None, :])[0]
        self._last_u, self._last_f = U.copy(), f.copy()


class OpenAIES(_GaussianES):
    """OpenAI-ES (T. Salimans, J. Ho, X. Chen, S. Sidor, I. Sutskever, "Evolution Strategies as
    a Scalable Alternative to Reinforcement Learning", arXiv:1703.03864, 2017).

    Antithetic sampling (``pop_size`` even: each noise vector with its mirror), centred-rank
    fitness shaping, the gradient estimate ``g = sum(u_i eps_i) / (n sigma)`` and an Adam step
    on the mean; optional L2 weight decay towards the centre of the box (zero weights for
    symmetric bounds). ``sigma`` and ``lr`` are in variable units.

    Parameters
    ----------
    bounds : Space, variable, or (low, high) pairs
    pop_size : int, default 100 (even)
    sigma : float, default 0.02
    lr : float, default 0.01 (Adam step size)
    betas : (float, float), default (0.9, 0.999); eps : float, default 1e-8
    weight_decay : float, default 0.0
    x0 : array, optional (default: the centre of the box)
    evaluate_mean : bool, default True
    rng, budget : as for every algorithm
    """


    def __init__(self, bounds, *, pop_size=100, sigma=0.02, lr=0.01, betas=(0.9, 0.999),
                 eps=1e-8, weight_decay=0.0, x0=None, evaluate_mean=True, rng=None,
                 budget=None):
        if isinstance(pop_size, numbers.Integral) and not isinstance(pop_size, bool) \
                and pop_size % 2:
            raise ValueError(f"pop_size must be even (antithetic pairs), got pop_size={pop_size}")
        super().__init__(bounds, pop_size=pop_size, x0=x0, sigma=sigma,
                         evaluate_mean=evaluate_mean, rng=rng, budget=budget)
        self.lr = check_real("lr", lr, 0.0, low_open=True) / self.space.width
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got betas={betas!r}")
        self.beta1 = check_real("betas[0]", betas[0], 0.0, 1.0, high_open=True)
        self.beta2 = check_real("betas[1]", betas[1], 0.0, 1.0, high_open=True)
        self.eps = check_real("eps", eps, 0.0, low_open=True)
        self.weight_decay = check_real("weight_decay", weight_decay, 0.0)
        self._m = np.zeros(self.dim)
        self._v = np.zeros(self.dim)
        self._t = 0

    STATE = {"_m": Array(float, "dim"), "_v": Array(float, "dim", low=0.0), "_t": Int(0)}

    def _sample_noise(self):
        half = self.rng.standard_normal((self.pop_size // 2, self.dim))
        return np.concatenate([half, -half])

    def _update(self, noise, f):
        u = KE.centered_ranks(f)
        # The gradient of E[f] (values rise with u); the step goes against it.
        g = (u @ noise) / (f.shape[0] * self.sigma)
        g += self.weight_decay * (self.mean - 0.5) * self.space.width ** 2
        self._t += 1
        self._m = self.beta1 * self._m + (1 - self.beta1) * g
        self._v = self.beta2 * self._v + (1 - self.beta2) * g * g
        m_hat = self._m / (1 - self.beta1 ** self._t)
        v_hat = self._v / (1 - self.beta2 ** self._t)
        self.mean = self.mean - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class SNES(_GaussianES):
    """Separable natural evolution strategies (T. Schaul, T. Glasmachers, J. Schmidhuber,
    "High dimensions and heavy tails for natural evolution strategies", GECCO 2011).

    A diagonal Gaussian: ``mu <- mu + eta_mu sigma sum(u_k s_k)`` and
    ``sigma <- sigma exp(eta_sigma / 2 sum(u_k (s_k^2 - 1)))`` with NES utilities u_k;
    defaults ``pop_size = 4 + floor(3 log d)``, ``eta_mu = 1``,
    ``eta_sigma = (3 + log d) / (5 sqrt d)``.

    Parameters
    ----------
    bounds : Space, variable, or (low, high) pairs
    pop_size : int, optional
    sigma : float, default 1.0 (variable units; the initial standard deviation)
    eta_mu, eta_sigma : float, optional
    x0 : array, optional; evaluate_mean : bool, default True
    rng, budget : as for every algorithm
    """


    def __init__(self, bounds, *, pop_size=None, sigma=1.0, eta_mu=1.0, eta_sigma=None,
                 x0=None, evaluate_mean=True, rng=None, budget=None):
        bounds = self.space_for(bounds, x0, sigma)
        dim = bounds.dim
        if pop_size is None:
            pop_size = 4 + int(3 * math.log(max(dim, 1)))
        super().__init__(bounds, pop_size=pop_size, x0=x0, sigma=sigma,
                         evaluate_mean=evaluate_mean, rng=rng, budget=budget)
        self.eta_mu = check_real("eta_mu", eta_mu, 0.0, low_open=True)
        default_eta = (3 + math.log(self.dim)) / (5 * math.sqrt(self.dim))
        self.eta_sigma = check_real("eta_sigma", default_eta if eta_sigma is None else eta_sigma,
                                    0.0, low_open=True)

    def _sample_noise(self):
        return self.rng.standard_normal((self.pop_size, self.dim))

    def _update(self, noise, f):
        u = KE.nes_utilities(f)
        self.mean = self.mean + self.eta_mu * self.sigma * (u @ noise)
        self.sigma = self.sigma * np.exp(0.5 * self.eta_sigma * (u @ (noise**2 - 1.0)))
