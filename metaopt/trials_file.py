"""The trials table of a checkpoint, kept beside it in ``<checkpoint>.trials`` and appended to,
so that a save writes only the evaluations told since the last one (rewriting the whole table
at every save made a long run's checkpoints cost more than its evaluations).

The file is raw little-endian float64 rows of ``dim + 4 + m`` numbers for m objectives (the
point, then batch, time, the first objective, failed, violation, the other objectives). The
checkpoint records how many rows it covers and their CRC-32, continued from save to save
(``zlib.crc32(new rows, crc so far)``), so a save costs its new rows only and the record stays
the same size. Rows appended by a save whose checkpoint never landed (a crash between the two
writes) lie past those rows: they are ignored on load and overwritten by the next save.
A file that does not match its checkpoint is refused.
"""

import os
import zlib

import numpy as np

from .state import StateError

__all__ = ["TrialsFile"]

RECORD_FIELDS = {"file", "width", "rows", "crc32", "dropped", "max_rows"}


class TrialsFile:
    """Appends a run's trials rows to ``<checkpoint>.<run>.trials``.

    A new run writes a file of its own (``<run>`` a random token), so that the checkpoint it
    replaces stays whole, with its own trials file, until the new checkpoint has landed (a
    full disk at the first save loses nothing); then the files of earlier runs on that path
    are removed. A resumed run appends to the file of its checkpoint.
    """

    def __init__(self, checkpoint_path):
        import secrets

        self.checkpoint = os.fspath(checkpoint_path)
        self.path = f"{self.checkpoint}.{secrets.token_hex(4)}.trials"
        self.rows, self.crc = 0, 0  # what the last checkpoint that landed covers
        self._pending = None
        self._tidied = False

    def continue_from(self, record):
        """Append to the file of ``record`` (the checkpoint resumed here) after its rows."""
        self.path = os.path.join(os.path.dirname(os.path.abspath(self.checkpoint)),
                                 os.path.basename(str(record["file"])))
        self.rows, self.crc = record["rows"], record["crc32"]

    def write(self, trials):
        """Append the rows told since the last checkpoint; the record for the new one."""
        x, scalars = trials.raw_rows()
        n, start, crc = x.shape[0], self.rows, self.crc
        if n < start:  # not this file's run: write it all again
            start, crc = 0, 0
        data = np.ascontiguousarray(np.hstack([x[start:], scalars[start:]]), dtype="<f8")
        data = data.tobytes()
        width = x.shape[1] + scalars.shape[1]
        with open(self.path, "r+b" if os.path.exists(self.path) else "w+b") as handle:
            handle.truncate(start * width * 8)  # rows of a checkpoint that never landed
            handle.seek(start * width * 8)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        crc = zlib.crc32(data, crc)
        self._pending = (n, crc)
        return {"file": os.path.basename(self.path), "width": width, "rows": n, "crc32": crc,
                "dropped": trials.dropped, "max_rows": trials.max_rows}

    def committed(self):
        """The checkpoint of the last write has landed: its rows are this file's, and the
        trials files of earlier runs on this checkpoint path are garbage."""
        if self._pending is not None:
            (self.rows, self.crc), self._pending = self._pending, None
        if not self._tidied:
            import glob

            for other in glob.glob(f"{glob.escape(self.checkpoint)}.*.trials"):
                if os.path.abspath(other) != os.path.abspath(self.path):
                    try:
                        os.unlink(other)
                    except OSError:
                        pass
            self._tidied = True

    def abandon(self):
        """A save failed before any checkpoint of this file landed: remove the file."""
        if self.rows == 0 and not self._tidied:
            try:
                os.unlink(self.path)
            except OSError:
                pass
        self._pending = None

    @staticmethod
    def read(checkpoint_path, record, dim, scalars=5):
        """The trials state (as ``Trials.state_dict`` gives it) of a checkpoint's record;
        StateError when the file is missing, short or does not match its checksums."""
        if not isinstance(record, dict) or set(record) != RECORD_FIELDS:
            raise StateError("trials: not a record of a trials file")
        width, rows, crc = record["width"], record["rows"], record["crc32"]
        if width != dim + scalars:
            raise StateError(f"trials: rows of {width!r} numbers do not fit a space of {dim} "
                             f"variables")
        if not (isinstance(rows, int) and rows >= 0 and isinstance(crc, int)):
            raise StateError(f"trials: {rows!r} rows with checksum {crc!r} is not a record")
        path = os.path.join(os.path.dirname(os.path.abspath(os.fspath(checkpoint_path))),
                            os.path.basename(str(record["file"])))
        try:
            if os.path.getsize(path) < rows * width * 8:
                raise StateError(f"trials: {path!r} holds fewer than the checkpoint's {rows} "
                                 f"rows")
            with open(path, "rb") as handle:
                data = handle.read(rows * width * 8)
        except OSError as exc:
            raise StateError(f"trials: the file {path!r} beside the checkpoint could not be "
                             f"read ({exc}); it is part of the checkpoint") from None
        if len(data) != rows * width * 8:
            raise StateError(f"trials: {path!r} holds fewer than the checkpoint's {rows} rows")
        if zlib.crc32(data) != crc:
            raise StateError(f"trials: {path!r} does not match its checkpoint (checksum)")
        table = np.frombuffer(data, dtype="<f8").reshape(rows, width).astype(float)
        return {"x": np.ascontiguousarray(table[:, :dim]),
                "scalars": np.ascontiguousarray(table[:, dim:]),
                "dropped": record["dropped"], "max_rows": record["max_rows"]}
