"""Checkpoint files: the state of a run as plain data, written atomically, read without
running code.

Format (version 2)::

    METAOPT-CHECKPOINT\\n
    2\\n
    <SHA-256 of everything after this line, hex>\\n
    <length of the JSON header in bytes>\\n
    <JSON header><numpy .npz archive>

The JSON header is the run's state (``Optimizer.state_dict()`` and the engine's counters) with
every numpy array replaced by ``{"__array__": "a<i>"}``, the name of that array in the .npz
archive (read with ``allow_pickle=False``); numpy scalars are 0-d arrays marked
``{"__scalar__": ...}``, tuples ``{"__tuple__": [...]}`` and non-finite floats
``{"__float__": "inf"}``. Reading it imports nothing and calls nothing named in the file, so a
crafted checkpoint cannot run code. A file is written to a temporary name unique to the process
and thread, fsync'ed and renamed, so a crash leaves the old or the new checkpoint, never half of
one. Version 1 files (pickles, metaopt 0.1) are refused.
"""

import hashlib
import io
import json
import math
import os
import threading

import numpy as np

__all__ = ["FORMAT_VERSION", "CheckpointError", "save_checkpoint", "load_checkpoint",
           "check_checkpoint_path"]

MAGIC = b"METAOPT-CHECKPOINT\n"
FORMAT_VERSION = 2


class CheckpointError(ValueError):
    """A checkpoint that cannot be resumed: not one, corrupt, from another format or run."""


def _encode(value, arrays):
    if isinstance(value, (np.ndarray, np.generic)):
        if value.dtype.hasobject:
            raise TypeError("checkpoint state: an array of Python objects is not plain data")
        key = f"a{len(arrays)}"
        arrays[key] = np.asarray(value)
        return {"__array__" if isinstance(value, np.ndarray) else "__scalar__": key}
    if isinstance(value, float) and not math.isfinite(value):
        return {"__float__": repr(value)}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return [_encode(v, arrays) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError(f"checkpoint state: dict keys must be strings, got {list(value)}")
        return {k: _encode(v, arrays) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"checkpoint state: a {type(value).__name__} is not plain data")


def _decode(value, arrays):
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, inner), = value.items()
            if tag == "__array__":
                return arrays[inner]
            if tag == "__scalar__":
                return arrays[inner][()]
            if tag == "__float__" and inner in ("inf", "-inf", "nan"):
                return float(inner)
            if tag == "__tuple__":
                return tuple(_decode(v, arrays) for v in inner)
        return {k: _decode(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    return value


def check_checkpoint_path(path, name="checkpoint"):
    """Return ``path`` as a str if a checkpoint can be written there, else raise naming it:
    before the run, not at its first save."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path, got {name}={path!r}")
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not path:
        raise ValueError(f"{name} must be a file path, got {name}=''")
    if os.path.isdir(path):
        raise ValueError(f"{name}={path!r} is a folder; give a file path inside it")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"{name}={path!r}: the folder {folder!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise ValueError(f"{name}={path!r}: the folder {folder!r} is not writable")
    if os.path.isfile(path) and os.path.getsize(path):
        with open(path, "rb") as handle:
            head = handle.read(len(MAGIC))
        if head != MAGIC:
            raise ValueError(f"{name}={path!r} exists and is not a metaopt checkpoint; it "
                             f"would be overwritten: give another path")
    return path


def save_checkpoint(path, state):
    """Write ``state`` (a dict of plain data) to ``path`` atomically."""
    arrays = {}
    header = json.dumps(_encode(state, arrays), allow_nan=False).encode()
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    body = f"{len(header)}\n".encode() + header + buffer.getvalue()
    path = os.fspath(path)
    tmp = f"{path}.tmp-{os.getpid()}-{threading.get_ident()}"
    try:
        with open(tmp, "wb") as handle:
            handle.write(MAGIC + f"{FORMAT_VERSION}\n{hashlib.sha256(body).hexdigest()}\n"
                         .encode())
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sync_folder(path)


def _sync_folder(path):
    try:
        fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def load_checkpoint(path):
    """Read a checkpoint written by :func:`save_checkpoint`; raise CheckpointError if it is not
    a complete metaopt checkpoint of this format."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"resume must be a checkpoint file path, got resume={path!r}")
    path = os.fspath(path)
    if os.path.isdir(path):
        raise CheckpointError(f"resume={path!r} is a folder, not a checkpoint file")
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise CheckpointError(f"resume={path!r}: no such checkpoint file") from None
    except OSError as exc:
        raise CheckpointError(f"resume={path!r} could not be read: {exc}") from None
    if not data.startswith(MAGIC):
        raise CheckpointError(f"resume={path!r} is not a metaopt checkpoint (no header)")
    lines = data[len(MAGIC):].split(b"\n", 2)
    if len(lines) < 3:
        raise CheckpointError(f"resume={path!r} is truncated (incomplete header)")
    version, digest, body = lines
    try:
        version = int(version)
    except ValueError:
        raise CheckpointError(f"resume={path!r} has a corrupt header") from None
    if version == 1:
        raise CheckpointError(
            f"resume={path!r} was written by metaopt 0.1 as a pickle, which this version no "
            f"longer reads (loading a pickle can run code); start the run again")
    if version != FORMAT_VERSION:
        raise CheckpointError(
            f"resume={path!r} has checkpoint format version {version}; this metaopt reads "
            f"version {FORMAT_VERSION}"
        )
    if hashlib.sha256(body).hexdigest().encode() != digest:
        raise CheckpointError(f"resume={path!r} is corrupt: its checksum does not match")
    try:
        size, rest = body.split(b"\n", 1)
        size = int(size)
        header = json.loads(rest[:size])
        with np.load(io.BytesIO(rest[size:]), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        state = _decode(header, arrays)
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise CheckpointError(f"resume={path!r} could not be read: {exc}") from None
    if not isinstance(state, dict) or "optimizer" not in state:
        raise CheckpointError(f"resume={path!r} does not hold a metaopt run")
    return state
