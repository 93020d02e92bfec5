"""A progress bar for runs (tqdm): evaluations done, best value, evaluations per second, ETA."""

import sys

__all__ = ["Progress"]


class Progress:
    """Shows a tqdm bar over the evaluation budget once a run has lasted a second.

    ``enabled=None`` shows it only when stderr is a terminal; True forces it, False hides it.
    Without tqdm installed it stays silent. The bar starts after the first generation, so
    that its rate and ETA leave out the first run's kernel compilation.
    """

    def __init__(self, budget, enabled=None, description="metaopt"):
        self.bar = None
        self.budget, self.description = budget, description
        if enabled is None:
            enabled = sys.stderr.isatty()
        self.enabled = bool(enabled)

    def update(self, opt):
        """Move the bar to the optimizer's evaluations and show its best value."""
        if not self.enabled:
            return
        if self.bar is None:
            try:
                from tqdm.auto import tqdm
            except ImportError:  # pragma: no cover - tqdm is in the plot extra
                self.enabled = False
                return
            self.bar = tqdm(total=self.budget, initial=opt.nfev, desc=self.description,
                            unit="eval", unit_scale=True, delay=1.0, leave=True,
                            dynamic_ncols=True)
            return
        self.bar.update(opt.nfev - self.bar.n)
        name, value = opt.progress()
        self.bar.set_postfix({name: f"{value:.6g}"}, refresh=False)

    def close(self):
        """Close the bar (when one is shown)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
