"""A word before Numba compiles: the first run of a method compiles its kernels (seconds),
and later runs load them from Numba's on-disk cache."""

import os
import sys
import types

__all__ = ["kernels_of", "needs_compiling", "announce_compilation"]

_announced = set()


def kernels_of(optimizer):
    """The Numba dispatchers the optimizer's class (and its genome) can call: those of the
    ``metaopt.kernels`` modules its modules import."""
    modules = {type(optimizer).__module__, getattr(type(getattr(optimizer, "genome", None)),
                                                   "__module__", None)}
    for klass in type(optimizer).__mro__:
        modules.add(klass.__module__)
    found = []
    for name in filter(None, modules):
        module = sys.modules.get(name)
        for value in vars(module).values() if module is not None else ():
            if isinstance(value, types.ModuleType) and value.__name__.startswith(
                    "metaopt.kernels"):
                found.extend(v for v in vars(value).values() if hasattr(v, "_cache")
                             and hasattr(v, "signatures"))
    return found


def needs_compiling(dispatcher):
    """True when a kernel is neither compiled in this process nor in Numba's disk cache."""
    if dispatcher.signatures:
        return False
    try:
        return not os.path.exists(dispatcher._cache._cache_file._index_path)
    except AttributeError:  # another Numba's internals: say nothing rather than guess
        return False


def announce_compilation(optimizer, stream=None):
    """Print one line (once per method and process) when the method's kernels will be
    compiled on this first run; nothing when they are cached."""
    name = type(optimizer).__name__
    if name in _announced:
        return False
    _announced.add(name)
    # A method calls only some of the kernels its modules hold (those of its variable kinds):
    # the notice is for a method's first run, when none of them is compiled or cached.
    kernels = kernels_of(optimizer)
    if not kernels or not all(needs_compiling(kernel) for kernel in kernels):
        return False
    print(f"metaopt: compiling the Numba kernels of {name} once (cached for later runs; "
          f"this can take a few seconds)", file=stream or sys.stderr, flush=True)
    return True
