"""The CEC 2017 port against the competition's C code (values recorded by
tools/cec2017_reference.py at points drawn by tests/cec2017_points.py)."""

import csv
import pathlib

import numpy as np
import pytest

from problems.cec2017 import CEC2017, CEC2017_DIMENSIONS, CEC2017_FUNCTIONS

from .cec2017_points import reference_points

VALUES = pathlib.Path(__file__).parent / "data" / "cec2017_values.csv"


def _recorded():
    table = {}
    with open(VALUES) as fh:
        for row in csv.DictReader(fh):
            key = (int(row["function"]), int(row["dim"]))
            table.setdefault(key, []).append((int(row["point"]), float(row["value"])))
    return {key: np.array([v for _, v in sorted(rows)]) for key, rows in table.items()}


RECORDED = _recorded()


def test_every_function_and_dimension_has_recorded_values():
    assert sorted(RECORDED) == sorted((f, d) for d in CEC2017_DIMENSIONS
                                      for f in CEC2017_FUNCTIONS)


@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize("dim", CEC2017_DIMENSIONS)
@pytest.mark.parametrize("number", CEC2017_FUNCTIONS)
def test_values_equal_the_competition_code_at_random_points(number, dim, compiled):
    problem = CEC2017(number, dim, compiled=compiled)
    points = reference_points(problem)
    expected = RECORDED[(number, dim)]
    assert points.shape[0] == expected.size
    # Only the order of floating-point sums differs from the C code: measured at most 1.5e-13
    # relative (every value is at least f_opt = 100 * number, so relative is meaningful).
    np.testing.assert_allclose(problem(points), expected, rtol=1e-11, atol=0)
    # one point at a time gives the same as the batch
    assert problem(points[0]) == pytest.approx(expected[0], rel=1e-11)


@pytest.mark.parametrize("dim", CEC2017_DIMENSIONS)
def test_the_optimum_is_worth_f_opt(dim):
    for number in CEC2017_FUNCTIONS:
        problem = CEC2017(number, dim)
        assert np.all(np.abs(problem.x_opt) <= 100.0)
        assert abs(problem.error(problem(problem.x_opt))) < 1e-8, number


def test_bad_arguments_are_refused_by_name():
    with pytest.raises(ValueError, match="F2 is excluded"):
        CEC2017(2, 10)
    with pytest.raises(ValueError, match="function=31"):
        CEC2017(31, 10)
    with pytest.raises(ValueError, match="dim=20"):
        CEC2017(1, 20)
    with pytest.raises(ValueError, match=r"shape \(n, 10\)"):
        CEC2017(1, 10)(np.zeros((3, 9)))
    with pytest.raises(TypeError, match="compiled="):
        CEC2017(1, 10, compiled="yes")
