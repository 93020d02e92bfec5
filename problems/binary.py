"""Binary problems with known optima: OneMax, concatenated deceptive traps, 0/1 knapsack.

All are minimised (values are negated) and evaluate a batch of bit strings (m, n) or one (n,).
"""

import numpy as np
from numba import njit

from metaopt.rng import as_generator

__all__ = ["OneMax", "DeceptiveTrap", "Knapsack", "make_knapsack"]


class _BinaryProblem:
    optimum = None

    def __call__(self, bits):
        bits = np.asarray(bits)
        single = bits.ndim == 1
        values = self.batch(bits[None, :] if single else bits)
        return float(values[0]) if single else values


class OneMax(_BinaryProblem):
    """``-sum(bits)``; optimum ``-n`` at all ones."""

    def __init__(self, n):
        self.n = int(n)
        self.optimum = -float(self.n)

    def batch(self, bits):
        return -bits.sum(axis=1).astype(float)


class DeceptiveTrap(_BinaryProblem):
    """Concatenated k-bit traps (Deb & Goldberg 1993): a block with u ones scores k if u == k,
    else k - 1 - u, so every block's slope points away from its optimum. Optimum ``-n`` at all
    ones; n must be a multiple of k."""

    def __init__(self, n, k=5):
        if n % k:
            raise ValueError(f"n must be a multiple of k, got n={n}, k={k}")
        self.n, self.k = int(n), int(k)
        self.optimum = -float(self.n)

    def batch(self, bits):
        u = bits.reshape(bits.shape[0], -1, self.k).sum(axis=2)
        return -np.where(u == self.k, self.k, self.k - 1 - u).sum(axis=1).astype(float)


class Knapsack(_BinaryProblem):
    """0/1 knapsack: maximise value within capacity, here minimised as ``-value``.

    An overweight selection scores its excess weight (> 0), so every feasible selection beats
    every infeasible one. ``optimum`` is ``-(best value)``, computed exactly by dynamic
    programming over integer weights.
    """

    def __init__(self, values, weights, capacity):
        self.values = np.asarray(values, dtype=float)
        self.weights = np.asarray(weights, dtype=np.int64)
        self.capacity = int(capacity)
        if self.values.shape != self.weights.shape or self.values.ndim != 1:
            raise ValueError("values and weights must be 1-D arrays of the same length")
        if np.any(self.weights <= 0) or self.capacity <= 0:
            raise ValueError("weights and capacity must be positive integers")
        self.n = self.values.size
        self.optimum = -self.best_value()

    def best_value(self):
        """The optimal total value (dynamic programming, O(n * capacity))."""
        best = np.zeros(self.capacity + 1)
        for v, w in zip(self.values, self.weights):
            if w <= self.capacity:
                best[w:] = np.maximum(best[w:], best[:-w] + v)
        return float(best[-1])

    def batch(self, bits):
        weight = bits @ self.weights
        value = bits @ self.values
        return np.where(weight <= self.capacity, -value, (weight - self.capacity).astype(float))

    def repair(self, bits):
        """Feasible selections close to ``bits`` (m, n): drop the chosen items of lowest
        value per weight until the load fits, then add the unchosen items of highest value per
        weight that still fit (the greedy repair of Michalewicz 1996; with values as ties broken
        by index). Algorithms that accept ``repair=`` (the GA) are lent it by ``minimize``."""
        bits = np.array(bits, dtype=float, ndmin=2)
        return _greedy_repair(bits, self.weights.astype(np.int64), self._order, self.capacity)

    @property
    def _order(self):
        """Items by value per weight, best first (stable)."""
        return np.argsort(-(self.values / self.weights), kind="stable").astype(np.int64)


def make_knapsack(n, rng=None, correlation="strong", capacity_ratio=0.5):
    """A seeded knapsack instance in Pisinger's style (weights 1..100).

    correlation "none" draws values independently, "weak" near the weight, "strong" as
    weight + 10 (the hard case); the capacity is ``capacity_ratio`` of the total weight.
    """
    gen = as_generator(rng)
    weights = gen.integers(1, 101, size=n)
    if correlation == "none":
        values = gen.integers(1, 101, size=n)
    elif correlation == "weak":
        values = np.maximum(1, weights + gen.integers(-10, 11, size=n))
    elif correlation == "strong":
        values = weights + 10
    else:
        raise ValueError(f"correlation must be 'none', 'weak' or 'strong', got {correlation!r}")
    return Knapsack(values, weights, int(capacity_ratio * weights.sum()))


@njit(cache=True)
def _greedy_repair(bits, weights, order, capacity):
    m, n = bits.shape
    for i in range(m):
        load = 0
        for j in range(n):
            if bits[i, j] > 0.5:
                load += weights[j]
        for r in range(n - 1, -1, -1):  # drop the worst ratios first
            if load <= capacity:
                break
            j = order[r]
            if bits[i, j] > 0.5:
                bits[i, j] = 0.0
                load -= weights[j]
        for r in range(n):  # then fill with the best ratios that fit
            j = order[r]
            if bits[i, j] < 0.5 and load + weights[j] <= capacity:
                bits[i, j] = 1.0
                load += weights[j]
    return bits
