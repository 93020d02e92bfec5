"""PGPE with the ClipUp optimizer, EvoTorch's default for policy search."""

import numpy as np

from .._checks import check_int, check_point, check_real
from ..kernels import es as KE
from ..space import as_space, frame_space, needs_frame
from ..state import Array
from .base import Optimizer
from .sampled import LastBatchPopulation, fold_into_box

__all__ = ["PGPE", "clipup_step", "pgpe_gradients"]

#: The default initial standard deviation: this fraction of each variable's range.
DEFAULT_SIGMA = 0.2
#: The default ratio of the initial radius ``||sigma||`` to ClipUp's maximum speed (EvoTorch's
#: examples pair ``radius_init=4.5`` with ``max_speed=0.3``).
RADIUS_PER_SPEED = 15.0


def pgpe_gradients(eps, utilities, sigma):
    """PGPE's gradients with symmetric sampling (Sehnke et al. 2010, as EvoTorch computes
    them): ``eps`` (n, d) the directions, ``utilities`` (2n,) of the points ``mu + eps_i``,
    ``mu - eps_i`` interleaved (higher is better, zero-centred). Returns (grad_mu, grad_sigma),
    each divided by the number of directions."""
    plus, minus = utilities[0::2], utilities[1::2]
    n = eps.shape[0]
    grad_mu = ((plus - minus) / 2.0) @ eps / n
    grad_sigma = ((plus + minus) / 2.0) @ ((eps ** 2 - sigma ** 2) / sigma) / n
    return grad_mu, grad_sigma


def clipup_step(velocity, grad, step_size, momentum, max_speed):
    """ClipUp (Toklu, Liskowski & Srivastava, PPSN 2020): heavy-ball momentum on the
    normalised gradient, the velocity's norm clipped at ``max_speed``. Returns the new
    velocity (the step to add to the centre)."""
    norm = float(np.linalg.norm(grad))
    velocity = momentum * velocity + (step_size * grad / norm if norm > 0 else 0.0)
    speed = float(np.linalg.norm(velocity))
    return velocity * (max_speed / speed) if speed > max_speed else velocity


