"""Classic constrained problems with their known optima.

- g01-g13 of the CEC 2006 suite (J. J. Liang, T. P. Runarsson, E. Mezura-Montes, M. Clerc,
  P. N. Suganthan, C. A. Coello Coello, K. Deb, "Problem definitions and evaluation criteria
  for the CEC 2006 special session on constrained real-parameter optimization", technical
  report, 2006), with the report's best-known values f* and points; equality constraints
  h(x) = 0 count as satisfied when |h(x)| <= 1e-4, the report's tolerance (written here as the
  inequality |h(x)| - 1e-4 <= 0).
- Three engineering designs: the tension/compression spring (Arora 1989; Coello 2000), the
  welded beam (Ragsdell & Phillips 1976, in the form of Deb 1991 and Coello 2000) and the
  pressure vessel with continuous thicknesses (Kannan & Kramer 1994; the continuous variant with
  ``x4 <= 240``), each with its best-known value from the literature.

Each problem's ``fun(X)`` and ``constraints(X)`` take a batch (n, dim): pass
``vectorized=True`` to ``minimize``.
"""

import numpy as np

__all__ = ["ConstrainedProblem", "CONSTRAINED", "load_constrained", "EQUALITY_TOL"]

#: The CEC 2006 tolerance on equality constraints.
EQUALITY_TOL = 1e-4


class ConstrainedProblem:
    """A constrained problem: objective, constraints ``g(X) <= 0`` (n, m), box and optimum.

    Attributes
    ----------
    name : str
    fun : callable, (n, dim) -> (n,)
    constraints : callable, (n, dim) -> (n, m), feasible where every entry is <= 0
    bounds : (dim, 2) array
    f_opt : float
        The best-known objective value.
    x_best : (dim,) array
        A point of the literature that reaches it.
    """

    def __init__(self, name, fun, constraints, bounds, f_opt, x_best):
        self.name, self.fun, self.constraints = name, fun, constraints
        self.bounds = np.asarray(bounds, dtype=float)
        self.dim = self.bounds.shape[0]
        self.f_opt, self.x_best = float(f_opt), np.asarray(x_best, dtype=float)

    def __call__(self, X):
        return self.fun(np.atleast_2d(X))

    def error(self, f):
        """Relative error ``|f - f*| / max(1, |f*|)``."""
        return abs(f - self.f_opt) / max(1.0, abs(self.f_opt))

    def __repr__(self):
        return f"ConstrainedProblem({self.name!r}, dim={self.dim}, f_opt={self.f_opt:.10g})"


def _eq(h):
    """An equality h = 0 as the inequality |h| - tolerance <= 0."""
    return np.abs(h) - EQUALITY_TOL


def _stack(*columns):
    return np.stack(columns, axis=1)


# -- CEC 2006 --------------------------------------------------------------------------------
def g01_f(X):
    return 5 * X[:, :4].sum(1) - 5 * (X[:, :4] ** 2).sum(1) - X[:, 4:13].sum(1)


def g01_g(X):
    x = X.T
    return _stack(2 * x[0] + 2 * x[1] + x[9] + x[10] - 10, 2 * x[0] + 2 * x[2] + x[9] + x[11] - 10,
                  2 * x[1] + 2 * x[2] + x[10] + x[11] - 10, -8 * x[0] + x[9], -8 * x[1] + x[10],
                  -8 * x[2] + x[11], -2 * x[3] - x[4] + x[9], -2 * x[5] - x[6] + x[10],
                  -2 * x[7] - x[8] + x[11])


def g02_f(X):
    c = np.cos(X)
    i = np.arange(1, X.shape[1] + 1)
    return -np.abs(((c ** 4).sum(1) - 2 * (c ** 2).prod(1)) / np.sqrt((i * X ** 2).sum(1)))


def g02_g(X):
    return _stack(0.75 - X.prod(1), X.sum(1) - 7.5 * X.shape[1])


def g03_f(X):
    n = X.shape[1]
    return -(np.sqrt(n) ** n) * X.prod(1)


def g03_g(X):
    return _eq((X ** 2).sum(1) - 1)[:, None]


def g04_f(X):
    x = X.T
    return 5.3578547 * x[2] ** 2 + 0.8356891 * x[0] * x[4] + 37.293239 * x[0] - 40792.141


