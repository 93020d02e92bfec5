"""jSO, L-SRTDE and L-SHADE on the CEC 2017 functions (F1, F3-F30) beside L-SRTDE's published
final errors.

The competition's rules: 10,000 x D evaluations, the box [-100, 100]^D, the error f - f_opt of
the best point found, errors below 1e-8 counted as 0. The functions are
``problems.CEC2017`` (the competition's C code, ported; tests/test_cec2017.py). Printed per D:
the median final error over the seeds of each method, the published L-SRTDE median over its 25
runs (benchmarks/data/), and the counts

- ``lsrtde`` no worse than the published median (both 0 counts as a tie);
- ``jso`` and ``lsrtde`` each no worse than our ``lshade``.

Each run's error is appended to a JSON-lines file (``--runs``) as it finishes and runs already
there are not repeated, so an interrupted benchmark resumes and the table can be printed from
what is there (``--table``).

    python benchmarks/cec2017.py [--dims 10 30] [--seeds 5] [--methods jso lsrtde lshade]
        [--functions 1 3 ...] [--jobs 2] [--runs benchmarks/results/cec2017_runs.jsonl]
"""

import argparse
import csv
import pathlib
import time

import numpy as np
from run_log import load_runs, run_missing

import metaopt
from problems import CEC2017, CEC2017_FUNCTIONS

HERE = pathlib.Path(__file__).resolve().parent
PUBLISHED = HERE / "data" / "lsrtde_cec2017_final_errors.csv"
SOLVED = 1e-8
METHODS = ("jso", "lsrtde", "lshade")
FIELDS = ("method", "function", "dim", "seed")


def one_run(method, number, dim, seed):
    """The final error of one run, with its wall time."""
    problem = CEC2017(number, dim)
    start = time.perf_counter()
    res = metaopt.minimize(problem, problem.bounds, method=method, budget=10_000 * dim,
                           rng=seed, vectorized=True)
    error = float(problem.error(res.fun))
    return {"method": method, "function": number, "dim": dim, "seed": seed,
            "error": 0.0 if error < SOLVED else error, "nfev": int(res.nfev),
            "seconds": round(time.perf_counter() - start, 2)}


def published():
    """{(function, dim): published median} of L-SRTDE."""
    with open(PUBLISHED) as fh:
        return {(int(r["function"]), int(r["D"])): float(r["median"]) for r in csv.DictReader(fh)}


def no_worse(ours, theirs):
    return ours <= theirs or (ours < SOLVED and theirs < SOLVED)


def table(runs, dims, seeds, methods, functions):
    """Print the medians and the counts from the runs at hand."""
    pub = published()
    for dim in dims:
        print(f"\nD = {dim}: median final error over seeds 0-{seeds - 1} (10,000 x D "
              f"evaluations); published L-SRTDE: median of 25 runs")
        print(f"{'F':>3}" + "".join(f"{m:>12}" for m in methods) + f"{'published':>12}"
              + f"{'runs':>8}")
        counts = {"lsrtde_vs_published": 0, "jso_vs_lshade": 0, "lsrtde_vs_lshade": 0}
        complete = {key: 0 for key in counts}
        for number in functions:
            med, n_runs = {}, []
            for m in methods:
                errs = [runs[(m, number, dim, s)]["error"] for s in range(seeds)
                        if (m, number, dim, s) in runs]
                n_runs.append(len(errs))
                med[m] = float(np.median(errs)) if len(errs) == seeds else float("nan")
            ref = pub.get((number, dim), float("nan"))
            print(f"{number:>3}" + "".join(f"{med[m]:12.4g}" for m in methods)
                  + f"{ref:12.4g}" + f"{'/'.join(map(str, n_runs)):>8}")
            pairs = {"lsrtde_vs_published": ("lsrtde", ref), "jso_vs_lshade": ("jso", "lshade"),
                     "lsrtde_vs_lshade": ("lsrtde", "lshade")}
            for key, (a, b) in pairs.items():
                ours = med.get(a, float("nan"))
                theirs = b if isinstance(b, float) else med.get(b, float("nan"))
                if np.isfinite(ours) and np.isfinite(theirs):
                    complete[key] += 1
                    counts[key] += no_worse(ours, theirs)
        print("no worse: " + "; ".join(f"{k.replace('_vs_', ' vs ')} {counts[k]} of "
                                       f"{complete[k]}" for k in counts)
              + f" (of {len(functions)} functions)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, nargs="+", default=[10, 30])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument("--functions", type=int, nargs="+", default=list(CEC2017_FUNCTIONS))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=pathlib.Path,
                        default=HERE / "results" / "cec2017_runs.jsonl")
    parser.add_argument("--table", action="store_true", help="print the table of the runs "
                        "already recorded, run nothing")
    args = parser.parse_args()
    runs = load_runs(args.runs, FIELDS)
    if not args.table:
        jobs = [(m, f, d, s) for d in args.dims for s in range(args.seeds)
                for f in args.functions for m in args.methods]
        # the slow ones (one trial at a time) first, so the pool ends evenly
        jobs.sort(key=lambda job: (job[0] != "lsrtde", -job[2]))
        run_missing(one_run, jobs, runs, args.runs, FIELDS, args.jobs)
    table(runs, args.dims, args.seeds, args.methods, args.functions)


if __name__ == "__main__":
    main()
