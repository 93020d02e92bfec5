"""The CEC 2017 bound-constrained benchmark, F1 and F3-F30, as the competition's code computes it.

Awad, Ali, Liang, Qu & Suganthan, "Problem Definitions and Evaluation Criteria for the CEC 2017
Special Session and Competition on Single Objective Real-Parameter Numerical Optimization",
Technical Report, Nanyang Technological University, 2016. The values are those of the
competition's C code (``cec17_test_func.cpp``), which differs from the report in places that
change what a point is worth; this port follows the code, because published results (the
L-SRTDE, jSO and L-SHADE tables among them) were computed with it:

- F6 (Schaffer's F7) evaluates the shifted point without its rotation (the code rotates into one
  buffer and reads another);
- F8 (non-continuous Rastrigin) rounds a stale buffer that is overwritten before use, so it is
  a shifted, rotated Rastrigin with its own data;
- in hybrid functions, a Schaffer F7 part reads the first variables of the shuffled vector
  instead of its own group, and the Lunacek bi-Rastrigin part takes the signs of the function's
  first shift entries;
- Levy's term is ``sin(pi w + 1)``, and its minimum is at z = 1, not at the shift vector;
- the transformation matrices of most functions are not orthogonal (as the data has them).

F2 is left out, as the competition itself left it out (its values are unstable).

The shift vectors, rotation matrices and shuffles are the competition's ``input_data`` for
D = 10, 30, 50 and 100, shipped in ``problems/data/cec2017`` (see its README).
"""

import math
import pathlib

import numpy as np

from . import cec2017_kernels as K

__all__ = ["CEC2017", "CEC2017_FUNCTIONS", "CEC2017_DIMENSIONS"]

CEC2017_FUNCTIONS = (1,) + tuple(range(3, 31))
CEC2017_DIMENSIONS = (10, 30, 50, 100)
DATA = pathlib.Path(__file__).resolve().parent / "data" / "cec2017"
_LOADED = {}


# -- the basic functions, on the transformed point z (n, d) --------------------------------------
def _bent_cigar(z):
    return z[:, 0] ** 2 + 1e6 * np.sum(z[:, 1:] ** 2, axis=1)


def _discus(z):
    return 1e6 * z[:, 0] ** 2 + np.sum(z[:, 1:] ** 2, axis=1)


def _ellips(z):
    d = z.shape[1]
    return np.sum(10.0 ** (6.0 * np.arange(d) / (d - 1)) * z * z, axis=1)


def _zakharov(z):
    s1 = np.sum(z ** 2, axis=1)
    s2 = np.sum(0.5 * np.arange(1, z.shape[1] + 1) * z, axis=1)
    return s1 + s2 ** 2 + s2 ** 4


def _rosenbrock(z):
    z = z + 1.0
    t1 = z[:, :-1] ** 2 - z[:, 1:]
    t2 = z[:, :-1] - 1.0
    return np.sum(100.0 * t1 * t1 + t2 * t2, axis=1)


def _rastrigin(z):
    return np.sum(z * z - 10.0 * np.cos(2.0 * np.pi * z) + 10.0, axis=1)


def _schaffer_f7(y):
    d = y.shape[1]
    s = np.sqrt(y[:, :-1] ** 2 + y[:, 1:] ** 2)
    t = np.sin(50.0 * s ** 0.2)
    f = np.sum(s ** 0.5 + s ** 0.5 * t * t, axis=1)
    return f * f / (d - 1) / (d - 1)


def _levy(z):
    w = 1.0 + (z - 1.0) / 4.0
    term1 = np.sin(np.pi * w[:, 0]) ** 2
    last = w[:, -1]
    term3 = (last - 1) ** 2 * (1 + np.sin(2 * np.pi * last) ** 2)
    inner = w[:, :-1]
    middle = np.sum((inner - 1) ** 2 * (1 + 10 * np.sin(np.pi * inner + 1) ** 2), axis=1)
    return term1 + middle + term3


def _schwefel(z):
    d = z.shape[1]
    z = z + 4.209687462275036e+002
    high, low = z > 500, z < -500
    r_high = 500.0 - np.fmod(z, 500)
    r_low = 500.0 - np.fmod(np.abs(z), 500)
    with np.errstate(invalid="ignore"):
        middle = -z * np.sin(np.abs(z) ** 0.5)
        upper = -r_high * np.sin(r_high ** 0.5) + ((z - 500.0) / 100) ** 2 / d
        lower = -(-500.0 + np.fmod(np.abs(z), 500)) * np.sin(r_low ** 0.5) \
            + ((z + 500.0) / 100) ** 2 / d
    terms = np.where(high, upper, np.where(low, lower, middle))
    return np.sum(terms, axis=1) + 4.189828872724338e+002 * d


