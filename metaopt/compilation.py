"""A word when Numba compiles: the first run of a method compiles its kernels (seconds), and
later runs load them from Numba's on-disk cache.

The notice comes from Numba's event API (``numba.core.event``, "numba:compile", broadcast when
a dispatcher starts compiling and not when it loads a cached version): it is printed the
first time one of metaopt's kernels really compiles during a method's run, whichever of the
method's kernels that is.
"""

import sys

__all__ = ["announce_compilation"]

_listener = None


def _make_listener():
    from numba.core import event

    class CompileNotice(event.Listener):
        """Prints one line per method, the first time a metaopt kernel compiles in its run."""

        def __init__(self):
            self.method, self.stream, self.announced = None, None, set()

        def on_start(self, ev):
            dispatcher = (ev.data or {}).get("dispatcher")
            module = getattr(getattr(dispatcher, "py_func", None), "__module__", "") or ""
            if not module.startswith("metaopt.kernels") or self.method is None \
                    or self.method in self.announced:
                return
            self.announced.add(self.method)
            print(f"metaopt: compiling the Numba kernels of {self.method} once (cached for "
                  f"later runs; this can take a few seconds)", file=self.stream or sys.stderr,
                  flush=True)

        def on_end(self, ev):
            pass

    listener = CompileNotice()
    event.register("numba:compile", listener)
    return listener


def announce_compilation(optimizer, stream=None):
    """Say (on ``stream``, default stderr) when the kernels of ``optimizer``'s method compile
    during the run that starts now; nothing when they load from the cache."""
    global _listener
    if _listener is None:
        try:
            _listener = _make_listener()
        except (ImportError, AttributeError):  # a Numba without the event API: say nothing
            return
    _listener.method, _listener.stream = type(optimizer).__name__, stream
