"""A module evaluated for a whole population of parameter vectors at once."""

import torch
from torch import nn
from torch.func import functional_call, vmap

from .params import ParameterLayout, default_device

__all__ = ["PopulationModule"]

# Parameter-free activations (in-place where torch has the form; used after a layer's output).
_ACTIVATIONS = {nn.ReLU: torch.relu_, nn.Tanh: torch.tanh_, nn.Sigmoid: torch.sigmoid_,
                nn.GELU: nn.functional.gelu, nn.Identity: lambda h: h,
                nn.ELU: nn.functional.elu, nn.SiLU: nn.functional.silu,
                nn.Softplus: nn.functional.softplus}


def mlp_plan(module):
    """For an ``nn.Sequential`` of Linear layers and parameter-free activations, the steps of
    the batched-matmul path as (kind, layer name or function); otherwise None."""
    if not isinstance(module, nn.Sequential) or len(module) == 0:
        return None
    plan = []
    for name, layer in module.named_children():
        if isinstance(layer, nn.Linear):
            plan.append(("linear", name))
        elif type(layer) in _ACTIVATIONS:
            plan.append(("act", _ACTIVATIONS[type(layer)]))
        elif isinstance(layer, nn.LeakyReLU):
            slope = layer.negative_slope
            plan.append(("act", lambda h, s=slope: nn.functional.leaky_relu(h, s)))
        else:
            return None
    return plan


class PopulationModule:
    """``module`` evaluated with P parameter sets in one call.

    ``forward(params, inputs)`` takes stacked parameters ``{name: (P, *shape)}`` and inputs
    either shared, (B, ...), or per member, (P, B, ...), and returns (P, B, ...). Plain MLPs
    (Sequential of Linear and activations) run as batched matrix products (``baddbmm``); any
    other module runs ``torch.func.functional_call`` under ``vmap``. The module is used in
    ``eval()`` mode and its buffers are shared by all members.
    """

    def __init__(self, module, device=None, fast_path="auto"):
        if not isinstance(module, nn.Module):
            raise TypeError(f"module must be a torch.nn.Module, got {module!r}")
        if fast_path not in ("auto", "bmm", "vmap"):
            raise ValueError(f"fast_path must be 'auto', 'bmm' or 'vmap', got {fast_path!r}")
        self.device = default_device(device)
        self.module = module.to(self.device).eval()
        self.layout = ParameterLayout(self.module)
        self.plan = mlp_plan(self.module) if fast_path in ("auto", "bmm") else None
        if fast_path == "bmm" and self.plan is None:
            raise ValueError("fast_path='bmm' needs an nn.Sequential of Linear layers and "
                             "activations")
        self.path = "bmm" if self.plan is not None else "vmap"
        self.buffers = dict(self.module.named_buffers())

    def forward(self, params, inputs, shared=True):
        """The outputs (P, B, ...) of the P members ``params`` on ``inputs`` (shared (B, ...), or
        per member (P, B, ...) when not ``shared``)."""
        if self.plan is not None:
            return self._bmm(params, inputs, shared)
        buffers = self.buffers

        def one(p, x):
            return functional_call(self.module, {**p, **buffers}, (x,))

        return vmap(one, in_dims=(0, None if shared else 0))(params, inputs)

    def _bmm(self, params, inputs, shared):
        p = params[self.layout.names[0]].shape[0]
        h = inputs.expand((p,) + tuple(inputs.shape)) if shared else inputs  # views, no copy
        owned = False  # in-place activations only on tensors this pass created
        for kind, step in self.plan:
            if kind == "act":
                h = step(h if owned else h.clone())
                owned = True
                continue
            W = params[step + ".weight"].transpose(1, 2)  # (p, in, out)
            b = params.get(step + ".bias")
            h = torch.bmm(h, W) if b is None else torch.baddbmm(b[:, None, :], h, W)
            owned = True
        return h
