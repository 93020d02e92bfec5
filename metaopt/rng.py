"""The one place where a random Generator is made (SPEC 7, as in scipy)."""

import numbers

import numpy as np

__all__ = ["as_generator", "spawn_seed", "rng_origin"]


def as_generator(rng=None):
    """Return a :class:`numpy.random.Generator` from ``None``, an int or a Generator.

    Parameters
    ----------
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        ``None`` draws fresh entropy from the OS; an int or SeedSequence seeds a new PCG64
        Generator; a Generator is used as it is (shared, not copied).

    Raises
    ------
    TypeError
        For any other type (floats, bools, the legacy ``RandomState``).
    ValueError
        For a negative integer seed.
    """
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"rng must be a non-negative integer seed, got rng={rng!r}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"rng must be None, a non-negative int or a numpy.random.Generator, got rng={rng!r} "
        f"of type {type(rng).__name__}"
    )


def spawn_seed(rng):
    """Draw an integer seed from ``rng`` for a library that wants an int (e.g. scipy.stats.qmc)."""
    return int(rng.integers(0, 2**63 - 1))



def rng_origin(rng, generator):
    """What ``rng`` was, as plain data a checkpoint can compare: None for fresh entropy, the
    seed, or a digest of the state of the ``generator`` made from it (a Generator or a
    SeedSequence) when the run began."""
    if rng is None:
        return None
    if isinstance(rng, numbers.Integral):
        return f"seed {int(rng)}"
    import hashlib
    import json

    state = json.dumps(generator.bit_generator.state, sort_keys=True, default=str)
    return f"{type(generator.bit_generator).__name__} " \
           f"{hashlib.sha256(state.encode()).hexdigest()[:16]}"
