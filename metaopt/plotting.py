"""The one plotting module: convergence curves (one run, or a median and band over seeds),
tours, a learning-rate search's trials and gradient against gradient-free training curves,
used by ``Result.plot``, the command line, the benchmarks and the examples (needs matplotlib).

Curves show the error f - f* when the optimum is known, else f; the y axis is logarithmic
whenever every value shown is positive or zero (zeros, a reached optimum, sit on a floor of
1e-16, said in the axis label), so the end of a run that reaches the optimum stays visible.
"""

import numpy as np

__all__ = ["pyplot", "convergence", "compare", "tour", "lr_search", "gradient_vs_free", "front",
           "hypervolume", "save", "FLOOR"]

#: Where an error of exactly zero is drawn on a log axis.
FLOOR = 1e-16


def pyplot(files_only=False):
    """matplotlib's pyplot; ``files_only`` selects the Agg backend (no display needed)."""
    import matplotlib

    if files_only:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _axes(ax, figsize=(7, 4.5)):
    if ax is None:
        _, ax = pyplot().subplots(figsize=figsize)
    return ax


def _scale(ax, values, optimum):
    """Log axis when nothing shown is negative; the label says what is drawn."""
    finite = np.concatenate([np.asarray(v, float)[np.isfinite(v)] for v in values]) \
        if values else np.empty(0)
    what = "f - f*" if optimum is not None else "best value"
    log = finite.size > 0 and np.all(finite >= 0)
    if log:
        ax.set_yscale("log")
        if np.any(finite == 0):
            what += f" (0 drawn at {FLOOR:g})"
    ax.set_ylabel(f"{what}, best so far")
    return log


def _shown(best, optimum, log):
    y = np.asarray(best, float) - (optimum if optimum is not None else 0.0)
    return np.maximum(y, FLOOR) if log else y


def convergence(results, ax=None, optimum=None, title=None):
    """Best-so-far against evaluations of one or more runs.

    Parameters
    ----------
    results : Result, History, or dict of label -> Result or History
    optimum : float, optional
        f*: the curves show f - f*.
    """
    if not isinstance(results, dict) or "history" in results:  # one Result (a dict) or History
        results = {None: results}
    ax = _axes(ax)
    histories = {label: getattr(r, "history", r) for label, r in results.items()}
    log = _scale(ax, [h.best_fun - (optimum or 0.0) for h in histories.values()], optimum)
    for i, (label, h) in enumerate(histories.items()):
        ax.plot(h.nfev, _shown(h.best_fun, optimum, log), label=label, color=f"C{i % 10}",
                linewidth=1.6)
    _finish(ax, title, any(label is not None for label in histories))
    return ax


def compare(runs, ax=None, optimum=None, title=None, points=200):
    """The median best-so-far over seeds with a band from the best to the worst seed.

    ``runs`` maps a label to a list of Results (or Histories), one per seed; curves are
    sampled on a common grid of evaluations.
    """
    ax = _axes(ax)
    grids = {}
    for label, results in runs.items():
        histories = [getattr(r, "history", r) for r in results]
        end = max(int(h.nfev[-1]) for h in histories)
        grid = np.unique(np.linspace(min(int(h.nfev[0]) for h in histories), end,
                                     points).astype(int))
        traces = np.array([_best_at(h, grid) for h in histories])
        grids[label] = (grid, traces)
    log = _scale(ax, [t.ravel() - (optimum or 0.0) for _, t in grids.values()], optimum)
    for i, (label, (grid, traces)) in enumerate(grids.items()):
        colour = f"C{i % 10}"
        shown = _shown(traces, optimum, log)
        ax.plot(grid, np.median(shown, axis=0), color=colour, linewidth=1.8,
                label=f"{label} (median of {len(traces)})")
        ax.fill_between(grid, shown.min(axis=0), shown.max(axis=0), color=colour, alpha=0.18,
                        linewidth=0)
    _finish(ax, title, True)
    return ax


