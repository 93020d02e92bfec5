"""Workloads that use metaopt: continuous test functions, TSPLIB instances, Taillard's flow
shops, binary problems (OneMax, deceptive traps, knapsack), constrained problems (CEC 2006
g01-g13, three engineering designs) and the CEC 2017 bound-constrained suite (F1, F3-F30 as the
competition's code computes them), all with known optima; and multi-objective problems
(ZDT1-4 and 6, DTLZ1-7, CONSTR, a bi-objective knapsack) with their Pareto fronts."""

from .binary import DeceptiveTrap, Knapsack, OneMax, make_knapsack
from .cec2017 import CEC2017, CEC2017_DIMENSIONS, CEC2017_FUNCTIONS
from .constrained import CONSTRAINED, ConstrainedProblem, load_constrained
from .flowshop import FlowShop, load_taillard, neh, taillard_instances
from .functions import FUNCTIONS, BenchmarkFunction, make_function
from .multiobjective import (CONSTR, BiKnapsack, DTLZ1, DTLZ2, DTLZ3, DTLZ4, DTLZ5, DTLZ6, DTLZ7,
                             MULTIOBJECTIVE, ZDT1, ZDT2, ZDT3, ZDT4, ZDT6)
from .tsp import TSP, load_optimal_tour, load_tsplib, read_tsplib, tsplib_instances

__all__ = ["FUNCTIONS", "BenchmarkFunction", "make_function", "TSP", "read_tsplib", "load_tsplib",
           "load_optimal_tour", "tsplib_instances", "OneMax", "DeceptiveTrap", "Knapsack",
           "make_knapsack", "FlowShop", "load_taillard", "taillard_instances", "neh",
           "CONSTRAINED", "ConstrainedProblem", "load_constrained", "MULTIOBJECTIVE", "ZDT1",
           "ZDT2", "ZDT3", "ZDT4", "ZDT6", "DTLZ1", "DTLZ2", "DTLZ3", "DTLZ4", "DTLZ5", "DTLZ6",
           "DTLZ7", "CONSTR", "BiKnapsack", "CEC2017", "CEC2017_FUNCTIONS",
           "CEC2017_DIMENSIONS"]
