"""Optimizer state: declared, saved as plain data, checked field by field when loaded.

Every algorithm declares its evolving state in a class attribute ``STATE``: a dict from
attribute name to a :class:`Field` (``Float``, ``Int``, ``Bool``, ``Str``, ``Array``,
``ListOf``, ``RNG``, ``Nested``), merged along the class hierarchy, and creates every one of
those attributes in ``__init__``. Everything else an optimizer holds is configuration (its
hyperparameters, the space, kernels, the genome): built by the constructor from its arguments
and never changed by a run, so it is not saved.

``Optimizer.state_dict()`` returns the declared fields as plain data (numbers, strings, None,
numpy arrays, lists and dicts of them; a Generator as its bit generator's state; a nested object
as its own ``state_dict``). ``load_state_dict`` checks every saved value against its field
(type, dtype, number of dimensions, sizes tied to the optimizer or to each other, value range)
before anything is assigned, so a crafted or edited checkpoint raises :class:`StateError` naming
the field and never reaches compiled code. Nothing here imports or calls code named in the data
(see :mod:`metaopt.checkpoint`).
"""

import copy
import math
import numbers

import numpy as np

__all__ = ["StateError", "Field", "Float", "Int", "Bool", "Str", "Array", "ListOf", "RNG",
           "Nested", "to_plain", "check_fields", "declared_state",
           "generator_state"]


class StateError(ValueError):
    """A state that does not fit the optimizer it is loaded into."""


class Field:
    """One declared state attribute; ``check(value, where, ctx)`` returns the value to set or
    raises StateError. ``ctx`` resolves named sizes (``"dim"``, ``"pop_size"``: attributes of
    the optimizer) and binds free ones (``"n"``: equal wherever it appears in one state)."""

    optional = False

    def check(self, value, where, ctx):
        """``value`` checked against the declaration (StateError naming ``where`` otherwise),
        normalised."""
        if value is None:
            if self.optional:
                return None
            raise StateError(f"{where}: None where a {self.describe()} belongs")
        return self._check(value, where, ctx)

    def describe(self):
        """The field's declaration in words."""
        return type(self).__name__.lower()

    def _check(self, value, where, ctx):
        raise NotImplementedError


def _bound(value, where, low, high, ctx):
    low = ctx.size(low) if isinstance(low, str) else low
    high = ctx.size(high) if isinstance(high, str) else high
    if low is not None and value < low:
        raise StateError(f"{where}: {value!r} is below its least value {low}")
    if high is not None and value > high:
        raise StateError(f"{where}: {value!r} is above its largest value {high}")


class Float(Field):
    """A real number; ``nan`` whether NaN is allowed, ``low``/``high`` an inclusive range
    (infinities allowed unless excluded by the range)."""

    def __init__(self, low=None, high=None, *, optional=False, nan=False):
        self.low, self.high, self.optional, self.nan = low, high, optional, nan

    def _check(self, value, where, ctx):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise StateError(f"{where}: a real number belongs here, got {type(value).__name__}")
        if math.isnan(value):
            if not self.nan:
                raise StateError(f"{where}: NaN is not a valid value")
            return value
        _bound(value, where, self.low, self.high, ctx)
        return float(value) if isinstance(value, numbers.Integral) else value


class Int(Field):
    def __init__(self, low=None, high=None, *, optional=False):
        self.low, self.high, self.optional = low, high, optional

    def _check(self, value, where, ctx):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
            raise StateError(f"{where}: an integer belongs here, got {type(value).__name__}")
        _bound(int(value), where, self.low, self.high, ctx)
        return int(value)


class Bool(Field):
    def __init__(self, *, optional=False):
        self.optional = optional

    def _check(self, value, where, ctx):
        if not isinstance(value, (bool, np.bool_)):
            raise StateError(f"{where}: True or False belongs here, got {type(value).__name__}")
        return bool(value)


class Str(Field):
    def __init__(self, choices=None, *, optional=False):
        self.choices, self.optional = choices, optional

    def _check(self, value, where, ctx):
        if not isinstance(value, str):
            raise StateError(f"{where}: a string belongs here, got {type(value).__name__}")
        if self.choices is not None and value not in self.choices:
            raise StateError(f"{where}: {value!r} is not one of {tuple(self.choices)}")
        return value


