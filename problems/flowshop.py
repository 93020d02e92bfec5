"""The permutation flow-shop problem (minimum makespan) and Taillard's instances.

Every job visits machines 1..m in the same order, each machine runs one job at a time, and the
job order is the same on every machine: a schedule is a permutation of the jobs and its cost is
the completion time of the last job on the last machine (the makespan, ``F|prmu|Cmax``).

The instances are those of E. Taillard, "Benchmarks for basic scheduling problems", European
Journal of Operational Research 64(2):278-285, 1993: processing times drawn uniformly from
1..99 by the paper's portable generator (Lehmer's generator with a = 16807, m = 2**31 - 1, in
Schrage's form) from the seed the paper lists for each instance, machine by machine. The shipped
files in ``problems/data/taillard`` hold the times in Taillard's layout (one row per machine)
with the best-known makespans, proven optimal for ta001-ta030.
"""

import csv
from importlib import resources

import numpy as np
from numba import njit

__all__ = ["FlowShop", "taillard_times", "load_taillard", "taillard_instances", "makespans", "neh",
           "read_taillard"]

_DATA = "data/taillard"
_LEHMER_M, _LEHMER_A, _SCHRAGE_Q, _SCHRAGE_R = 2147483647, 16807, 127773, 2836


def taillard_times(seed, jobs, machines):
    """Processing times (machines, jobs) drawn by Taillard's (1993) generator from ``seed``.

    Each draw advances ``seed <- 16807 * seed mod (2**31 - 1)`` (Schrage's overflow-free form,
    as in the paper) and maps it to ``1 + floor(seed / (2**31 - 1) * 99)``; machine 1's times
    for all jobs come first.
    """
    times = np.empty((machines, jobs), dtype=np.int64)
    state = int(seed)
    for i in range(machines):
        for j in range(jobs):
            k = state // _SCHRAGE_Q
            state = _LEHMER_A * (state % _SCHRAGE_Q) - k * _SCHRAGE_R
            if state < 0:
                state += _LEHMER_M
            times[i, j] = 1 + int(np.floor(state / _LEHMER_M * 99))
    return times


@njit(cache=True)
def makespans(times, orders):
    """Makespan of each job order (rows of ``orders``) on the (machines, jobs) ``times``."""
    machines = times.shape[0]
    count, jobs = orders.shape
    out = np.empty(count)
    finish = np.empty(machines)
    for k in range(count):
        finish[:] = 0.0
        for position in range(jobs):
            job = orders[k, position]
            finish[0] += times[0, job]
            for i in range(1, machines):
                finish[i] = max(finish[i], finish[i - 1]) + times[i, job]
        out[k] = finish[machines - 1]
    return out


class FlowShop:
    """A permutation flow-shop instance as an objective over ``Permutation(jobs)``.

    Call it on one job order (jobs,) for its makespan, or on a batch (m, jobs) for m makespans.
    No distance matrix is lent to the algorithms: it is a black box to them.

    Attributes
    ----------
    name : str
    times : (machines, jobs) int64 array
    n : int
        The number of jobs (the permutation's length).
    machines : int
    best_known : float or None
        The best-known (for ta001-ta030 proven optimal) makespan.
    """

    def __init__(self, times, name="flowshop", best_known=None):
        T = np.ascontiguousarray(times, dtype=np.int64)
        if T.ndim != 2 or T.shape[1] < 2 or T.shape[0] < 1:
            raise ValueError(f"times must be a (machines, jobs) matrix with at least 2 jobs, "
                             f"got shape {np.shape(times)}")
        if np.any(T < 0):
            raise ValueError("times must be non-negative processing times")
        self.times, self.name, self.best_known = T, name, best_known
        self.machines, self.n = T.shape

    def __call__(self, orders):
        orders = np.asarray(orders)
        if orders.ndim == 1:
            return float(makespans(self.times, orders[None, :].astype(np.int64))[0])
        return makespans(self.times, np.ascontiguousarray(orders, dtype=np.int64))

    def gap(self, makespan):
        """Relative excess over the best-known makespan: ``makespan / best_known - 1``."""
        if self.best_known is None:
            raise ValueError(f"{self.name} has no best-known makespan")
        return makespan / self.best_known - 1.0

    def __repr__(self):
        best = "" if self.best_known is None else f", best_known={self.best_known:g}"
        return f"FlowShop({self.name!r}, jobs={self.n}, machines={self.machines}{best})"


def _table():
    table = resources.files("problems").joinpath(_DATA, "instances.csv")
    with table.open() as handle:
        return {row["name"]: row for row in csv.DictReader(handle)}


def taillard_instances():
    """The shipped instances: ``{name: (jobs, machines, seed, best-known makespan)}``."""
    return {name: (int(row["jobs"]), int(row["machines"]), int(row["seed"]),
                   float(row["best_known"])) for name, row in _table().items()}


def read_taillard(text):
    """Processing times (machines, jobs) from a file in Taillard's layout: a line with the
    number of jobs and machines, then one row of job times per machine."""
    numbers = [int(token) for token in text.split()]
    jobs, machines = numbers[0], numbers[1]
    values = numbers[2:]
    if len(values) != jobs * machines:
        raise ValueError(f"expected {jobs} x {machines} times, found {len(values)} numbers")
    return np.array(values, dtype=np.int64).reshape(machines, jobs)


def load_taillard(name):
    """A shipped instance by name (e.g. "ta001"), with its best-known makespan."""
    table = taillard_instances()
    if name not in table:
        raise ValueError(f"unknown Taillard instance name={name!r}; shipped: {sorted(table)}")
    text = resources.files("problems").joinpath(_DATA, f"{name}.txt").read_text()
    return FlowShop(read_taillard(text), name=name, best_known=table[name][3])


def neh(shop):
    """The NEH constructive heuristic (Nawaz, Enscore & Ham, Omega 11(1):91-95, 1983).

    Jobs in decreasing order of total processing time are inserted one at a time at the
    position of the partial sequence with the smallest makespan (ties: the earliest position).
    A deterministic baseline for the flow-shop benchmarks. Returns (order, makespan).
    """
    order_by_work = np.argsort(-shop.times.sum(axis=0), kind="stable")
    sequence = [int(order_by_work[0])]
    for job in order_by_work[1:]:
        candidates = np.array([sequence[:p] + [int(job)] + sequence[p:]
                               for p in range(len(sequence) + 1)], dtype=np.int64)
        costs = makespans(shop.times, candidates)
        best = int(np.argmin(costs))
        sequence = candidates[best].tolist()
    order = np.array(sequence, dtype=np.int64)
    return order, shop(order)