def _ackley(z):
    d = z.shape[1]
    s1 = -0.2 * np.sqrt(np.sum(z * z, axis=1) / d)
    s2 = np.sum(np.cos(2.0 * np.pi * z), axis=1) / d
    return np.e - 20.0 * np.exp(s1) - np.exp(s2) + 20.0


_WEIERSTRASS_A = 0.5 ** np.arange(21)
_WEIERSTRASS_B = 3.0 ** np.arange(21)


def _weierstrass(z):
    d = z.shape[1]
    terms = _WEIERSTRASS_A * np.cos(2.0 * np.pi * _WEIERSTRASS_B * (z[..., None] + 0.5))
    offset = np.sum(_WEIERSTRASS_A * np.cos(2.0 * np.pi * _WEIERSTRASS_B * 0.5))
    return np.sum(np.sum(terms, axis=2), axis=1) - d * offset


def _griewank(z):
    s = np.sum(z * z, axis=1)
    p = np.prod(np.cos(z / np.sqrt(1.0 + np.arange(z.shape[1]))), axis=1)
    return 1.0 + s / 4000.0 - p


_KATSUURA_POW = 2.0 ** np.arange(1, 33)


def _katsuura(z):
    d = z.shape[1]
    scaled = _KATSUURA_POW * z[..., None]
    inner = np.sum(np.abs(scaled - np.floor(scaled + 0.5)) / _KATSUURA_POW, axis=2)
    f = np.prod((1.0 + np.arange(1, d + 1) * inner) ** (10.0 / (1.0 * d) ** 1.2), axis=1)
    factor = 10.0 / d / d
    return f * factor - factor


def _grie_rosen(z):
    z = z + 1.0
    nxt = np.roll(z, -1, axis=1)  # the last term pairs z[d-1] with z[0]
    t = 100.0 * (z * z - nxt) ** 2 + (z - 1.0) ** 2
    return np.sum(t * t / 4000.0 - np.cos(t) + 1.0, axis=1)


def _escaffer6(z):
    nxt = np.roll(z, -1, axis=1)
    s = z * z + nxt * nxt
    t1 = np.sin(np.sqrt(s)) ** 2
    t2 = 1.0 + 0.001 * s
    return np.sum(0.5 + (t1 - 0.5) / (t2 * t2), axis=1)


def _happycat(z):
    d = z.shape[1]
    z = z - 1.0
    r2 = np.sum(z * z, axis=1)
    total = np.sum(z, axis=1)
    return np.abs(r2 - d) ** 0.25 + (0.5 * r2 + total) / d + 0.5


def _hgbat(z):
    d = z.shape[1]
    z = z - 1.0
    r2 = np.sum(z * z, axis=1)
    total = np.sum(z, axis=1)
    return np.abs(r2 ** 2.0 - total ** 2.0) ** 0.5 + (0.5 * r2 + total) / d + 0.5


def _bi_rastrigin(y, signs_from, rotation=None):
    """Lunacek's bi-Rastrigin on ``y`` (already shifted and scaled by 10/100). The signs come
    from the shift vector ``signs_from`` (its first d entries, as in the code's hybrid use)."""
    d = y.shape[1]
    mu0, depth = 2.5, 1.0
    s = 1.0 - 1.0 / (2.0 * (d + 20.0) ** 0.5 - 8.2)
    mu1 = -((mu0 * mu0 - depth) / s) ** 0.5
    z = 2 * y
    z = np.where(signs_from[:d] < 0.0, -z, z)
    moved = z + mu0
    tmp1 = np.sum((moved - mu0) ** 2, axis=1)
    tmp2 = np.sum((moved - mu1) ** 2, axis=1) * s + depth * d
    waves = z if rotation is None else z @ rotation.T
    return np.minimum(tmp1, tmp2) + 10.0 * (d - np.sum(np.cos(2.0 * np.pi * waves), axis=1))


# (function, the scale the code applies to the shifted point before rotating it)
_BASIC = {
    "bent_cigar": (_bent_cigar, 1.0), "discus": (_discus, 1.0), "ellips": (_ellips, 1.0),
    "zakharov": (_zakharov, 1.0), "rosenbrock": (_rosenbrock, 2.048 / 100.0),
    "rastrigin": (_rastrigin, 5.12 / 100.0), "schaffer_f7": (_schaffer_f7, 1.0),
    "levy": (_levy, 1.0), "schwefel": (_schwefel, 1000.0 / 100.0), "ackley": (_ackley, 1.0),
    "weierstrass": (_weierstrass, 0.5 / 100.0), "griewank": (_griewank, 600.0 / 100.0),
    "katsuura": (_katsuura, 5.0 / 100.0), "grie_rosen": (_grie_rosen, 5.0 / 100.0),
    "escaffer6": (_escaffer6, 1.0), "happycat": (_happycat, 5.0 / 100.0),
    "hgbat": (_hgbat, 5.0 / 100.0),
}


