"""Classic differential evolution (Storn & Price 1997) with the common strategies."""

import numpy as np

from .._checks import check_bool, check_choice, check_real
from ..constraints import deb_value
from ..kernels import de as K
from ._archive import Archive
from ..state import Array, Float, Int, Nested
from .base import PopulationOptimizer

__all__ = ["DE", "STRATEGIES"]

STRATEGIES = {
    "rand/1": K.RAND1,
    "best/1": K.BEST1,
    "current-to-best/1": K.CURRENT_TO_BEST1,
    "rand/2": K.RAND2,
    "current-to-pbest/1": K.CURRENT_TO_PBEST1,
    "best/2": K.BEST2,
    "rand-to-best/1": K.RAND_TO_BEST1,
}
CROSSOVERS = ("bin", "exp")
#: scipy.optimize.differential_evolution's strategy names, as (strategy, crossover).
SCIPY_STRATEGIES = {f"{scipy_name}{cx}": (ours, cx) for cx in CROSSOVERS
                    for scipy_name, ours in (("best1", "best/1"), ("rand1", "rand/1"),
                                             ("rand2", "rand/2"), ("best2", "best/2"),
                                             ("currenttobest1", "current-to-best/1"),
                                             ("randtobest1", "rand-to-best/1"))}
BOUND_HANDLING = {"midpoint": K.MIDPOINT, "clip": K.CLIP, "reflect": K.REFLECT, "reinit": K.REINIT}


def pbest_count(p, n):
    """How many top individuals current-to-pbest/1 draws from: ``max(round(p n), 2)``."""
    return min(max(int(round(p * n)), 2), n)