class PGPE(LastBatchPopulation, Optimizer):
    """PGPE (F. Sehnke, C. Osendorfer, T. Rueckstiess, A. Graves, J. Peters, J. Schmidhuber,
    "Parameter-exploring policy gradients", Neural Networks 23(4), 2010) with the ClipUp
    optimizer (N. E. Toklu, P. Liskowski, R. K. Srivastava, PPSN 2020), as EvoTorch runs it by
    default.

    A separable Gaussian ``N(mu, diag(sigma^2))`` sampled symmetrically (``mu +- eps_i``),
    0-centred ranks as utilities, and the gradients of :func:`pgpe_gradients`; the centre
    follows ClipUp (:func:`clipup_step`), sigma plain gradient ascent with its learning rate,
    each component changing by at most ``stdev_max_change`` of itself per generation.
    Defaults: EvoTorch's (momentum 0.9, ``stdev_lr = 0.1``, ``stdev_max_change = 0.2``,
    centred ranking, ClipUp's ``step = max_speed / 2``) and ``max_speed`` the initial radius
    ``||sigma||`` over :data:`RADIUS_PER_SPEED`. Samples are folded into the box by reflection
    while the distribution stays unconstrained. Without bounds (``bounds=None`` or infinite,
    with ``x0`` and ``sigma``) it searches around x0.

    Parameters
    ----------
    bounds : Space, variable, (low, high) pairs, or None
    pop_size : int, default 100 (even: 50 directions)
    sigma : float, optional
        The initial standard deviation in the variables' units (default: a fifth of each
        range).
    max_speed, step_size : float, optional
        ClipUp's maximum speed and step size, in the variables' units (over boxes of unequal
        ranges, in units of their geometric mean); default as above.
    momentum : float, default 0.9
    stdev_lr : float, default 0.1
    stdev_max_change : float, default 0.2
    x0 : array, optional (default: the centre of the box)
    rng, budget : as for every algorithm
    """

    searches_without_bounds = True
    #: A told point that differs from the asked one would break its symmetric pair.
    accepts_repairs = False

    def __init__(self, bounds, *, pop_size=100, sigma=None, max_speed=None, step_size=None,
                 momentum=0.9, stdev_lr=0.1, stdev_max_change=0.2, x0=None, rng=None,
                 budget=None):
        space = frame_space(bounds, x0, sigma) if needs_frame(bounds) else as_space(bounds)
        super().__init__(space, rng=rng, budget=budget)
        self.pop_size = check_int("pop_size", pop_size, minimum=2)
        if self.pop_size % 2:
            raise ValueError(f"pop_size must be even (symmetric pairs), got "
                             f"pop_size={pop_size}")
        width = self.space.width
        self.sigma = np.full(self.dim, DEFAULT_SIGMA) if sigma is None else np.broadcast_to(
            check_real("sigma", sigma, 0.0, low_open=True) / width, (self.dim,)).copy()
        scale = float(np.exp(np.mean(np.log(width))))  # user units per unit-cube unit
        self.max_speed = float(np.linalg.norm(self.sigma)) / RADIUS_PER_SPEED \
            if max_speed is None else check_real("max_speed", max_speed, 0.0,
                                                 low_open=True) / scale
        self.step_size = self.max_speed / 2.0 if step_size is None else \
            check_real("step_size", step_size, 0.0, low_open=True) / scale
        self.momentum = check_real("momentum", momentum, 0.0, 1.0, high_open=True)
        self.stdev_lr = check_real("stdev_lr", stdev_lr, 0.0)
        self.stdev_max_change = check_real("stdev_max_change", stdev_max_change, 0.0, 1.0,
                                           high_open=True)
        if x0 is None:
            self.mean = np.full(self.dim, 0.5)
        else:
            self.mean = self.space.clip_unit(
                self.space.encode(check_point("x0", x0, self.space)[None, :]))[0]
        self.velocity = np.zeros(self.dim)
        self._eps = None  # the last batch's directions
        self._last_u = np.empty((0, self.dim))
        self._last_f = np.empty(0)

    STATE = {
        "mean": Array(float, "dim"),  # unconstrained: samples are folded into the box
        "sigma": Array(float, "dim", low=0.0),
        "velocity": Array(float, "dim"),
        "_eps": Array(float, "k", "dim", optional=True),
        "_last_u": Array(float, "m", "dim", points=True),
        "_last_f": Array(float, "m"),
    }

    def _state_problem(self):
        if not (np.isfinite(self.sigma).all() and (self.sigma > 0).all()
                and np.isfinite(self.mean).all() and np.isfinite(self.velocity).all()):
            return "mean, velocity and sigma must be finite (sigma > 0)"
        if self._pending is not None and (self._eps is None
                                          or 2 * self._eps.shape[0] != self._pending.shape[0]):
            return "a pending batch needs its directions (_eps), one per pair"
        return super()._state_problem()

    @property
    def batch_size(self):
        return self.pop_size

    def _ask(self):
        self._eps = self.rng.standard_normal((self.pop_size // 2, self.dim)) * self.sigma
        X = np.empty((self.pop_size, self.dim))
        X[0::2] = self.mean + self._eps
        X[1::2] = self.mean - self._eps
        return fold_into_box(self.space, X)

    def _tell(self, U, f):
        pairs = f.shape[0] // 2
        if pairs < 1:
            return  # a batch cut short by the budget: no whole pair to learn from
        f = f[: 2 * pairs]
        utilities = -KE.centered_ranks(f)  # the lowest value gets the highest utility
        grad_mu, grad_sigma = pgpe_gradients(self._eps[:pairs], utilities, self.sigma)
        self.velocity = clipup_step(self.velocity, grad_mu, self.step_size, self.momentum,
                                    self.max_speed)
        self.mean = self.mean + self.velocity
        target = self.sigma + self.stdev_lr * grad_sigma
        change = self.stdev_max_change * self.sigma
        self.sigma = np.clip(target, self.sigma - change, self.sigma + change)
        self._last_u, self._last_f = U[: 2 * pairs].copy(), f.copy()
