"""Initialising a network's parameters from a run's rng, without torch's global generator."""

import math

import torch
from torch import nn

from ..rng import as_generator

__all__ = ["init_parameters"]


def init_parameters(module, rng=None):
    """Re-draw ``module``'s parameters as its layers' ``reset_parameters`` would (Kaiming-uniform
    weights and uniform biases for Linear and convolution layers), from a torch Generator seeded
    by ``rng`` (None, int or numpy Generator), so that torch's global generator is neither read
    nor changed. Layers whose ``reset_parameters`` draws other random numbers run it under
    ``torch.random.fork_rng``, seeded from the same stream. Returns ``module``.
    """
    gen = as_generator(rng)
    torch_gen = torch.Generator().manual_seed(int(gen.integers(0, 2**63 - 1)))
    with torch.no_grad():
        for layer in module.modules():
            if isinstance(layer, (nn.Linear, nn.modules.conv._ConvNd)):
                nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=torch_gen)
                if layer.bias is not None:
                    fan_in, _ = nn.init._calculate_fan_in_and_fan_out(layer.weight)
                    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
                    nn.init.uniform_(layer.bias, -bound, bound, generator=torch_gen)
            elif hasattr(layer, "reset_parameters") and any(
                    True for _ in layer.parameters(recurse=False)):
                with torch.random.fork_rng(devices=[]):
                    torch.manual_seed(int(torch.randint(0, 2**62, (1,), generator=torch_gen)))
                    layer.reset_parameters()
    return module
