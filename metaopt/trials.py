"""Every evaluation of a run: its point, value, batch, time and failure (Optuna's trials table)."""

import csv

import numpy as np

from .kernels.bookkeeping import record_rows
from .state import Array, Int, StateError, check_fields

__all__ = ["Trials", "DEFAULT_VALUES", "default_rows"]

#: The trials table's own columns; variables of these names are exported as params_<name>.
RESERVED = ("number", "batch", "time", "value", "failed", "violation")

# What record_rows reads as 'none failed' and 'unconstrained'.
_NONE_FAILED = np.zeros(0, bool)
_UNCONSTRAINED = np.zeros(0)

#: How many numbers (rows x (dim + 4)) the table keeps unless told otherwise.
DEFAULT_VALUES = 10_000_000


def default_rows(dim):
    """The default cap on rows: :data:`DEFAULT_VALUES` numbers (at least 16 rows)."""
    return max(16, DEFAULT_VALUES // (dim + 4))


class Trials:
    """One row per evaluation, kept in numpy arrays that grow geometrically.

    Columns: ``number`` (1, 2, ... in the order told), ``batch`` (the generation it belongs
    to), ``time`` (seconds since the run began), ``value`` (the objective's value; a failed
    evaluation, or one that was not a number, is ``inf`` (``-inf`` when maximizing) and marked
    ``failed``), ``failed``, ``violation`` (the total constraint violation, 0 when feasible),
    and the point's variables in the user's terms: a column per
    variable of a named space (``name[i]`` for the columns of a Binary or Permutation), ``x0``,
    ``x1``, ... otherwise, choices as their options.

    ``max_rows`` caps the table for very long runs: the first ``max_rows`` evaluations are
    kept and ``dropped`` counts the others. By default the table holds at most
    :data:`DEFAULT_VALUES` numbers (80 MB): every evaluation of a run of 10,000 x dim
    evaluations up to dim 100; ``to_pandas()``, ``to_dict()`` and ``to_csv()`` export it.
    """

    def __init__(self, space, max_rows=None, n_objectives=1):
        self.space = space
        #: Objective values per row: one column each (a multi-objective run's ``values_<k>``).
        self.n_objectives = int(n_objectives)
        #: Stored numbers per row besides the point: batch, time, the first objective,
        #: failed, violation, then the other objectives.
        self.width = 4 + self.n_objectives
        self.max_rows = default_rows(space.dim) if max_rows is None else max_rows
        self.dropped = 0
        self._expected = 0
        self.sign = 1.0  # -1 once the result reports a maximized objective
        self._n = 0
        self._x = np.empty((min(16, self.max_rows), space.dim))
        self._scalars = np.empty((min(16, self.max_rows), self.width))

    def __len__(self):
        return self._n

    def expect(self, rows):
        """Say how many rows the run will tell in all (its budget): the table's first growth
        then makes room for them (at most ``max_rows``) at once instead of doubling again and
        again (each growth copies the table and touches new memory)."""
        self._expected = int(rows)

    def _grow(self, rows):
        self._x = np.concatenate([self._x[: self._n], np.empty((rows - self._n,
                                                                self.space.dim))])
        self._scalars = np.concatenate([self._scalars[: self._n],
                                        np.empty((rows - self._n, self.width))])

    def append(self, X, values, batch, time, failed, violation=None):
        """Record the told points ``X`` (n, dim) in variable values with their ``values``,
        which of them ``failed`` (None: none) and their total constraint ``violation`` (None:
        unconstrained)."""
        n = X.shape[0]
        room = max(0, self.max_rows - self._n)
        self.dropped += n - min(n, room)
        n = min(n, room)
        if n == 0:
            return
        if self._n + n > self._x.shape[0]:  # grow geometrically, never past the cap
            self._grow(min(max(self._n + n, 2 * self._x.shape[0], self._expected),
                           self.max_rows))
        values = values.reshape(values.shape[0], -1)  # one column per objective
        record_rows(self._x, self._scalars, self._n, X[:n], values, float(batch), float(time),
                    _NONE_FAILED if failed is None else failed,
                    _UNCONSTRAINED if violation is None else violation)
        self._n += n

    # -- reading ---------------------------------------------------------------------------
    @property
    def x(self):
        """The points, (rows, dim), in variable values (choices as option indices)."""
        return self._x[: self._n].copy()

    @property
    def value(self):
        """Each evaluation's value, (rows,); with several objectives (rows, m)."""
        if self.n_objectives == 1:
            return self.sign * self._scalars[: self._n, 2]
        return self.sign * np.column_stack([self._scalars[: self._n, 2],
                                            self._scalars[: self._n, 5:]])

    @property
    def failed(self):
        return self._scalars[: self._n, 3].astype(bool)

    @property
    def violation(self):
        """Each evaluation's total constraint violation (0: feasible or unconstrained)."""
        return self._scalars[: self._n, 4].copy()

    @property
    def batch(self):
        return self._scalars[: self._n, 0].astype(np.int64)

    @property
    def time(self):
        return self._scalars[: self._n, 1].copy()

    def best(self):
        """The row of the best value: ``(x, value)``."""
        if not self._n:
            raise ValueError("no trials recorded")
        from .constraints import deb_value  # the best by Deb's rules when constrained

        i = int(np.argmin(deb_value(self._scalars[: self._n, 2], self._scalars[: self._n, 4])))
        return self._x[i].copy(), float(self.sign * self._scalars[i, 2])

    def columns(self):
        """The variable columns' names and values in the user's terms."""
        out = {}
        X = self._x[: self._n]
        start = 0
        for name, var in zip(self.space.names, self.space.variables):
            cols = X[:, start:start + var.size]
            start += var.size
            if var.kind == "choice":
                options = np.array(var.options, dtype=object)
                out[name] = options[cols[:, 0].astype(np.int64)]
            elif var.size == 1:
                out[name] = cols[:, 0].astype(np.int64) if var.kind == "integer" else cols[:, 0]
            else:  # a Binary or Permutation: one column per element, as integers
                for i in range(var.size):
                    out[f"{name}[{i}]"] = cols[:, i].astype(np.int64)
        return out

    def to_dict(self):
        """Columns as a dict of arrays: number, batch, time, value, failed, violation, then
        the variables; a variable named like one of those six columns gets the column
        ``params_<name>`` (as Optuna names its parameter columns) instead of replacing it."""
        table = {"number": np.arange(1, self._n + 1), "batch": self.batch, "time": self.time}
        if self.n_objectives == 1:
            table["value"] = self.value
        else:  # one column per objective, as Optuna names them
            table.update({f"values_{k}": column for k, column in enumerate(self.value.T)})
        table.update({"failed": self.failed, "violation": self.violation})
        for name, column in self.columns().items():
            table[f"params_{name}" if name in RESERVED or name.split("[")[0] in RESERVED
                  else name] = column
        return table

    def to_pandas(self):
        """The table as a pandas DataFrame (needs pandas), one row per evaluation."""
        import pandas as pd

        return pd.DataFrame(self.to_dict())

    def to_csv(self, path):
        """Write the table to ``path`` as CSV with a header row."""
        table = self.to_dict()
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(list(table))
            writer.writerows(zip(*(np.asarray(column).tolist() for column in table.values())))

    def __repr__(self):
        dropped = f", {self.dropped} dropped by max_rows" if self.dropped else ""
        return f"Trials({self._n} rows{dropped})"

    # -- saving ----------------------------------------------------------------------------
    def raw_rows(self):
        """The table's points and scalar columns as stored (views, not copies)."""
        return self._x[: self._n], self._scalars[: self._n]

    def state_dict(self):
        """The table's rows and counters, for checkpoints."""
        return {"x": self.x, "scalars": self._scalars[: self._n].copy(),
                "dropped": self.dropped, "max_rows": self.max_rows}

    def load_state_dict(self, state):
        """Take back what :meth:`state_dict` returned (checked)."""
        fields = {"x": Array(float, "n", self.space.dim, nan=True),
                  "scalars": Array(float, "n", self.width, nan=True), "dropped": Int(0),
                  "max_rows": Int(1)}
        state = check_fields(self, fields, state, "trials")
        x, scalars = state["x"], state["scalars"]
        if x.shape[0] > state["max_rows"]:
            raise StateError(f"trials: {x.shape[0]} rows, above max_rows={state['max_rows']}")
        self._n = x.shape[0]
        self._x = np.concatenate([x.reshape(self._n, self.space.dim),
                                  np.empty((max(16, self._n), self.space.dim))])
        self._scalars = np.concatenate([scalars.reshape(self._n, self.width),
                                        np.empty((max(16, self._n), self.width))])
        self.dropped = int(state["dropped"])
        self.max_rows = int(state["max_rows"])
