"""The result record (read like scipy's OptimizeResult) and the convergence history."""

import csv
import json

import numpy as np

from .state import Array, check_fields

__all__ = ["Result", "History"]


class History:
    """Best-so-far against evaluations, one row per generation (per ``tell``).

    Columns: ``nit`` (generation), ``nfev`` (evaluations so far), ``best_fun`` (best value so
    far) and ``time`` (seconds since the run began). Read a column as an attribute or by name;
    ``to_dict``, ``to_csv`` and ``to_pandas`` export the table. Rows live in numpy arrays that
    grow geometrically, so a million rows cost 32 MB and append in constant time.
    """

    columns = ("nit", "nfev", "best_fun", "time")
    _dtypes = (np.int64, np.int64, np.float64, np.float64)

    def __init__(self):
        self._n = 0
        self._data = [np.empty(16, dtype) for dtype in self._dtypes]

    def append(self, nit, nfev, best_fun, time):
        """Record one generation: its index, evaluations so far, best value and seconds."""
        if self._n == self._data[0].shape[0]:
            self._data = [np.concatenate([a, np.empty_like(a)]) for a in self._data]
        for column, value in zip(self._data, (nit, nfev, best_fun, time)):
            column[self._n] = value
        self._n += 1

    def __len__(self):
        return self._n

    def __getitem__(self, name):
        if name not in self.columns:
            raise KeyError(f"History has columns {self.columns}, got {name!r}")
        return self._data[self.columns.index(name)][: self._n].copy()

    def __getattr__(self, name):
        if name in History.columns:
            return self[name]
        raise AttributeError(name)

    def state_dict(self):
        """The columns as plain lists, for checkpoints."""
        return {name: self[name] for name in self.columns}

    def load_state_dict(self, state):
        """Take back what :meth:`state_dict` returned."""
        fields = {name: Array(dtype, "n", nan=dtype is np.float64)
                  for name, dtype in zip(self.columns, self._dtypes)}
        state = check_fields(self, fields, state, "history")
        arrays = [state[name] for name in self.columns]
        self._n = arrays[0].shape[0]
        self._data = [np.concatenate([a, np.empty(max(16, a.shape[0]), a.dtype)])
                      for a in arrays]

    def __getstate__(self):
        return self.state_dict()

    def __setstate__(self, state):
        self.__init__()
        self.load_state_dict(state)

    def __repr__(self):
        if not self._n:
            return "History(empty)"
        last = self._n - 1
        nit, nfev, best = (int(self._data[0][last]), int(self._data[1][last]),
                           self._data[2][last])
        return f"History({len(self)} rows; last: nit={nit}, nfev={nfev}, best_fun={best:.6g})"

    def to_dict(self):
        """Columns as a dict of numpy arrays (``pandas.DataFrame(history.to_dict())`` works)."""
        return {name: self[name] for name in self.columns}

    def to_pandas(self):
        """The table as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.to_dict())

    def to_csv(self, path):
        """Write the table to ``path`` as CSV with a header row."""
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(self.columns)
            columns = self.to_dict()
            writer.writerows(zip(*(columns[name].tolist() for name in self.columns)))


class _Record(dict):
    """A dict whose keys read as attributes, printed as scipy prints an OptimizeResult (its
    own class: importing scipy.optimize would cost ``import metaopt`` half a second)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    __setattr__ = dict.__setitem__
    __delattr__ = dict.__delitem__

    def __dir__(self):
        return list(self.keys()) + dir(type(self))

    def __repr__(self):
        if not self:
            return f"{type(self).__name__}()"
        width = max(map(len, self.keys())) + 1
        lines = []
        for key, value in self.items():
            text = repr(value).replace("\n", "\n" + " " * (width + 2))
            lines.append(f"{key.rjust(width)}: {text}")
        return "\n".join(lines)


class Result(_Record):
    """The outcome of a run; reads like scipy's OptimizeResult (a dict whose keys are also
    attributes: ``res.x``, ``res["x"]``).

    Attributes
    ----------
    x : ndarray
        The best point found, in variable values.
    fun : float
        Its objective value.
    nfev, nit : int
        Evaluations spent and generations run.
    success : bool
        Whether the run ended by one of its stopping rules (not an error or a callback stop).
    status : int
        As scipy: 0 when a stopping rule ended the run, 1 the callback, 2 an error.
    message : str
        Why the run stopped.
    method : str
        The method run; after ``method="auto"`` with the reason it was picked, in one line.
    population, population_fun : ndarray
        The final population (pop_size, dim) and its values (``population_energies``, as
        scipy's differential_evolution calls them, is the same array).
    history : History
        Best-so-far against evaluations, one row per generation.
    trials : Trials
        Every evaluation: its point in the user's terms, value, batch, time and failure
        (``to_pandas()``, ``to_csv()``); see :class:`metaopt.trials.Trials`.
    params : dict, only for a named Space
        ``x`` as ``{name: value}``.
    """

    def plot(self, ax=None, log=None, label=None, optimum=None, title=None):
        """The convergence curve, best value (or f - f* given ``optimum``) against
        evaluations, on a log axis when nothing shown is negative (``log=False`` keeps it
        linear); with several objectives, the front's hypervolume; see
        :mod:`metaopt.plotting`. Needs matplotlib; returns the Axes."""
        from .plotting import convergence, hypervolume

        if "pareto_fun" in self:  # several objectives: the front's hypervolume
            return hypervolume({label: self} if label is not None else self, ax=ax,
                               title=title)
        ax = convergence({label: self} if label is not None else self, ax=ax,
                         optimum=optimum, title=title)
        if log is False:
            ax.set_yscale("linear")
        return ax

    def to_json(self, path=None, history=True):
        """The result as JSON (x, fun, counters, message, method, and with ``history`` the
        history's columns; for several objectives x and fun are the front's lists, with the
        hypervolume and its reference point); written to ``path`` when given, returned as a
        string otherwise."""
        several = "pareto_fun" in self
        record = {"x": np.asarray(self.x).tolist(),
                  "fun": np.asarray(self.fun).tolist() if several else float(self.fun),
                  "nfev": int(self.nfev), "nit": int(self.nit), "success": bool(self.success),
                  "message": str(self.message), "nfail": int(self.get("nfail", 0)),
                  "ndelta": int(self.get("ndelta", 0)), "method": str(self.get("method", ""))}
        if several:
            record["hypervolume"] = float(self.hypervolume)
            record["hv_ref"] = None if self.hv_ref is None else np.asarray(self.hv_ref).tolist()
        if history:
            record["history"] = {k: v.tolist() for k, v in self.history.to_dict().items()}
        if "params" in self:
            record["params"] = {k: (v.tolist() if isinstance(v, np.ndarray) else v)
                                for k, v in self.params.items()}
        text = json.dumps(_finite_or_null(record), indent=2, default=str, allow_nan=False)
        if path is None:
            return text
        with open(path, "w") as handle:
            handle.write(text)
        return text


def _finite_or_null(value):
    """JSON has no inf or NaN: they are written as null (the history and fun say where)."""
    if isinstance(value, float):
        return value if np.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite_or_null(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite_or_null(v) for v in value]
    return value
