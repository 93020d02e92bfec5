"""Argument checks that name the argument and the value in their errors."""

import math
import numbers

import numpy as np

__all__ = ["check_bool", "check_int", "check_real", "check_choice", "check_point"]


def check_int(name, value, minimum=None, maximum=None, allow_none=False):
    """Return ``value`` as an int, or raise TypeError/ValueError naming ``name``."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {name}={value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {name}={value!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {name}={value!r}")
    return value


def check_real(name, value, low=None, high=None, low_open=False, high_open=False,
               allow_none=False):
    """Return ``value`` as a finite float within the stated interval, or raise."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {name}={value!r}")
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{name} must be finite, got {name}={value!r}")
    if low is not None and (value <= low if low_open else value < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {name}={value!r}")
    if high is not None and (value >= high if high_open else value > high):
        raise ValueError(
            f"{name} must be {'<' if high_open else '<='} {high}, got {name}={value!r}"
        )
    return value


def check_bool(name, value):
    """Return ``value`` if it is a bool (numpy's included), else raise TypeError naming it."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {name}={value!r}")
    return bool(value)


def check_choice(name, value, options):
    """Return ``value`` if it is one of ``options``, else raise ValueError listing them."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {tuple(options)}, got {name}={value!r}")
    return value


def check_point(name, value, space):
    """``value`` as a float array of shape (space.dim,) inside ``space``, or raise naming it.
    In a named space a dict of values in the user's terms (``{"opt": "adam", ...}``) works
    too."""
    if isinstance(value, dict) and getattr(space, "named", False):
        try:
            value = space.from_dict(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name}: {exc}") from None
    try:
        point = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of {space.dim} numbers, got "
                        f"{name}={value!r}") from None
    if point.shape != (space.dim,):
        raise ValueError(f"{name} must have shape ({space.dim},), got shape {point.shape}")
    if not np.all(np.isfinite(point)):
        raise ValueError(f"{name} must be finite, got {name}={value!r}")
    if not space.contains(point[None, :])[0]:
        raise ValueError(f"{name} must lie in the space {space!r}, got {name}={value!r}")
    return point
