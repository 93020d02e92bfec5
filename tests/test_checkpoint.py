"""Checkpoint and resume: bit-exact continuation, a SIGKILLed run, and bad files."""

import io
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import metaopt
from metaopt import REGISTRY, CheckpointError
from metaopt.checkpoint import load_checkpoint

from . import checkpoint_job as job
from .options import population

ROOT = Path(__file__).resolve().parents[1]
BOUNDS = [(-4.0, 4.0)] * 3


def sphere(X):
    return np.sum((X - 0.5) ** 2, axis=1)


def same(a, b):
    np.testing.assert_array_equal(a.x, b.x)
    assert a.fun == b.fun and a.nfev == b.nfev and a.nit == b.nit
    np.testing.assert_array_equal(a.history.best_fun, b.history.best_fun)
    np.testing.assert_array_equal(a.population, b.population)


@pytest.mark.parametrize("method", sorted(REGISTRY))
def test_resumed_run_equals_uninterrupted_run(method, tmp_path):
    kw = dict(method=method, budget=700, rng=4, vectorized=True, **population(method, 12))
    full = metaopt.minimize(sphere, BOUNDS, **kw)
    path = tmp_path / "run.ckpt"
    # cut after 9 generations (dual_annealing's maxiter is scipy's, its annealing iterations:
    # a callback cuts it)
    cut = {"maxiter": 9} if method != "dual_annealing" else {
        "callback": lambda intermediate_result: intermediate_result.nit >= 9}
    part = metaopt.minimize(sphere, BOUNDS, checkpoint=path, **cut, **kw)
    assert part.nit == 9 and path.exists()
    resumed = metaopt.minimize(sphere, BOUNDS, resume=path, **kw)
    same(full, resumed)


def test_checkpoints_are_written_periodically_and_atomically(tmp_path):
    path = tmp_path / "run.ckpt"
    seen = []

    def watch(intermediate_result):
        if intermediate_result.nit % 3 == 0:
            seen.append(load_checkpoint(path)["optimizer"]["attributes"]["nit"])

    metaopt.minimize(sphere, BOUNDS, method="de", budget=300, rng=0, vectorized=True,
                     pop_size=10, checkpoint=path, checkpoint_every=3, callback=watch)
    assert seen == list(range(3, 30, 3))  # every 3 generations, before the callback sees it
    assert load_checkpoint(path)["optimizer"]["attributes"]["nit"] == 30  # and when the run ends
    # no temporary file left: the checkpoint and its trials file
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2 and names[0] == "run.ckpt" and names[1].startswith("run.ckpt.") \
        and names[1].endswith(".trials")


