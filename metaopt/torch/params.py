"""A network's parameters as one flat vector of length D, and a population of them as a
(P, D) array or as stacked per-member tensors (the layout of torch.func.stack_module_state)."""

import numpy as np
import torch

from ..rng import as_generator

__all__ = ["ParameterLayout", "default_device", "parameter_box"]


def default_device(device=None):
    """``device`` as a torch.device; by default CUDA when present, else the CPU."""
    if device is not None:
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


class ParameterLayout:
    """Where each parameter of ``module`` sits in the flat vector (in ``named_parameters``
    order).

    Attributes
    ----------
    names, shapes : lists
    sizes, offsets : lists of int
    dim : int, D
    """

    def __init__(self, module):
        params = [(n, p) for n, p in module.named_parameters() if p.requires_grad]
        if not params:
            raise ValueError("the module has no trainable parameters")
        self.names = [n for n, _ in params]
        self.shapes = [tuple(p.shape) for _, p in params]
        self.sizes = [p.numel() for _, p in params]
        self.offsets = list(np.cumsum([0] + self.sizes[:-1]))
        self.dim = int(sum(self.sizes))
        self.dtype = params[0][1].dtype

    def flatten(self, module):
        """The module's parameters as a float64 numpy vector of length D."""
        named = dict(module.named_parameters())
        return np.concatenate([named[n].detach().cpu().reshape(-1).double().numpy()
                               for n in self.names])

    def stacked(self, X, device=None, dtype=None):
        """A population (P, D) as ``{name: tensor (P, *shape)}`` (views of one tensor)."""
        T = torch.as_tensor(np.asarray(X), dtype=dtype or self.dtype,
                            device=default_device(device))
        if T.ndim != 2 or T.shape[1] != self.dim:
            raise ValueError(f"a population must have shape (P, {self.dim}), got {tuple(T.shape)}")
        P = T.shape[0]
        return {name: T[:, off:off + size].reshape((P,) + shape)
                for name, shape, size, off in zip(self.names, self.shapes, self.sizes,
                                                  self.offsets)}

    def flat(self, stacked):
        """Stacked parameters ``{name: (P, *shape)}`` back to a (P, D) tensor."""
        first = stacked[self.names[0]]
        return torch.cat([stacked[n].reshape(first.shape[0], -1) for n in self.names], dim=1)

    def load(self, module, x):
        """Write the vector ``x`` (D,) into the module's parameters, in place."""
        named = dict(module.named_parameters())
        x = torch.as_tensor(np.asarray(x))
        with torch.no_grad():
            for name, shape, size, off in zip(self.names, self.shapes, self.sizes, self.offsets):
                p = named[name]
                p.copy_(x[off:off + size].reshape(shape).to(p.dtype))
        return module

    def initial_population(self, module, pop_size, scale=0.1, rng=None, keep_first=True):
        """``pop_size`` vectors around the module's own initialisation: each parameter tensor
        gets Gaussian noise of ``scale`` times its own standard deviation (or ``scale`` for a
        constant tensor such as a zero bias). Row 0 is the initialisation itself when
        ``keep_first``."""
        gen = as_generator(rng)
        x0 = self.flatten(module)
        spread = np.empty(self.dim)
        for size, off in zip(self.sizes, self.offsets):
            block = x0[off:off + size]
            spread[off:off + size] = scale * (block.std() if block.std() > 0 else 1.0)
        X = x0 + spread * gen.standard_normal((pop_size, self.dim))
        if keep_first:
            X[0] = x0
        return X


def parameter_box(layout, x0, radius=None):
    """A box for searching a network's weights: ``[-radius, radius]`` per weight (default: 5
    times the largest initial magnitude in ``x0`` of each tensor, at least 1), as (D, 2)."""
    lo, hi = np.empty(layout.dim), np.empty(layout.dim)
    for size, off in zip(layout.sizes, layout.offsets):
        block = x0[off:off + size]
        r = radius if radius is not None else max(1.0, 5.0 * float(np.abs(block).max()))
        lo[off:off + size], hi[off:off + size] = -r, r
    return np.stack([lo, hi], axis=1)
