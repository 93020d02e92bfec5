"""What the command line writes into ``--out``: history.csv, result.json and a plot per verb.
A plot that cannot be drawn (no matplotlib) is said, not fatal: the other files are written."""

import csv
import json
import os
import pathlib

import numpy as np

__all__ = ["out_folder", "write_run", "write_compare", "write_nn", "write_lr_search"]


def out_folder(out):
    """The folder of ``--out``, made (and checked writable) before the run, not after it;
    SystemExit with a one-line reason otherwise. None when no folder was asked for."""
    if out is None:
        return None
    folder = pathlib.Path(out)
    if folder.exists() and not folder.is_dir():
        raise SystemExit(f"--out {out}: a file of that name exists; --out takes a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SystemExit(f"--out {out}: cannot make the folder ({exc})") from None
    if not os.access(folder, os.W_OK):
        raise SystemExit(f"--out {out}: the folder is not writable")
    return folder


def _plot(draw, path, written):
    """``draw(path)`` with matplotlib on its file-only backend; without it, say so."""
    from . import plotting

    try:
        plotting.pyplot(files_only=True)
    except ImportError:
        print(f"not written: {path.name} (plots need matplotlib: pip install "
              f"'metaopt-engine[plot]')")
        return
    draw(path)
    written.append(path)


def _said(written):
    print(f"wrote {', '.join(map(str, written))}")


def write_run(out, res, problem, run=None):
    """``metaopt run``: the history, the result (without its history) with ``run`` (the
    problem, seed, budget, options and library versions) under "run", and the curve."""
    from . import plotting

    res.history.to_csv(out / "history.csv")
    record = json.loads(res.to_json(history=False))  # the history is history.csv
    if run is not None:
        record["run"] = run
    with open(out / "result.json", "w") as handle:
        json.dump(record, handle, indent=2)
    written = [out / "history.csv", out / "result.json"]
    label = res.method.split()[0]
    _plot(lambda path: plotting.save(res.plot(label=label, optimum=problem.optimum,
                                              title=f"{label} on {problem.name}"), path),
          out / "convergence.png", written)
    _said(written)


def write_front(out, res, problem):
    """``metaopt run`` with several objectives: the front (points and values), the hypervolume
    history, the result, and plots of the front (2 or 3 objectives) and the hypervolume."""
    from . import plotting

    m = res.pareto_fun.shape[1]
    with open(out / "front.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([f"x{j}" for j in range(res.pareto_x.shape[1])]
                        + [f"f{k + 1}" for k in range(m)])
        writer.writerows(np.hstack([res.pareto_x, res.pareto_fun]).tolist())
    res.history.to_csv(out / "history.csv")
    res.to_json(out / "result.json", history=False)
    written = [out / "front.csv", out / "history.csv", out / "result.json"]
    label = res.method.split()[0]
    if m in (2, 3):
        _plot(lambda path: plotting.save(plotting.front(
            res.pareto_fun, problem.front, title=f"{label} on {problem.name}"), path),
            out / "front.png", written)
    _plot(lambda path: plotting.save(plotting.hypervolume(
        res, title=f"{label} on {problem.name}"), path), out / "hypervolume.png", written)
    _said(written)


def write_compare(out, problem, budget, seeds, curves, finals, rows, runs, tests=()):
    """``metaopt compare``: median/min/max curves, a summary per method, the pairwise tests
    (:func:`metaopt.statistics.pairwise_comparisons`), the shaded plot."""
    from . import plotting

    with open(out / "history.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["method", "nfev", "median_best", "min_best", "max_best"])
        for method, (g, med, low, high) in curves.items():
            writer.writerows(zip([method] * len(g), g, med, low, high))
    summary = {m: {"median": float(np.median(v)), "q25": float(np.percentile(v, 25)),
                   "q75": float(np.percentile(v, 75)), "best": float(v.min()),
                   "median_seconds": float(np.median(t)), "values": v.tolist()}
               for m, (v, t) in finals.items()}
    with open(out / "result.json", "w") as handle:
        json.dump({"problem": problem.name, "budget": budget, "seeds": seeds,
                   "optimum": problem.optimum, "methods": summary, "runs": rows,
                   "tests": list(tests)},
                  handle, indent=2)
    written = [out / "history.csv", out / "result.json"]
    title = f"{problem.name}: median of {seeds} seeds, best to worst shaded"
    _plot(lambda path: plotting.save(plotting.compare(runs, optimum=problem.optimum,
                                                      title=title), path),
          out / "convergence.png", written)
    _said(written)


def write_nn(out, rows, task):
    """``metaopt nn``: each method's test-loss curve, its summary, the comparison plot."""
    from . import plotting

    with open(out / "history.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["method", "forward_passes", "seconds", "test_loss"])
        for name, row in rows.items():
            writer.writerows(zip([name] * len(row["curve"][0]), *row["curve"]))
    with open(out / "result.json", "w") as handle:
        json.dump({name: {k: (float(v) if isinstance(v, (float, np.floating, int)) else v)
                          for k, v in row.items() if k != "curve"}
                   for name, row in rows.items()}, handle, indent=2, default=str)
    written = [out / "history.csv", out / "result.json"]
    title = f"{task}: gradient (solid) vs gradient-free (dashed)"
    _plot(lambda path: plotting.save(plotting.gradient_vs_free(rows, title), path, dpi=110),
          out / "comparison.png", written)
    _said(written)


def write_lr_search(out, res, lrs, losses, title):
    """``metaopt lr-search``: every trial, the result and the loss-against-lr scatter."""
    from . import plotting

    with open(out / "history.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["trial", "lr", "val_loss"])
        writer.writerows(zip(range(len(lrs)), lrs, losses))
    res.to_json(out / "result.json", history=False)  # the history is history.csv
    written = [out / "history.csv", out / "result.json"]
    _plot(lambda path: plotting.save(plotting.lr_search(lrs, losses, res.params["lr"],
                                                        title=title), path, dpi=110),
          out / "lr_search.png", written)
    _said(written)