def test_run_killed_with_sigkill_resumes_to_the_same_result(tmp_path):
    path = tmp_path / "killed.ckpt"
    proc = subprocess.Popen([sys.executable, "-m", "tests.checkpoint_job", str(path)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        nfev = 0
        while time.monotonic() < deadline and proc.poll() is None:
            if path.exists():
                try:
                    nfev = load_checkpoint(path)["optimizer"]["attributes"]["nfev"]
                except CheckpointError:
                    nfev = 0  # never expected (writes are atomic), but do not crash the test
                if nfev >= job.BUDGET // 4:
                    break
            time.sleep(0.05)
        assert proc.poll() is None, f"the job ended early: {proc.stderr.read().decode()}"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    saved = load_checkpoint(path)["optimizer"]["attributes"]["nfev"]
    assert job.BUDGET // 4 <= saved < job.BUDGET
    resumed = metaopt.minimize(job.rastrigin, job.BOUNDS, resume=path, **job.OPTIONS)
    uninterrupted = metaopt.minimize(job.rastrigin, job.BOUNDS, **job.OPTIONS)
    np.testing.assert_array_equal(resumed.x, uninterrupted.x)
    assert resumed.fun == uninterrupted.fun and resumed.nfev == uninterrupted.nfev == job.BUDGET


def write(path, data):
    path.write_bytes(data)
    return path


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.ckpt"
    metaopt.minimize(sphere, BOUNDS, method="de", budget=100, rng=0, vectorized=True,
                     pop_size=10, checkpoint=path)
    return path


def resume(path, method="de"):
    return metaopt.minimize(sphere, BOUNDS, method=method, budget=200, rng=0, vectorized=True,
                            pop_size=10, resume=path)


def test_corrupt_checkpoint_is_a_clear_error(good, tmp_path):
    data = bytearray(good.read_bytes())
    data[-10] ^= 0xFF
    with pytest.raises(CheckpointError, match="corrupt: its checksum"):
        resume(write(tmp_path / "flipped.ckpt", bytes(data)))
    with pytest.raises(CheckpointError, match="not a metaopt checkpoint"):
        resume(write(tmp_path / "other.ckpt", b"hello"))
    with pytest.raises(CheckpointError, match="truncated"):
        resume(write(tmp_path / "short.ckpt", good.read_bytes()[:22]))
    with pytest.raises(CheckpointError, match="corrupt"):
        resume(write(tmp_path / "cut.ckpt", good.read_bytes()[:-5]))
    with pytest.raises(CheckpointError, match="no such checkpoint"):
        resume(tmp_path / "missing.ckpt")


def test_other_format_version_is_refused(good, tmp_path):
    data = good.read_bytes().replace(b"\n2\n", b"\n99\n", 1)
    with pytest.raises(CheckpointError, match="format version 99"):
        resume(write(tmp_path / "v99.ckpt", data))


def test_foreign_checkpoint_is_refused(good, tmp_path):
    with pytest.raises(CheckpointError, match="holds a run of DE .* asks for LSHADE"):
        resume(good, method="lshade")
    with pytest.raises(CheckpointError, match="over"):
        metaopt.minimize(sphere, [(-4.0, 4.0)] * 5, method="de", budget=200, vectorized=True,
                         pop_size=10, resume=good)
    body = b"2\n" + b'{"something": "else"}'
    with pytest.raises(CheckpointError, match="could not be read|does not hold a metaopt run"):
        resume(write(tmp_path / "foreign.ckpt", _framed(2, body)))
    header = b'{"something": "else"}'
    empty = io.BytesIO()
    np.savez(empty)
    body = f"{len(header)}\n".encode() + header + empty.getvalue()
    with pytest.raises(CheckpointError, match="does not hold a metaopt run"):
        resume(write(tmp_path / "foreign2.ckpt", _framed(2, body)))


def _framed(version, body):
    import hashlib

    return (b"METAOPT-CHECKPOINT\n" + f"{version}\n".encode()
            + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


class _RunsCode:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_checkpoint_crafted_to_run_code_is_refused_without_running_it(good, tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps({"optimizer": _RunsCode(str(marker))})
    pickle.loads(payload)  # the payload does run code when unpickled ...
    assert marker.exists()
    marker.unlink()
    with pytest.raises(CheckpointError, match="pickle"):  # ... but a checkpoint never is
        resume(write(tmp_path / "old.ckpt", _framed(1, payload)))
    assert not marker.exists()
    # An object array hidden in the array part is refused by the allow_pickle=False reader.
    header = b'{"optimizer": {"__array__": "a0"}}'
    arrays = io.BytesIO()
    np.save(arrays, np.array([_RunsCode(str(marker))], dtype=object), allow_pickle=True)
    packed = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("a0.npy", arrays.getvalue())
    body = f"{len(header)}\n".encode() + header + packed.getvalue()
    with pytest.raises(CheckpointError, match="could not be read"):
        resume(write(tmp_path / "objects.ckpt", _framed(2, body)))
    assert not marker.exists()


def test_checkpoint_of_every_method_is_plain_data(tmp_path):
    """JSON and arrays only: readable with the standard json module and allow_pickle=False."""
    import json

    from metaopt.checkpoint import MAGIC

    for method in sorted(metaopt.REGISTRY):
        path = tmp_path / f"{method}.ckpt"
        metaopt.minimize(sphere, BOUNDS, method=method, budget=200, rng=0, vectorized=True,
                         **population(method, 10), checkpoint=path)
        _, _, size, rest = path.read_bytes()[len(MAGIC):].split(b"\n", 3)
        header = json.loads(rest[: int(size)])
        assert header["optimizer"]["method"] == metaopt.REGISTRY[method].__name__
        with np.load(io.BytesIO(rest[int(size):]), allow_pickle=False) as archive:
            assert all(archive[name].dtype != object for name in archive.files)


def test_checkpoint_argument_checks(tmp_path):
    with pytest.raises(TypeError, match="checkpoint must be a file path"):
        metaopt.minimize(sphere, BOUNDS, method="de", budget=100, vectorized=True, pop_size=10,
                         checkpoint=3)
    with pytest.raises(ValueError, match="checkpoint_every must be >= 1"):
        metaopt.minimize(sphere, BOUNDS, method="de", budget=100, vectorized=True, pop_size=10,
                         checkpoint=tmp_path / "c", checkpoint_every=0)


def test_resume_with_a_budget_below_the_spent_one(good):
    with pytest.raises(ValueError, match="below the 100 evaluations"):
        metaopt.minimize(sphere, BOUNDS, method="de", budget=50, rng=0, vectorized=True,
                         pop_size=10, resume=good)


def _kill_when(proc, path, nfev_at_least, deadline=60.0):
    """SIGKILL ``proc`` once its checkpoint holds ``nfev_at_least`` evaluations (or when it
    ends by itself first). Returns True if it was killed."""
    end = time.monotonic() + deadline
    while time.monotonic() < end and proc.poll() is None:
        try:
            if load_checkpoint(path)["optimizer"]["attributes"]["nfev"] >= nfev_at_least:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                return True
        except CheckpointError:
            pass  # not written yet
        time.sleep(0.01)
    proc.wait(timeout=deadline)
    return False


@pytest.mark.parametrize("method", sorted(metaopt.METHODS))
def test_kill_9_at_random_moments_then_the_same_command_gives_the_uninterrupted_run(
        method, tmp_path):
    """Killed mid-run at a random point, then run to the end, then run once more after its
    final save: identical x, fun, nfev and history to a run never interrupted. (One kill a
    method keeps the suite's time; tests/test_reliability.py kills runs repeatedly.)"""
    import json

    from . import kill_job

    path, out = tmp_path / "job.ckpt", tmp_path / "out.json"
    command = [sys.executable, "-m", "tests.kill_job", method, str(path), str(out)]
    rng = np.random.default_rng(sorted(metaopt.METHODS).index(method))
    kills = [rng.uniform(0.2, 0.8) * kill_job.BUDGET]
    killed = 0
    for at in [*kills, None, None]:  # a kill, a run to the end, a rerun after the end
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        if at is None:
            assert proc.wait(timeout=120) == 0, proc.stderr.read().decode()
        else:
            killed += _kill_when(proc, path, at)
    assert killed == 1  # the kill landed mid-run
    expected = kill_job.record(kill_job.solve(method, kill_job.objective(method)))
    assert json.loads(out.read_text()) == expected


def test_two_runs_on_one_checkpoint_path_and_a_resume_with_another_seed_are_refused(tmp_path):
    path = tmp_path / "array-job.ckpt"
    kw = dict(method="de", budget=200, vectorized=True, pop_size=10, checkpoint=path,
              resume=True)
    first = metaopt.minimize(sphere, BOUNDS, rng=1, **kw)
    # the array-job idiom: another seed on the same path must not return seed 1's result
    with pytest.raises(CheckpointError, match="rng: saved 'seed 1', given 'seed 2'"):
        metaopt.minimize(sphere, BOUNDS, rng=2, **kw)
    again = metaopt.minimize(sphere, BOUNDS, rng=1, **kw)
    np.testing.assert_array_equal(again.x, first.x)

    def inner(X):  # a second run on the same path while the first is running
        if not hasattr(inner, "tried"):
            inner.tried = True
            with pytest.raises(CheckpointError, match="being written by process"):
                metaopt.minimize(sphere, BOUNDS, rng=1, **kw)
        return sphere(X)

    metaopt.minimize(inner, BOUNDS, method="de", budget=60, rng=1, vectorized=True,
                     pop_size=10, checkpoint=path, resume=False, checkpoint_every=1)
    assert inner.tried and not (tmp_path / "array-job.ckpt.lock").exists()


def test_resume_refuses_other_constraints_or_direction(tmp_path):
    path = tmp_path / "run.ckpt"
    kw = dict(method="de", budget=200, rng=0, vectorized=True, pop_size=10, checkpoint=path)
    metaopt.minimize(sphere, BOUNDS, **kw)
    with pytest.raises(CheckpointError, match="constraints: saved None"):
        metaopt.minimize(sphere, BOUNDS, resume=path, constraints=lambda X: X[:, 0], **kw)
    with pytest.raises(CheckpointError, match="maximize: saved False, given True"):
        metaopt.minimize(lambda X: -sphere(X), BOUNDS, resume=path, maximize=True, **kw)


def test_a_save_writes_only_the_evaluations_told_since_the_last_one(tmp_path, monkeypatch):
    """The trials table lives beside the checkpoint and is appended to: the checkpoint itself
    stays small however long the run, and each save writes the new rows only."""
    from metaopt import trials_file

    written = []
    real_write = trials_file.TrialsFile.write

    def counting(self, trials):
        record = real_write(self, trials)
        written.append(record["rows"] - self.rows)
        return record

    monkeypatch.setattr(trials_file.TrialsFile, "write", counting)
    path = tmp_path / "run.ckpt"
    sizes = []

    def callback(intermediate_result):
        sizes.append(path.stat().st_size)

    metaopt.minimize(sphere, BOUNDS, method="de", budget=4000, rng=0, vectorized=True,
                     pop_size=20, checkpoint=path, checkpoint_every=1, callback=callback)
    assert set(written) == {20}  # every save: one generation's rows
    # the checkpoint grows by the history's row (4 numbers) a generation, not by the table's
    # 20 rows of 8 numbers
    per_generation = (sizes[-1] - sizes[10]) / (len(sizes) - 11)
    assert per_generation < 4 * 8 * 2
    resumed = metaopt.minimize(sphere, BOUNDS, method="de", budget=4000, rng=0,
                               vectorized=True, pop_size=20, resume=path)
    assert len(resumed.trials) == 4000


def test_a_checkpoint_of_an_earlier_version_is_refused_saying_so(tmp_path):
    from metaopt.checkpoint import save_checkpoint

    path = tmp_path / "run.ckpt"
    metaopt.minimize(sphere, BOUNDS, method="de", budget=100, rng=0, vectorized=True,
                     pop_size=10, checkpoint=path)
    state = load_checkpoint(path)
    del state["settings"]  # as metaopt wrote them before declared state
    save_checkpoint(path, state)
    with pytest.raises(CheckpointError, match="earlier metaopt"):
        metaopt.minimize(sphere, BOUNDS, method="de", budget=200, rng=0, vectorized=True,
                         pop_size=10, resume=path)
