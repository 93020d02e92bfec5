"""Search spaces: typed variables mapped to and from the unit cube that algorithms search.

Real, Integer and Choice take one column each; Binary(n) and Permutation(n) take n.

Every algorithm works on points of ``[0, 1]^dim``; a :class:`Space` turns such points into the
values an objective receives (``decode``) and back (``encode``). Reals may be log-scaled;
integers and choices decode by flooring, so what an objective receives is always valid.
"""

import math
import numbers

import numpy as np

__all__ = ["Real", "Integer", "Choice", "Binary", "Permutation", "Space", "as_space"]


def _finite_number(value, name, owner):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {name} must be a real number, got {name}={value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{owner}: {name} must be finite, got {name}={value!r}")
    return value


def _grid_levels(low, high, step):
    """How many values ``low + k step`` lie in ``[low, high]`` (Optuna's rule: the top is the
    largest such value not above ``high``; 1e-9 of a step forgives rounding)."""
    return int(math.floor((high - low) / step + 1e-9)) + 1


class Real:
    """A real variable on ``[low, high]``; ``log=True`` searches ``log(value)`` uniformly;
    ``step`` restricts it to ``low, low + step, ...`` (up to ``high``), as Optuna's
    ``suggest_float(step=)``."""

    kind = "real"
    size = 1

    def __init__(self, low, high, log=False, step=None):
        self.low = _finite_number(low, "low", "Real")
        self.high = _finite_number(high, "high", "Real")
        if not self.low < self.high:
            raise ValueError(f"Real: low must be < high, got low={low!r}, high={high!r}")
        if not math.isfinite(self.high - self.low):
            raise ValueError(f"Real: high - low overflows, got low={low!r}, high={high!r}")
        if not isinstance(log, bool):
            raise TypeError(f"Real: log must be a bool, got log={log!r}")
        if log and self.low <= 0:
            raise ValueError(f"Real: log=True needs low > 0, got low={low!r}")
        self.log = log
        if step is not None:
            step = _finite_number(step, "step", "Real")
            if step <= 0:
                raise ValueError(f"Real: step must be > 0, got step={step!r}")
            if log:
                raise ValueError("Real: log=True and step cannot be combined (as in Optuna)")
        self.step = step

    @property
    def levels(self):
        """How many values a stepped Real takes (None without a step)."""
        return None if self.step is None else _grid_levels(self.low, self.high, self.step)

    def __repr__(self):
        extra = (", log=True" if self.log else "") + \
            (f", step={self.step!r}" if self.step is not None else "")
        return f"Real({self.low!r}, {self.high!r}{extra})"


class Integer:
    """An integer variable on ``{low, ..., high}`` (both included); ``step`` keeps
    ``low, low + step, ...``, and ``log=True`` searches ``log(value)`` uniformly (each value's
    cell ``[v - 1/2, v + 1/2]`` in log scale), as Optuna's ``suggest_int(log=, step=)``."""

    kind = "integer"
    size = 1

    def __init__(self, low, high, log=False, step=1):
        for name, value in (("low", low), ("high", high), ("step", step)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(f"Integer: {name} must be an int, got {name}={value!r}")
        if not low < high:
            raise ValueError(f"Integer: low must be < high, got low={low!r}, high={high!r}")
        if step < 1:
            raise ValueError(f"Integer: step must be >= 1, got step={step!r}")
        if not isinstance(log, bool):
            raise TypeError(f"Integer: log must be a bool, got log={log!r}")
        if log and step != 1:
            raise ValueError("Integer: log=True and step cannot be combined (as in Optuna)")
        if log and low < 1:
            raise ValueError(f"Integer: log=True needs low >= 1, got low={low!r}")
        self.low, self.high, self.log, self.step = int(low), int(high), log, int(step)

    @property
    def levels(self):
        """How many values it takes."""
        return _grid_levels(self.low, self.high, self.step)

    def __repr__(self):
        extra = (", log=True" if self.log else "") + \
            (f", step={self.step}" if self.step != 1 else "")
        return f"Integer({self.low}, {self.high}{extra})"


class Choice:
    """A categorical variable; the objective receives one of ``options`` itself. One option
    is allowed (a constant, as Optuna's one-option categorical)."""

    kind = "choice"
    size = 1

    def __init__(self, options):
        if isinstance(options, (str, bytes)) or not hasattr(options, "__len__"):
            raise TypeError(f"Choice: options must be a sequence, got options={options!r}")
        if len(options) < 1:
            raise ValueError(f"Choice: options needs at least 1 entry, got options={options!r}")
        self.options = list(options)

    def __repr__(self):
        return f"Choice({self.options!r})"


def _check_length(n, owner):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{owner}: n must be an int, got n={n!r}")
    if n < 2:
        raise ValueError(f"{owner}: n must be >= 2, got n={n!r}")
    return int(n)


class Binary:
    """``n`` bits; the objective receives an integer array of 0s and 1s."""

    kind = "binary"

    def __init__(self, n):
        self.size = _check_length(n, "Binary")

    def __repr__(self):
        return f"Binary({self.size})"


class Permutation:
    """A permutation of ``0..n-1``; the objective receives it as an integer array.

    On the unit cube it is a random-key encoding (Bean 1994): the permutation is the argsort
    of the n keys, so real-coded algorithms can search it too.
    """

    kind = "permutation"

    def __init__(self, n):
        self.size = _check_length(n, "Permutation")

    def __repr__(self):
        return f"Permutation({self.size})"


_VARIABLE_TYPES = (Real, Integer, Choice, Binary, Permutation)


class Space:
    """An ordered collection of variables.

    Parameters
    ----------
    variables : dict of str to variable, or sequence of variables
        A dict gives named variables: scalar objectives then receive a ``dict``. A sequence gives
        anonymous ones: objectives receive an array.

    Examples
    --------
    >>> space = Space({"lr": Real(1e-5, 1e-1, log=True), "layers": Integer(1, 4),
    ...                "act": Choice(["relu", "tanh"])})
    >>> space.dim
    3
    """

    def __init__(self, variables):
        if isinstance(variables, dict):
            names = list(variables)
            for name in names:
                if not isinstance(name, str):
                    raise TypeError(f"Space: variable names must be str, got {name!r}")
            values = list(variables.values())
            self.named = True
        elif isinstance(variables, (list, tuple)):
            values = list(variables)
            names = [f"x{i}" for i in range(len(values))]
            self.named = False
        else:
            raise TypeError(
                f"Space: variables must be a dict or a list of variables, got {variables!r}"
            )
        if not values:
            raise ValueError("Space: needs at least one variable, got none")
        for name, var in zip(names, values):
            if not isinstance(var, _VARIABLE_TYPES):
                raise TypeError(
                    f"Space: variable {name!r} must be one of "
                    f"{', '.join(t.__name__ for t in _VARIABLE_TYPES)}, got {var!r}"
                )
        self.names = names
        self.variables = values
        self.dim = sum(v.size for v in values)
        #: Per column: whether the box bounds it; False for the columns of a search without
        #: bounds (:func:`frame_space`), whose Real variables are only a frame of reference.
        self.bounded = np.ones(self.dim, bool)
        self._compile()

    @classmethod
    def from_bounds(cls, bounds):
        """Build a space of linear :class:`Real` variables from ``(low, high)`` pairs."""
        arr = _bounds_array(bounds)
        space = cls([Real(float(lo), float(hi)) for lo, hi in arr])
        return space

    def _compile(self):
        self.kinds = tuple(v.kind for v in self.variables)
        self.slices = []
        low, high, log, discrete, top, perms = [], [], [], [], [], []
        grid, grid_low, grid_step, log_int = [], [], [], []
        start = 0
        for v in self.variables:
            cols = slice(start, start + v.size)
            self.slices.append(cols)
            stepped = (v.kind == "real" and v.step is not None) or \
                (v.kind == "integer" and v.step != 1)
            if stepped:  # a grid low + k step: the level k is an integer column
                low.append(0.0)
                high.append(float(v.levels))
                discrete.append(start)
                top.append(v.levels - 1)
                grid.append(start)
                grid_low.append(v.low)
                grid_step.append(v.step)
            elif v.kind == "integer" and v.log:  # log scale, each value's cell +- 1/2
                low.append(math.log(v.low - 0.5))
                high.append(math.log(v.high + 0.5))
                log_int.append(start)
            elif v.kind == "real":
                low.append(math.log(v.low) if v.log else v.low)
                high.append(math.log(v.high) if v.log else v.high)
                if v.log:
                    log.append(start)
            elif v.kind == "permutation":
                low += [0.0] * v.size
                high += [1.0] * v.size
                perms.append(cols)
            else:  # integer, choice, binary: floor of an affine map, capped at the top value
                levels = {"integer": lambda v: (v.low, v.high + 1),
                          "choice": lambda v: (0, len(v.options)),
                          "binary": lambda v: (0, 2)}[v.kind](v)
                low += [levels[0]] * v.size
                high += [levels[1]] * v.size
                discrete += range(start, start + v.size)
                top += [levels[1] - 1] * v.size
            start += v.size
        self.low, self.high = np.array(low, float), np.array(high, float)
        self.width = self.high - self.low
        self._log = np.array(log, dtype=np.int64)
        self._grid = np.array(grid, dtype=np.int64)
        self._grid_low = np.array(grid_low, dtype=float)
        self._grid_step = np.array(grid_step, dtype=float)
        self._log_int = np.array(log_int, dtype=np.int64)
        self._log_int_low = np.array([self._variable_at(j).low for j in log_int], dtype=float)
        self._log_int_high = np.array([self._variable_at(j).high for j in log_int],
                                      dtype=float)
        self._discrete = np.array(discrete, dtype=np.int64)
        #: The columns whose values are whole numbers (integers, choices, bits).
        self.discrete_columns = self._discrete
        self._top = np.array(top, dtype=float)
        self._perms = perms
        in_perm = np.zeros(self.dim, bool)
        for cols in perms:
            in_perm[cols] = True
        self._box_columns = np.flatnonzero(~in_perm)
        self.all_linear_real = all(v.kind == "real" and not v.log and v.step is None
                                   for v in self.variables)
        # Rounding is monotonic, so U <= 1 decodes to at most low + width: clip only if that
        # can exceed high.
        self._may_overshoot = bool(np.any(self.low + self.width > self.high))
        self._ceiling = self.high.copy()  # set_unbounded lifts it on unbounded columns
        self._log_low = np.array([self._variable_at(j).low for j in self._log])
        self._log_high = np.array([self._variable_at(j).high for j in self._log])
        #: Objectives over Binary and Permutation variables only receive integer arrays.
        self.integer_valued = all(v.kind in ("binary", "permutation") for v in self.variables)

    def set_unbounded(self, columns):
        """Search ``columns`` (linear Real variables) without bounds: their low and high then
        only fix the unit coordinates (``u = (x - low) / (high - low)``, any real number),
        decoding never clips them and :meth:`contains` takes any finite value."""
        columns = np.asarray(columns, dtype=np.int64)
        for j in columns:
            var = self._variable_at(int(j))
            if var.kind != "real" or var.log or var.step is not None:
                raise ValueError(f"only linear Real variables can be unbounded, column {j} is "
                                 f"{var!r}")
        self.bounded[columns] = False
        self._ceiling[columns] = np.inf
        return self

    @property
    def is_bounded(self):
        """Whether every column has its box (False in a search without bounds)."""
        return bool(self.bounded.all())

    def clip_unit(self, U):
        """``U`` clipped to the unit cube on the bounded columns (in place; returned)."""
        if self.is_bounded:
            return np.clip(U, 0.0, 1.0, out=U)
        U[:, self.bounded] = np.clip(U[:, self.bounded], 0.0, 1.0)
        return U

    def _variable_at(self, column):
        for var, cols in zip(self.variables, self.slices):
            if cols.start <= column < cols.stop:
                return var
        raise IndexError(column)

    def __repr__(self):
        inner = ", ".join(f"{n!r}: {v!r}" for n, v in zip(self.names, self.variables))
        if self.named:
            return f"Space({{{inner}}})"
        return f"Space([{', '.join(map(repr, self.variables))}])"

    def __len__(self):
        return self.dim

    def decode(self, U):
        """Map unit-cube points ``U`` (n, dim) to variable values (n, dim), float64.

        Integers come out as whole numbers and choices as option indices.
        """
        X = U * self.width
        X += self.low
        if self._may_overshoot:  # low + 1 * (high - low) can round above high
            np.minimum(X, self._ceiling, out=X)
        if self.all_linear_real:
            return X
        if self._log.size:
            X[:, self._log] = np.clip(np.exp(X[:, self._log]), self._log_low, self._log_high)
        if self._log_int.size:
            X[:, self._log_int] = np.clip(np.rint(np.exp(X[:, self._log_int])),
                                          self._log_int_low, self._log_int_high)
        if self._discrete.size:
            X[:, self._discrete] = np.minimum(np.floor(X[:, self._discrete]), self._top)
        if self._grid.size:  # levels to values
            X[:, self._grid] = self._grid_low + self._grid_step * X[:, self._grid]
        for cols in self._perms:
            X[:, cols] = np.argsort(U[:, cols], axis=1, kind="stable")
        return X

    def encode(self, X):
        """Map variable values (n, dim) to the unit cube; the inverse of :meth:`decode`.

        Discrete values map to the middle of their cell, so ``decode(encode(X)) == X``.
        """
        X = np.array(X, dtype=float, ndmin=2)
        if X.ndim != 2 or X.shape[1] != self.dim:
            raise ValueError(f"encode: X must have shape (n, {self.dim}), got shape {X.shape}")
        X = self._levels_and_logs(X)
        if self._discrete.size:
            X[:, self._discrete] = np.floor(X[:, self._discrete]) + 0.5
        U = (X - self.low) / self.width
        for cols in self._perms:  # random keys that sort into the given permutation
            perm = X[:, cols].astype(np.int64)
            n = perm.shape[1]
            keys = np.empty(perm.shape)
            np.put_along_axis(keys, perm, (np.arange(n) + 0.5) / n, axis=1)
            U[:, cols] = keys
        return U

    def _levels_and_logs(self, X):
        """Values (in place) in the columns' own terms: logs of log-scaled ones, grid levels
        of stepped ones (rounded where within 1e-9 of a level, so a level's check holds)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            if self._log.size:
                X[:, self._log] = np.log(X[:, self._log])
            if self._log_int.size:
                X[:, self._log_int] = np.log(X[:, self._log_int])
            if self._grid.size:
                k = (X[:, self._grid] - self._grid_low) / self._grid_step
                near = np.abs(k - np.rint(k)) <= 1e-9 * np.maximum(1.0, np.abs(k))
                X[:, self._grid] = np.where(near, np.rint(k), k)
        return X

    def contains(self, X):
        """Whether each row of value array ``X`` lies in the space (discrete values whole)."""
        X = np.asarray(X, dtype=float)
        raw = X
        X = self._levels_and_logs(X.copy()) if (self._log.size or self._log_int.size
                                                or self._grid.size) else X
        U = X - self.low
        box = self._box_columns[self.bounded[self._box_columns]]
        inside = np.all((U[:, box] >= 0) & (U[:, box] <= self.width[box]), axis=1)
        if self._discrete.size:
            d = X[:, self._discrete]
            inside &= np.all((d == np.floor(d)) & (d <= self._top), axis=1)
        if self._log_int.size:
            v = raw[:, self._log_int]
            inside &= np.all((v == np.floor(v)) & (v >= self._log_int_low)
                             & (v <= self._log_int_high), axis=1)
        for cols in self._perms:
            n = cols.stop - cols.start
            inside &= np.all(np.sort(X[:, cols], axis=1) == np.arange(n), axis=1)
        return inside

    def to_dict(self, x):
        """Turn one value row into ``{name: value}`` with Python ints and the chosen options."""
        out = {}
        for name, var, cols in zip(self.names, self.variables, self.slices):
            value = x[cols]
            if var.kind == "real":
                out[name] = float(value[0])
            elif var.kind == "integer":
                out[name] = int(value[0])
            elif var.kind == "choice":
                out[name] = var.options[int(value[0])]
            else:
                out[name] = np.asarray(value, dtype=np.int64)
        return out

    def from_dict(self, values):
        """One value row from ``{name: value}`` in the user's terms (the option itself for a
        choice): the inverse of :meth:`to_dict`; every name once, each value checked."""
        if not self.named:
            raise TypeError("a dict of values needs a named space, e.g. Space({'lr': ...})")
        if not isinstance(values, dict) or set(values) != set(self.names):
            got = sorted(values) if isinstance(values, dict) else type(values).__name__
            raise ValueError(f"a point of this space is a dict of {sorted(self.names)}, got "
                             f"{got}")
        row = np.empty(self.dim)
        for name, var, cols in zip(self.names, self.variables, self.slices):
            value = values[name]
            if var.kind == "choice":
                matches = [i for i, option in enumerate(var.options) if option == value]
                if not matches:
                    raise ValueError(f"{name}={value!r} is not one of its options "
                                     f"{var.options!r}")
                row[cols] = matches[0]
            else:
                try:
                    row[cols] = np.asarray(value, dtype=float).reshape(-1)
                except (TypeError, ValueError):
                    raise ValueError(f"{name}={value!r} is not a value of {var!r}") from None
        return row

    def to_dicts(self, X):
        """:meth:`to_dict` for every row of ``X``."""
        return [self.to_dict(x) for x in X]


def frame_space(bounds, x0, sigma0):
    """The space of a search without bounds, or with some infinite ones: ``bounds`` None
    (every variable unbounded; its dimension that of ``x0``) or ``(low, high)`` pairs some of
    which are infinite. An unbounded column gets the frame ``x0 -+ 2.5 sigma0`` (so sigma0 is
    a fifth of its unit coordinate, as the default step of a bounded one) and no bounds
    (:meth:`Space.set_unbounded`); a pair with one infinite side is refused. Needs
    ``x0`` (a finite point) and ``sigma0`` (a positive number) for the unbounded columns."""
    if x0 is None:
        raise ValueError("a search without bounds needs x0, the point to start from (and "
                         "sigma0, the initial step in the variables' units)")
    try:
        center = np.array(x0, dtype=float, ndmin=1)
    except (TypeError, ValueError):
        raise TypeError(f"x0 must be a point (a sequence of numbers), got x0={x0!r}") from None
    if center.ndim != 1 or not np.isfinite(center).all():
        raise ValueError(f"x0 must be a finite 1-d point, got x0={x0!r}")
    if sigma0 is None or isinstance(sigma0, bool) or not isinstance(sigma0, numbers.Real) \
            or not math.isfinite(sigma0) or sigma0 <= 0:
        raise ValueError(f"a search without bounds needs its initial step size > 0 in the "
                         f"variables' units (sigma0= for CMA-ES, as pycma's; sigma= for the "
                         f"evolution strategies), got {sigma0!r}")
    if bounds is None:
        pairs = np.column_stack([np.full(center.size, -np.inf), np.full(center.size, np.inf)])
    else:
        pairs = np.array(bounds, dtype=float)
        if pairs.ndim != 2 or pairs.shape != (center.size, 2):
            raise ValueError(f"bounds must be {center.size} (low, high) pairs (one per "
                             f"coordinate of x0), got shape {pairs.shape}")
        if np.any(np.isnan(pairs)) or np.any(pairs[:, 0] >= pairs[:, 1]):
            raise ValueError(f"bounds need low < high (infinite allowed), got {pairs.tolist()}")
    open_ = np.isinf(pairs).all(axis=1)
    one_sided = np.isinf(pairs).any(axis=1) & ~open_
    if one_sided.any():
        j = int(np.flatnonzero(one_sided)[0])
        raise ValueError(f"bounds[{j}] = {tuple(pairs[j])} is bounded on one side only; give "
                         f"both bounds finite (a box) or both infinite (no bounds)")
    half = 2.5 * float(sigma0)
    low = np.where(open_, center - half, pairs[:, 0])
    high = np.where(open_, center + half, pairs[:, 1])
    space = Space([Real(float(lo), float(hi)) for lo, hi in zip(low, high)])
    return space.set_unbounded(np.flatnonzero(open_))


def needs_frame(bounds):
    """Whether ``bounds`` asks for a search without (some) bounds: None, or (low, high) pairs
    with an infinite entry."""
    if bounds is None:
        return True
    if isinstance(bounds, (Space, dict, *_VARIABLE_TYPES)) or hasattr(bounds, "lb"):
        return False
    try:
        arr = np.array(bounds, dtype=float)
    except (TypeError, ValueError):
        return False
    return arr.ndim == 2 and arr.shape[-1] == 2 and bool(np.isinf(arr).any())


def _lower_upper(bounds):
    """``(lb, ub)`` from scipy's ``Bounds`` or a pair of equal-length arrays, else None."""
    if hasattr(bounds, "lb") and hasattr(bounds, "ub"):  # scipy.optimize.Bounds, duck-typed
        lb, ub = np.atleast_1d(np.asarray(bounds.lb, float)), \
            np.atleast_1d(np.asarray(bounds.ub, float))
        if lb.ndim != 1 or ub.ndim != 1 or (lb.size == 1 and ub.size == 1
                                            and np.ndim(bounds.lb) == 0):
            raise ValueError(f"bounds: a Bounds with scalar lb and ub does not say the "
                             f"dimension; give arrays, got bounds={bounds!r}")
        if lb.size == 1 and ub.size == 1:  # Bounds(-5, 5) stores [-5] and [5]: 1-d or a slip
            import warnings

            warnings.warn(f"bounds={bounds!r} has one lower and one upper bound: this is a "
                          f"1-dimensional problem; for d variables give Bounds([lb] * d, "
                          f"[ub] * d)", UserWarning, stacklevel=4)
        return np.broadcast_arrays(lb, ub)
    if isinstance(bounds, (tuple, list)) and len(bounds) == 2 \
            and all(isinstance(b, np.ndarray) and b.ndim == 1 for b in bounds) \
            and bounds[0].shape == bounds[1].shape:
        lb, ub = bounds  # (lb, ub) arrays, as scipy's Bounds(lb, ub) takes them
        if lb.shape == (2,):  # two pairs or lb and ub of two variables?
            as_pairs = lb[0] < lb[1] and ub[0] < ub[1]
            as_lower_upper = bool(np.all(lb < ub))
            if as_pairs and as_lower_upper:
                raise ValueError(f"bounds={bounds!r} is ambiguous: two (low, high) pairs, or "
                                 f"lb and ub of two variables? Pass a list of tuples or "
                                 f"scipy.optimize.Bounds(lb, ub)")
            if as_pairs:
                return None
        return lb, ub
    return None


def _bounds_array(bounds):
    lower_upper = _lower_upper(bounds)
    if lower_upper is not None:
        try:
            bounds = np.stack([np.asarray(b, dtype=float) for b in lower_upper], axis=1)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"bounds: lb and ub must be arrays of numbers, got "
                            f"bounds={bounds!r}") from exc
    try:
        arr = np.array(bounds, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"bounds must be a sequence of (low, high) pairs or a Space, got bounds={bounds!r}"
        ) from exc
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0:
        raise ValueError(
            f"bounds must have shape (dim, 2): one (low, high) pair per variable, "
            f"got shape {arr.shape} from bounds={bounds!r}"
        )
    bad = ~np.isfinite(arr).all(axis=1)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise ValueError(f"bounds[{j}] must be finite, got {tuple(arr[j])}")
    bad = arr[:, 0] >= arr[:, 1]
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise ValueError(f"bounds[{j}] needs low < high, got low={arr[j, 0]!r}, high={arr[j, 1]!r}")
    with np.errstate(over="ignore"):
        bad = ~np.isfinite(arr[:, 1] - arr[:, 0])
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise ValueError(f"bounds[{j}] is wider than a float can hold: {tuple(arr[j])}")
    return arr


def as_space(bounds):
    """Coerce ``bounds`` to a :class:`Space`: a Space, one variable, a dict of variables,
    ``(low, high)`` pairs, ``scipy.optimize.Bounds(lb, ub)`` or a pair of arrays ``(lb, ub)``."""
    if isinstance(bounds, Space):
        return bounds
    if isinstance(bounds, _VARIABLE_TYPES):
        return Space([bounds])
    if isinstance(bounds, dict):
        return Space(bounds)
    return Space.from_bounds(bounds)
