"""A progress bar for runs (tqdm): evaluations done, best value, evaluations per second, ETA."""

import sys

__all__ = ["Progress"]


class Progress:
    """Shows a tqdm bar over the evaluation budget once a run has lasted a second.

    ``enabled=None`` shows it only when stderr is a terminal; True forces it, False hides it.
    Without tqdm installed it stays silent.
    """

    def __init__(self, budget, enabled=None, description="metaopt"):
        self.bar = None
        if enabled is None:
            enabled = sys.stderr.isatty()
        if not enabled:
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:  # pragma: no cover - tqdm is in the plot extra
            return
        self.bar = tqdm(total=budget, desc=description, unit="eval", delay=1.0, leave=True,
                        dynamic_ncols=True)

    def update(self, opt):
        if self.bar is None:
            return
        self.bar.update(opt.nfev - self.bar.n)
        self.bar.set_postfix(best=f"{opt.best_fun:.6g}", refresh=False)

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None
