"""When and where a run is saved, what the engine saves beside the optimizer, and how a run
that stops on an error or Ctrl-C keeps its finished work."""

import os
import time
import warnings

import numpy as np

from ._checks import check_int, check_real
from .checkpoint import CheckpointError, check_checkpoint_path, load_checkpoint, \
    save_checkpoint
from .state import StateError

__all__ = ["Checkpointer", "RunState", "resume_optimizer", "save_failed_batch",
           "save_interrupted", "settings_of", "warn_replaced_settings"]


class Checkpointer:
    """When and where a run is saved.

    Parameters
    ----------
    path : str or os.PathLike
        Checked at once: a missing folder, a folder or "" is refused before any work.
    every : int, optional
        Save every ``every`` generations.
    interval : float, optional
        Save when ``interval`` seconds have passed since the last save. With neither given,
        every 60 seconds. A run also saves right after its initial population, when it ends,
        when it is interrupted (Ctrl-C) and when an evaluation fails under on_error="raise".

    A save that fails (a full disk) warns and the run goes on; the previous checkpoint stays
    intact.
    """

    def __init__(self, path, every=None, interval=None):
        self.path = check_checkpoint_path(path)
        self.every = check_int("checkpoint_every", every, minimum=1, allow_none=True)
        self.interval = check_real("checkpoint_interval", interval, 0.0, low_open=True,
                                   allow_none=True)
        if self.every is None and self.interval is None:
            self.interval = 60.0
        self.last = None

    def due(self, nit):
        if self.last is None:
            return True
        if self.every is not None and nit % self.every == 0:
            return True
        return self.interval is not None and time.monotonic() - self.last >= self.interval

    def save(self, opt, run_state, pending=None, strict=False):
        """Write the run; with ``strict`` a failed save raises, else it warns."""
        state = {
            "optimizer": opt.state_dict(),
            "pending": pending,
            **run_state.state_dict(),
        }
        try:
            save_checkpoint(self.path, state)
        except OSError as exc:
            if strict:
                raise
            warnings.warn(f"could not save the checkpoint {self.path!r} ({exc}); the run goes "
                          f"on and the previous checkpoint is kept", RuntimeWarning, stacklevel=3)
            return False
        self.last = time.monotonic()
        return True


class RunState:
    """What the engine keeps beside the optimizer: the stopping rules' counters, the failure
    count, and the seed of the objective's own random numbers."""

    def __init__(self, termination, evaluations):
        self.termination = termination
        self.evaluations = evaluations
        self.objective_entropy = None

    def state_dict(self):
        return {"termination": self.termination.snapshot(), "nfail": self.evaluations.nfail,
                "objective_entropy": self.objective_entropy}

    def load_state_dict(self, state):
        self.termination.start(state["termination"])
        self.evaluations.nfail = int(state["nfail"])
        self.objective_entropy = state["objective_entropy"]

    def batch_seed(self, opt):
        """The seed of the random numbers an objective draws for the next batch (its
        minibatch): one stream per run, drawn from the optimizer's rng once, indexed by the
        evaluations spent, so every worker sees the same numbers and a resumed run sees them
        again."""
        if self.objective_entropy is None:
            self.objective_entropy = int(opt.rng.integers(0, 2**63 - 1))
        return np.random.SeedSequence([self.objective_entropy, opt.nfev]).generate_state(1)[0]


def resume_optimizer(path, opt):
    """Load the checkpoint at ``path`` into ``opt`` (which must be of the saved class, over the
    saved space). Returns the saved engine state."""
    state = load_checkpoint(path)
    try:
        opt.load_state_dict(state["optimizer"])
    except (StateError, KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"resume={os.fspath(path)!r}: {exc}") from None
    return state


def save_failed_batch(err, opt, run_state, checkpointer, batch=True):
    """Keep the finished part of a run that an evaluation error stops: in the run's checkpoint,
    or, when it has none, in a new file in the temporary folder named by the error. With
    ``batch``, the completed evaluations of the failed batch are kept too. A save that fails
    here never hides the evaluation error: it is added to its message."""
    pending = None
    if batch:
        done = ~np.isnan(err.values)
        if err.source == "objective":  # a constraint's failure leaves its row's value good
            for failure in err.failures:
                done[failure.row] = False
        pending = {"values": np.asarray(err.values, float), "done": done}
    path = _save_or_temporary(opt, run_state, checkpointer, pending)
    if isinstance(path, Exception):
        err.args = (f"{err.args[0].rstrip()}\nThe run could not be saved: {path}",)
        return
    err.checkpoint = path
    err.args = (f"{err.args[0].rstrip()}\nThe run so far, and every evaluation that completed, "
                f"is saved in {path}: pass resume={path!r} to continue.",)


def save_interrupted(interrupt, opt, run_state, checkpointer):
    """Ctrl-C: save the run and the evaluations of the current batch that finished."""
    values = getattr(interrupt, "values", None)
    pending = None
    if values is not None:
        pending = {"values": np.asarray(values, float), "done": ~np.isnan(values)}
    if checkpointer is not None:
        try:
            checkpointer.save(opt, run_state, pending, strict=True)
        except OSError as exc:
            warnings.warn(f"interrupted, and the checkpoint could not be saved: {exc}",
                          RuntimeWarning, stacklevel=3)


def _save_or_temporary(opt, run_state, checkpointer, pending):
    """Save into the run's checkpoint, else into a new temporary file; the path, or the
    exception that stopped the save."""
    made = None
    if checkpointer is None:
        import tempfile

        handle, made = tempfile.mkstemp(prefix=f"metaopt-{type(opt).__name__}-", suffix=".ckpt")
        os.close(handle)
        checkpointer = Checkpointer(made)
    try:
        checkpointer.save(opt, run_state, pending, strict=True)
    except Exception as exc:  # noqa: BLE001 - reported with the original error
        if made is not None:
            os.unlink(made)
        return exc
    return checkpointer.path


def settings_of(opt):
    """The optimizer's settings named like its constructor's arguments (scalars only)."""
    import inspect

    names = inspect.signature(type(opt).__init__).parameters
    held = vars(opt)  # attributes only: a property (JADE's mu_F) is state that evolves
    return {name: held[name] for name in names if name != "budget"  # the call's budget wins
            and isinstance(held.get(name), (bool, int, float, str))}


def warn_replaced_settings(given, saved):
    differ = [f"{k}={saved[k]!r} (saved) over {k}={given[k]!r}" for k in given
              if k in saved and saved[k] != given[k]]
    if differ:
        warnings.warn("resume continues the saved run with its own settings: "
                      + ", ".join(differ), UserWarning, stacklevel=4)