def g04_g(X):
    x = X.T
    u = 85.334407 + 0.0056858 * x[1] * x[4] + 0.0006262 * x[0] * x[3] - 0.0022053 * x[2] * x[4]
    v = 80.51249 + 0.0071317 * x[1] * x[4] + 0.0029955 * x[0] * x[1] + 0.0021813 * x[2] ** 2
    w = 9.300961 + 0.0047026 * x[2] * x[4] + 0.0012547 * x[0] * x[2] + 0.0019085 * x[2] * x[3]
    return _stack(u - 92, -u, v - 110, 90 - v, w - 25, 20 - w)


def g05_f(X):
    x = X.T
    return 3 * x[0] + 1e-6 * x[0] ** 3 + 2 * x[1] + (2e-6 / 3) * x[1] ** 3


def g05_g(X):
    x = X.T
    return _stack(-x[3] + x[2] - 0.55, -x[2] + x[3] - 0.55,
                  _eq(1000 * np.sin(-x[2] - 0.25) + 1000 * np.sin(-x[3] - 0.25) + 894.8 - x[0]),
                  _eq(1000 * np.sin(x[2] - 0.25) + 1000 * np.sin(x[2] - x[3] - 0.25) + 894.8
                      - x[1]),
                  _eq(1000 * np.sin(x[3] - 0.25) + 1000 * np.sin(x[3] - x[2] - 0.25) + 1294.8))


def g06_f(X):
    return (X[:, 0] - 10) ** 3 + (X[:, 1] - 20) ** 3


def g06_g(X):
    x = X.T
    return _stack(-(x[0] - 5) ** 2 - (x[1] - 5) ** 2 + 100,
                  (x[0] - 6) ** 2 + (x[1] - 5) ** 2 - 82.81)


def g07_f(X):
    x = X.T
    return (x[0] ** 2 + x[1] ** 2 + x[0] * x[1] - 14 * x[0] - 16 * x[1] + (x[2] - 10) ** 2
            + 4 * (x[3] - 5) ** 2 + (x[4] - 3) ** 2 + 2 * (x[5] - 1) ** 2 + 5 * x[6] ** 2
            + 7 * (x[7] - 11) ** 2 + 2 * (x[8] - 10) ** 2 + (x[9] - 7) ** 2 + 45)


def g07_g(X):
    x = X.T
    return _stack(-105 + 4 * x[0] + 5 * x[1] - 3 * x[6] + 9 * x[7],
                  10 * x[0] - 8 * x[1] - 17 * x[6] + 2 * x[7],
                  -8 * x[0] + 2 * x[1] + 5 * x[8] - 2 * x[9] - 12,
                  3 * (x[0] - 2) ** 2 + 4 * (x[1] - 3) ** 2 + 2 * x[2] ** 2 - 7 * x[3] - 120,
                  5 * x[0] ** 2 + 8 * x[1] + (x[2] - 6) ** 2 - 2 * x[3] - 40,
                  x[0] ** 2 + 2 * (x[1] - 2) ** 2 - 2 * x[0] * x[1] + 14 * x[4] - 6 * x[5],
                  0.5 * (x[0] - 8) ** 2 + 2 * (x[1] - 4) ** 2 + 3 * x[4] ** 2 - x[5] - 30,
                  -3 * x[0] + 6 * x[1] + 12 * (x[8] - 8) ** 2 - 7 * x[9])


def g08_f(X):
    x = X.T
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sin(2 * np.pi * x[0]) ** 3 * np.sin(2 * np.pi * x[1]) / (x[0] ** 3
                                                                             * (x[0] + x[1]))


def g08_g(X):
    x = X.T
    return _stack(x[0] ** 2 - x[1] + 1, 1 - x[0] + (x[1] - 4) ** 2)


def g09_f(X):
    x = X.T
    return ((x[0] - 10) ** 2 + 5 * (x[1] - 12) ** 2 + x[2] ** 4 + 3 * (x[3] - 11) ** 2
            + 10 * x[4] ** 6 + 7 * x[5] ** 2 + x[6] ** 4 - 4 * x[5] * x[6] - 10 * x[5] - 8 * x[6])


def g09_g(X):
    x = X.T
    return _stack(-127 + 2 * x[0] ** 2 + 3 * x[1] ** 4 + x[2] + 4 * x[3] ** 2 + 5 * x[4],
                  -282 + 7 * x[0] + 3 * x[1] + 10 * x[2] ** 2 + x[3] - x[4],
                  -196 + 23 * x[0] + x[1] ** 2 + 6 * x[5] ** 2 - 8 * x[6],
                  4 * x[0] ** 2 + x[1] ** 2 - 3 * x[0] * x[1] + 2 * x[2] ** 2 + 5 * x[5]
                  - 11 * x[6])


