"""Workloads that use metaopt: benchmark functions with known optima (and, later, TSPLIB,
knapsack and neural tasks)."""

from .functions import FUNCTIONS, BenchmarkFunction, make_function

__all__ = ["FUNCTIONS", "BenchmarkFunction", "make_function"]
