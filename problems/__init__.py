"""Workloads that use metaopt: continuous test functions, TSPLIB instances, binary problems
(OneMax, deceptive traps, knapsack), all with known optima."""

from .binary import DeceptiveTrap, Knapsack, OneMax, make_knapsack
from .functions import FUNCTIONS, BenchmarkFunction, make_function
from .tsp import TSP, load_optimal_tour, load_tsplib, read_tsplib, tsplib_instances

__all__ = ["FUNCTIONS", "BenchmarkFunction", "make_function", "TSP", "read_tsplib", "load_tsplib",
           "load_optimal_tour", "tsplib_instances", "OneMax", "DeceptiveTrap", "Knapsack",
           "make_knapsack"]
