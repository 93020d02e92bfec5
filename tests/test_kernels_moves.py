"""Move kernels of the trajectory methods against plain numpy."""

import numpy as np

from metaopt.kernels import moves as KM


def test_flip_bits_and_rows():
    x = np.array([0.0, 1.0, 1.0, 0.0])
    out = KM.flip_bits(x, np.array([0, 3, 1]))
    np.testing.assert_array_equal(out, [[1, 1, 1, 0], [0, 1, 1, 1], [0, 0, 1, 0]])
    X = np.tile(x, (3, 1))
    KM.flip_row_bits(X, np.array([2, 2, 0]))
    np.testing.assert_array_equal(X, [[0, 1, 0, 0], [0, 1, 0, 0], [1, 1, 1, 0]])


def test_flip_or_swap_bits():
    rng = np.random.default_rng(0)
    x = (rng.random(10) < 0.5).astype(float)
    bits, swap = rng.integers(0, 10, 50), rng.random(50) < 0.5
    u1, u0 = rng.random(50), rng.random(50)
    out = KM.flip_or_swap_bits(x, bits, swap, u1, u0)
    ones, zeros = np.flatnonzero(x > 0.5), np.flatnonzero(x < 0.5)
    for i in range(50):
        want = x.copy()
        if swap[i]:
            want[ones[int(u1[i] * ones.size)]] = 0
            want[zeros[int(u0[i] * zeros.size)]] = 1
            assert want.sum() == x.sum()
        else:
            want[bits[i]] = 1 - want[bits[i]]
        np.testing.assert_array_equal(out[i], want)


def test_compass_moves_and_scaled_steps():
    x = np.array([0.5, 0.95])
    out = KM.compass_moves(x, np.array([0, 1, 2, 3]), np.full(4, 0.1))
    np.testing.assert_allclose(out, [[0.6, 0.95], [0.5, 1.0], [0.4, 0.95], [0.5, 0.85]])
    rng = np.random.default_rng(1)
    X, s, z = rng.random((5, 3)), rng.random(5), rng.standard_normal((5, 3))
    np.testing.assert_allclose(KM.scaled_steps(X, s, z), np.clip(X + s[:, None] * z, 0, 1))
