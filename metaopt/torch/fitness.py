"""Whole-population network evaluation: all P individuals in one batched pass."""

import numpy as np
import torch
from torch import nn

from .losses import population_loss
from .params import parameter_box
from .population import PopulationModule

__all__ = ["NetworkFitness", "flops_per_sample"]

class NetworkFitness:
    """A vectorized objective: the loss of each of P parameter vectors of ``module`` on data.

    Use with ``metaopt.minimize(fitness, fitness.bounds(), vectorized=True)`` or ask/tell. All P
    individuals are evaluated in one batched pass: ``torch.func.functional_call`` under ``vmap``
    over stacked parameters in general, and, for an ``nn.Sequential`` of Linear layers and
    activations, batched matrix products (``baddbmm``), which measure faster on CPU. Chunks of
    ``chunk_size`` individuals bound memory. Runs on ``device`` (CUDA when present by default);
    values come back as numpy.

    The module is evaluated in ``eval()`` mode: dropout is off and batch norm uses its running
    statistics; buffers are shared by all individuals, not evolved.

    Parameters
    ----------
    module : torch.nn.Module
        Its own parameters are the initialisation; they are not changed.
    loss : "cross_entropy", "mse", a torch loss module, or callable(outputs, targets)
        A module such as ``nn.CrossEntropyLoss()`` (integer class labels) or ``nn.MSELoss()``
        works as in a training loop; a callable gets one member's outputs (B, ...) and the
        targets and returns a scalar or per-sample losses.
    data : (X, y) or dict with "train" (and "test") pairs of arrays or tensors
    device : str or torch.device, optional
    batch_size : int, optional
        Minibatch per evaluation, drawn from the engine's rng (the engine passes it); the same
        minibatch for every individual of a batch. Default: all training samples.
    chunk_size : int, optional
        Individuals per pass; default sized to about 256 MB of activations.
    fast_path : {"auto", "bmm", "vmap"}
    """

    takes_rng = True  # the engine passes a Generator per batch (minibatches)

    def __init__(self, module, loss, data, device=None, batch_size=None, chunk_size=None,
                 fast_path="auto"):
        self.population = PopulationModule(module, device, fast_path)
        self.device = self.population.device
        self.module = self.population.module
        self.layout = self.population.layout
        self.path = self.population.path
        self.dim = self.layout.dim
        self.loss, self.classification = population_loss(loss)
        if isinstance(data, dict):
            train, test = data["train"], data.get("test")
        else:
            train, test = data, None
        self.train = self._tensors(train)
        self.test = None if test is None else self._tensors(test)
        n = self.train[0].shape[0]
        if batch_size is not None and not (isinstance(batch_size, int) and 0 < batch_size):
            raise ValueError(f"batch_size must be a positive int, got batch_size={batch_size!r}")
        self.batch_size = None if batch_size is None or batch_size >= n else batch_size
        self.chunk_size = chunk_size
        self.x0 = self.layout.flatten(self.module)

    def _tensors(self, pair):
        X, y = pair
        X = torch.as_tensor(np.asarray(X) if not torch.is_tensor(X) else X,
                            dtype=self.layout.dtype, device=self.device)
        y = torch.as_tensor(np.asarray(y) if not torch.is_tensor(y) else y, device=self.device)
        if self.classification:
            y = y.long()
        elif torch.is_floating_point(y):  # integer targets keep their dtype
            y = y.to(self.layout.dtype)
        return X, y

    # -- the objective ------------------------------------------------------------------------
    def __call__(self, X, rng=None):
        """Training losses of the P rows of ``X`` (P, D) as a float64 numpy array."""
        inputs, targets = self.train
        if self.batch_size is not None:
            gen = rng if rng is not None else np.random.default_rng(0)
            idx = torch.as_tensor(gen.choice(inputs.shape[0], self.batch_size, replace=False),
                                  device=self.device)
            inputs, targets = inputs[idx], targets[idx]
        losses, _ = self.evaluate_population(X, inputs, targets)
        return losses

    def evaluate_population(self, X, inputs, targets):
        """(losses, accuracies or None) of every row of X on the given samples."""
        X = np.asarray(X)
        P = X.shape[0]
        chunk = self.chunk_size or self._default_chunk(inputs.shape[0])
        losses = np.empty(P)
        accuracy = np.empty(P) if self.classification else None
        with torch.no_grad():
            for start in range(0, P, chunk):
                params = self.layout.stacked(X[start:start + chunk], self.device)
                out = self.population.forward(params, inputs)  # (p, B, ...)
                p = out.shape[0]
                values = self.loss(out, targets).mean(dim=1).double().cpu().numpy()
                losses[start:start + p] = np.where(np.isfinite(values), values, np.inf)
                if accuracy is not None:
                    hits = (out.argmax(dim=-1) == targets).double().mean(dim=1)
                    accuracy[start:start + p] = hits.cpu().numpy()
        return losses, accuracy

    def _default_chunk(self, batch):
        """Members per pass: activations of about 8 MB on a CPU, where cache-sized chunks run
        faster than one large pass (measured in benchmarks/torch_throughput.py), and of about
        256 MB on a GPU."""
        widest = max(shape[0] for shape in self.layout.shapes)
        per_member = 4 * batch * max(widest, 1) + 4 * self.dim
        budget = 8e6 if self.device.type == "cpu" else 256e6
        return max(1, min(8192, int(budget // per_member)))

    # -- reporting ----------------------------------------------------------------------------
    def bounds(self, radius=None):
        """A box for the search, ``[-radius, radius]`` per weight (see :func:`parameter_box`)."""
        return parameter_box(self.layout, self.x0, radius)

    def initial_population(self, pop_size, scale=0.1, rng=None):
        """Individuals around the module's initialisation (see ParameterLayout)."""
        X = self.layout.initial_population(self.module, pop_size, scale, rng)
        box = self.bounds()
        return np.clip(X, box[:, 0], box[:, 1])

    def evaluate(self, x, split="test"):
        """Loss (and accuracy) of one parameter vector on the "train" or "test" data."""
        data = self.test if split == "test" else self.train
        if data is None:
            raise ValueError(f"no {split!r} data was given")
        losses, accuracy = self.evaluate_population(np.asarray(x)[None, :], *data)
        out = {"loss": float(losses[0])}
        if accuracy is not None:
            out["accuracy"] = float(accuracy[0])
        return out

    def module_with(self, x):
        """A copy of the module carrying the parameter vector ``x``."""
        import copy

        return self.layout.load(copy.deepcopy(self.module), x)

    def __repr__(self):
        return (f"NetworkFitness({type(self.module).__name__}, D={self.dim}, path={self.path}, "
                f"device={self.device})")


def flops_per_sample(module):
    """Multiply-adds x 2 of the Linear layers of an MLP for one sample (for FLOP/s figures)."""
    return 2 * sum(m.in_features * m.out_features for m in module.modules()
                   if isinstance(m, nn.Linear))

