"""Multi-objective test problems with known Pareto fronts (all objectives minimized).

- ZDT1-4 and ZDT6 (E. Zitzler, K. Deb, L. Thiele, "Comparison of multiobjective evolutionary
  algorithms: empirical results", Evolutionary Computation 8(2):173-195, 2000): two
  objectives; ZDT1, 2, 3 and 6 of 30 (ZDT6: 10) variables in [0, 1], ZDT4 of 10 with
  x_2..x_10 in [-5, 5].
- DTLZ1-7 (K. Deb, L. Thiele, M. Laumanns, E. Zitzler, "Scalable test problems for
  evolutionary multiobjective optimization", in Evolutionary Multiobjective Optimization,
  Springer 2005): M objectives over ``M + k - 1`` variables in [0, 1], k = 5 for DTLZ1, 10
  for DTLZ2-6, 20 for DTLZ7.
- CONSTR (K. Deb, "Multi-Objective Optimization using Evolutionary Algorithms", Wiley 2001,
  section 14.1.1): two objectives, two inequality constraints, a front in two pieces.
- BiKnapsack (E. Zitzler, L. Thiele, "Multiobjective evolutionary algorithms: a comparative
  case study and the strength Pareto approach", IEEE Trans. Evolutionary Computation
  3(4):257-271, 1999): the 0/1 knapsack with two knapsacks, over bits; its exact front by
  enumeration for up to 22 items.

Each is a vectorized callable ``F(X) -> (n, m)`` with ``bounds``, ``n_objectives`` and
``pareto_front(points)``, a sample of the true front for IGD.
"""

import math

import numpy as np

from metaopt.reference_directions import das_dennis

__all__ = ["ZDT1", "ZDT2", "ZDT3", "ZDT4", "ZDT6", "DTLZ1", "DTLZ2", "DTLZ3", "DTLZ4",
           "DTLZ5", "DTLZ6", "DTLZ7", "CONSTR", "BiKnapsack", "das_dennis", "nondominated",
           "MULTIOBJECTIVE"]


def _divisions_for(m, points):
    """The most lattice divisions whose lattice has at most ``points`` points (at least 1)."""
    p = 1
    while math.comb(p + 1 + m - 1, m - 1) <= points:
        p += 1
    return p


def nondominated(F):
    """The rows of ``F`` no other row dominates."""
    from metaopt.kernels.pareto import nondominated_ranks

    return F[nondominated_ranks(np.ascontiguousarray(F, dtype=float), np.zeros(len(F))) == 0]


class _Problem:
    n_objectives = 2
    vectorized = True

    def __init__(self, dim):
        self.dim = dim

    @property
    def bounds(self):
        return [(0.0, 1.0)] * self.dim

    def __repr__(self):
        return f"{type(self).__name__}(dim={self.dim}, objectives={self.n_objectives})"


class _ZDT(_Problem):
    def __init__(self, dim=30):
        super().__init__(dim)

    def __call__(self, X):
        X = np.atleast_2d(np.asarray(X, dtype=float))
        f1 = self._f1(X)
        g = self._g(X)
        return np.column_stack([f1, g * self._h(f1, g)])

    def _f1(self, X):
        return X[:, 0]

    def _g(self, X):
        return 1.0 + 9.0 * X[:, 1:].sum(axis=1) / (self.dim - 1)

    def pareto_front(self, points=1000):
        f1 = np.linspace(0.0, 1.0, points)
        return np.column_stack([f1, self._h(f1, 1.0)])


class ZDT1(_ZDT):
    """ZDT1: a convex front ``f2 = 1 - sqrt(f1)``."""

    def _h(self, f1, g):
        return 1.0 - np.sqrt(f1 / g)


class ZDT2(_ZDT):
    """ZDT2: a concave front ``f2 = 1 - f1^2``."""

    def _h(self, f1, g):
        return 1.0 - (f1 / g) ** 2


