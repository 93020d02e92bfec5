"""What the search distributions (CMA-ES, xNES, PGPE, OpenAI-ES, SNES) share: samples folded
into the box while the distribution stays unconstrained, and, having no population of their
own, the best point met and the last batch as the Result's population."""

import numpy as np

from ..kernels.cmaes import reflect_into_box

__all__ = ["fold_into_box", "LastBatchPopulation"]


def fold_into_box(space, X):
    """Unit-cube samples ``X`` (n, dim), any real coordinates, folded into [0, 1] by
    reflection at the bounds (pycma's periodic BoundTransform, piecewise linear) on the
    bounded columns; the unbounded columns of a search without bounds stay as they are."""
    U = reflect_into_box(X)
    if not space.is_bounded:
        free = ~space.bounded
        U[:, free] = X[:, free]
    return U


class LastBatchPopulation:
    """``_population()`` of a sampler (a mixin of an Optimizer keeping ``_last_u`` and
    ``_last_f``): the best point met, then the last batch of samples."""

    def _population(self):
        if self._last_f.size == 0 or self._best_u is None:
            return np.empty((0, self.dim)), np.empty(0)
        return (np.vstack([self._best_u[None, :], self._last_u]),
                np.concatenate([[self.best_fun], self._last_f]))