def _shifted_rotated(name, X, shift, rotation):
    """A basic function at ``X`` shifted by ``shift``, scaled, and rotated by ``rotation``."""
    if name == "bi_rastrigin":
        return _bi_rastrigin((X - shift) * (10.0 / 100.0), shift, rotation)
    f, rate = _BASIC[name]
    y = (X - shift) * rate
    return f(y) if name == "schaffer_f7" else f(y @ rotation.T)


# -- hybrid functions: shift, rotate, shuffle, then one basic function per group ---------------
_HYBRIDS = {
    11: (("zakharov", "rosenbrock", "rastrigin"), (0.2, 0.4, 0.4)),
    12: (("ellips", "schwefel", "bent_cigar"), (0.3, 0.3, 0.4)),
    13: (("bent_cigar", "rosenbrock", "bi_rastrigin"), (0.3, 0.3, 0.4)),
    14: (("ellips", "ackley", "schaffer_f7", "rastrigin"), (0.2, 0.2, 0.2, 0.4)),
    15: (("bent_cigar", "hgbat", "rastrigin", "rosenbrock"), (0.2, 0.2, 0.3, 0.3)),
    16: (("escaffer6", "hgbat", "rosenbrock", "schwefel"), (0.2, 0.2, 0.3, 0.3)),
    17: (("katsuura", "ackley", "grie_rosen", "schwefel", "rastrigin"),
         (0.1, 0.2, 0.2, 0.2, 0.3)),
    18: (("ellips", "ackley", "rastrigin", "hgbat", "discus"), (0.2,) * 5),
    19: (("bent_cigar", "rastrigin", "grie_rosen", "weierstrass", "escaffer6"), (0.2,) * 5),
    20: (("hgbat", "katsuura", "ackley", "rastrigin", "schwefel", "schaffer_f7"),
         (0.1, 0.1, 0.2, 0.2, 0.2, 0.2)),
}


def _group_sizes(shares, d):
    sizes = [math.ceil(share * d) for share in shares[:-1]]  # the code's ceil(Gp[i] * nx)
    return sizes + [d - sum(sizes)]


def _hybrid(number, X, shift, rotation, shuffle):
    parts, shares = _HYBRIDS[number]
    shuffled = ((X - shift) @ rotation.T)[:, shuffle]
    total = np.zeros(X.shape[0])
    start = 0
    for name, size in zip(parts, _group_sizes(shares, X.shape[1])):
        group = shuffled[:, start:start + size]
        if name == "bi_rastrigin":
            total += _bi_rastrigin(group * (10.0 / 100.0), shift)
        elif name == "schaffer_f7":  # reads the first `size` shuffled variables, not its group
            total += _schaffer_f7(shuffled[:, :size])
        else:
            f, rate = _BASIC[name]
            total += f(group * rate)
        start += size
    return total


# -- composition functions: a weighted sum of components around their own optima ---------------
# Each component: (basic function or hybrid number, (numerator, denominator) or None); the code
# scales a component's value as numerator * fit / denominator, in that order.
_TEN = (1000.0, 100.0)
_ELLIPS = (10000.0, 1e10)
_SCAFFER = (10000.0, 2e7)
_COMPOSITIONS = {
    21: (("rosenbrock", None), ("ellips", _ELLIPS), ("rastrigin", None)),
    22: (("rastrigin", None), ("griewank", _TEN), ("schwefel", None)),
    23: (("rosenbrock", None), ("ackley", _TEN), ("schwefel", None), ("rastrigin", None)),
    24: (("ackley", _TEN), ("ellips", _ELLIPS), ("griewank", _TEN), ("rastrigin", None)),
    25: (("rastrigin", (10000.0, 1e3)), ("happycat", (1000.0, 1e3)), ("ackley", _TEN),
         ("discus", _ELLIPS), ("rosenbrock", None)),
    26: (("escaffer6", _SCAFFER), ("schwefel", None), ("griewank", _TEN),
         ("rosenbrock", None), ("rastrigin", (10000.0, 1e3))),
    27: (("hgbat", (10000.0, 1000.0)), ("rastrigin", (10000.0, 1e3)),
         ("schwefel", (10000.0, 4e3)), ("bent_cigar", (10000.0, 1e30)), ("ellips", _ELLIPS),
         ("escaffer6", _SCAFFER)),
    28: (("ackley", _TEN), ("griewank", _TEN), ("discus", _ELLIPS), ("rosenbrock", None),
         ("happycat", (1000.0, 1e3)), ("escaffer6", _SCAFFER)),
    29: ((15, None), (16, None), (17, None)),
    30: ((15, None), (18, None), (19, None)),
}
_DELTAS = {21: (10, 20, 30), 22: (10, 20, 30), 23: (10, 20, 30, 40), 24: (10, 20, 30, 40),
           25: (10, 20, 30, 40, 50), 26: (10, 20, 20, 30, 40), 27: (10, 20, 30, 40, 50, 60),
           28: (10, 20, 30, 40, 50, 60), 29: (10, 30, 50), 30: (10, 30, 50)}


