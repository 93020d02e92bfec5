"""The result record (scipy's OptimizeResult) and the convergence history."""

import csv
import json

import numpy as np
from scipy.optimize import OptimizeResult

__all__ = ["Result", "History"]


class History:
    """Best-so-far against evaluations, one row per generation (per ``tell``).

    Columns: ``nit`` (generation), ``nfev`` (evaluations so far), ``best_fun`` (best value so
    far) and ``time`` (seconds since the run began). Read a column as an attribute or by name;
    ``to_dict``, ``to_csv`` and ``to_pandas`` export the table.
    """

    columns = ("nit", "nfev", "best_fun", "time")

    def __init__(self):
        self._rows = []

    def append(self, nit, nfev, best_fun, time):
        self._rows.append((nit, nfev, best_fun, time))

    def __len__(self):
        return len(self._rows)

    def __getitem__(self, name):
        if name not in self.columns:
            raise KeyError(f"History has columns {self.columns}, got {name!r}")
        j = self.columns.index(name)
        dtype = float if name in ("best_fun", "time") else np.int64
        return np.array([row[j] for row in self._rows], dtype=dtype)

    def __getattr__(self, name):
        if name in History.columns:
            return self[name]
        raise AttributeError(name)

    def __getstate__(self):
        return {"_rows": self._rows}

    def __setstate__(self, state):
        self._rows = state["_rows"]

    def __repr__(self):
        if not self._rows:
            return "History(empty)"
        nit, nfev, best, _ = self._rows[-1]
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
            writer.writerows(self._rows)


class Result(OptimizeResult):
    """The outcome of a run; reads like scipy's OptimizeResult.

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
    message : str
        Why the run stopped.
    population, population_fun : ndarray
        The final population (pop_size, dim) and its values.
    history : History
        Best-so-far against evaluations, one row per generation.
    params : dict, only for a named Space
        ``x`` as ``{name: value}``.
    """

    def plot(self, ax=None, log=None, label=None):
        """The convergence curve, best value against evaluations (needs matplotlib).

        ``log`` puts the y axis on a log scale (default: when every value is positive).
        Returns the matplotlib Axes.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        h = self.history
        best = h.best_fun
        ax.plot(h.nfev, best, label=label)
        if log or (log is None and np.all(best[np.isfinite(best)] > 0)):
            ax.set_yscale("log")
        ax.set_xlabel("evaluations")
        ax.set_ylabel("best value so far")
        ax.grid(alpha=0.3)
        return ax

    def to_json(self, path=None):
        """The result as JSON (x, fun, counters, message, and the history's columns); written
        to ``path`` when given, returned as a string otherwise."""
        record = {"x": np.asarray(self.x).tolist(), "fun": float(self.fun),
                  "nfev": int(self.nfev), "nit": int(self.nit), "success": bool(self.success),
                  "message": str(self.message), "nfail": int(self.get("nfail", 0)),
                  "ndelta": int(self.get("ndelta", 0)),
                  "history": {k: v.tolist() for k, v in self.history.to_dict().items()}}
        if "params" in self:
            record["params"] = {k: (v.tolist() if isinstance(v, np.ndarray) else v)
                                for k, v in self.params.items()}
        text = json.dumps(record, indent=2, default=str)
        if path is None:
            return text
        with open(path, "w") as handle:
            handle.write(text)
        return text
