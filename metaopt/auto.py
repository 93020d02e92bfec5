"""``method="auto"``: the method (and its main settings) for a space, a dimension and a budget.

The rules are the README's "auto" table, derived from ``benchmarks/auto.py`` (continuous
functions), ``benchmarks/tsp.py`` and ``benchmarks/flowshop.py`` (permutations) and the
knapsack and trap tests (bit strings); change them only with those figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from .space import Space

__all__ = ["choose_method", "choose_multiobjective"]


def choose_method(space: Space, budget: int,
                  fun: Callable[..., Any] | None = None) -> tuple[str, dict, str]:
    """``(method, options, reason)``: what ``minimize(method="auto")`` runs and why, in words.

    Parameters
    ----------
    space : Space
    budget : int
        The evaluations the run may spend.
    fun : callable, optional
        The objective; one with a ``distances`` attribute (``problems.TSP``) is a tour.
    """
    kinds = set(space.kinds)
    d = space.dim
    per_dim = budget / d
    if kinds == {"permutation"} and len(space.variables) == 1 and d >= 4:
        if getattr(fun, "distances", None) is not None:
            return "ils", {}, (f"a tour of {d} with a distance matrix: 2-opt + Or-opt local "
                               f"search from move deltas with double-bridge kicks")
        return "ils", {}, (f"a permutation of {d} as a black box: reversal and insertion "
                           f"local search with double-bridge kicks")
    if kinds == {"binary"}:
        return "ils", {}, (f"{d} bits: flip-and-swap local search with random-flip kicks")
    if "permutation" in kinds or "binary" in kinds:
        return "ga", {}, (f"a mixed space with permutation or binary variables ({d} "
                          f"columns): the GA, which has operators for every kind")
    what = "continuous" if kinds == {"real"} else "mixed " + "/".join(sorted(kinds))
    # benchmarks/auto.py: CMA-ES (mirrored orthogonal sampling, BIPOP restarts from x0) is
    # within 2x of the best of CMA-ES, L-SHADE, JADE and DE in at least as many cells as
    # L-SHADE at every dimension (2-40) and budget (100-10,000 x d) measured.
    # not noise_handling="auto": on benchmarks/noisy.py (3 seeds, 1000 x d) it lost cases the
    # plain default wins (the 20-d sphere with multiplicative noise 1: 198 against 0.005)
    return "cmaes", {}, (f"{d} {what} variables, {per_dim:,.0f} evaluations per dimension: "
                         f"CMA-ES with BIPOP restarts")


def choose_multiobjective(space: Space, objectives: int) -> tuple[str, dict, str]:
    """``(method, options, reason)`` for ``objectives`` >= 2 (``benchmarks/multiobjective.py``:
    the method with the best median hypervolume on most problems of that many objectives)."""
    kinds = set(space.kinds)
    if kinds - {"real", "integer", "choice"}:
        return "nsga2", {}, (f"{objectives} objectives over bits or permutations: NSGA-II with "
                             f"the genome's own operators")
    if objectives == 2:
        return "nsga2", {}, ("2 objectives: NSGA-II (ZDT1-4 and 6: no worse than pymoo's best "
                             "on most)")
    return "nsga3", {}, (f"{objectives} objectives: NSGA-III on reference directions (DTLZ1-7: "
                         f"the best of ours on most)")
