"""The genome interface: every genome answers every move method with valid points of its own
kind, so GA, SA, tabu search and ILS never ask which genome they hold."""

import ast
import pathlib

import numpy as np
import pytest

from metaopt import Binary, Integer, Permutation, Real, Space
from metaopt.space import as_space
from metaopt.algorithms.genomes import Genome, make_genome

DISTANCES = np.abs(np.subtract.outer(np.arange(9.0), np.arange(9.0))) + 1.0
SPACES = {
    "cube": (Space([Real(-1, 1), Integer(0, 4), Real(0, 3)]), None),
    "bits": (Binary(11), None),
    "permutation": (Permutation(9), None),
    "tour": (Permutation(9), DISTANCES),
}


@pytest.fixture(params=sorted(SPACES))
def genome(request):
    space, distances = SPACES[request.param]
    g = make_genome(as_space(space), distances, permutation_alone=False)
    assert g.kind == request.param
    return g


def test_every_move_method_gives_points_of_the_genome(genome):
    rng = np.random.default_rng(4)
    X = genome.random(6, rng)
    assert X.shape == (6, genome.dim) and genome.check_points(X) is None
    x = X[0]
    settings = {"move": "mixed"}
    step = {"step": 0.1}
    proposed = genome.propose(X, rng, scales=np.full(6, 0.1), flips=2, **settings)
    assert proposed.shape == X.shape and genome.check_points(proposed) is None
    N, attributes = genome.neighbours(x, 5, rng, **step, **settings)
    assert N.shape == (5, genome.dim) and genome.check_points(N) is None
    limit = genome.dim if genome.continuous else genome.n_attributes
    assert attributes.shape == (5,) and 0 <= attributes.min() and attributes.max() < limit
    D, scan, at = genome.descent(x, 4, rng, None, 0, **step, **settings)
    assert D.shape == (4, genome.dim) and genome.check_points(D) is None
    if scan is not None:  # an enumerated neighbourhood: the next batch goes on from there
        assert len(scan) == genome.descent_size("mixed") and at == 4
        D2, scan2, at2 = genome.descent(x, 4, rng, scan, at, **step, **settings)
        assert scan2 is scan and at2 == 8
        assert not any((row == D).all(axis=1).any() for row in D2)
    kicked = genome.kick(x, rng, scale=0.2, bits=3)
    assert kicked.shape == x.shape and genome.check_points(kicked[None]) is None
    assert not np.array_equal(kicked, x)


def test_every_listed_operator_resolves_and_keeps_points_valid(genome):
    rng = np.random.default_rng(5)
    first, second = genome.random(4, rng), genome.random(4, rng)
    for name in genome.CROSSOVERS:
        c1, c2 = genome.crossover(name)(first, second, rng, rate=1.0, eta=15.0, k=2)
        assert genome.check_points(np.vstack([c1, c2])) is None, name
    for name in genome.MUTATIONS:
        children, deltas = genome.mutation(name)(first, rng, rate=1.0, eta=20.0)
        assert genome.check_points(children) is None, name
        assert deltas >= 0 and (deltas > 0) == (genome.distances is not None and name == "2opt")


def test_unknown_operator_names_are_refused_by_ga():
    from metaopt.algorithms.ga import GA

    with pytest.raises(ValueError, match="crossover"):
        GA(Binary(5), crossover="ox")
    with pytest.raises(ValueError, match="mutation"):
        GA(Permutation(5), mutation="polynomial")


def test_a_double_bridge_needs_four_elements():
    from metaopt.algorithms.ils import ILS

    assert make_genome(as_space(Permutation(4))).kick_problem() is None
    with pytest.raises(ValueError, match="at least 4 elements.*6 orders"):
        ILS(Permutation(3))


def test_algorithms_never_ask_which_genome_they_hold():
    """What differs between genomes is a method or a capability of :class:`Genome`; an
    ``isinstance`` test on a genome class in an algorithm would bring the old branching back."""
    genome_classes = {cls.__name__ for cls in _subclasses(Genome)}
    root = pathlib.Path(__file__).resolve().parents[1] / "metaopt" / "algorithms"
    offenders = []
    for path in sorted(root.glob("*.py")):
        if path.name == "genomes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance":
                names = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
                if names & genome_classes:
                    offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)
