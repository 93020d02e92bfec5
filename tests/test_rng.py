import numpy as np
import pytest

from metaopt.rng import as_generator


def test_int_and_generator():
    assert as_generator(5).random() == np.random.default_rng(5).random()
    g = np.random.default_rng(1)
    assert as_generator(g) is g
    assert isinstance(as_generator(None), np.random.Generator)


@pytest.mark.parametrize("bad, exc", [(1.5, TypeError), (True, TypeError), (-1, ValueError),
                                      (np.random.RandomState(0), TypeError), ("0", TypeError)])
def test_bad_rng_raises(bad, exc):
    with pytest.raises(exc, match="rng"):
        as_generator(bad)
