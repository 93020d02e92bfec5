"""Saving and loading an optimizer's declared state (:mod:`metaopt.state`): the part of
:class:`~metaopt.algorithms.base.Optimizer` that turns its ``STATE`` into plain data and back."""

import time

from ..state import StateError, check_fields, declared_state, to_plain

__all__ = ["Stateful"]


class Stateful:
    """``state_dict`` / ``load_state_dict`` over the fields a class declares in ``STATE``.

    The class provides ``space``, ``rng``, ``_t0``, ``_pending``, ``_values`` and
    ``_state_problem`` (the consistency tests run after the fields are set).
    """

    def state_dict(self, exclude=()):
        """The optimizer's evolving state (its declared ``STATE``) as plain data: numbers,
        strings, numpy arrays, and lists and dicts of them; the Generator as its bit
        generator's state. Fields named in ``exclude`` are left out (a checkpoint writes the
        trials table apart).

        Configuration (what the constructor was given and derived from it) is not included:
        :meth:`load_state_dict` on an optimizer built with the same arguments continues bit
        for bit.
        """
        where = type(self).__name__
        attributes = {name: time.perf_counter() - self._t0 if name == "elapsed"
                      else to_plain(getattr(self, name), f"{where}.{name}")
                      for name in declared_state(type(self)) if name not in exclude}
        return {"method": where, "space": repr(self.space), "attributes": attributes}

    def load_state_dict(self, state):
        """Continue from ``state`` (from :meth:`state_dict` of an optimizer of the same class
        over the same space, built with the same arguments).

        Every value is checked against its declared field (type, dtype, shape, range, that
        points lie in the search space) before any is set: a state that does not fit raises
        :class:`metaopt.state.StateError` naming the field, and leaves this optimizer as it
        was.
        """
        name = type(self).__name__
        self.check_same_kind(state)
        values = check_fields(self, declared_state(type(self)), state["attributes"], name)
        before = {key: getattr(self, key) for key in values if key not in ("elapsed", "rng")}
        before["rng"], before["_t0"] = self.rng.bit_generator.state, self._t0
        self._assign(values)
        self._rebuild()
        problem = self._state_problem()
        if problem:
            self._assign(dict(before, elapsed=time.perf_counter() - before.pop("_t0")))
            self._rebuild()
            raise StateError(f"{name}: {problem}")

    def check_same_kind(self, state):
        """StateError unless ``state`` is an optimizer state of this class over this space."""
        name = type(self).__name__
        if not isinstance(state, dict) or not isinstance(state.get("attributes"), dict):
            raise StateError(f"{name}.load_state_dict: not an optimizer state")
        if state.get("method") != name or state.get("space") != repr(self.space):
            raise StateError(f"it holds a run of {state.get('method')!s:.80} over "
                             f"{state.get('space')!s:.400}; this call asks for {name} over "
                             f"{self.space!r}")

    def _assign(self, values):
        for key, value in values.items():
            if key == "elapsed":
                self._t0 = time.perf_counter() - float(value)
            elif key == "rng":
                self.rng.bit_generator.state = value
            else:
                setattr(self, key, value)
        self._asked_values = None if self._pending is None else self._values(self._pending)

    def _rebuild(self):
        """Recompute what derives from the loaded state (listed in ``DERIVED``)."""

