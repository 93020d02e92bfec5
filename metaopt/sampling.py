"""Space-filling designs on the unit cube: uniform, Latin hypercube and Sobol (scipy.stats.qmc)."""

import warnings


from .rng import spawn_seed
from .state import Int, StateError, check_fields, generator_state

__all__ = ["SAMPLERS", "make_sampler"]

SAMPLERS = ("random", "lhs", "sobol", "halton")


class _Uniform:
    def __init__(self, dim, rng):
        self.dim, self.rng = dim, rng

    def random(self, n):
        return self.rng.random((n, self.dim))

    def drawn(self):
        """How many points it has drawn, where it counts them (None: it does not)."""
        return None

    # Its only state is the shared Generator, which the optimizer saves.
    def state_dict(self):
        return {}

    def load_state_dict(self, state):
        if state != {}:
            raise StateError("sampler: the uniform sampler keeps no state of its own")


class _LatinHypercube:
    """Each call draws an independent Latin hypercube of ``n`` points.

    scipy's engine gets an int seed drawn from the run's rng (given a Generator, it would spawn
    from its seed sequence, a state that ``bit_generator.state`` does not hold); its own
    generator's state is this sampler's state.
    """

    def __init__(self, dim, rng):
        from scipy.stats import qmc  # imported on use: it costs ``import metaopt`` 0.6 s

        self.engine = qmc.LatinHypercube(dim, rng=spawn_seed(rng))

    def random(self, n):
        return self.engine.random(n)

    def drawn(self):
        return None

    def state_dict(self):
        return {"rng": self.engine.rng.bit_generator.state}

    def load_state_dict(self, state):
        if not isinstance(state, dict) or set(state) != {"rng"}:
            raise StateError("sampler: expected {'rng': ...}")
        self.engine.rng.bit_generator.state = generator_state(self.engine.rng, state["rng"],
                                                               "sampler.rng")


class _Sobol:
    """A scrambled Sobol sequence; successive calls continue the same sequence.

    Its state is the seed of its scrambling (drawn from the run's rng) and the number of points
    drawn: enough to rebuild the same sequence at the same place.
    """

    ENGINE = "Sobol"

    def __init__(self, dim, rng):
        from scipy.stats import qmc

        maxdim = getattr(getattr(qmc, self.ENGINE), "MAXDIM", None)
        if maxdim is not None and dim > maxdim:
            raise ValueError(f"the {self.ENGINE} sequence has at most {maxdim} dimensions, "
                             f"got {dim}; use 'lhs' or 'random'")
        self.dim = dim
        self.seed = spawn_seed(rng)
        self.engine = getattr(qmc, self.ENGINE)(dim, scramble=True, rng=self.seed)

    def drawn(self):
        return int(self.engine.num_generated)

    def state_dict(self):
        return {"seed": self.seed, "num_generated": int(self.engine.num_generated)}

    def load_state_dict(self, state):
        state = check_fields(self, {"seed": Int(0, 2**63 - 1), "num_generated": Int(0, 2**30)},
                             state, "sampler")
        self.seed = state["seed"]
        from scipy.stats import qmc

        self.engine = getattr(qmc, self.ENGINE)(self.dim, scramble=True, rng=self.seed)
        self.engine.fast_forward(int(state["num_generated"]))

    def random(self, n):
        with warnings.catch_warnings():
            # Balance only holds for powers of two; users choose n, and we document it.
            warnings.filterwarnings("ignore", message=".*balance properties.*")
            return self.engine.random(n)


class _Halton(_Sobol):
    """A scrambled Halton sequence (scipy's ``init="halton"``), continued call after call."""

    ENGINE = "Halton"


_SAMPLER_CLASSES = {"random": _Uniform, "lhs": _LatinHypercube, "sobol": _Sobol,
                    "halton": _Halton}


def make_sampler(kind, dim, rng, name="init"):
    """Return a stateful sampler object with ``random(n) -> (n, dim)`` points in [0, 1)."""
    if not isinstance(kind, str) or kind not in _SAMPLER_CLASSES:
        also = " or an array" if name == "init" else ""
        raise ValueError(f"{name} must be one of {SAMPLERS}{also}, got {name}={kind!r}")
    return _SAMPLER_CLASSES[kind](dim, rng)

