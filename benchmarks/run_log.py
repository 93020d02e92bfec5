"""A benchmark's runs kept in a JSON-lines file: each run appended as it finishes, runs already
there not repeated, so an interrupted benchmark resumes and its table prints from what is
there."""

import json

from joblib import Parallel, delayed


def load_runs(path, fields):
    """{tuple of the ``fields`` of a run: the run} from ``path`` (empty when absent)."""
    runs = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip():
                run = json.loads(line)
                runs[tuple(run[f] for f in fields)] = run
    return runs


def run_missing(one_run, jobs, runs, path, fields, n_jobs):
    """Run ``one_run(*job)`` for each job whose key is not in ``runs`` (a job is its key),
    appending each result to ``path`` and to ``runs`` as it finishes."""
    todo = [job for job in jobs if tuple(job) not in runs]
    print(f"{len(todo)} runs to do ({len(runs)} recorded in {path})", flush=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        for run in Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
                delayed(one_run)(*job) for job in todo):
            fh.write(json.dumps(run) + "\n")
            fh.flush()
            runs[tuple(run[f] for f in fields)] = run
    return runs
