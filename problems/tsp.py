"""The symmetric travelling salesman problem and a TSPLIB reader.

Distances follow TSPLIB95 (G. Reinelt, "TSPLIB - a traveling salesman problem library", ORSA J.
Computing 3(4), 1991, and its format description): EUC_2D rounds the Euclidean distance to the
nearest integer, CEIL_2D rounds it up, ATT is the pseudo-Euclidean distance, GEO the distance on
TSPLIB's idealised sphere, and EXPLICIT reads the matrix in any of the FULL_MATRIX, UPPER_ROW,
LOWER_ROW, UPPER_DIAG_ROW and LOWER_DIAG_ROW layouts. The instances shipped in
``problems/data/tsplib`` come with their published optimal lengths.
"""

import csv
from importlib import resources
from pathlib import Path

import numpy as np
from numba import njit

__all__ = ["TSP", "read_tsplib", "load_tsplib", "tsplib_instances", "tour_lengths"]

_DATA = "data/tsplib"


@njit(cache=True)
def tour_lengths(distances, tours):
    """Length of each closed tour (rows of ``tours``) under the distance matrix."""
    m, n = tours.shape
    out = np.empty(m)
    for k in range(m):
        total = 0.0
        for i in range(n - 1):
            total += distances[tours[k, i], tours[k, i + 1]]
        out[k] = total + distances[tours[k, n - 1], tours[k, 0]]
    return out


class TSP:
    """A symmetric TSP instance as an objective over ``Permutation(n)``.

    Call it on one tour (n,) for its length, or on a batch (m, n) for m lengths. It exposes
    ``distances``, which local searches use to compute move deltas without a full evaluation.

    Attributes
    ----------
    name : str
    n : int
    distances : (n, n) float64 array
    coords : (n, 2) array or None
    optimum : float or None
        The published optimal length, when known.
    """

    def __init__(self, distances, name="tsp", coords=None, optimum=None):
        D = np.ascontiguousarray(distances, dtype=float)
        if D.ndim != 2 or D.shape[0] != D.shape[1] or D.shape[0] < 3:
            raise ValueError(f"distances must be a square matrix of at least 3 nodes, "
                             f"got shape {D.shape}")
        if not np.allclose(D, D.T):
            raise ValueError("distances must be symmetric (this is the symmetric TSP)")
        self.distances, self.name, self.n = D, name, D.shape[0]
        self.coords = None if coords is None else np.asarray(coords, dtype=float)
        self.optimum = optimum

    def __call__(self, tours):
        tours = np.asarray(tours)
        if tours.ndim == 1:
            return float(tour_lengths(self.distances, tours[None, :].astype(np.int64))[0])
        return tour_lengths(self.distances, np.ascontiguousarray(tours, dtype=np.int64))

    def gap(self, length):
        """Relative excess over the published optimum: ``length / optimum - 1``."""
        if self.optimum is None:
            raise ValueError(f"{self.name} has no known optimum")
        return length / self.optimum - 1.0

    def __repr__(self):
        opt = "" if self.optimum is None else f", optimum={self.optimum:g}"
        return f"TSP({self.name!r}, n={self.n}{opt})"


def _nint(x):
    return np.floor(x + 0.5)


def _geo_radians(coords):
    # TSPLIB: degrees.minutes, truncated to whole degrees, PI = 3.141592.
    deg = np.trunc(coords)
    return 3.141592 * (deg + 5.0 * (coords - deg) / 3.0) / 180.0


def _coordinate_distances(kind, xy):
    diff = xy[:, None, :] - xy[None, :, :]
    if kind in ("EUC_2D", "CEIL_2D"):
        d = np.sqrt(np.sum(diff**2, axis=2))
        return _nint(d) if kind == "EUC_2D" else np.ceil(d)
    if kind == "ATT":
        r = np.sqrt(np.sum(diff**2, axis=2) / 10.0)
        t = _nint(r)
        return np.where(t < r, t + 1.0, t)
    if kind == "GEO":
        lat, lon = _geo_radians(xy[:, 0]), _geo_radians(xy[:, 1])
        q1 = np.cos(lon[:, None] - lon[None, :])
        q2 = np.cos(lat[:, None] - lat[None, :])
        q3 = np.cos(lat[:, None] + lat[None, :])
        arg = np.clip(0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3), -1.0, 1.0)
        d = np.trunc(6378.388 * np.arccos(arg) + 1.0)
        np.fill_diagonal(d, 0.0)
        return d
    raise ValueError(f"EDGE_WEIGHT_TYPE {kind!r} is not supported; supported: EUC_2D, CEIL_2D, "
                     f"ATT, GEO, EXPLICIT")


