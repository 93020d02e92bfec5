"""When and where a run is saved, what the engine saves beside the optimizer, and how a run
that stops on an error or Ctrl-C keeps its finished work."""

import contextlib
import os
import time
import warnings

import numpy as np

from ._checks import check_int, check_real
from .checkpoint import CheckpointError, check_checkpoint_path, load_checkpoint, \
    save_checkpoint
from .state import Array, Float, Int, StateError, check_fields
from .trials_file import TrialsFile

__all__ = ["Checkpointer", "RunState", "resume_optimizer", "run_settings", "save_failed_batch",
           "save_interrupted", "settings_of"]


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
        self.trials_file = TrialsFile(self.path)

    @contextlib.contextmanager
    def lock(self):
        """Hold ``<path>.lock`` for the run: a second process (or run) that would write the
        same checkpoint is refused at once instead of both overwriting each other's saves.
        The operating system releases the lock when the process ends, even by kill -9; a run
        that ends removes the file."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - no POSIX locks (Windows): unguarded
            yield
            return
        name = f"{self.path}.lock"
        while True:
            handle = open(name, "a+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                handle.close()
                raise CheckpointError(
                    f"checkpoint={self.path!r} is being written by {holder}: two runs on one "
                    f"checkpoint path would overwrite each other; give each run its own "
                    f"path (for instance one per seed)") from None
            try:  # the holder before us may have removed the file we opened: open it anew
                same = os.stat(name).st_ino == os.fstat(handle.fileno()).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            handle.close()
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"process {os.getpid()}")
            handle.flush()
            yield
        finally:
            try:
                os.unlink(name)  # while still holding it, so nobody locks a removed file
            except OSError:
                pass
            handle.close()

    def due(self, nit):
        """Whether a save is due after generation ``nit`` (the first, every ``every`` generations,
        or ``interval`` seconds since the last)."""
        if self.last is None:
            return True
        if self.every is not None and nit % self.every == 0:
            return True
        return self.interval is not None and time.monotonic() - self.last >= self.interval

    def save(self, opt, run_state, pending=None, strict=False):
        """Write the run; with ``strict`` a failed save raises, else it warns."""
        try:
            optimizer = opt.state_dict(exclude=("trials",))
            # the trials table grows with every evaluation: only its new rows are written
            optimizer["attributes"]["trials"] = {"file": self.trials_file.write(opt.trials)}
            state = {"optimizer": optimizer, "pending": pending, **run_state.state_dict()}
            save_checkpoint(self.path, state)
        except OSError as exc:
            self.trials_file.abandon()
            if strict:
                raise
            warnings.warn(f"could not save the checkpoint {self.path!r} ({exc}); the run goes "
                          f"on and the previous checkpoint is kept", RuntimeWarning, stacklevel=3)
            return False
        self.trials_file.committed()
        self.last = time.monotonic()
        return True


class RunState:
    """What the engine keeps beside the optimizer: the stopping rules' counters, the failure
    count, the seed of the objective's own random numbers, and the settings that define the
    run (:func:`run_settings`), which a resume must match."""

    TERMINATION = {"elapsed": Float(0.0), "reference": Float(), "stalled": Int(0),
                   "seen_nit": Int(0, optional=True)}

    def __init__(self, termination, evaluations, settings=None):
        self.termination = termination
        self.evaluations = evaluations
        self.objective_entropy = None
        self.settings = settings

    def state_dict(self):
        """The engine's counters, failure count, objective seed and settings, as plain data."""
        keeper = stateful_objective(self.evaluations.evaluator)
        return {"termination": self.termination.snapshot(), "nfail": self.evaluations.nfail,
                "objective_entropy": self.objective_entropy, "settings": self.settings,
                "objective_state": None if keeper is None else keeper.objective_state()}

    @classmethod
    def checked_counters(cls, counters):
        """The stopping rules' counters of a checkpoint, checked (StateError otherwise)."""
        if not isinstance(counters, dict):
            raise StateError("termination: a dict belongs here")
        counters = check_fields(None, cls.TERMINATION, {"seen_nit": None, **counters},
                                "termination")
        if counters["seen_nit"] is None:
            del counters["seen_nit"]
        return counters

    def load_state_dict(self, state):
        """Take back what :meth:`state_dict` returned (checked by the caller)."""
        self.termination.start(self.checked_counters(state["termination"]))
        self.evaluations.nfail = state["nfail"]
        self.objective_entropy = state["objective_entropy"]
        saved = state.get("objective_state")
        keeper = stateful_objective(self.evaluations.evaluator)
        if saved is not None and keeper is None:
            raise CheckpointError("resume: the checkpoint holds an objective's state "
                                  "(observation statistics) but this objective keeps none")
        if keeper is not None and saved is not None:
            try:
                keeper.load_objective_state(saved)
            except (TypeError, ValueError) as exc:
                raise CheckpointError(f"resume: objective_state: {exc}") from None

    def batch_seed(self, opt, index=None):
        """The seed of the random numbers an objective draws for the next batch (its
        minibatch): one stream per run, drawn from the optimizer's rng once, indexed by the
        evaluations spent (or ``index``: an asynchronous run's submissions), so every worker
        sees the same numbers and a resumed run sees them again."""
        if self.objective_entropy is None:
            self.objective_entropy = int(opt.rng.integers(0, 2**63 - 1))
        index = opt.nfev if index is None else index
        return np.random.SeedSequence([self.objective_entropy, index]).generate_state(1)[0]


