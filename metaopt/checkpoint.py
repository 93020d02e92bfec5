"""Checkpoint files: the full state of a run, written atomically, read back with checks.

Layout: a magic line, the format version, the SHA-256 of the payload, then the payload (a
pickle of the run's state: the algorithm with its population, archives and rng state, the
counters, the history, and the completed part of an interrupted batch). A file is written to a
temporary name, fsync'ed and renamed, so a crash leaves either the old or the new checkpoint.

Checkpoints are pickles: load only files you wrote yourself.
"""

import hashlib
import os
import pickle

__all__ = ["FORMAT_VERSION", "CheckpointError", "save_checkpoint", "load_checkpoint"]

MAGIC = b"METAOPT-CHECKPOINT\n"
FORMAT_VERSION = 1


class CheckpointError(ValueError):
    """A checkpoint that cannot be resumed: not one, corrupt, from another format or run."""


def save_checkpoint(path, state):
    """Write ``state`` (a dict) to ``path`` atomically."""
    payload = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    header = MAGIC + f"{FORMAT_VERSION}\n{hashlib.sha256(payload).hexdigest()}\n".encode()
    path = os.fspath(path)
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as handle:
        handle.write(header)
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def load_checkpoint(path):
    """Read a checkpoint written by :func:`save_checkpoint`; raise CheckpointError if it is not
    a complete metaopt checkpoint of this format."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise CheckpointError(f"resume={path!r}: no such checkpoint file") from None
    if not data.startswith(MAGIC):
        raise CheckpointError(f"resume={path!r} is not a metaopt checkpoint (no header)")
    lines = data[len(MAGIC):].split(b"\n", 2)
    if len(lines) < 3:
        raise CheckpointError(f"resume={path!r} is truncated (incomplete header)")
    version, digest, payload = lines
    try:
        version = int(version)
    except ValueError:
        raise CheckpointError(f"resume={path!r} has a corrupt header") from None
    if version != FORMAT_VERSION:
        raise CheckpointError(
            f"resume={path!r} has checkpoint format version {version}; this metaopt reads "
            f"version {FORMAT_VERSION}"
        )
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        raise CheckpointError(f"resume={path!r} is corrupt: its checksum does not match")
    try:
        state = pickle.loads(payload)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means unusable
        raise CheckpointError(f"resume={path!r} could not be read: {exc}") from exc
    if not isinstance(state, dict) or "optimizer" not in state:
        raise CheckpointError(f"resume={path!r} does not hold a metaopt run")
    return state