class ZDT3(_ZDT):
    """ZDT3: a front in five disconnected pieces."""

    def _h(self, f1, g):
        return 1.0 - np.sqrt(f1 / g) - f1 / g * np.sin(10.0 * np.pi * f1)

    def pareto_front(self, points=1000):
        f1 = np.linspace(0.0, 1.0, 20 * points)
        return nondominated(np.column_stack([f1, self._h(f1, 1.0)]))


class ZDT4(ZDT1):
    """ZDT4: ZDT1's front behind 21^9 local fronts (Rastrigin's g); x_2..x_10 in [-5, 5]."""

    def __init__(self, dim=10):
        super().__init__(dim)

    @property
    def bounds(self):
        return [(0.0, 1.0)] + [(-5.0, 5.0)] * (self.dim - 1)

    def _g(self, X):
        Y = X[:, 1:]
        return 1.0 + 10.0 * (self.dim - 1) + np.sum(Y**2 - 10.0 * np.cos(4.0 * np.pi * Y),
                                                    axis=1)


class ZDT6(_ZDT):
    """ZDT6: a concave front, non-uniformly dense along it."""

    def __init__(self, dim=10):
        super().__init__(dim)

    def _f1(self, X):
        return 1.0 - np.exp(-4.0 * X[:, 0]) * np.sin(6.0 * np.pi * X[:, 0]) ** 6

    def _g(self, X):
        return 1.0 + 9.0 * (X[:, 1:].sum(axis=1) / (self.dim - 1)) ** 0.25

    def _h(self, f1, g):
        return 1.0 - (f1 / g) ** 2

    def pareto_front(self, points=1000):
        f1 = np.linspace(0.2807753191, 1.0, points)  # the least f1 can be
        return np.column_stack([f1, 1.0 - f1**2])


class _DTLZ(_Problem):
    k = 10

    def __init__(self, objectives=3, k=None):
        self.n_objectives = int(objectives)
        self.k = self.k if k is None else int(k)
        super().__init__(self.n_objectives + self.k - 1)

    def __call__(self, X):
        X = np.atleast_2d(np.asarray(X, dtype=float))
        M = self.n_objectives
        return self._objectives(X[:, :M - 1], X[:, M - 1:])

    def _sphere(self, theta, g):
        """f_m = (1 + g) prod_{i < M-m} cos(theta_i) * sin(theta_{M-m}) (angles in radians)."""
        n, M = theta.shape[0], self.n_objectives
        F = np.empty((n, M))
        cos, sin = np.cos(theta), np.sin(theta)
        for m in range(M):
            f = (1.0 + g) * np.prod(cos[:, :M - 1 - m], axis=1)
            if m > 0:
                f = f * sin[:, M - 1 - m]
            F[:, m] = f
        return F

    @staticmethod
    def _rastrigin_g(Z):
        return 100.0 * (Z.shape[1] + np.sum((Z - 0.5) ** 2 - np.cos(20.0 * np.pi * (Z - 0.5)),
                                            axis=1))

    def _sphere_front(self, points):
        W = das_dennis(self.n_objectives, _divisions_for(self.n_objectives, points))
        return W / np.linalg.norm(W, axis=1, keepdims=True)


class DTLZ1(_DTLZ):
    """DTLZ1: a linear front ``sum f = 1/2`` behind 11^k - 1 local fronts."""

    k = 5

    def _objectives(self, P, Z):
        g = self._rastrigin_g(Z)
        n, M = P.shape[0], self.n_objectives
        F = np.empty((n, M))
        for m in range(M):
            f = 0.5 * (1.0 + g) * np.prod(P[:, :M - 1 - m], axis=1)
            if m > 0:
                f = f * (1.0 - P[:, M - 1 - m])
            F[:, m] = f
        return F

    def pareto_front(self, points=1000):
        return 0.5 * das_dennis(self.n_objectives, _divisions_for(self.n_objectives, points))


