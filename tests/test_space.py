import numpy as np
import pytest

import metaopt
from metaopt import Choice, Integer, Real, Space
from metaopt.space import as_space


def mixed():
    return Space({"lr": Real(1e-5, 1e-1, log=True), "layers": Integer(1, 4),
                  "act": Choice(["relu", "tanh", "gelu"]), "w": Real(-2.0, 3.0)})


def test_decode_gives_valid_values_everywhere_in_the_cube():
    space = mixed()
    U = np.random.default_rng(0).random((5000, 4))
    U[0] = 0.0
    U[1] = 1.0  # the closed upper face must still decode to a valid value
    X = space.decode(U)
    assert np.all((X[:, 0] >= 1e-5) & (X[:, 0] <= 1e-1 * (1 + 1e-12)))
    assert set(np.unique(X[:, 1])) == {1, 2, 3, 4}
    assert set(np.unique(X[:, 2])) == {0, 1, 2}
    assert np.all((X[:, 3] >= -2) & (X[:, 3] <= 3))
    assert space.contains(X).all()


def test_log_real_is_uniform_in_log_space():
    space = Space([Real(1e-4, 1.0, log=True)])
    X = space.decode(np.random.default_rng(1).random((20000, 1)))
    decades = np.histogram(np.log10(X[:, 0]), bins=[-4, -3, -2, -1, 0])[0]
    assert np.all(np.abs(decades - 5000) < 300)


def test_encode_inverts_decode():
    space = mixed()
    X = space.decode(np.random.default_rng(2).random((100, 4)))
    np.testing.assert_allclose(space.decode(space.encode(X)), X, rtol=1e-12)


def test_integer_levels_are_equally_likely():
    space = Space([Integer(0, 3)])
    X = space.decode(np.random.default_rng(3).random((40000, 1)))
    counts = np.bincount(X[:, 0].astype(int))
    assert np.all(np.abs(counts - 10000) < 400)


def test_to_dict_gives_python_values_and_options():
    space = mixed()
    d = space.to_dict(np.array([1e-3, 2.0, 1.0, 0.5]))
    assert d == {"lr": 1e-3, "layers": 2, "act": "tanh", "w": 0.5}
    assert isinstance(d["layers"], int)


def test_bounds_and_single_variables_coerce():
    assert as_space([(0, 1), (-1, 1)]).dim == 2
    assert as_space(Real(0, 1)).dim == 1
    assert as_space({"a": Integer(0, 5)}).named


@pytest.mark.parametrize("bad, exc, words", [
    (lambda: Real(1, 1), ValueError, "low must be < high"),
    (lambda: Real(0, float("nan")), ValueError, "high"),
    (lambda: Real(0, 1, log=True), ValueError, "log=True needs low > 0"),
    (lambda: Real("a", 1), TypeError, "low"),
    (lambda: Integer(0.5, 3), TypeError, "low"),
    (lambda: Integer(3, 3), ValueError, "low must be < high"),
    (lambda: Choice([]), ValueError, "at least 1"),
    (lambda: Choice("abc"), TypeError, "sequence"),
    (lambda: Space({}), ValueError, "at least one"),
    (lambda: Space({"a": (0, 1)}), TypeError, "'a'"),
    (lambda: as_space([(0, 1), (2, 1)]), ValueError, "bounds[1]"),
    (lambda: as_space([(0, np.nan)]), ValueError, "bounds[0] must be finite"),
    (lambda: as_space([(0, 1, 2)]), ValueError, "shape (dim, 2)"),
    (lambda: as_space("abc"), TypeError, "bounds"),
])
def test_bad_variables_raise_with_the_argument_named(bad, exc, words):
    with pytest.raises(exc, match=None) as info:
        bad()
    assert words in str(info.value)


