"""Genomes: the variable kinds that GA, SA, tabu search and ILS work on natively, each giving
one interface over the Numba kernels (see :class:`Genome`): random points, proposals (one move
per row), neighbours with their tabu attributes, descent moves, kicks, and GA operators looked
up by name once.

- :class:`UnitCube`: reals, integers and choices (any mixed space) on ``[0, 1]^dim``;
- :class:`Bits`: a space of ``Binary`` variables only;
- :class:`Permutations`: one ``Permutation`` variable;
- :class:`Tours`: one ``Permutation`` with a distance matrix (a TSP), adding candidate lists
  and 2-opt + Or-opt local search from move deltas.

A genome holds only what the constructor gave (no evolving state); the algorithms keep their
own logic (selection, acceptance, tabu memory, perturbation schedules) over it and never ask
which genome they hold: what differs is a method of the genome or one of its capabilities
(``native``, ``continuous``, ``distances``, ``n_attributes``, ``kind``).
"""

import math

import numpy as np

from ..kernels import ga as KG
from ..kernels import moves as KM
from ..kernels import permutation as KP
from ..sampling import make_sampler

__all__ = ["UnitCube", "Bits", "Permutations", "Tours", "make_genome", "MOVES"]

# Moves on a permutation without distances: a 2-opt segment reversal (tours), a swap of two
# elements, an insertion (one element taken out and put back elsewhere: the move of scheduling
# local searches, e.g. Ruiz & Stuetzle 2007), or reversals and insertions half and half.
MOVE_KINDS = {"2opt": (KP.REVERSAL,), "swap": (KP.SWAP,), "insertion": (KP.INSERTION,),
              "mixed": (KP.REVERSAL, KP.INSERTION)}
MOVES = tuple(MOVE_KINDS)


def unit_cube_problem(U):
    """Why the rows of ``U`` are not unit-cube points, or None."""
    if not np.isfinite(U).all() or U.min(initial=0.0) < 0.0 or U.max(initial=1.0) > 1.0:
        return "points outside the unit cube [0, 1]"
    return None


def permutation_problem(X):
    """Why the rows of ``X`` are not permutations of 0..n-1, or None."""
    if not (np.sort(X, axis=-1) == np.arange(X.shape[-1])).all():
        return "rows that are not permutations of 0..n-1"
    return None


class Genome:
    """Base: a genome of ``dim`` genes, and the interface every genome gives.

    The move methods share one keyword signature, so an algorithm calls them the same way
    whatever the genome; each genome reads the settings that concern it (a step size for the
    unit cube, a number of flips for bits, a move kind for permutations) and ignores the rest.
    """

    #: A short name of the genome, for per-genome default tables ("cube", "bits",
    #: "permutation", "tour").
    kind = ""
    #: Whether the algorithm hands out the genome's values themselves (bits, permutations)
    #: rather than unit-cube points that the space decodes.
    native = True
    #: Whether moves have a step size that can shrink (the unit cube): step adaptation, and
    #: tabu regions around visited points instead of tabu move attributes.
    continuous = False
    #: The distance matrix of a tour (moves scored by their deltas in kernels), else None.
    distances = None
    #: How many tabu attributes its single moves have (a bit, a pair of values; 0: none).
    n_attributes = 0
    #: GA operator names, the default first.
    CROSSOVERS = ()
    MUTATIONS = ()

    def __init__(self, space):
        self.dim = space.dim

    def random(self, m, rng, design="lhs"):
        """``m`` random points, (m, dim)."""
        raise NotImplementedError

    def check_points(self, X):
        """Why the rows of ``X`` are not points of this genome, or None when they are (what a
        checkpoint's points are checked with before they reach a kernel)."""
        raise NotImplementedError

    def propose(self, X, rng, *, scales=None, distribution="gauss", flips=1, move="mixed"):
        """Each row of ``X`` with one random move (simulated annealing's proposals)."""
        raise NotImplementedError

    def neighbours(self, x, m, rng, *, step=None, move="mixed"):
        """``m`` sampled single-move neighbours of ``x`` and each move's tabu attribute (an
        index below ``n_attributes``; the moved coordinate on the unit cube)."""
        raise NotImplementedError

    def descent_size(self, move="mixed"):
        """How many distinct moves :meth:`descent` has from one point."""
        raise NotImplementedError

    def descent(self, x, m, rng, scan, scan_at, *, step=None, move="mixed"):
        """``m`` moves of a local descent from ``x``; returns them with the scan of an
        enumerated neighbourhood (the list of moves and where the next batch starts: None and
        0 where the neighbourhood is sampled, not listed)."""
        raise NotImplementedError

    def kick(self, x, rng, *, scale=0.1, bits=1):
        """A perturbation of ``x`` (iterated local search's kick)."""
        raise NotImplementedError

    def kick_problem(self):
        """Why :meth:`kick` cannot perturb points of this genome, or None."""
        return None

    def crossover(self, name):
        """The crossover called ``name`` (one of ``CROSSOVERS``): a callable ``(first, second,
        rng, *, rate, eta, k) -> (children1, children2)``."""
        return getattr(self, f"_crossover_{name}")

    def mutation(self, name):
        """The mutation called ``name`` (one of ``MUTATIONS``): a callable ``(children, rng, *,
        rate, eta) -> (children, move deltas evaluated)``."""
        return getattr(self, f"_mutation_{name}")

    def __repr__(self):
        return f"{type(self).__name__}(dim={self.dim})"


