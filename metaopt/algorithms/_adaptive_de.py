"""What JADE, SHADE and L-SHADE share: current-to-pbest/1/bin with an archive, midpoint bound
repair, per-individual F (Cauchy) and CR (normal), and the record of successful parameters."""

import numpy as np

from .._checks import check_int, check_real
from ..kernels import de as K
from ._archive import Archive
from .base import PopulationOptimizer

__all__ = ["AdaptiveDE", "sample_cr", "sample_f", "lehmer_mean"]


def sample_cr(mu, rng):
    """CR_i ~ N(mu_i, 0.1), clipped to [0, 1]."""
    return np.clip(rng.normal(mu, 0.1), 0.0, 1.0)


def sample_f(mu, rng):
    """F_i ~ Cauchy(mu_i, 0.1), redrawn while F_i <= 0 and capped at 1."""
    mu = np.asarray(mu, dtype=float)
    F = mu + 0.1 * rng.standard_cauchy(mu.shape)
    low = F <= 0.0
    while low.any():
        F[low] = mu[low] + 0.1 * rng.standard_cauchy(int(low.sum()))
        low = F <= 0.0
    return np.minimum(F, 1.0)


def lehmer_mean(values, weights):
    """The weighted Lehmer mean ``sum(w s^2) / sum(w s)``."""
    return float(np.sum(weights * values**2) / np.sum(weights * values))


def improvement_weights(delta):
    """Weights ``|df_k| / sum |df|``; a trial that repaired an infinite parent counts as the
    largest finite improvement (or all count equally when none is finite)."""
    finite = np.isfinite(delta)
    if not finite.all():
        delta = np.where(finite, delta, delta[finite].max() if finite.any() else 1.0)
    total = delta.sum()
    if total <= 0.0:
        return np.full(delta.shape, 1.0 / delta.size)
    return delta / total


class AdaptiveDE(PopulationOptimizer):
    """Base of the parameter-adaptive DE variants; subclasses say how F and CR are drawn and
    how the successful ones update the adaptation state."""

    archive_overflow = "replace"

    def __init__(self, bounds, *, pop_size, archive_rate, init, rng, budget):
        super().__init__(bounds, pop_size=pop_size, init=init, rng=rng, budget=budget,
                         min_pop_size=4)
        self.archive_rate = check_real("archive_rate", archive_rate, 0.0)
        self.archive = Archive(int(self.archive_rate * self.pop_size), self.dim,
                               overflow=self.archive_overflow)
        self._F = self._CR = None

    # subclass hooks -----------------------------------------------------------------------
    def _sample_parameters(self, n):
        """Return (F, CR, pbest_counts) for ``n`` individuals."""
        raise NotImplementedError

    def _adapt(self, F, CR, delta):
        """Update the adaptation state from the successful F, CR and their improvements."""
        raise NotImplementedError

    def _after_generation(self):
        """Hook after selection (L-SHADE shrinks the population here)."""

    # the generation -------------------------------------------------------------------------
    def _next_batch_size(self):
        return self.pop.shape[0]

    def _ask_offspring(self):
        pop = self.pop
        n = pop.shape[0]
        F, CR, pbest_counts = self._sample_parameters(n)
        u = self.rng.random((n, self.dim + 3))
        src = np.concatenate([pop, self.archive.rows]) if len(self.archive) else pop
        order = np.argsort(self.fit, kind="stable")
        guide = order[(self.rng.random(n) * pbest_counts).astype(np.int64)]
        self._F, self._CR = F, CR
        return K.de_offspring(src, u, np.array([n, src.shape[0]], np.int64), guide, F, CR,
                              K.CURRENT_TO_PBEST1, False, K.MIDPOINT)

    def _tell_offspring(self, U, f):
        k = f.shape[0]
        parent_fit = self.fit[:k]
        better = f < parent_fit
        delta = parent_fit[better] - f[better]
        self.archive.add(self.pop[:k][better], self.rng)
        K.greedy_selection(self.pop, self.fit, U, f)
        if better.any():
            self._adapt(self._F[:k][better], self._CR[:k][better], delta)
        self._after_generation()


def check_memory_size(memory_size):
    return check_int("memory_size", memory_size, minimum=1)


def check_unit(name, value):
    return check_real(name, value, 0.0, 1.0)