#: What a checkpoint holds; the engine's fields are checked before the optimizer's.
CHECKPOINT_FIELDS = ("optimizer", "pending", "termination", "nfail", "objective_entropy",
                     "settings", "objective_state")
#: How deep :func:`stateful_objective` looks through wrappers (``maximize``'s, the engine's).
WRAPPER_DEPTH = 4


def stateful_objective(evaluator):
    """The objective (unwrapped through ``.fun``) whose own state a checkpoint keeps: one
    with ``objective_state()`` (plain data) and ``load_objective_state(state)`` (which checks
    what it loads; ``metaopt.torch.GymFitness``'s observation statistics); None when there is
    none."""
    fun = evaluator
    for _ in range(WRAPPER_DEPTH):
        fun = getattr(fun, "fun", None)
        if fun is None:
            return None
        if callable(getattr(fun, "objective_state", None)) and \
                callable(getattr(fun, "load_objective_state", None)):
            return fun
    return None


def resume_optimizer(path, opt, settings=None):
    """Load the checkpoint at ``path`` into ``opt`` (which must be of the saved class, over the
    saved space, with the same ``settings``). Returns the saved engine state, checked."""
    state = load_checkpoint(path)
    where = f"resume={os.fspath(path)!r}"
    try:
        _check_engine_state(state)
        opt.check_same_kind(state["optimizer"])
        trials = state["optimizer"]["attributes"].get("trials")
        if isinstance(trials, dict) and set(trials) == {"file"}:  # kept beside the checkpoint
            state["trials_record"] = trials["file"]
            state["optimizer"]["attributes"]["trials"] = TrialsFile.read(
                path, trials["file"], opt.space.dim, opt.trials.width)
        if settings is not None:
            _check_settings(state["settings"], settings)
        opt.load_state_dict(state["optimizer"])
        _check_pending(state["pending"], opt)
    except (StateError, KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"{where}: {exc}") from None
    return state