def g10_f(X):
    return X[:, 0] + X[:, 1] + X[:, 2]


def g10_g(X):
    x = X.T
    return _stack(-1 + 0.0025 * (x[3] + x[5]), -1 + 0.0025 * (x[4] + x[6] - x[3]),
                  -1 + 0.01 * (x[7] - x[4]),
                  -x[0] * x[5] + 833.33252 * x[3] + 100 * x[0] - 83333.333,
                  -x[1] * x[6] + 1250 * x[4] + x[1] * x[3] - 1250 * x[3],
                  -x[2] * x[7] + 1250000 + x[2] * x[4] - 2500 * x[4])


def g11_f(X):
    return X[:, 0] ** 2 + (X[:, 1] - 1) ** 2


def g11_g(X):
    return _eq(X[:, 1] - X[:, 0] ** 2)[:, None]


def g12_f(X):
    return -(100 - ((X - 5) ** 2).sum(1)) / 100


_G12_CENTRES = np.array([(i, j, k) for i in range(1, 10) for j in range(1, 10)
                         for k in range(1, 10)], dtype=float)


def g12_g(X):
    # feasible inside any of the 729 spheres of radius 0.25 centred at (i, j, k), 1 <= i,j,k <= 9
    d2 = ((X[:, None, :] - _G12_CENTRES[None, :, :]) ** 2).sum(2)
    return (d2.min(1) - 0.0625)[:, None]


def g13_f(X):
    return np.exp(X.prod(1))


def g13_g(X):
    x = X.T
    return _stack(_eq((X ** 2).sum(1) - 10), _eq(x[1] * x[2] - 5 * x[3] * x[4]),
                  _eq(x[0] ** 3 + x[1] ** 3 + 1))


# -- engineering designs ------------------------------------------------------------------------
def spring_f(X):
    d, D, N = X.T
    return (N + 2) * D * d ** 2


def spring_g(X):
    d, D, N = X.T
    return _stack(1 - D ** 3 * N / (71785 * d ** 4),
                  (4 * D ** 2 - d * D) / (12566 * (D * d ** 3 - d ** 4)) + 1 / (5108 * d ** 2) - 1,
                  1 - 140.45 * d / (D ** 2 * N), (d + D) / 1.5 - 1)


_P, _L, _E, _G = 6000.0, 14.0, 30e6, 12e6


def welded_beam_f(X):
    h, l, t, b = X.T
    return 1.10471 * h ** 2 * l + 0.04811 * t * b * (14.0 + l)


def welded_beam_g(X):
    h, l, t, b = X.T
    tau1 = _P / (np.sqrt(2) * h * l)
    M = _P * (_L + l / 2)
    R = np.sqrt(l ** 2 / 4 + ((h + t) / 2) ** 2)
    J = 2 * (np.sqrt(2) * h * l * (l ** 2 / 12 + ((h + t) / 2) ** 2))
    tau2 = M * R / J
    tau = np.sqrt(tau1 ** 2 + 2 * tau1 * tau2 * l / (2 * R) + tau2 ** 2)
    sigma = 6 * _P * _L / (b * t ** 2)
    delta = 4 * _P * _L ** 3 / (_E * t ** 3 * b)
    Pc = 4.013 * _E * np.sqrt(t ** 2 * b ** 6 / 36) / _L ** 2 \
        * (1 - t / (2 * _L) * np.sqrt(_E / (4 * _G)))
    return _stack(tau - 13600, sigma - 30000, h - b,
                  0.10471 * h ** 2 + 0.04811 * t * b * (14 + l) - 5, 0.125 - h, delta - 0.25,
                  _P - Pc)


def pressure_vessel_f(X):
    ts, th, r, length = X.T
    return (0.6224 * ts * r * length + 1.7781 * th * r ** 2 + 3.1661 * ts ** 2 * length
            + 19.84 * ts ** 2 * r)


def pressure_vessel_g(X):
    ts, th, r, length = X.T
    return _stack(-ts + 0.0193 * r, -th + 0.00954 * r,
                  -np.pi * r ** 2 * length - 4 / 3 * np.pi * r ** 3 + 1296000, length - 240)


