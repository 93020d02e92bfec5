"""Session set-up: compile (or load from Numba's cache) every kernel once."""

import numpy as np
import pytest

from metaopt.kernels import de as K


@pytest.fixture(scope="session", autouse=True)
def warm_kernels():
    rng = np.random.default_rng(0)
    pop = rng.random((8, 3))
    fit = rng.random(8)
    for exponential in (False, True):
        for repair in (K.MIDPOINT, K.CLIP, K.REFLECT, K.REINIT):
            u = rng.random((8, 3 + 1 + 6))
            K.de_offspring(pop, u, np.array([8, 8, 8]), np.zeros(8, np.int64), np.full(8, 0.5),
                           np.full(8, 0.9), K.RAND1, exponential, repair)
    K.greedy_selection(pop.copy(), fit.copy(), pop, fit, False)