def test_a_named_point_in_the_users_terms_and_a_one_option_choice():
    """Optuna's habits: x0 as a dict of values (the option itself for a choice), and a
    categorical with one option."""
    space = Space({"lr": Real(1e-4, 1.0, log=True), "layers": Integer(1, 4),
                   "opt": Choice(["sgd", "adam"]), "act": Choice(["relu"])})
    row = space.from_dict({"lr": 1e-3, "layers": 2, "opt": "adam", "act": "relu"})
    np.testing.assert_array_equal(row, [1e-3, 2, 1, 0])
    assert space.to_dict(row) == {"lr": 1e-3, "layers": 2, "opt": "adam", "act": "relu"}
    with pytest.raises(ValueError, match="opt='rmsprop' is not one of its options"):
        space.from_dict({"lr": 1e-3, "layers": 2, "opt": "rmsprop", "act": "relu"})
    with pytest.raises(ValueError, match="dict of"):
        space.from_dict({"lr": 1e-3})

    def objective(p):
        assert p["act"] == "relu"
        return (np.log10(p["lr"]) + 3) ** 2 + (p["layers"] - 2) ** 2 + (p["opt"] != "adam")

    x0 = {"lr": 1e-3, "layers": 2, "opt": "adam", "act": "relu"}
    for method in ("cmaes", "de"):  # CMA-ES starts its mean there, DE evaluates it first
        res = metaopt.minimize(objective, space, method=method, x0=x0, budget=200, rng=0)
        assert res.fun < 1e-3 and res.params["opt"] == "adam" and res.params["layers"] == 2
        assert res.params["act"] == "relu"
    assert res.fun <= objective(x0) + 1e-12
    with pytest.raises(ValueError, match="x0: opt='rmsprop'"):
        metaopt.minimize(objective, space, x0={**x0, "opt": "rmsprop"}, budget=50)


def test_stepped_and_log_scaled_variables_as_optunas():
    """Real(step=), Integer(step=) and Integer(log=True): decode gives only their values,
    encode inverts decode, contains knows them, and a search finds the best of them."""
    space = Space({"dropout": Real(0.0, 0.5, step=0.1), "units": Integer(16, 128, step=16),
                   "batch": Integer(1, 1024, log=True), "lr": Real(1e-4, 1.0, log=True)})
    assert space.variables[0].levels == 6 and space.variables[1].levels == 8
    U = np.random.default_rng(0).random((4000, 4))
    X = space.decode(U)
    np.testing.assert_allclose(np.unique(np.round(X[:, 0], 12)), np.arange(6) * 0.1,
                               atol=1e-12)
    np.testing.assert_array_equal(np.unique(X[:, 1]), np.arange(16, 129, 16))
    batch = X[:, 2]
    assert np.all(batch == np.floor(batch)) and batch.min() == 1 and batch.max() == 1024
    # log scale: as many draws below 32 as above (32 = sqrt(1024))
    assert abs(np.mean(batch < 32) - 0.5) < 0.05
    np.testing.assert_array_equal(space.decode(space.encode(X)), X)
    assert space.contains(X).all()
    assert not space.contains(np.array([[0.25, 32, 8, 0.01]]))[0]  # off the 0.1 grid
    assert not space.contains(np.array([[0.2, 40, 8, 0.01]]))[0]  # off the 16 grid
    assert not space.contains(np.array([[0.2, 32, 8.5, 0.01]]))[0]  # not an integer
    for bad, match in [(lambda: Real(0.1, 1, log=True, step=0.1), "cannot be combined"),
                       (lambda: Integer(0, 10, log=True), "low >= 1"),
                       (lambda: Integer(1, 10, step=0), "step must be >= 1"),
                       (lambda: Real(0, 1, step=-0.5), "step must be > 0")]:
        with pytest.raises(ValueError, match=match):
            bad()

    def objective(p):
        return (p["dropout"] - 0.3) ** 2 + (p["units"] - 64) ** 2 + \
            (np.log2(p["batch"]) - 5) ** 2 + (np.log10(p["lr"]) + 3) ** 2

    res = metaopt.minimize(objective, space, method="cmaes", budget=1500, rng=0)
    assert res.params["units"] == 64 and res.params["batch"] == 32
    assert res.params["dropout"] == pytest.approx(0.3)