CONSTRAINED = {
    "g01": (g01_f, g01_g, [(0, 1)] * 9 + [(0, 100)] * 3 + [(0, 1)], -15.0,
            [1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 1]),
    "g02": (g02_f, g02_g, [(0, 10)] * 20, -0.80361910412559,
            [3.16246061572185, 3.12833142812967, 3.09479212988791, 3.06145059523469,
             3.02792915885555, 2.99382606701730, 2.95866871765285, 2.92184227312450,
             0.49482511456933, 0.48835711005490, 0.48231642711865, 0.47664475092742,
             0.47129550835493, 0.46623099264167, 0.46142004984199, 0.45683664767217,
             0.45245876903267, 0.44826762241853, 0.44424700958760, 0.44038285956317]),
    "g03": (g03_f, g03_g, [(0, 1)] * 10, -1.00050010001000,
            [0.31624357647283069, 0.316243577414338339, 0.316243578012345927,
             0.316243575664017895, 0.316243578205526066, 0.31624357738855069,
             0.316243575472949512, 0.316243577164883938, 0.316243578155920302,
             0.316243576147374916]),
    "g04": (g04_f, g04_g, [(78, 102), (33, 45), (27, 45), (27, 45), (27, 45)],
            -30665.538671783317, [78, 33, 29.9952560256815985, 45, 36.7758129057882073]),
    "g05": (g05_f, g05_g, [(0, 1200), (0, 1200), (-0.55, 0.55), (-0.55, 0.55)],
            5126.4967140071, [679.945148297028709, 1026.06697600004691, 0.118876369094410433,
                              -0.39623348521517826]),
    "g06": (g06_f, g06_g, [(13, 100), (0, 100)], -6961.81387558015,
            [14.09500000000000064, 0.8429607892154795668]),
    "g07": (g07_f, g07_g, [(-10, 10)] * 10, 24.30620906818,
            [2.17199634142692, 2.3636830416034, 8.77392573913157, 5.09598443745173,
             0.990654756560493, 1.43057392853463, 1.32164415364306, 9.82872576524495,
             8.2800915887356, 8.3759266477347]),
    "g08": (g08_f, g08_g, [(0, 10)] * 2, -0.0958250414180359,
            [1.22797135260752599, 4.24537336612274885]),
    "g09": (g09_f, g09_g, [(-10, 10)] * 7, 680.630057374402,
            [2.33049935147405174, 1.95137236847114592, -0.477541399510615805,
             4.36572624923625874, -0.624486959100388983, 1.03813099410962173,
             1.5942266780671519]),
    "g10": (g10_f, g10_g, [(100, 10000), (1000, 10000), (1000, 10000)] + [(10, 1000)] * 5,
            7049.24802052867, [579.306685017979589, 1359.97067807935605, 5109.97065743133317,
                               182.01769963061534, 295.601173702746792, 217.982300369384632,
                               286.41652592786852, 395.601173702746735]),
    "g11": (g11_f, g11_g, [(-1, 1)] * 2, 0.7499, [-0.707036070037170616, 0.500000004333606807]),
    "g12": (g12_f, g12_g, [(0, 10)] * 3, -1.0, [5, 5, 5]),
    "g13": (g13_f, g13_g, [(-2.3, 2.3), (-2.3, 2.3), (-3.2, 3.2), (-3.2, 3.2), (-3.2, 3.2)],
            0.053941514041898, [-1.71714224003, 1.59572124049468, 1.8272502406271,
                                -0.763659881912867, -0.76365986736498]),
    "spring": (spring_f, spring_g, [(0.05, 2.0), (0.25, 1.3), (2.0, 15.0)], 0.012665232788,
               [0.051689061, 0.356717736, 11.288964990]),
    "welded_beam": (welded_beam_f, welded_beam_g, [(0.1, 2.0), (0.1, 10.0), (0.1, 10.0),
                                                   (0.1, 2.0)],
                    1.724852309, [0.20572964, 3.47048867, 9.03662391, 0.20572964]),
    "pressure_vessel": (pressure_vessel_f, pressure_vessel_g,
                        [(0.0, 99.0), (0.0, 99.0), (10.0, 200.0), (10.0, 200.0)],
                        5885.332773616, [0.7781686, 0.3846491, 40.3196187, 200.0]),
}


def load_constrained(name):
    """A problem by name: "g01" ... "g13", "spring", "welded_beam", "pressure_vessel"."""
    if name not in CONSTRAINED:
        raise ValueError(f"unknown constrained problem name={name!r}; "
                         f"known: {sorted(CONSTRAINED)}")
    fun, g, bounds, f_opt, x_best = CONSTRAINED[name]
    return ConstrainedProblem(name, fun, g, bounds, f_opt, x_best)