class Array(Field):
    """A numpy array of ``dtype`` (float, int or bool) and ``shape``: each entry an int, a
    named size (an optimizer attribute such as ``"dim"``; a free name such as ``"n"`` is bound
    by its first use in the state) or None (any). ``low``/``high`` bound every element
    (inclusive; names allowed); ``nan`` allows NaN; ``points``: each row is a point the
    optimizer can search (``Optimizer.check_points``)."""

    def __init__(self, dtype, *shape, optional=False, low=None, high=None, nan=False,
                 points=False):
        # shape (...,): any number of dimensions (the owner's _state_problem checks it)
        self.dtype, self.shape, self.optional = np.dtype(dtype), shape, optional
        self.low, self.high, self.nan, self.points = low, high, nan, points

    def describe(self):
        """The field's declaration in words (its dtype and shape)."""
        return f"{self.dtype} array of shape {self.shape}"

    def _check(self, value, where, ctx):
        if not isinstance(value, np.ndarray):
            raise StateError(f"{where}: a {self.describe()} belongs here, got "
                             f"{type(value).__name__}")
        if value.dtype != self.dtype:
            raise StateError(f"{where}: dtype {value.dtype}, expected {self.dtype}")
        if self.shape == (...,):
            pass
        elif value.ndim != len(self.shape):
            raise StateError(f"{where}: {value.ndim} dimensions, expected {len(self.shape)} "
                             f"(shape {self.shape})")
        for axis, (size, want) in enumerate(zip(value.shape, self.shape)):
            if want is not None and want is not ... and not ctx.fits(want, size):
                raise StateError(f"{where}: shape {value.shape} does not fit {self.shape} "
                                 f"(axis {axis}: {want} = {ctx.size(want)})")
        if self.dtype.kind == "f" and not self.nan and np.isnan(value).any():
            raise StateError(f"{where}: holds NaN")
        if value.size and (self.low is not None or self.high is not None):
            finite = value[~np.isnan(value)] if self.dtype.kind == "f" else value
            if finite.size:
                _bound(finite.min(), where, self.low, None, ctx)
                _bound(finite.max(), where, None, self.high, ctx)
        if self.points and value.size:
            problem = ctx.owner.check_points(value.reshape(-1, value.shape[-1]))
            if problem:
                raise StateError(f"{where}: {problem}")
        return value.copy()


class ListOf(Field):
    """A list whose items each fit ``item`` (CMA-ES's histories and restart records)."""

    def __init__(self, item):
        self.item = item

    def _check(self, value, where, ctx):
        if not isinstance(value, list):
            raise StateError(f"{where}: a list belongs here, got {type(value).__name__}")
        return [self.item.check(v, f"{where}[{i}]", ctx) for i, v in enumerate(value)]


class RNG(Field):
    """The optimizer's numpy Generator, saved as its bit generator's state and set in place on
    load (so samplers that share it follow)."""

    def check(self, value, where, ctx):
        """A generator's state (numpy's bit generator dict) checked and rebuilt."""
        return generator_state(ctx.current(where), value, where)


def generator_state(generator, value, where):
    """``value`` checked as a state of ``generator``'s bit generator (set on a copy)."""
    probe = copy.deepcopy(generator.bit_generator)
    try:
        probe.state = value
    except (TypeError, ValueError, KeyError, OverflowError, AttributeError) as exc:
        raise StateError(f"{where}: not a random generator state ({exc})") from None
    return probe.state


class Nested(Field):
    """An object with its own ``state_dict``/``load_state_dict`` (the history, the trials, an
    archive, a sampler), loaded into a copy so that a state refused later leaves the
    optimizer as it was."""

    def check(self, value, where, ctx):
        """A nested state (a dict) checked by its owner's own declaration."""
        if not isinstance(value, dict):
            raise StateError(f"{where}: a dict belongs here, got {type(value).__name__}")
        owner = ctx.owner
        keep = {id(v): v for v in (getattr(owner, "rng", None), getattr(owner, "space", None))
                if v is not None}  # shared with the optimizer, not copied
        target = copy.deepcopy(ctx.current(where), keep)
        try:
            target.load_state_dict(value)
        except StateError as exc:
            raise StateError(f"{where}: {exc}") from None
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise StateError(f"{where}: not a valid state ({type(exc).__name__}: {exc})") \
                from None
        return target


def declared_state(cls):
    """The fields ``cls`` declares, its bases' first (a subclass may redeclare one)."""
    fields = {}
    for klass in reversed(cls.__mro__):
        fields.update(vars(klass).get("STATE", {}))
    return fields


class _Context:
    def __init__(self, owner):
        self.owner = owner
        self.free = {}

    def _fixed(self, name):
        """The size ``name`` stands for when it is fixed (an int, or an int attribute of the
        owner), else None (a free size)."""
        if isinstance(name, int):
            return name
        held = getattr(self.owner, name, None)
        if isinstance(held, numbers.Integral) and not isinstance(held, bool):
            return int(held)
        return None

    def size(self, name):
        fixed = self._fixed(name)
        return fixed if fixed is not None else self.free.get(name, "free")

    def fits(self, name, size):
        fixed = self._fixed(name)
        if fixed is not None:
            return size == fixed
        return self.free.setdefault(name, size) == size

    def current(self, where):
        return getattr(self.owner, where.rsplit(".", 1)[-1])


def check_fields(owner, fields, saved, where):
    """The values to set on ``owner``, each checked against its field; StateError naming the
    first field that does not fit. Nothing is assigned here."""
    if not isinstance(saved, dict):
        raise StateError(f"{where}: the state must be a dict, got {type(saved).__name__}")
    missing, unknown = sorted(set(fields) - set(saved)), sorted(set(saved) - set(fields))
    if missing or unknown:
        raise StateError(f"the state of this {where} was written by another version of it: "
                         f"fields missing {missing}, unknown {unknown}")
    ctx = _Context(owner)
    return {name: field.check(saved[name], f"{where}.{name}", ctx)
            for name, field in fields.items()}


def to_plain(value, where):
    """``value`` as plain data; TypeError naming ``where`` for anything else."""
    if isinstance(value, (bool, int, float, str, type(None))) or isinstance(value, np.generic):
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
