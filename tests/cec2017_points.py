"""The points at which tests/data/cec2017_values.csv holds the competition code's values.

Each (function, dim) draws from its own seeded Generator (PCG64 streams are the same on every
platform): 4 points uniform in the box, 2 at unit distance around the optimum, 1 within 1e-3
of it, the optimum itself, and for compositions one point near each other component's optimum.
"""

import numpy as np


def reference_points(problem):
    """The (k, dim) test points of a :class:`problems.cec2017.CEC2017` instance."""
    rng = np.random.default_rng([2017, problem.function, problem.dim])
    d = problem.dim
    optima = problem.component_optima
    parts = [rng.uniform(-100.0, 100.0, (4, d)),
             optima[0] + rng.normal(0.0, 1.0, (2, d)),
             optima[0] + rng.normal(0.0, 1e-3, (1, d)),
             optima[:1]]
    if len(optima) > 1:
        parts.append(optima[1:] + rng.normal(0.0, 0.5, optima[1:].shape))
    return np.concatenate(parts)