def _composition(number, X, shifts, rotations, shuffles):
    n, d = X.shape
    k = len(_COMPOSITIONS[number])
    fits = np.empty((k, n))
    for i, (part, pair) in enumerate(_COMPOSITIONS[number]):
        if isinstance(part, int):
            fit = _hybrid(part, X, shifts[i], rotations[i], shuffles[i])
        else:
            fit = _shifted_rotated(part, X, shifts[i], rotations[i])
        if pair is not None:
            fit = pair[0] * fit / pair[1]
        fits[i] = fit + 100.0 * i
    deltas = np.asarray(_DELTAS[number], dtype=float)
    dist = np.sum((X[None, :, :] - shifts[:k, None, :]) ** 2.0, axis=2)  # (k, n)
    with np.errstate(divide="ignore"):
        w = np.where(dist != 0, (1.0 / dist) ** 0.5
                     * np.exp(-dist / 2.0 / d / (deltas[:, None] ** 2.0)), 1.0e99)
    w_max = np.max(w, axis=0)
    w_sum = np.sum(w, axis=0)
    flat = w_max == 0
    w = np.where(flat[None, :], 1.0, w)
    w_sum = np.where(flat, float(k), w_sum)
    return np.sum(w / w_sum * fits, axis=0)


_SINGLE = {1: "bent_cigar", 3: "zakharov", 4: "rosenbrock", 5: "rastrigin", 6: "schaffer_f7",
           7: "bi_rastrigin", 8: "rastrigin", 9: "levy", 10: "schwefel"}


_KINDS = {"bent_cigar": K.BENT, "discus": K.DISCUS, "ellips": K.ELLIPS, "zakharov": K.ZAKHAROV,
          "rosenbrock": K.ROSEN, "rastrigin": K.RASTRIGIN, "schaffer_f7": K.SCHAFFER,
          "levy": K.LEVY, "schwefel": K.SCHWEFEL, "ackley": K.ACKLEY,
          "weierstrass": K.WEIER, "griewank": K.GRIEWANK, "katsuura": K.KATSUURA,
          "grie_rosen": K.GRIEROSEN, "escaffer6": K.ESCAFFER, "happycat": K.HAPPYCAT,
          "hgbat": K.HGBAT, "bi_rastrigin": K.BIRAS}


def _kernel_tables(number, dim):
    """What :func:`cec2017_kernels.evaluate` takes for function ``number`` at ``dim``."""
    kinds = np.full((10, 6), -1, dtype=np.int64)
    sizes = np.full((10, 6), -1, dtype=np.int64)
    for h, (parts, shares) in _HYBRIDS.items():
        kinds[h - 11, :len(parts)] = [_KINDS[p] for p in parts]
        sizes[h - 11, :len(parts)] = _group_sizes(shares, dim)
    single = _KINDS[_SINGLE[number]] if number in _SINGLE else -1
    if number in _HYBRIDS:
        parts = [100 + number - 11]
        pairs = [None]
    elif number in _COMPOSITIONS:
        parts = [100 + p - 11 if isinstance(p, int) else _KINDS[p]
                 for p, _ in _COMPOSITIONS[number]]
        pairs = [pair for _, pair in _COMPOSITIONS[number]]
    else:
        parts, pairs = [0], [None]
    numerators = np.array([1.0 if p is None else p[0] for p in pairs])
    denominators = np.array([1.0 if p is None else p[1] for p in pairs])
    deltas = np.asarray(_DELTAS.get(number, (1.0,)), dtype=float)
    return (single, kinds, sizes, np.array(parts, dtype=np.int64), numerators, denominators,
            deltas)


def _load(dim):
    if dim not in _LOADED:
        with np.load(DATA / f"cec2017_D{dim}.npz") as data:
            _LOADED[dim] = {key: data[key] for key in data.files}
    return _LOADED[dim]