def _explicit_matrix(fmt, n, numbers):
    D = np.zeros((n, n))
    if fmt == "FULL_MATRIX":
        return np.array(numbers[: n * n], dtype=float).reshape(n, n)
    layouts = {
        "UPPER_ROW": [(i, j) for i in range(n) for j in range(i + 1, n)],
        "LOWER_ROW": [(i, j) for i in range(n) for j in range(i)],
        "UPPER_DIAG_ROW": [(i, j) for i in range(n) for j in range(i, n)],
        "LOWER_DIAG_ROW": [(i, j) for i in range(n) for j in range(i + 1)],
    }
    if fmt not in layouts:
        raise ValueError(f"EDGE_WEIGHT_FORMAT {fmt!r} is not supported")
    cells = layouts[fmt]
    if len(numbers) < len(cells):
        raise ValueError(f"EDGE_WEIGHT_SECTION has {len(numbers)} numbers, {fmt} of {n} "
                         f"nodes needs {len(cells)}")
    for (i, j), value in zip(cells, numbers):
        D[i, j] = D[j, i] = float(value)
    return D


def read_tsplib(path, optimum=None):
    """Read a symmetric TSPLIB file (.tsp) into a :class:`TSP`."""
    text = Path(path).read_text()
    header, sections, current = {}, {}, None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line == "EOF":
            continue
        key = line.split(":")[0].strip().upper()
        if ":" in line and key in {"NAME", "TYPE", "COMMENT", "DIMENSION", "EDGE_WEIGHT_TYPE",
                                   "EDGE_WEIGHT_FORMAT", "DISPLAY_DATA_TYPE", "NODE_COORD_TYPE",
                                   "CAPACITY"}:
            header[key] = line.split(":", 1)[1].strip()
            current = None
        elif line.upper().endswith("_SECTION"):
            current = line.upper()
            sections[current] = []
        elif current is not None:
            sections[current].extend(line.split())
    if header.get("TYPE", "TSP").split()[0] not in ("TSP", "TOUR"):
        raise ValueError(f"{path}: TYPE {header.get('TYPE')!r} is not a symmetric TSP")
    n = int(header["DIMENSION"])
    kind = header.get("EDGE_WEIGHT_TYPE", "EXPLICIT").upper()
    coords = None
    if "NODE_COORD_SECTION" in sections:
        values = np.array(sections["NODE_COORD_SECTION"], dtype=float).reshape(n, -1)
        coords = values[:, 1:3]
    if kind == "EXPLICIT":
        D = _explicit_matrix(header.get("EDGE_WEIGHT_FORMAT", "FULL_MATRIX").upper(), n,
                             sections.get("EDGE_WEIGHT_SECTION", []))
        if coords is None and "DISPLAY_DATA_SECTION" in sections:
            coords = np.array(sections["DISPLAY_DATA_SECTION"], dtype=float).reshape(n, -1)[:, 1:3]
    else:
        if coords is None:
            raise ValueError(f"{path}: EDGE_WEIGHT_TYPE {kind} needs a NODE_COORD_SECTION")
        D = _coordinate_distances(kind, coords)
    name = header.get("NAME", Path(path).stem).replace(".tsp", "")
    return TSP(D, name=name, coords=coords, optimum=optimum)


def _table():
    table = resources.files("problems").joinpath(_DATA, "optima.csv")
    with table.open() as handle:
        return list(csv.DictReader(handle))


def _optima():
    return {row["name"]: float(row["optimal_length"]) for row in _table()}


def tsplib_instances():
    """The shipped instances, smallest first: ``{name: published optimal length}``."""
    rows = sorted(_table(), key=lambda row: int(row["nodes"]))
    return {row["name"]: float(row["optimal_length"]) for row in rows}


def load_tsplib(name):
    """A shipped instance by name (e.g. "berlin52"), with its published optimum."""
    optima = _optima()
    if name not in optima:
        raise ValueError(f"unknown TSPLIB instance name={name!r}; shipped: {sorted(optima)}")
    path = resources.files("problems").joinpath(_DATA, f"{name}.tsp")
    with resources.as_file(path) as file:
        return read_tsplib(file, optimum=optima[name])


def load_optimal_tour(name):
    """The shipped optimal tour of an instance (0-based), or None."""
    path = resources.files("problems").joinpath(_DATA, "opt_tours", f"{name}.opt.tour")
    if not path.is_file():
        return None
    numbers = []
    in_section = False
    for line in path.read_text().splitlines():
        if line.strip().upper() == "TOUR_SECTION":
            in_section = True
        elif in_section:
            for token in line.split():
                if token == "-1" or token.upper() == "EOF":
                    return np.array(numbers, dtype=np.int64) - 1
                numbers.append(int(token))
    return np.array(numbers, dtype=np.int64) - 1