def _best_at(history, grid):
    """The best value reached by each evaluation count of ``grid`` (inf before the first)."""
    index = np.searchsorted(history.nfev, grid, side="right") - 1
    best = np.asarray(history.best_fun, float)
    return np.where(index >= 0, best[np.maximum(index, 0)], np.inf)


def _finish(ax, title, legend):
    ax.set_xlabel("evaluations")
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    if legend:
        ax.legend(frameon=False)


def tour(coords, order, ax=None, title=None):
    """A tour drawn over its cities, closed, without blank margins."""
    ax = _axes(ax, figsize=(6, 6))
    xy = np.asarray(coords, float)[np.append(order, order[0]).astype(int)]
    ax.plot(xy[:, 0], xy[:, 1], "-", color="C0", linewidth=1)
    ax.plot(np.asarray(coords)[:, 0], np.asarray(coords)[:, 1], "o", color="C3", markersize=3)
    ax.set_aspect("equal")
    ax.margins(0.01)
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


def lr_search(lrs, losses, best_lr, ax=None, title=None):
    """Each trial's validation loss against its learning rate (log-log), the best marked."""
    ax = _axes(ax)
    lrs, losses = np.asarray(lrs, float), np.asarray(losses, float)
    finite = np.isfinite(losses)
    ax.scatter(lrs[finite], losses[finite], s=14, alpha=0.7, label="trials")
    ax.axvline(best_lr, color="k", linestyle=":", label="best")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("validation loss")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def gradient_vs_free(rows, title=None):
    """Test loss against forward passes and against seconds, one line per method: solid for
    gradient optimizers, dashed for gradient-free ones (``metaopt nn``)."""
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8), sharey=True)
    colors = plt.get_cmap("tab20").colors
    for k, (name, row) in enumerate(rows.items()):
        passes, seconds, loss = row["curve"]
        style = dict(linestyle="-" if row["kind"] == "gradient" else "--",
                     color=colors[k % 20], linewidth=1.2 if row["kind"] == "gradient" else 2.0)
        left.plot(passes, loss, label=name, **style)
        right.plot(seconds, loss, label=name, **style)
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel("per-sample forward passes")
    right.set_xlabel("wall-clock seconds")
    left.set_ylabel("test loss (cross-entropy)")
    right.legend(fontsize=7, ncol=2)
    if title:
        fig.suptitle(title)
    return fig


def front(F, true_front=None, ax=None, title=None, labels=None):
    """The objective values of a front (k, 2) or (k, 3), and the true front when given; three
    objectives on 3-D axes."""
    F = np.asarray(F, float)
    m = F.shape[1]
    if m not in (2, 3):
        raise ValueError(f"front draws 2 or 3 objectives, got {m}")
    if ax is None:
        fig = pyplot().figure(figsize=(6, 5))
        ax = fig.add_subplot(projection="3d" if m == 3 else None)
    if true_front is not None:
        T = np.asarray(true_front, float)
        ax.scatter(*T.T, s=2, color="0.7", label="true front")
    ax.scatter(*F.T, s=12, color="C0", label=f"found ({len(F)} points)")
    names = labels or [f"f{k + 1}" for k in range(m)]
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    if m == 3:
        ax.set_zlabel(names[2])
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return ax


def hypervolume(results, ax=None, title=None):
    """The hypervolume of the front found against evaluations of one or more runs of several
    objectives (``Result.history``)."""
    from .result import Result

    ax = _axes(ax)
    runs = results if isinstance(results, dict) and not isinstance(results, Result) \
        else {None: results}
    for label, res in runs.items():
        history = res.history if isinstance(res, Result) else res
        ax.plot(history["nfev"], history["hypervolume"], label=label)
    ax.set_ylabel("hypervolume of the front")
    _finish(ax, title, any(label is not None for label in runs))
    return ax


def save(ax_or_fig, path, dpi=120):
    """Save tightly cropped, and close the figure."""
    fig = getattr(ax_or_fig, "figure", ax_or_fig)
    fig.tight_layout()
    fig.savefig(path, dpi=dpi, bbox_inches="tight", pad_inches=0.05)
    pyplot().close(fig)
    return path
