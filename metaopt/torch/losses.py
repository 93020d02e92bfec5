"""Per-sample losses of a whole population's outputs (P, B, ...) against shared targets (or,
for the built-in losses, per-member targets (P, B, ...))."""

import torch
from torch import nn

__all__ = ["population_loss"]


def _cross_entropy(out, y):
    # (P, B, C) logits, (B,) classes -> (P, B): logsumexp minus the true logit, no copies of y.
    return torch.logsumexp(out, dim=-1) - out.gather(-1, y.expand(out.shape[:2])[..., None])[..., 0]


def _mse(out, y):
    if y.shape == out.shape[:2] and out.ndim == 3 and out.shape[2] == 1 and y.ndim == 2:
        y = y[..., None]  # per-member (P, B) targets, one output
    if y.shape != out.shape[1:] and y.shape != out.shape:
        if y.ndim == 1 and out.ndim == 3 and out.shape[2] == 1:  # (B,) targets, one output
            y = y[:, None]
        else:
            raise ValueError(f"mse: targets of shape {tuple(y.shape)} do not match outputs of "
                             f"shape {tuple(out.shape[1:])} per member")
    return ((out - y) ** 2).reshape(out.shape[0], out.shape[1], -1).mean(dim=-1)


def population_loss(loss):
    """Per-sample losses of a population's outputs (P, B, ...) against targets (B, ...), and
    whether the task is classification (integer targets, accuracy reported).

    Accepts our names, torch loss modules (``nn.CrossEntropyLoss()``, ``nn.MSELoss()`` use the
    built-in fast losses when they are equivalent; any other module runs with
    ``reduction="none"``), and any callable ``loss(outputs, targets)``, called per member.
    """
    if loss == "cross_entropy":
        return _cross_entropy, True
    if loss == "mse":
        return _mse, False
    if isinstance(loss, nn.CrossEntropyLoss) and loss.weight is None \
            and loss.label_smoothing == 0.0:
        return _cross_entropy, True
    if isinstance(loss, nn.MSELoss):
        return _mse, False
    if isinstance(loss, nn.modules.loss._Loss):
        import copy

        per_sample = copy.copy(loss)
        per_sample.reduction = "none"

        def module_loss(out, y):
            P, B = out.shape[0], out.shape[1]
            flat_y = y.repeat((P,) + (1,) * (y.ndim - 1))
            values = per_sample(out.reshape((P * B,) + tuple(out.shape[2:])), flat_y)
            return values.reshape(P, B, -1).mean(dim=-1)
        return module_loss, isinstance(loss, (nn.CrossEntropyLoss, nn.NLLLoss))
    if callable(loss):
        def member_loss(out, y):
            rows = [torch.as_tensor(loss(out[p], y), dtype=out.dtype, device=out.device)
                    for p in range(out.shape[0])]
            # a per-sample (B,) value or a scalar per member, as the callable returns it
            return torch.stack([r.reshape(-1).expand(out.shape[1]) if r.numel() == 1
                                else r.reshape(out.shape[1], -1).mean(dim=-1) for r in rows])
        return member_loss, False
    raise ValueError(f"loss must be 'cross_entropy', 'mse', a torch loss module or a callable "
                     f"loss(outputs, targets), got loss={loss!r}")
