"""The external archive of JADE, SHADE and L-SHADE: parents that lost to their trials."""

import numpy as np

from ..kernels.adaptive import overwrite_rows
from ..state import Array, Int, StateError, Str, check_fields

__all__ = ["Archive"]


class Archive:
    """Up to ``capacity`` points of dimension ``dim``.

    Parameters
    ----------
    capacity : int
    dim : int
    overflow : {"replace", "truncate"}
        "replace" (SHADE and L-SHADE's reference code): once full, each new point overwrites a
        uniformly chosen member. "truncate" (JADE): new points are appended (each point
        kept once), then randomly chosen members are removed until the archive fits.
    """

    def __init__(self, capacity, dim, overflow="replace"):
        self.capacity = int(capacity)
        #: The capacity it was built with: a loaded one may be lower (L-SHADE shrinks it),
        #: never higher.
        self.max_capacity = self.capacity
        self.overflow = overflow
        # the members are the first `size` rows of a buffer allocated once (a run adds to the
        # archive every generation; concatenating would copy it each time)
        self._buffer = np.empty((max(self.capacity, 0), dim))
        self.size = 0

    @property
    def rows(self):
        """The members, (len, dim) (a view: read, don't keep)."""
        return self._buffer[: self.size]

    def _set(self, rows):
        self._buffer = np.empty((max(self.capacity, rows.shape[0]), rows.shape[1]))
        self._buffer[: rows.shape[0]] = rows
        self.size = rows.shape[0]

    def __len__(self):
        return self.size

    def add(self, X, rng):
        """Insert the rows of ``X``, drawing from ``rng`` only when the archive overflows."""
        if self.capacity <= 0 or X.shape[0] == 0:
            return
        if self.overflow == "truncate":
            rows = np.concatenate([self.rows, X])
            _, first = np.unique(rows, axis=0, return_index=True)
            if first.size < rows.shape[0]:  # JADE's code keeps each point once
                rows = rows[np.sort(first)]
            if rows.shape[0] > self.capacity:
                keep = np.sort(rng.choice(rows.shape[0], self.capacity, replace=False))
                rows = rows[keep]
            self._set(rows)
            return
        take = min(self.capacity - self.size, X.shape[0])
        if take > 0:
            self._buffer[self.size: self.size + take] = X[:take]
            self.size += take
            X = X[take:]
        if X.shape[0]:
            overwrite_rows(self._buffer, X, rng.integers(0, self.capacity, size=X.shape[0]))

    def state_dict(self):
        return {"capacity": self.capacity, "rows": self.rows.copy(), "overflow": self.overflow}

    def load_state_dict(self, state):
        fields = {"capacity": Int(0), "rows": Array(float, None, self.rows.shape[1], low=0.0,
                                                          high=1.0),
                  "overflow": Str((self.overflow,))}
        state = check_fields(self, fields, state, "archive")
        if state["capacity"] > self.max_capacity:
            raise StateError(f"archive: capacity {state['capacity']} is above the "
                             f"{self.max_capacity} this optimizer was built with")
        if state["rows"].shape[0] > max(state["capacity"], 0):
            raise StateError(f"archive: {state['rows'].shape[0]} rows, above its capacity "
                             f"{state['capacity']}")
        self.capacity = state["capacity"]
        self._set(state["rows"])

    def shrink(self, capacity):
        """Lower the capacity, keeping the first members (L-SHADE's reference code)."""
        self.capacity = int(capacity)
        self.size = min(self.size, max(self.capacity, 0))
