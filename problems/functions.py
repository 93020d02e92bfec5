"""Classic continuous test functions, evaluated over a whole population (n, dim) at once.

Each knows its default bounds, its optimal point and value. ``make_function`` returns a seeded
shifted and/or rotated instance whose optimum stays inside the bounds; its optimum is known
exactly, which gives tests and benchmarks a ground truth. Definitions follow M. Jamil and X.-S.
Yang, "A literature survey of benchmark functions for global optimisation problems" (2013), and
the CEC 2014 report (Liang, Qu, Suganthan) for the high-conditioned ellipsoid.
"""

import numpy as np
from scipy.optimize import brentq
from scipy.stats import ortho_group

from metaopt.rng import as_generator

__all__ = ["FUNCTIONS", "BenchmarkFunction", "make_function"]


def sphere(X):
    return np.sum(X**2, axis=1)


def ellipsoid(X):
    d = X.shape[1]
    weights = 10.0 ** (6.0 * np.arange(d) / max(d - 1, 1))
    return (X**2) @ weights


def rosenbrock(X):
    return np.sum(100.0 * (X[:, 1:] - X[:, :-1] ** 2) ** 2 + (1.0 - X[:, :-1]) ** 2, axis=1)


def rastrigin(X):
    return 10.0 * X.shape[1] + np.sum(X**2 - 10.0 * np.cos(2.0 * np.pi * X), axis=1)


def ackley(X):
    d = X.shape[1]
    a = -20.0 * np.exp(-0.2 * np.sqrt(np.sum(X**2, axis=1) / d))
    b = -np.exp(np.sum(np.cos(2.0 * np.pi * X), axis=1) / d)
    return a + b + 20.0 + np.e


def griewank(X):
    i = np.sqrt(np.arange(1, X.shape[1] + 1))
    return 1.0 + np.sum(X**2, axis=1) / 4000.0 - np.prod(np.cos(X / i), axis=1)


SCHWEFEL_X = 420.9687463599595


def schwefel(X):
    return 418.98288727243369 * X.shape[1] - np.sum(X * np.sin(np.sqrt(np.abs(X))), axis=1)


def levy(X):
    W = 1.0 + (X - 1.0) / 4.0
    head = np.sin(np.pi * W[:, 0]) ** 2
    mid = np.sum((W[:, :-1] - 1.0) ** 2 * (1.0 + 10.0 * np.sin(np.pi * W[:, :-1] + 1.0) ** 2),
                 axis=1)
    tail = (W[:, -1] - 1.0) ** 2 * (1.0 + np.sin(2.0 * np.pi * W[:, -1]) ** 2)
    return head + mid + tail


def styblinski_tang(X):
    return 0.5 * np.sum(X**4 - 16.0 * X**2 + 5.0 * X, axis=1)


def zakharov(X):
    s = (X * (0.5 * np.arange(1, X.shape[1] + 1))).sum(axis=1)
    return np.sum(X**2, axis=1) + s**2 + s**4


# The 1-D minimiser of x^4 - 16x^2 + 5x, a root of its derivative 4x^3 - 32x + 5.
STYBLINSKI_TANG_X = brentq(lambda x: 4 * x**3 - 32 * x + 5, -3.0, -2.5, xtol=1e-15)
STYBLINSKI_TANG_F1 = 0.5 * (STYBLINSKI_TANG_X**4 - 16 * STYBLINSKI_TANG_X**2
                            + 5 * STYBLINSKI_TANG_X)

# name: (function, (low, high), optimal coordinate, optimal value per dimension)
FUNCTIONS = {
    "sphere": (sphere, (-5.12, 5.12), 0.0, 0.0),
    "ellipsoid": (ellipsoid, (-5.12, 5.12), 0.0, 0.0),
    "rosenbrock": (rosenbrock, (-5.0, 10.0), 1.0, 0.0),
    "rastrigin": (rastrigin, (-5.12, 5.12), 0.0, 0.0),
    "ackley": (ackley, (-32.768, 32.768), 0.0, 0.0),
    "griewank": (griewank, (-600.0, 600.0), 0.0, 0.0),
    "schwefel": (schwefel, (-500.0, 500.0), SCHWEFEL_X, 0.0),
    "levy": (levy, (-10.0, 10.0), 1.0, 0.0),
    "styblinski_tang": (styblinski_tang, (-5.0, 5.0), STYBLINSKI_TANG_X, STYBLINSKI_TANG_F1),
    "zakharov": (zakharov, (-5.0, 10.0), 0.0, 0.0),
}