class CEC2017:
    """CEC 2017 function ``function`` (1, 3-30) at dimension ``dim`` (10, 30, 50 or 100).

    Call it on one point (dim,) for a float or on a population (n, dim) for (n,) values; the
    optimum value is ``100 * function`` (``f_opt``), at ``x_opt``, inside the box [-100, 100]^dim.

    Parameters
    ----------
    function : int
        The function's number in the competition's report (F2 is excluded, as there).
    dim : int
        One of the competition's dimensions with shipped data.
    compiled : bool, default True
        Evaluate with the Numba kernels of :mod:`problems.cec2017_kernels` (one point costs
        microseconds); False: with the plain-numpy functions of this module (vectorized over
        a population, the reference the kernels are tested against).

    Attributes
    ----------
    bounds : (dim, 2) array
    f_opt : float
    x_opt : (dim,) array
        A minimizer: the shift vector, except for F9, whose Levy function the code leaves
        unshifted to its optimum (z = 1, so x = o + M^-1 1); for compositions, the first
        component's optimum (the global one).
    component_optima : (k, dim) array
        The optima of a composition's k components (one row for the other functions).

    References
    ----------
    Awad, N. H., Ali, M. Z., Liang, J. J., Qu, B. Y., Suganthan, P. N. (2016). Problem
    definitions and evaluation criteria for the CEC 2017 special session and competition on
    single objective real-parameter numerical optimization. Technical report, NTU Singapore.
    """

    def __init__(self, function, dim, compiled=True):
        if isinstance(function, bool) or not isinstance(function, (int, np.integer)) \
                or int(function) not in CEC2017_FUNCTIONS:
            extra = " (F2 is excluded, as the competition excluded it)" if function == 2 else ""
            raise ValueError(f"function must be one of 1, 3, ..., 30, got function={function!r}"
                             f"{extra}")
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) \
                or int(dim) not in CEC2017_DIMENSIONS:
            raise ValueError(f"dim must be one of {CEC2017_DIMENSIONS} (the competition's "
                             f"dimensions with data), got dim={dim!r}")
        self.function, self.dim = int(function), int(dim)
        data = _load(self.dim)
        self._rotations = data[f"M{self.function}"]
        self._shifts = data[f"o{self.function}"]
        self._shuffles = data.get(f"S{self.function}")
        self.bounds = np.tile([-100.0, 100.0], (self.dim, 1))
        self.f_opt = 100.0 * self.function
        self.x_opt = self._shifts[0].copy()
        if self.function == 9:  # the code's Levy is minimal at z = 1, not at z = 0
            self.x_opt = self.x_opt + np.linalg.solve(self._rotations[0], np.ones(self.dim))
        #: The optima of the components (compositions; one row otherwise).
        self.component_optima = self._shifts.copy()
        self.name = f"cec2017_f{self.function}"
        if not isinstance(compiled, bool):
            raise TypeError(f"compiled must be a bool, got compiled={compiled!r}")
        self.compiled = compiled
        self._tables = _kernel_tables(self.function, self.dim)
        self._shuffles_int = (np.zeros((1, self.dim), dtype=np.int64) if self._shuffles is None
                              else self._shuffles.astype(np.int64))

    def __call__(self, X):
        X = np.asarray(X, dtype=float)
        single = X.ndim == 1
        X = X[None, :] if single else X
        if X.ndim != 2 or X.shape[1] != self.dim:
            raise ValueError(f"X must have shape (n, {self.dim}) or ({self.dim},), got "
                             f"{np.shape(X)}")
        number = self.function
        if self.compiled:
            kind, kinds, sizes, parts, numerators, denominators, deltas = self._tables
            f = np.empty(X.shape[0])
            K.evaluate(np.ascontiguousarray(X), kind, kinds, sizes, self._shifts,
                       self._rotations, self._shuffles_int, parts, numerators, denominators,
                       deltas, f)
        elif number in _SINGLE:
            f = _shifted_rotated(_SINGLE[number], X, self._shifts[0], self._rotations[0])
        elif number in _HYBRIDS:
            f = _hybrid(number, X, self._shifts[0], self._rotations[0], self._shuffles[0])
        else:
            f = _composition(number, X, self._shifts, self._rotations, self._shuffles)
        f = f + self.f_opt
        return float(f[0]) if single else f

    def error(self, f):
        """``f - f_opt``, the error the competition reports (values under 1e-8 count as 0)."""
        return np.asarray(f) - self.f_opt

    def __repr__(self):
        return f"CEC2017({self.function}, dim={self.dim})"
