"""Session set-up: compile (or load from Numba's cache) every kernel once."""

import os

import numpy as np
import pytest
from hypothesis import settings

# The generated tests draw the same examples on every run (CI stays reproducible); set
# METAOPT_FUZZ=random to draw new ones while hunting for bugs.
settings.register_profile("fixed", derandomize=True, database=None)
settings.register_profile("random", database=None)
settings.load_profile("random" if os.environ.get("METAOPT_FUZZ") == "random" else "fixed")

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