class UnitCube(Genome):
    """Reals, integers and choices searched on the unit cube (the space decodes them)."""

    kind = "cube"
    native = False
    continuous = True
    CROSSOVERS = ("sbx",)
    MUTATIONS = ("polynomial",)

    def __init__(self, space):
        super().__init__(space)
        discrete = np.isin(np.arange(self.dim), space.discrete_columns)
        #: The smallest move that changes each coordinate's value (one level of an integer or
        #: a choice; 0 for reals).
        self.levels = np.where(discrete, 1.0 / np.maximum(space.width, 1.0), 0.0)

    def check_points(self, X):
        return unit_cube_problem(X)

    def random(self, m, rng, design="lhs"):
        return np.ascontiguousarray(make_sampler(design, self.dim, rng).random(m))

    def compass(self, x, m, rng, step, at_least_a_level=False):
        """``m`` of the ``2 dim`` moves ``+-step`` along one coordinate (all of them, in random
        order, when ``m >= 2 dim``); the moved coordinate of each."""
        moves = rng.permutation(2 * self.dim)[:m] if m <= 2 * self.dim else \
            rng.integers(0, 2 * self.dim, m)
        coords = moves % self.dim
        sizes = np.maximum(step, self.levels[coords]) if at_least_a_level else \
            np.full(len(moves), step)
        return KM.compass_moves(x, moves, sizes), coords

    def scaled_steps(self, X, scales, rng, distribution="gauss"):
        """Gaussian or Cauchy steps of per-row ``scales``, clipped to the cube."""
        z = rng.standard_normal(X.shape) if distribution == "gauss" \
            else rng.standard_cauchy(X.shape)
        return KM.scaled_steps(X, scales, z)

    def kick(self, x, rng, *, scale=0.1, bits=1):
        """A Gaussian step of ``scale``, clipped to the cube."""
        return np.clip(x + scale * rng.standard_normal(self.dim), 0.0, 1.0)

    def propose(self, X, rng, *, scales=None, distribution="gauss", flips=1, move="mixed"):
        return self.scaled_steps(X, scales, rng, distribution)

    def neighbours(self, x, m, rng, *, step=None, move="mixed"):
        return self.compass(x, m, rng, step, at_least_a_level=True)

    def descent_size(self, move="mixed"):
        return 2 * self.dim

    def descent(self, x, m, rng, scan, scan_at, *, step=None, move="mixed"):
        return self.compass(x, m, rng, step)[0], scan, scan_at

    def _crossover_sbx(self, first, second, rng, *, rate, eta, k=None):
        return self.sbx(first, second, rng, rate, eta)

    def _mutation_polynomial(self, children, rng, *, rate, eta):
        return self.polynomial(children, rng, rate, eta), 0

    def sbx(self, first, second, rng, rate, eta):
        """Bounded SBX crossover (Deb & Agrawal 1995, as in Deb's NSGA-II code)."""
        m, d = first.shape
        u = rng.random((m, 1 + 3 * d))
        return KG.sbx(first, second, eta, rate, u[:, 0], u[:, 1:1 + d], u[:, 1 + d:1 + 2 * d],
                      u[:, 1 + 2 * d:])

    def polynomial(self, children, rng, rate, eta):
        """Bounded polynomial mutation (Deb & Goyal 1996), per gene with probability rate."""
        m, d = children.shape
        return KG.polynomial_mutation(children, eta, rate, rng.random((m, d)),
                                      rng.random((m, d)))


