"""Optimizer state as plain data: numbers, strings, None, numpy arrays, and lists, tuples and
dicts of them.

``Optimizer.state_dict()`` walks the attributes of an optimizer and returns them in this form:
a numpy Generator as its bit generator's state (a dict), an object with its own
``state_dict`` (the history, an archive, a sampler) as that dict. ``load_state_dict`` puts the
values back on an optimizer built with the same arguments, using the freshly built attribute to
know what each value was: a Generator gets its state set in place (so samplers that share it
follow), an object gets ``load_state_dict``. Nothing here imports or calls code named in the
data, which is what makes a checkpoint safe to load (see :mod:`metaopt.checkpoint`).
"""

import numpy as np

__all__ = ["StateError", "to_plain", "from_plain"]

_SCALARS = (bool, int, float, str, type(None))


class StateError(ValueError):
    """A state that does not fit the optimizer it is loaded into."""


def to_plain(value, where):
    """``value`` as plain data; TypeError naming ``where`` for anything else."""
    if isinstance(value, _SCALARS) or isinstance(value, np.generic):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise TypeError(f"{where}: an array of Python objects is not plain data")
        return value.copy()
    if isinstance(value, np.random.Generator):
        return value.bit_generator.state
    if hasattr(value, "state_dict"):
        return value.state_dict()
    if isinstance(value, (list, tuple)):
        return type(value)(to_plain(v, f"{where}[{i}]") for i, v in enumerate(value))
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError(f"{where}: dict keys must be strings to be plain data")
        return {k: to_plain(v, f"{where}[{k!r}]") for k, v in value.items()}
    raise TypeError(f"{where}: a {type(value).__name__} is not plain data; give it "
                    f"state_dict() and load_state_dict()")


def from_plain(current, value, where):
    """The attribute to set from the saved ``value``, given the ``current`` one."""
    if isinstance(current, np.random.Generator):
        try:
            current.bit_generator.state = value
        except (TypeError, ValueError, KeyError) as exc:
            raise StateError(f"{where}: not a random generator state ({exc})") from None
        return current
    if hasattr(current, "load_state_dict"):
        current.load_state_dict(value)
        return current
    if isinstance(value, np.ndarray):
        return value.copy()
    return value