class DE(PopulationOptimizer):
    """Differential evolution, DE/x/y/z (Storn & Price 1997, J. Global Optim. 11:341-359).

    Parameters
    ----------
    bounds : sequence of (low, high), Space or variable
    pop_size : int, default ``max(10 * dim, 10)``
    strategy : str
        "rand/1", "best/1", "current-to-best/1", "rand/2", "current-to-pbest/1", "best/2" or
        "rand-to-best/1". current-to-pbest/1 (Zhang & Sanderson 2009) draws its second
        difference vector from the population and an archive of ``pop_size`` replaced
        parents. scipy's twelve names work too ("best1bin", "rand1exp", "rand2bin",
        "best2exp", "currenttobest1bin", "randtobest1exp", ...: they set the crossover);
        best/2 and rand-to-best/1 are scipy's.
    crossover : {"bin", "exp"}
        Binomial or exponential crossover.
    F : float in (0, 2], default 0.5
        Scale factor.
    CR : float in [0, 1], default 0.9
        Crossover rate.
    dither : (low, high), optional
        Draw F per individual and generation uniformly from ``[low, high)`` (Das et al. 2005).
    p : float in (0, 1], default 0.05
        Greedy fraction for current-to-pbest/1 (``max(round(p * pop_size), 2)`` candidates).
    bound_handling : {"midpoint", "clip", "reflect", "reinit"}
        Midpoint between the parent and the bound crossed (as in JADE), clipping, reflection, or
        a uniform redraw of the component (as in scipy).
    mutation, recombination : optional
        scipy's names: ``mutation`` a float is ``F``, a (low, high) pair is ``dither``;
        ``recombination`` is ``CR``.
    epsilon : bool, default False
        With constraints: the epsilon-constrained method (T. Takahama, S. Sakai, "Constrained
        optimization by the epsilon constrained differential evolution with an archive and
        gradient-based mutation", CEC 2010) instead of Deb's rules in the selection: points
        whose violation is at most epsilon compare by objective; epsilon starts at the
        violation of the top ``0.2 pop_size``-th initial member and falls as
        ``eps0 (1 - t / Tc) ** 5`` to 0 at ``Tc``, a fifth of the generations of the budget.
    init : {"lhs", "sobol", "random"} or array
    rng : None, int or numpy.random.Generator
    budget : int, optional
        Unused; accepted for a uniform interface.
    """

    def __init__(self, bounds, *, pop_size=None, strategy="rand/1", crossover="bin", F=0.5,
                 CR=0.9, dither=None, p=0.05, bound_handling="midpoint", init="lhs", rng=None,
                 budget=None, mutation=None, recombination=None, epsilon=False):
        if isinstance(strategy, str) and strategy in SCIPY_STRATEGIES:
            strategy, crossover = SCIPY_STRATEGIES[strategy]
        if mutation is not None:  # scipy's names, checked under them
            if isinstance(mutation, (tuple, list)) and len(mutation) == 2:
                dither = (check_real("mutation[0]", mutation[0], 0.0, 2.0, low_open=True),
                          check_real("mutation[1]", mutation[1], 0.0, 2.0, low_open=True))
                if not dither[0] < dither[1]:
                    raise ValueError(f"mutation=(low, high) needs low < high, got "
                                     f"mutation={mutation!r}")
            else:
                F = check_real("mutation", mutation, 0.0, 2.0, low_open=True)
        if recombination is not None:
            CR = check_real("recombination", recombination, 0.0, 1.0)
        check_choice("strategy", strategy, tuple(STRATEGIES) + tuple(SCIPY_STRATEGIES))
        self.epsilon = check_bool("epsilon", epsilon)
        self.eps0 = None          # the epsilon level's start, from the initial population
        self.pop_raw = None       # (objective, violation) of each member, for epsilon levels
        self.strategy = strategy
        self._code = STRATEGIES[strategy]
        self.crossover = check_choice("crossover", crossover, CROSSOVERS)
        self.F = check_real("F", F, 0.0, 2.0, low_open=True)
        self.CR = check_real("CR", CR, 0.0, 1.0)
        self.dither = self._check_dither(dither)
        self.p = check_real("p", p, 0.0, 1.0, low_open=True)
        self.bound_handling = check_choice("bound_handling", bound_handling, BOUND_HANDLING)
        n_picks = K.N_PICKS[self._code]
        super().__init__(bounds, pop_size=pop_size, init=init, rng=rng, budget=budget,
                         min_pop_size=n_picks + 1)
        self._uses_archive = self._code == K.CURRENT_TO_PBEST1
        self.archive = Archive(self.pop_size, self.dim, overflow="replace")
        self._F_vec = np.full(self.pop_size, self.F)
        self._CR_vec = np.full(self.pop_size, self.CR)
        self._ranges = np.full(n_picks, self.pop_size, np.int64)
        self._guide = np.zeros(self.pop_size, np.int64)  # scratch, refilled by every ask
        self._next_target = -1  # steady-state mode: the last target handed out
        self._n_uniforms = n_picks + 1 + self.dim * (2 if bound_handling == "reinit" else 1)

    STATE = {
        "archive": Nested(),
        "pop_raw": Array(float, 2, "pop_size", optional=True),
        "eps0": Float(0.0, optional=True),
        "_next_target": Int(-1),
    }
    DERIVED = ("_guide",)

    def _state_problem(self):
        if self.epsilon and self.pop is not None and (self.pop_raw is None) != (self.eps0 is None):
            return "pop_raw and eps0 must both be set or both None"
        if self.pop_raw is not None and self.pop_raw[1].min() < 0:
            return "pop_raw: negative constraint violations"
        return super()._state_problem()

    @staticmethod
    def _check_dither(dither):
        if dither is None:
            return None
        try:
            lo, hi = dither
        except (TypeError, ValueError):
            raise TypeError(f"dither must be a (low, high) pair, got dither={dither!r}") from None
        lo = check_real("dither[0]", lo, 0.0, 2.0, low_open=True)
        hi = check_real("dither[1]", hi, 0.0, 2.0, low_open=True)
        if not lo < hi:
            raise ValueError(f"dither needs low < high, got dither={dither!r}")
        return lo, hi

    def _ask_offspring(self):
        n = self.pop_size
        u = self.rng.random((n, self._n_uniforms))
        src, ranges = self.pop, self._ranges
        if self._uses_archive and len(self.archive):
            src = np.concatenate([self.pop, self.archive.rows])
            ranges = np.array([n, src.shape[0]], np.int64)
        guide = self._guide
        if self._code == K.CURRENT_TO_PBEST1:
            order = np.argsort(self.fit, kind="stable")
            guide = order[(self.rng.random(n) * pbest_count(self.p, n)).astype(np.int64)]
        elif self._code in (K.BEST1, K.CURRENT_TO_BEST1, K.BEST2, K.RAND_TO_BEST1):
            guide.fill(np.argmin(self.fit))
        F = self._F_vec if self.dither is None else self.rng.uniform(*self.dither, size=n)
        return K.de_offspring(src, u, ranges, guide, F, self._CR_vec, self._code,
                              self.crossover == "exp", BOUND_HANDLING[self.bound_handling])

    supports_async = True

    def ask_one(self):
        """A trial for the next target (cyclic) from the current population: steady-state DE,
        where each finished evaluation is selected at once and triggers the next trial."""
        if self.pop is None:
            raise RuntimeError("ask_one() needs the initial population: ask() and tell() it first")
        j = self._next_target = (self._next_target + 1) % self.pop_size
        return j, self._ask_offspring()[j].copy()

    def tell_one(self, key, u, f):
        f = float(f) if f == f and abs(f) != float("inf") else float("inf")
        if self._uses_archive and f < self.fit[key]:
            self.archive.add(self.pop[key][None, :], self.rng)
        if f <= self.fit[key]:
            self.pop[key], self.fit[key] = u, f
        self._record_one(u, f, self.pop_size)

    def _after_init(self):
        if self.epsilon and self._told is not None:
            raw_f, cv = self._told
            self.pop_raw = np.stack([raw_f, cv]).copy()
            self.eps0 = float(np.sort(cv)[int(0.2 * self.pop_size)])
            self.fit = self._epsilon_values(raw_f, cv)

    def epsilon_level(self):
        """The current epsilon level (Takahama & Sakai): ``eps0 (1 - t / Tc) ** 5``."""
        generations = (self.budget or 1000 * self.pop_size) / self.pop_size
        Tc = max(1.0, 0.2 * generations)
        t = self.nit
        return self.eps0 * (1 - t / Tc) ** 5 if t < Tc else 0.0

    def _epsilon_values(self, raw_f, cv):
        """Ordering values under the epsilon level: objective within it, violation beyond."""
        eps = self.epsilon_level()
        return np.where(cv <= eps, raw_f, deb_value(raw_f, cv))

    def _tell_offspring(self, U, f):
        if self.pop_raw is not None and self._told is not None:
            raw_f, cv = self._told
            k = f.shape[0]
            self.fit = self._epsilon_values(*self.pop_raw)
            f = self._epsilon_values(raw_f, cv)
            better = f <= self.fit[:k]
            self.pop_raw[:, :k][:, better] = np.stack([raw_f, cv])[:, better]
        if self._uses_archive:
            k = f.shape[0]
            self.archive.add(self.pop[:k][f < self.fit[:k]], self.rng)
        K.greedy_selection(self.pop, self.fit, U, f, False)