class Bits(Genome):
    """Bit strings (a space of ``Binary`` variables)."""

    kind = "bits"
    n_attributes = property(lambda self: self.dim)
    CROSSOVERS = ("uniform", "kpoint")
    MUTATIONS = ("bitflip",)

    def check_points(self, X):
        return None if np.isin(X, (0.0, 1.0)).all() else "bits other than 0 and 1"

    def random(self, m, rng, design=None):
        return (rng.random((m, self.dim)) < 0.5).astype(float)

    def propose(self, X, rng, *, scales=None, distribution="gauss", flips=1, move="mixed"):
        return self.flip_rows(X, rng, flips)

    def neighbours(self, x, m, rng, *, step=None, move="mixed"):
        return self.flips(x, m, rng)

    def descent_size(self, move="mixed"):
        return self.dim + self.dim ** 2 // 4

    def descent(self, x, m, rng, scan, scan_at, *, step=None, move="mixed"):
        return self.flips_or_swaps(x, m, rng), scan, scan_at

    def _crossover_uniform(self, first, second, rng, *, rate, eta=None, k=None):
        return self.uniform(first, second, rng, rate)

    def _crossover_kpoint(self, first, second, rng, *, rate, eta=None, k):
        return self.k_point(first, second, rng, rate, k)

    def _mutation_bitflip(self, children, rng, *, rate, eta=None):
        return self.bit_flip(children, rng, rate), 0

    def flips(self, x, m, rng):
        """``m`` single-bit flips of ``x`` (distinct bits while ``m <= dim``); the bits."""
        bits = rng.permutation(self.dim)[:m] if m <= self.dim else \
            rng.integers(0, self.dim, m)
        return KM.flip_bits(x, bits), bits

    def flips_or_swaps(self, x, m, rng):
        """Half single-bit flips, half swaps of a set bit with a clear one: a swap keeps the
        number of ones, the move a capacity-bound problem (a knapsack) needs."""
        u = rng.random((m, 3))
        return KM.flip_or_swap_bits(x, rng.integers(0, self.dim, m), u[:, 0] < 0.5, u[:, 1],
                                    u[:, 2])

    def flip_rows(self, X, rng, flips):
        """Each row with ``flips`` random bits flipped (a bit may flip back)."""
        Y = X.copy()
        for _ in range(flips):
            KM.flip_row_bits(Y, rng.integers(0, self.dim, X.shape[0]))
        return Y

    def uniform(self, first, second, rng, rate):
        """Uniform crossover of each pair with probability ``rate``."""
        u_pair = rng.random(first.shape[0])
        return KG.uniform_crossover(first, second, rate, u_pair, rng.random(first.shape))

    def k_point(self, first, second, rng, rate, k):
        """k-point crossover with ``k`` distinct cut points in 1..n-1 (two equal cuts would
        exchange nothing)."""
        m, d = first.shape
        u_pair = rng.random(m)
        points = np.sort(np.argsort(rng.random((m, d - 1)), axis=1)[:, :k] + 1, axis=1)
        return KG.k_point_crossover(first, second, rate, u_pair, points)

    def bit_flip(self, children, rng, rate):
        """Each bit flipped with probability ``rate``."""
        return KG.bit_flip(children, rate, rng.random(children.shape))

    def kick(self, x, rng, *, scale=0.1, bits=1):
        """``x`` with ``bits`` distinct random bits flipped."""
        y = x.copy()
        flips = rng.choice(self.dim, min(bits, self.dim), replace=False)
        y[flips] = 1.0 - y[flips]
        return y