class BenchmarkFunction:
    """A test function at a fixed dimension, optionally shifted and rotated.

    Call it on one point (dim,) for a float or on a population (n, dim) for (n,) values.

    Attributes
    ----------
    name, dim : str, int
    bounds : (dim, 2) array
    x_opt : (dim,) array, the optimal point
    f_opt : float, the optimal value
    """

    def __init__(self, name, dim, shift=None, rotation=None, signs=None):
        if name not in FUNCTIONS:
            raise ValueError(f"unknown function name={name!r}; choose one of {sorted(FUNCTIONS)}")
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 1:
            raise ValueError(f"dim must be a positive int, got dim={dim!r}")
        if name in ("rosenbrock", "levy") and dim < 2:
            raise ValueError(f"{name} needs dim >= 2, got dim={dim!r}")
        self.name, self.dim = name, int(dim)
        self._f, (low, high), x_star, f_star = FUNCTIONS[name]
        self.bounds = np.tile([low, high], (self.dim, 1)).astype(float)
        self._x_star = np.full(self.dim, x_star)
        self.f_opt = float(f_star * self.dim)
        self._shift = shift
        self._rotation = rotation
        self._signs = signs
        self.x_opt = self._x_star.copy() if shift is None else shift
        if signs is not None:
            self.x_opt = self._x_star * signs

    def __call__(self, X):
        X = np.asarray(X, dtype=float)
        single = X.ndim == 1
        Z = X[None, :] if single else X
        if self._signs is not None:
            Z = Z * self._signs
        elif self._shift is not None:
            Z = Z - self._shift
            if self._rotation is not None:
                Z = Z @ self._rotation.T
            Z = Z + self._x_star
        f = self._f(Z)
        return float(f[0]) if single else f

    def error(self, f):
        """``f - f_opt``: the distance to the optimal value."""
        return np.asarray(f) - self.f_opt

    def __repr__(self):
        extra = "" if self._shift is None else (", shifted" + (", rotated" if self._rotation
                                                              is not None else ""))
        return f"BenchmarkFunction({self.name!r}, dim={self.dim}{extra})"


def make_function(name, dim, rng=None, shift=False, rotate=False):
    """A seeded instance of a test function.

    Parameters
    ----------
    name : str
        A key of ``FUNCTIONS``.
    dim : int
    rng : None, int or numpy.random.Generator
        Draws the shift and rotation.
    shift : bool
        Move the optimum to a point drawn uniformly from the middle 80% of the box.
    rotate : bool
        Also rotate the function about its optimum by a uniformly drawn orthogonal matrix
        (``shift`` is then implied). Not for schwefel, whose optimum depends on its box.
    """
    func = BenchmarkFunction(name, dim)
    if not (shift or rotate):
        return func
    if rotate and name == "schwefel":
        raise ValueError("rotate=True is not defined for schwefel: its optimum lies near the box "
                         "corner and a rotation moves it outside")
    gen = as_generator(rng)
    low, high = func.bounds[:, 0], func.bounds[:, 1]
    if name == "schwefel":  # keep the optimum inside the box: mirror coordinates at random
        return BenchmarkFunction(name, dim, signs=gen.choice([-1.0, 1.0], size=dim))
    x_opt = gen.uniform(low + 0.1 * (high - low), high - 0.1 * (high - low))
    rotation = ortho_group.rvs(dim, random_state=gen) if rotate and dim > 1 else None
    return BenchmarkFunction(name, dim, shift=x_opt, rotation=rotation)