def _check_engine_state(state):
    state.setdefault("objective_state", None)  # written before objectives kept state
    if "settings" not in state and set(state) == set(CHECKPOINT_FIELDS) - {"settings"}:
        raise StateError("it was written by an earlier metaopt, before optimizer state was "
                         "declared and a run's settings recorded; it cannot be resumed by "
                         "this version: start the run again")
    if set(state) != set(CHECKPOINT_FIELDS):
        raise StateError(f"the checkpoint holds the fields {sorted(state)}, expected "
                         f"{sorted(CHECKPOINT_FIELDS)}")
    Int(0).check(state["nfail"], "nfail", None)
    Int(0, 2**63 - 1, optional=True).check(state["objective_entropy"], "objective_entropy", None)
    RunState.checked_counters(state["termination"])
    for name in ("optimizer", "settings"):
        if not isinstance(state[name], dict):
            raise StateError(f"{name}: a dict belongs here, got {type(state[name]).__name__}")
    if state["pending"] is not None and not isinstance(state["pending"], dict):
        raise StateError("pending: a dict or None belongs here")


def _check_pending(pending, opt):
    """The finished evaluations of an interrupted batch must fit the batch the optimizer
    asked: one value and one flag per asked point."""
    if pending is None:
        return
    if opt.asked is None:
        raise StateError("pending: evaluations of a batch that the optimizer did not ask")
    n = opt.asked.shape[0]
    values = Array(float, n, nan=True) if opt.n_objectives == 1 else \
        Array(float, n, opt.n_objectives, nan=True)
    checked = check_fields(opt, {"values": values, "done": Array(bool, n)}, pending, "pending")
    pending.update(checked)


def run_settings(opt, fun, constraints):
    """What defines a run beyond the optimizer's state, as plain data: the rng it was given,
    the method's options, whether the objective is maximized, and the constraints. A resume
    with other settings is refused (the budget and stopping rules may change: a larger budget
    continues a run)."""
    from .scipy_style import Negated

    options, fingerprints = settings_of(opt)
    return {"rng": opt.rng_origin, "options": options, "fingerprints": fingerprints,
            "maximize": fun.maximized() if isinstance(fun, Negated) else False,
            "constraints": None if constraints is None else constraints.describe()}


def _check_settings(saved, given):
    names = {"rng": "rng", "maximize": "maximize", "constraints": "constraints",
             "fingerprints": "options that are not numbers"}
    differ = []
    for key, label in names.items():
        if key == "rng" and saved.get(key) is None and given[key] is None:
            continue  # both from fresh entropy: nothing to compare
        if saved.get(key) != given[key]:
            differ.append(f"{label}: saved {saved.get(key)!r:.200}, given {given[key]!r:.200}")
    saved_options = saved.get("options", {}) if isinstance(saved.get("options"), dict) else {}
    for key in sorted(set(saved_options) | set(given["options"])):
        if saved_options.get(key) != given["options"].get(key):
            differ.append(f"{key}: saved {saved_options.get(key)!r:.80}, given "
                          f"{given['options'].get(key)!r:.80}")
    if differ:
        raise StateError("the checkpoint is a run with other settings, so this call would not "
                         "continue it; pass the same settings, or another checkpoint path for "
                         "a new run. Differences: " + "; ".join(differ))


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
            for leftover in (made, checkpointer.trials_file.path):
                try:
                    os.unlink(leftover)
                except OSError:
                    pass
        return exc
    return checkpointer.path


def settings_of(opt):
    """The arguments the optimizer was built with, as plain data: numbers, strings and None
    as they are (``"options"``: what ``minimize`` can pass again), anything else (arrays, a
    repair function, a distance matrix) as a fingerprint (``"fingerprints"``)."""
    given = getattr(opt, "_given", {})
    options, fingerprints = {}, {}
    for name in sorted(given):
        value = given[name]
        if value is None or isinstance(value, (bool, int, float, str)):
            options[name] = value
        else:
            fingerprints[name] = _fingerprint(value)
    return options, fingerprints


def _fingerprint(value):
    import hashlib

    if callable(value):
        return f"callable {getattr(value, '__qualname__', type(value).__qualname__)}"
    try:
        array = np.asarray(value)
        if array.dtype.kind in "biuf":
            digest = hashlib.sha256(np.ascontiguousarray(array, float).tobytes()).hexdigest()
            return f"array {array.shape} {digest[:16]}"
    except (TypeError, ValueError):
        pass
    return f"{type(value).__name__} {value!r:.200}"