class Permutations(Genome):
    """Permutations of ``0..n-1`` (one ``Permutation`` variable)."""

    kind = "permutation"
    n_attributes = property(lambda self: self.dim * self.dim)
    CROSSOVERS = ("ox", "pmx")
    MUTATIONS = ("mixed", "inversion", "swap", "2opt", "insertion")

    def check_points(self, X):
        return permutation_problem(X)

    def propose(self, X, rng, *, scales=None, distribution="gauss", flips=1, move="mixed"):
        return self.moved(X, rng, move)[0]

    def neighbours(self, x, m, rng, *, step=None, move="mixed"):
        return self.moved(np.repeat(x[None, :], m, axis=0), rng, move)

    def descent_size(self, move="mixed"):
        return self.neighbourhood_size(move)

    def descent(self, x, m, rng, scan, scan_at, *, step=None, move="mixed"):
        """The moves listed by :meth:`move_list`, scanned circularly: a whole lap without an
        improvement proves a local optimum."""
        if scan is None:
            scan, scan_at = self.move_list(move, rng), 0
        picks = (scan_at + np.arange(m)) % len(scan)
        return self.apply_listed(x, scan[picks]), scan, int(picks[-1] + 1) % len(scan)

    def _crossover_ox(self, first, second, rng, *, rate, eta=None, k=None):
        return self.order_crossover(first, second, rng, rate)

    def _crossover_pmx(self, first, second, rng, *, rate, eta=None, k=None):
        return self.pmx(first, second, rng, rate)

    def _mutation_move(self, move):
        def mutate(children, rng, *, rate, eta=None):
            return self.mutated(children, rng, rate, move), 0
        return mutate

    def mutation(self, name):
        # inversion, and "2opt" without distances, are a random segment reversal
        return self._mutation_move("2opt" if name in ("inversion", "2opt") else name)

    def random(self, m, rng, design=None):
        return np.argsort(rng.random((m, self.dim)), axis=1).astype(float)

    def pairs(self, m, rng):
        """``m`` pairs of distinct positions, (m, 2)."""
        a = rng.integers(0, self.dim, m)
        b = (a + 1 + rng.integers(0, self.dim - 1, m)) % self.dim
        return np.stack([a, b], axis=1)

    def moved(self, X, rng, move="2opt"):
        """Each row of ``X`` with one random move of kind ``move`` (one of ``MOVES``; "mixed"
        draws a 2-opt reversal or an insertion per row), and each move's tabu attribute: the
        pair of values at its two positions (``low * n + high``) for a swap or reversal, the
        moved value ``v`` as ``v * (n + 1)`` for an insertion."""
        P = X.astype(np.int64)
        m = P.shape[0]
        pairs = self.pairs(m, rng)
        choices = MOVE_KINDS[move]
        kinds = np.full(m, choices[0], np.int64) if len(choices) == 1 else \
            np.asarray(choices, np.int64)[rng.integers(0, len(choices), m)]
        rows = np.arange(m)[:, None]
        ends = np.sort(P[rows, pairs], axis=1)
        attributes = np.where(kinds == KP.INSERTION, P[rows[:, 0], pairs[:, 0]] * (self.dim + 1),
                              ends[:, 0] * self.dim + ends[:, 1])
        KP.apply_moves(P, pairs, kinds)
        return P.astype(float), attributes

    def move_list(self, move, rng):
        """Every distinct move of kind ``move`` as rows ``(kind, a, b)``, in a random order: a
        local search that scans it circularly knows a local optimum when a whole lap fails."""
        a, b = np.triu_indices(self.dim, 1)
        pairs = np.stack([a, b], axis=1)
        # insertions of a at b: every ordered pair but b = a - 1, which repeats (a - 1 -> a)
        i, j = np.divmod(np.arange(self.dim * self.dim), self.dim)
        keep = (j != i) & (j != i - 1)
        ordered = np.stack([i[keep], j[keep]], axis=1)
        parts = {KP.SWAP: pairs, KP.REVERSAL: pairs, KP.INSERTION: ordered}
        rows = np.vstack([np.column_stack([np.full(len(parts[k]), k), parts[k]])
                          for k in MOVE_KINDS[move]]).astype(np.int64)
        return rows[rng.permutation(len(rows))]

    def apply_listed(self, x, moves):
        """``x`` with each of the listed moves ``(kind, a, b)``, one row per move."""
        P = np.repeat(x[None, :].astype(np.int64), len(moves), axis=0)
        return KP.apply_moves(P, moves[:, 1:].copy(), moves[:, 0].copy()).astype(float)

    def neighbourhood_size(self, move):
        """How many distinct neighbours one point has under ``move``."""
        n = self.dim
        return {"2opt": n * (n - 1) // 2, "swap": n * (n - 1) // 2, "insertion": (n - 1) ** 2,
                "mixed": n * (n - 1) // 2 + (n - 1) ** 2}[move]

    def order_crossover(self, first, second, rng, rate):
        """OX (Davis 1985) of each pair with probability ``rate``."""
        return self._crossover(KP.order_crossover, first, second, rng, rate)

    def pmx(self, first, second, rng, rate):
        """PMX (Goldberg & Lingle 1985) of each pair with probability ``rate``."""
        return self._crossover(KP.pmx_crossover, first, second, rng, rate)

    def _crossover(self, op, first, second, rng, rate):
        m, d = first.shape
        a, b = first.astype(np.int64), second.astype(np.int64)
        cut_a = rng.integers(0, d, m)
        cut_b = cut_a + 1 + (rng.random(m) * (d - cut_a)).astype(np.int64)
        cuts = np.stack([cut_a, np.minimum(cut_b, d)], axis=1)
        crossed = rng.random(m) < rate
        c1 = np.where(crossed[:, None], op(a, b, cuts), a)
        c2 = np.where(crossed[:, None], op(b, a, cuts), b)
        return c1.astype(float), c2.astype(float)

    def mutated(self, children, rng, rate, move):
        """Each child, with probability ``rate``, with one random ``move`` (see ``MOVES``)."""
        perms = children.copy()
        chosen = np.flatnonzero(rng.random(children.shape[0]) < rate)
        if chosen.size:
            perms[chosen] = self.moved(perms[chosen], rng, move)[0]
        return perms

    def kick_cuts(self, rng):
        """Three sorted cut points ``0 < c1 < c2 < c3 < n`` of a double bridge."""
        return np.sort(rng.choice(np.arange(1, self.dim), 3, replace=False))

    def kick_problem(self):
        if self.dim >= 4:
            return None
        return (f"a double bridge needs at least 4 elements: enumerate its "
                f"{math.factorial(self.dim)} orders, or use method='ga'")

    def kick(self, x, rng, *, scale=0.1, bits=1):
        """The double-bridge kick (Martin, Otto & Felten 1991)."""
        cuts = self.kick_cuts(rng)[None, :]
        return KP.double_bridge(x[None, :].astype(np.int64), cuts)[0].astype(float)


class Tours(Permutations):
    """Permutations that are tours of a distance matrix: nearest-neighbour candidate lists
    and 2-opt + Or-opt local search computed from move deltas."""

    kind = "tour"
    #: With distances the memetic mutation ("2opt": a 2-opt local optimum) is the default.
    MUTATIONS = ("2opt", "inversion", "swap", "insertion", "mixed")

    def __init__(self, space, distances, n_neighbors=10):
        super().__init__(space)
        self.distances = np.ascontiguousarray(distances, dtype=float)
        if self.distances.shape != (self.dim, self.dim):
            raise ValueError(f"distances must have shape ({self.dim}, {self.dim}), got "
                             f"{self.distances.shape}")
        self.neighbors = KP.neighbor_lists(self.distances, n_neighbors)

    def mutation(self, name):
        return self.two_opt if name == "2opt" else super().mutation(name)

    def two_opt(self, children, rng, rate, eta=None):
        """Memetic mutation: each child taken to a 2-opt + Or-opt local optimum with
        probability ``rate``; returns the children and the move deltas evaluated."""
        perms = children.astype(np.int64)
        evaluations = 0
        everyone = np.ones(self.dim, np.bool_)
        for i in np.flatnonzero(rng.random(children.shape[0]) < rate):
            tour = perms[i].copy()
            evaluations += self.improve(tour, everyone, 0)
            perms[i] = tour
        return perms.astype(float), evaluations

    def improve(self, tour, active, max_segment=3):
        """Take ``tour`` (int64, in place) to a local optimum, looking first at the ``active``
        cities; returns the move deltas evaluated."""
        _, evaluations = KP.local_search(self.distances, tour, self.neighbors, active,
                                         max_segment)
        return evaluations


def make_genome(space, distances=None, owner="this method", permutation_alone=True,
                n_neighbors=10):
    """The genome for ``space``: tours (one Permutation and distances), permutations, bits
    (only Binary variables), else the unit cube. With ``permutation_alone``, a Permutation
    mixed with other variables is refused (the method has no move for the mixture)."""
    kinds = set(space.kinds)
    if space.kinds == ("permutation",):
        if distances is not None:
            return Tours(space, distances, n_neighbors)
        return Permutations(space)
    if kinds == {"binary"}:
        return Bits(space)
    if permutation_alone and "permutation" in kinds:
        raise ValueError(f"{owner} searches a Permutation on its own, not mixed with other "
                         f"variables; got {space!r}")
    return UnitCube(space)
