import numpy as np
import pytest

from problems import FUNCTIONS, make_function


CASES = [(name, mode) for name in sorted(FUNCTIONS) for mode in ("plain", "shift", "rotate")
         if (name, mode) != ("schwefel", "rotate")]  # refused, tested below


@pytest.mark.parametrize("name, mode", CASES)
def test_known_optimum_is_the_minimum(name, mode):
    f = make_function(name, 6, rng=3, shift=mode != "plain", rotate=mode == "rotate")
    assert abs(f(f.x_opt) - f.f_opt) < 1e-9
    assert np.all((f.x_opt >= f.bounds[:, 0]) & (f.x_opt <= f.bounds[:, 1]))
    X = np.random.default_rng(0).uniform(f.bounds[:, 0], f.bounds[:, 1], (2000, 6))
    X[:100] = f.x_opt + np.random.default_rng(1).normal(0, 1e-3, (100, 6))  # near the optimum
    assert np.all(f(X) >= f.f_opt - 1e-9)


def test_population_and_point_calls_agree():
    f = make_function("rastrigin", 4, rng=0, shift=True, rotate=True)
    X = np.random.default_rng(0).random((5, 4))
    np.testing.assert_allclose(f(X), [f(x) for x in X])


def test_known_values():
    assert make_function("rosenbrock", 2)(np.array([0.0, 0.0])) == 1.0
    assert make_function("sphere", 3)(np.array([1.0, 2.0, 3.0])) == 14.0
    assert abs(make_function("ackley", 2)(np.zeros(2))) < 1e-14
    assert make_function("zakharov", 2)(np.array([1.0, 1.0])) == 2 + 1.5**2 + 1.5**4


def test_shift_is_seeded():
    a = make_function("sphere", 5, rng=1, shift=True).x_opt
    b = make_function("sphere", 5, rng=1, shift=True).x_opt
    c = make_function("sphere", 5, rng=2, shift=True).x_opt
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_bad_arguments():
    with pytest.raises(ValueError, match="name='nope'"):
        make_function("nope", 3)
    with pytest.raises(ValueError, match="dim"):
        make_function("sphere", 0)
    with pytest.raises(ValueError, match="schwefel"):
        make_function("schwefel", 3, rotate=True)
