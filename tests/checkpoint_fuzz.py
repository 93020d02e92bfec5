"""Crafted checkpoints: real checkpoints of many runs, each field changed in its type, dtype,
shape or value and the checksum recomputed, as a user editing a file by hand would.

``python -m tests.checkpoint_fuzz FOLDER`` writes the checkpoints into FOLDER and resumes every
crafted one, printing a line per case: ``ok`` (the run resumed and finished its budget),
``refused`` (CheckpointError) or ``RAW <error>``; a crash (a segmentation fault) ends the
process, so tests/test_checkpoint_fuzz.py runs this in a subprocess and names the last case.
"""

import copy
import pathlib
import sys
import warnings
import zlib

import numpy as np

import metaopt
from metaopt import Binary, Choice, Integer, Permutation, Real, Space
from metaopt.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from problems.tsp import TSP

BUDGET, RESUMED_BUDGET = 160, 240


def box(X):
    return np.sum((X - 0.7) ** 2, axis=1)


def two_boxes(X):
    return np.column_stack([box(X), np.sum((X + 0.7) ** 2, axis=1)])


def box_one(x):
    return float(np.sum((x - 0.7) ** 2))


def bits(X):
    return -np.sum(X * (1 + np.arange(X.shape[1]) % 3), axis=1).astype(float)


def perm(X):
    n = X.shape[1]
    return np.sum(np.abs(X - np.arange(n)[::-1]) * (1 + np.arange(n)), axis=1).astype(float)


MIXED = Space({"a": Real(-2, 2), "b": Integer(-3, 3), "c": Choice(["x", "y", "z"])})


def mixed(X):
    return (X[:, 0].astype(float) - 0.5) ** 2 + (X[:, 1].astype(float) - 1) ** 2 \
        + (X[:, 2] != "y")


def _tour():
    xy = np.random.default_rng(0).random((10, 2))
    return TSP(np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)))


TOUR = _tour()
BOX = [(-3.0, 3.0)] * 3


def configs():
    """(name, fun, bounds, keywords) of the runs whose checkpoints are crafted."""
    out = [(f"{m}-box", box, BOX, {"method": m, "vectorized": True})
           for m in sorted(metaopt.REGISTRY)]
    out += [(f"{m}-tour", TOUR, Permutation(TOUR.n), {"method": m})
            for m in ("ga", "sa", "ils", "tabu")]
    out += [(f"{m}-bits", bits, Binary(8), {"method": m, "vectorized": True})
            for m in ("ga", "sa", "ils", "tabu")]
    out += [(f"{m}-perm", perm, Permutation(6), {"method": m, "vectorized": True})
            for m in ("ga", "sa", "ils", "tabu", "de")]
    out += [(f"{m}-front", two_boxes, BOX, {"method": m, "vectorized": True, "objectives": 2,
                                            "pop_size": 20})
            for m in sorted(metaopt.MULTI_OBJECTIVE)]
    out += [("cmaes-mixed", mixed, MIXED, {"method": "cmaes", "vectorized": True}),
            ("de-async", box_one, BOX, {"method": "de", "asynchronous": True, "pop_size": 8}),
            ("de-epsilon", box, BOX, {"method": "de", "vectorized": True, "epsilon": True,
                                      "constraints": lambda X: X[:, 0] - 0.5})]
    return out


def _leaves(value, path=()):
    """Every place in a state: (path, value), containers included."""
    yield path, value
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, path + (key,))
    elif isinstance(value, (list, tuple)):
        for i, inner in enumerate(value):
            yield from _leaves(inner, path + (i,))


def _mutations(value):
    """(how, new value) for one field: its type, dtype, shape and value changed."""
    yield "type", "crafted"
    if isinstance(value, np.ndarray):
        kind = value.dtype.kind
        yield "dtype", value.astype(np.float32 if kind != "f" else np.int64) \
            if kind in "fiub" else value.astype(float)
        yield "shape", value[:-1] if value.ndim and value.shape[0] else np.zeros((2, 2))
        yield "shape+", value[None, ...]
        if value.size:
            bad = value.astype(float).copy() if kind in "biu" else value.copy()
            bad.flat[-1] = np.nan if bad.dtype.kind == "f" else -5
            yield "value", bad
            big = value.copy()
            big.flat[0] = 10**9 if kind in "iu" else 1e300 if kind == "f" else big.flat[0]
            yield "value+", big
    elif isinstance(value, bool):
        yield "dtype", int(value)
    elif isinstance(value, int):
        yield "dtype", float(value) + 0.5
        yield "shape", np.array([value, value])
        yield "value", -3
        yield "value+", 10**12
    elif isinstance(value, float):
        yield "dtype", str(value)
        yield "shape", np.array([value, value])
        yield "value", float("nan")
        yield "value+", -1e300
    elif isinstance(value, (list, dict)):
        yield "shape", type(value)()
        if isinstance(value, list):
            yield "shape+", value + [1.5]


def _set(state, path, new):
    target = state
    for key in path[:-1]:
        target = target[key]
    if isinstance(target, tuple):
        raise TypeError("tuples are rebuilt by the caller")
    target[path[-1]] = new


def _run(name, fun, bounds, kw, checkpoint, budget, resume=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return metaopt.minimize(fun, bounds, budget=budget, rng=11, checkpoint=checkpoint,
                                resume=resume, **kw)


def main(folder, share=1):
    """Every case, or with ``share`` k > 1 the cases whose name hashes to 0 modulo k (a fixed
    sample, mixed across fields and mutations)."""
    folder = pathlib.Path(folder)
    total = 0
    for name, fun, bounds, kw in configs():
        original = folder / f"{name}.ckpt"
        _run(name, fun, bounds, kw, original, BUDGET)
        state = load_checkpoint(original)
        crafted = folder / f"{name}-crafted.ckpt"
        for path, value in list(_leaves(state)):
            if not path:
                continue
            for how, new in _mutations(value):
                case = f"{name} {'/'.join(map(str, path))} {how}"
                if zlib.crc32(case.encode()) % share:
                    continue
                mutated = copy.deepcopy(state)
                try:
                    _set(mutated, path, new)
                    save_checkpoint(crafted, mutated)
                except TypeError:
                    continue  # inside a tuple, or not writable as a checkpoint at all
                print(f"CASE {case}", flush=True)
                try:
                    res = _run(name, fun, bounds, kw, crafted, RESUMED_BUDGET, resume=crafted)
                except CheckpointError:
                    outcome = "refused"
                except Exception as exc:  # noqa: BLE001 - what this harness looks for
                    outcome = f"RAW {type(exc).__name__}: {str(exc)[:200]}"
                else:  # a run may also end earlier when the crafted state says it converged
                    outcome = "ok" if BUDGET <= res.nfev <= RESUMED_BUDGET \
                        else f"RAW nfev={res.nfev}"
                total += 1
                print(f"{outcome}", flush=True)
    print(f"DONE {total} crafted checkpoints", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1)
