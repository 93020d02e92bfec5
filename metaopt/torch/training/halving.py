"""Successive halving and Hyperband for a batched training: the worse members stop early."""

from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["SuccessiveHalving", "Hyperband"]


@dataclass
class SuccessiveHalving:
    """Successive halving (K. Jamieson, A. Talwalkar, "Non-stochastic Best Arm Identification
    and Hyperparameter Optimization", AISTATS 2016; the rungs of L. Li et al., "Hyperband",
    JMLR 2018): at each rung (``min_steps``, ``min_steps * eta``, ... below ``steps``) the
    members are ranked by validation loss and only the best ``1 / eta`` (at least one) train
    on; a stopped member keeps the weights and the validation loss of its last rung.

    ``min_steps`` defaults to ``steps // eta**2`` (two rungs)."""

    eta: int = 3
    min_steps: int = None

    def rungs(self, steps):
        """The steps at which members are compared (each below ``steps``)."""
        if isinstance(self.eta, bool) or not isinstance(self.eta, int) or self.eta < 2:
            raise ValueError(f"SuccessiveHalving: eta must be an int >= 2, got {self.eta!r}")
        first = self.min_steps if self.min_steps is not None else steps // self.eta ** 2
        if isinstance(first, bool) or not isinstance(first, int) or first < 1:
            raise ValueError(f"SuccessiveHalving: min_steps must be an int >= 1 (and "
                             f"steps // eta**2 >= 1 by default), got {first!r}")
        out, rung = [], first
        while rung < steps:
            out.append(rung)
            rung *= self.eta
        return out


@dataclass
class Hyperband:
    """Hyperband's brackets (L. Li, K. Jamieson, G. DeSalvo, A. Rostamizadeh, A. Talwalkar,
    JMLR 18(185), 2018) over successive halving, one bracket per batch of trials: bracket
    ``s`` (from ``s_max = floor(log_eta(steps / min_steps))`` down to 0, then again) first
    compares the members at ``steps / eta**s`` steps; bracket 0 trains every member to the end.
    """

    eta: int = 3
    min_steps: int = 1

    def brackets(self, steps):
        """The SuccessiveHalving of each bracket, the most aggressive first."""
        if isinstance(self.min_steps, bool) or not isinstance(self.min_steps, int) \
                or not 1 <= self.min_steps <= steps:
            raise ValueError(f"Hyperband: min_steps must be an int in [1, steps={steps}], got "
                             f"{self.min_steps!r}")
        s_max = 0
        while steps // self.eta ** (s_max + 1) >= self.min_steps:
            s_max += 1
        return [SuccessiveHalving(self.eta, max(1, steps // self.eta ** s))
                for s in range(s_max, -1, -1)]

    def bracket(self, index, steps):
        """The SuccessiveHalving of the ``index``-th batch (brackets in turn)."""
        brackets = self.brackets(steps)
        return brackets[index % len(brackets)]


class _Halving:
    """The members still training and what the stopped ones left at their last rung."""

    def __init__(self, P, rungs, eta, evaluate):
        self.rungs, self.eta = tuple(rungs), eta
        self.active = np.arange(P)  # original indices of the members still training
        self.steps_trained = np.full(P, 0, dtype=np.int64)
        self.rung = np.zeros(P, dtype=np.int64)
        self.stopped = {}  # original index -> (params, train/val losses and accuracies)
        self.evaluate = evaluate  # params -> (validation losses, accuracies or None)

    def expand(self, values):
        """A (P,) array of the active members' ``values``, NaN for the stopped ones."""
        out = np.full(self.steps_trained.size, np.nan)
        out[self.active] = values
        return out

    def prune(self, step, params):
        """Rank the active members at this rung; returns the positions of those kept."""
        losses, accuracy = self.evaluate(params)
        kept = max(1, self.active.size // self.eta)
        ranked = np.argsort(losses, kind="stable")
        keep, stop = np.sort(ranked[:kept]), ranked[kept:]
        for pos in stop:
            member = self.active[pos]
            self.steps_trained[member] = step
            self.stopped[member] = ({k: v[pos].detach().clone() for k, v in params.items()},
                                    losses[pos], None if accuracy is None else accuracy[pos])
        self.rung[self.active[keep]] += 1
        self.active = self.active[keep]
        return keep

    def joined(self, params, finals):
        """Every member's weights and values, in member order: the survivors' at the end,
        the stopped ones' at their rung (their train values are their validation's)."""
        P = self.steps_trained.size
        full = {k: torch.empty((P,) + tuple(v.shape[1:]), dtype=v.dtype, device=v.device)
                for k, v in params.items()}
        for k, v in params.items():
            full[k][torch.as_tensor(self.active, device=v.device)] = v
        out = []
        for values in finals:
            if values is None:
                out.append(None)
                continue
            arr = np.empty(P)
            arr[self.active] = values
            out.append(arr)
        for member, (p, val_loss, val_acc) in self.stopped.items():
            for k in full:
                full[k][member] = p[k]
            out[0][member] = out[2][member] = val_loss
            if out[1] is not None:
                out[1][member] = out[3][member] = val_acc
        return full, tuple(out)