class DTLZ2(_DTLZ):
    """DTLZ2: the unit sphere's positive orthant."""

    def _objectives(self, P, Z):
        return self._sphere(P * np.pi / 2, np.sum((Z - 0.5) ** 2, axis=1))

    def pareto_front(self, points=1000):
        return self._sphere_front(points)


class DTLZ3(DTLZ2):
    """DTLZ3: DTLZ2's front behind 3^k - 1 local fronts (DTLZ1's g)."""

    def _objectives(self, P, Z):
        return self._sphere(P * np.pi / 2, self._rastrigin_g(Z))


class DTLZ4(DTLZ2):
    """DTLZ4: DTLZ2 with the angles' variables raised to alpha = 100 (a biased density)."""

    alpha = 100.0

    def _objectives(self, P, Z):
        return self._sphere(P**self.alpha * np.pi / 2, np.sum((Z - 0.5) ** 2, axis=1))


class DTLZ5(_DTLZ):
    """DTLZ5: a degenerate front, a curve on the unit sphere."""

    def _g(self, Z):
        return np.sum((Z - 0.5) ** 2, axis=1)

    def _objectives(self, P, Z):
        g = self._g(Z)
        theta = np.empty_like(P)
        theta[:, 0] = P[:, 0] * np.pi / 2
        theta[:, 1:] = np.pi / (4.0 * (1.0 + g[:, None])) * (1.0 + 2.0 * g[:, None] * P[:, 1:])
        return self._sphere(theta, g)

    def pareto_front(self, points=1000):
        theta = np.full((points, self.n_objectives - 1), np.pi / 4)
        theta[:, 0] = np.linspace(0.0, np.pi / 2, points)
        return self._sphere(theta, np.zeros(points))


class DTLZ6(DTLZ5):
    """DTLZ6: DTLZ5's curve with a harder g, ``sum x^0.1``."""

    def _g(self, Z):
        return np.sum(Z**0.1, axis=1)


class DTLZ7(_DTLZ):
    """DTLZ7: 2^(M-1) disconnected pieces."""

    k = 20

    def _objectives(self, P, Z):
        g = 1.0 + 9.0 / self.k * np.sum(Z, axis=1)
        h = self.n_objectives - np.sum(P / (1.0 + g[:, None]) * (1.0 + np.sin(3.0 * np.pi * P)),
                                       axis=1)
        return np.column_stack([P, (1.0 + g) * h])

    def pareto_front(self, points=1000):
        side = max(2, int(round((20 * points) ** (1.0 / (self.n_objectives - 1)))))
        grid = np.stack(np.meshgrid(*[np.linspace(0, 1, side)] * (self.n_objectives - 1)),
                        axis=-1).reshape(-1, self.n_objectives - 1)
        h = self.n_objectives - np.sum(grid / 2.0 * (1.0 + np.sin(3.0 * np.pi * grid)), axis=1)
        return nondominated(np.column_stack([grid, 2.0 * h]))


class CONSTR(_Problem):
    """CONSTR: minimize ``(x1, (1 + x2) / x1)`` for x1 in [0.1, 1], x2 in [0, 5], subject to
    ``x2 + 9 x1 >= 6`` and ``-x2 + 9 x1 >= 1``; ``constraints`` gives them as ``g(X) <= 0``."""

    def __init__(self):
        super().__init__(2)

    @property
    def bounds(self):
        return [(0.1, 1.0), (0.0, 5.0)]

    def __call__(self, X):
        X = np.atleast_2d(np.asarray(X, dtype=float))
        return np.column_stack([X[:, 0], (1.0 + X[:, 1]) / X[:, 0]])

    @staticmethod
    def constraints(X):
        X = np.atleast_2d(np.asarray(X, dtype=float))
        return np.column_stack([6.0 - X[:, 1] - 9.0 * X[:, 0], 1.0 + X[:, 1] - 9.0 * X[:, 0]])

    def pareto_front(self, points=1000):
        # x2 = 6 - 9 x1 on x1 in [7/18, 2/3] (the first constraint active), x2 = 0 beyond
        a = np.linspace(7.0 / 18.0, 2.0 / 3.0, points // 2)
        b = np.linspace(2.0 / 3.0, 1.0, points - points // 2)
        return np.vstack([np.column_stack([a, (7.0 - 9.0 * a) / a]),
                          np.column_stack([b, 1.0 / b])])


class BiKnapsack(_Problem):
    """The multi-objective 0/1 knapsack of Zitzler & Thiele (1999) with two knapsacks.

    ``items`` items; item j weighs ``w_ij`` and is worth ``p_ij`` in knapsack i, integers drawn
    uniformly from [10, 100] (from ``rng``; the same numbers on every machine); the capacity of
    knapsack i is half its total weight. A selection x (bits) is worth ``p_i . x`` in each
    knapsack, to maximize, and must fit both: here ``F(X) = -(p_1 . x, p_2 . x)`` is minimized
    subject to ``constraints(X) = W x - c <= 0``. ``bounds`` is ``Binary(items)``.
    ``pareto_front()`` is exact: every selection enumerated (up to 22 items).
    """

    #: The most items whose front :meth:`pareto_front` enumerates (2^22 selections).
    ENUMERABLE = 22

    def __init__(self, items=20, rng=0):
        from metaopt.rng import as_generator

        if isinstance(items, bool) or not isinstance(items, (int, np.integer)) or items < 2:
            raise ValueError(f"items must be an integer >= 2, got items={items!r}")
        super().__init__(int(items))
        generator = as_generator(rng)
        self.profits = generator.integers(10, 101, size=(2, self.dim)).astype(float)
        self.weights = generator.integers(10, 101, size=(2, self.dim)).astype(float)
        self.capacities = 0.5 * self.weights.sum(axis=1)
        self._front = None

    @property
    def bounds(self):
        from metaopt import Binary

        return Binary(self.dim)

    def __call__(self, X):
        X = np.atleast_2d(np.asarray(X, dtype=float))
        return -(X @ self.profits.T)

    def constraints(self, X):
        X = np.atleast_2d(np.asarray(X, dtype=float))
        return X @ self.weights.T - self.capacities

    def pareto_front(self, points=None):
        """The exact front (the profits negated, as ``F``), every selection enumerated;
        ``points`` is ignored (the front is what it is)."""
        if self.dim > self.ENUMERABLE:
            raise ValueError(f"the exact front is enumerated for up to {self.ENUMERABLE} "
                             f"items; this instance has {self.dim}")
        if self._front is None:
            self._front = self._enumerate()
        return self._front.copy()

    def _enumerate(self):
        found = []
        chunk = 1 << min(self.dim, 16)
        powers = 1 << np.arange(self.dim)
        for start in range(0, 1 << self.dim, chunk):
            codes = np.arange(start, start + chunk)
            bits = ((codes[:, None] & powers) != 0).astype(float)
            fits = np.all(bits @ self.weights.T <= self.capacities, axis=1)
            found.append(nondominated(self(bits[fits])))
        return np.unique(nondominated(np.vstack(found)), axis=0)


#: Name -> problem, for the command line and the benchmark.
MULTIOBJECTIVE = {
    "zdt1": ZDT1, "zdt2": ZDT2, "zdt3": ZDT3, "zdt4": ZDT4, "zdt6": ZDT6,
    "dtlz1": DTLZ1, "dtlz2": DTLZ2, "dtlz3": DTLZ3, "dtlz4": DTLZ4, "dtlz5": DTLZ5,
    "dtlz6": DTLZ6, "dtlz7": DTLZ7, "constr": CONSTR, "biknapsack": BiKnapsack,
}
